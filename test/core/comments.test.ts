/**
 * Supervisor comments (`%% …` lines): kept out of turns, words, tags and
 * rules; removed exactly by --strip-comments; parsed incrementally like the
 * rest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { allComments, commentAuthor, stripComments } from '../../server/src/core/comments.ts';
import { stripTags } from '../../server/src/core/tags.ts';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { Session } from '../../server/src/core/session.ts';
import { sessionStats } from '../../server/src/core/stats.ts';
import { SEED } from '../helpers/data.ts';
import { reparseMatchesFullParse } from '../helpers/reparse.ts';

const SOURCE = [
  'Session 3',
  '%% Reviewed by Dr. Lee, 12 May',
  '',
  'Therapist: [cbt:mood-check] How has your week been?',
  '%% Dr. Lee: good open start; [cbt:agenda-setting] would fit better here.',
  'Client: Long. I barely slept.',
  '  %% she mentions sleep again at the end',
  'I kept waking at four.',
  '',
  'Therapist: Call 1-800-273-8255 if it gets bad.',
  '%% outdated number: 988 now',
  '',
].join('\n');

test('comments are neither turns, text, tags nor words', () => {
  const tree = parseTranscript(SOURCE);
  const turns = tree.children.filter((c) => c.type === 'turn');
  assert.equal(turns.length, 3);
  assert.deepEqual(allComments(tree).map((c) => c.value), [
    'Reviewed by Dr. Lee, 12 May',
    'Dr. Lee: good open start; [cbt:agenda-setting] would fit better here.',
    'she mentions sleep again at the end',
    'outdated number: 988 now',
  ]);
  // Positions are exact slices of the text, from the %% to the end of the comment.
  for (const c of allComments(tree)) assert.equal(SOURCE.slice(c.position.start.offset, c.position.end.offset), `%% ${c.value}`);
  assert.equal(tree.comments?.length, 1, 'the header comment is the root’s');
  const header = tree.children[0]!;
  assert.equal(header.type, 'header');
  assert.deepEqual(header.type === 'header' && header.children.map((l) => l.value), ['Session 3']);
  const session = new Session(SOURCE, tree);
  // The client's turn: two paragraphs, the comment between them is not text.
  assert.deepEqual(session.turns[1]!.texts.map((t) => t.value), ['Long. I barely slept.', 'I kept waking at four.']);
  // The tag written inside a comment is no tag.
  assert.deepEqual(session.turns.flatMap((t) => t.tags.map((x) => x.id)), ['mood-check']);
  const stats = sessionStats(session);
  assert.equal(stats.words.patient, 9);
  const clean = stripComments(SOURCE, tree);
  assert.deepEqual(stats.words, sessionStats(new Session(clean, parseTranscript(clean))).words);
  // A turn's range ends with its text: a comment after it is outside.
  assert.ok(turns[0]!.position.end.offset! < turns[0]!.comments![0]!.position.start.offset!);
});

test('no rule sees a comment: the retired number in a comment is not reported, in speech it is', () => {
  const { messages } = analyze(SOURCE.replace('outdated number: 988 now', 'they used to say 1-800-273-8255'), { config: emptyConfig() });
  const crisis = messages.filter((m) => m.ruleId === 'outdated-crisis-line');
  assert.equal(crisis.length, 1);
  assert.equal(crisis[0]!.start.line, 10);
  // The header comment names a person and a date: nothing reports the header comment either.
  assert.ok(messages.every((m) => m.start.line !== 2 && m.start.line !== 5 && m.start.line !== 7));
});

test('an author before a colon', () => {
  const [, second, third] = allComments(parseTranscript(SOURCE));
  assert.deepEqual(commentAuthor(second!), { author: 'Dr. Lee', body: 'good open start; [cbt:agenda-setting] would fit better here.' });
  assert.deepEqual(commentAuthor(third!), { body: 'she mentions sleep again at the end' });
});

test('--strip-comments removes each comment line whole; tags stay, and --strip-tags leaves comments', () => {
  const tree = parseTranscript(SOURCE);
  const stripped = stripComments(SOURCE, tree);
  assert.ok(!stripped.includes('%%'));
  assert.equal(stripped.split('\n').length, SOURCE.split('\n').length - 4);
  assert.ok(stripped.includes('[cbt:mood-check]'));
  const untagged = stripTags(SOURCE, tree);
  assert.equal(allComments(parseTranscript(untagged)).length, 4);
});

/** Transcripts, and places (line starts) to write comment lines into them. */
const LINES = ['Therapist: How are you?', 'Client: Fine, I think.', '', 'T: [cbt:reflection] You sound unsure.', 'More of the same turn.', 'Session notes', '  indented text', 'Mother: Hi.'];
const document = fc.record({
  lines: fc.array(fc.constantFrom(...LINES), { minLength: 0, maxLength: 14 }),
  eol: fc.constantFrom('\n', '\r\n'),
  finalNewline: fc.boolean(),
});
const commentText = fc.constantFrom('%% note', '%%', '  %% indented note', '%% [cbt:validation] Therapist: looks like a label', '%%% three');

test('writing comment lines in and stripping them gives the text back byte for byte (property)', () => {
  fc.assert(
    fc.property(document, fc.array(fc.tuple(fc.nat(), commentText), { maxLength: 5 }), ({ lines, eol, finalNewline }, inserts) => {
      const original = lines.join(eol) + (finalNewline && lines.length ? eol : '');
      // Insert at line starts (or at the very end, after a line break of its own).
      const rows = original.length === 0 ? [] : original.split(eol);
      if (finalNewline && rows.length) rows.pop();
      let commented = [...rows];
      for (const [at, text] of inserts) {
        const i = at % (commented.length + 1);
        commented = [...commented.slice(0, i), text, ...commented.slice(i)];
      }
      const withComments = commented.join(eol) + (finalNewline && commented.length ? eol : '');
      const tree = parseTranscript(withComments);
      assert.equal(allComments(tree).length, inserts.length);
      assert.equal(stripComments(withComments, tree), original);
      // The turns' texts are those of the original.
      const texts = (source: string) => new Session(source, parseTranscript(source)).turns.map((t) => [t.node.speaker, t.features.words, t.tags.length]);
      assert.deepEqual(texts(withComments), texts(original));
    }),
    { numRuns: 500 },
  );
});

const PIECES = ['Therapist: ', 'Client: ', '\n', '\n\n', '\r\n', 'Hello there. ', 'How are you?', '[cbt:reflection] ', '%% a comment', '\n%% note\n', 'I see.', ' ', '%'];
const transcript = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 40 }).map((parts) => `Notes\n%% header comment\n\nTherapist: Welcome.\n\n${parts.join('')}`);

test('random edits around comments: the incremental tree equals the full parse (property)', () => {
  const incremental = reparseMatchesFullParse(transcript, PIECES, { numRuns: 800, seed: 14 });
  assert.ok(incremental > 100, `the fast path was taken ${incremental} times`);
});

test('the seed has no comment lines, and parses as before', () => {
  const seed = fs.readFileSync(SEED, 'utf8');
  const tree = parseTranscript(seed);
  assert.equal(allComments(tree).length, 0);
  assert.equal(tree.comments, undefined);
});
