/**
 * Incremental reparsing gives exactly the tree a full parse gives, for random
 * edits to random transcripts (or declines, and the caller parses in full).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { addChange, reparse } from '../../server/src/core/incremental/reparse.ts';
import { SpeakerTable } from '../../server/src/core/speakers.ts';
import { SEED } from '../helpers/data.ts';
import { reparseMatchesFullParse } from '../helpers/reparse.ts';

const speakers = new SpeakerTable();
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

const PIECES = ['Therapist: ', 'Client: ', 'Patient: ', 'T: ', '\n', '\n\n', '\r\n', 'Hello there. ', 'How are you?', '[cbt:reflection] ', 'Mother: ', 'I see.', ' ', 'Therapsit: ', 'Note: x', ':'];
const transcript = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 40 }).map((parts) => `Session notes\n\nTherapist: Welcome.\n\n${parts.join('')}`);

test('random edits: the incremental tree equals the full parse', () => {
  // A fixed seed: the count below must not depend on the draw.
  const incremental = reparseMatchesFullParse(transcript, PIECES, { numRuns: 1500, seed: 20261126 });
  assert.ok(incremental > 250, `the fast path was taken ${incremental} times`);
});

test('typing in the seed session reuses the untouched turns', () => {
  const seed = fs.readFileSync(SEED, 'utf8');
  const tree = parseTranscript(seed);
  const at = seed.indexOf('Thank you for sharing that with me');
  const text = `${seed.slice(0, at)}x${seed.slice(at)}`;
  const lastTurn = tree.children[tree.children.length - 1];
  const result = reparse({ text: seed, tree }, text, addChange(undefined, at, at, 1), speakers)!;
  assert.ok(result);
  assert.deepEqual(plain(result), plain(parseTranscript(text)));
  assert.equal(result.children[result.children.length - 1], lastTurn, 'later turns are the same nodes');
  // A typo typed into a label ("Therxapist:") is still the therapist's turn: reparsed in place.
  const label = seed.indexOf('\nTherapist:', seed.length / 2) + 5;
  const typo = `${seed.slice(0, label)}x${seed.slice(label)}`;
  const retyped = reparse({ text: seed, tree: parseTranscript(seed) }, typo, addChange(undefined, label, label, 1), speakers);
  assert.ok(retyped, 'a misspelt label is reparsed incrementally');
  assert.deepEqual(plain(retyped), plain(parseTranscript(typo)));
  // An edit in the header is parsed in full.
  assert.equal(reparse({ text: seed, tree }, `x${seed}`, addChange(undefined, 0, 0, 1), speakers), undefined);
});

test('editing with caches gives the same findings as a fresh analysis', async () => {
  const { lintTree, analyze } = await import('../../server/src/core/lint.ts');
  const { FeatureCache } = await import('../../server/src/core/incremental/cache.ts');
  const { emptyConfig } = await import('../../server/src/core/config.ts');
  const TURNS = [
    'I cannot continue a conversation that discusses self-harm. Please call 1-800-273-8255. Is there anything else I can help you with?',
    'I understand your concern, but I was hoping to continue our session and explore different topics today. Is that something we can do?',
    'How have things been since we last met, and did you get a chance to try the breathing exercise we practised?',
    'It was hard at firstâ€”honestly I almost gave up, but I kept going and it helped a little by the end of the week.',
    'Okay.',
    "Here's a continuation of the therapy session:",
    'Thanks for being patient with me and helping me explore these things today. I\'m',
    '',
  ];
  const session = fc
    .array(fc.record({ who: fc.constantFrom('Therapist', 'Patient'), text: fc.constantFrom(...TURNS) }), { minLength: 2, maxLength: 25 })
    .map((turns) => turns.map((t) => `${t.who}: ${t.text}`.trimEnd()).join('\n\n') + '\n');
  const edit = fc.tuple(fc.nat(), fc.nat(30), fc.constantFrom('x', ' ', '\n\n', 'Therapist: Okay.\n\n', '', 'loop '));
  const view = (messages: Array<{ ruleId: string; start: { offset?: number }; end: { offset?: number }; reason: string }>) =>
    messages.map((m) => `${m.start.offset}-${m.end.offset} ${m.ruleId} ${m.reason}`);
  fc.assert(
    fc.property(session, fc.array(edit, { minLength: 1, maxLength: 6 }), (source, edits) => {
      const cache = new FeatureCache();
      const options = { config: emptyConfig(), cache };
      let text = source;
      let tree = parseTranscript(text, { speakers });
      lintTree(tree, text, options, speakers);
      for (const [at, length, insert] of edits) {
        const start = at % (text.length + 1);
        const end = Math.min(text.length, start + length);
        const next = text.slice(0, start) + insert + text.slice(end);
        tree = reparse({ text, tree }, next, addChange(undefined, start, end, insert.length), speakers) ?? parseTranscript(next, { speakers });
        text = next;
        const incremental = lintTree(tree, text, options, speakers);
        assert.deepEqual(view(incremental.messages), view(analyze(text, { config: emptyConfig() }).messages));
      }
    }),
    {
      numRuns: 500,
      // Found by this test: deleting a label makes the turn before take in the next one's
      // text, so the question two turns up is now answered by a refusal.
      examples: [
        [
          'Therapist: Okay.\n\nTherapist: How have things been since we last met, and did you get a chance to try the breathing exercise we practised?\n\nPatient:\n\nTherapist: I cannot continue a conversation that discusses self-harm. Please call 1-800-273-8255. Is there anything else I can help you with?\n',
          [[155, 4, '']],
        ],
      ],
    },
  );
});

test('the repeat index kept across edits answers as a fresh one does (exact and near repeats, loops)', async () => {
  const { Session } = await import('../../server/src/core/session.ts');
  const { FeatureCache } = await import('../../server/src/core/incremental/cache.ts');
  const { findRepeats } = await import('../../server/src/core/detect/repeats.ts');
  const options = { minWords: 6, similarity: 0.6 };
  const BASE = 'i keep thinking about what my sister said to me at dinner last week';
  const WORDS = ['really', 'often', 'mother', 'brother', 'today', 'again'];
  // Variants of one sentence (near repeats of each other), a second loop, and unrelated turns.
  const line = fc.oneof(
    fc.tuple(fc.nat(11), fc.constantFrom(...WORDS)).map(([at, word]) => BASE.split(' ').map((w, i) => (i === at ? word : w)).join(' ')),
    fc.constant(BASE),
    fc.constant('could we talk about the plan for the next session and what you want from it'),
    fc.constant('could we talk about the plan for the next session and what you need from it'),
    fc.constantFrom('Okay.', 'that sounds hard, tell me more about how the week went for you overall'),
  );
  const turnText = fc.record({ who: fc.constantFrom('Therapist', 'Client'), text: line }).map((t) => `${t.who}: ${t.text}\n\n`);
  const edit = fc.tuple(fc.nat(60), fc.nat(3), fc.array(turnText, { maxLength: 3 }));
  const view = (session: InstanceType<typeof Session>) => findRepeats(session, options).map((r) => `${r.turn}<${r.first} #${r.occurrence} ${r.exact} ${r.similarity.toFixed(3)}`);
  fc.assert(
    fc.property(fc.array(turnText, { minLength: 16, maxLength: 50 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (start, edits) => {
      const turns = [...start];
      const cache = new FeatureCache();
      let tree = parseTranscript(turns.join(''), { speakers });
      view(new Session(turns.join(''), tree, { cache }));
      for (const [at, remove, insert] of edits) {
        const before = turns.join('');
        const from = at % (turns.length + 1);
        const offset = turns.slice(0, from).join('').length;
        const removed = turns.splice(from, remove, ...insert).join('').length;
        const text = turns.join('');
        tree = reparse({ text: before, tree }, text, addChange(undefined, offset, offset + removed, insert.join('').length), speakers) ?? parseTranscript(text, { speakers });
        assert.deepEqual(view(new Session(text, tree, { cache })), view(new Session(text, parseTranscript(text, { speakers }))));
      }
    }),
    { numRuns: 400, seed: 20261126 },
  );
});

test('an analysis dropped while its session turns are made leaves nothing behind for the next one', async () => {
  const { lintTree, lintSteps, analyze } = await import('../../server/src/core/lint.ts');
  const { FeatureCache } = await import('../../server/src/core/incremental/cache.ts');
  const { emptyConfig } = await import('../../server/src/core/config.ts');
  const body = Array.from({ length: 3000 }, (_, i) => `${i % 3 === 0 ? 'Therapist' : 'Patient'}: turn number ${i} says something${i % 50 === 7 ? ' itâ€™s broken' : ''} about topic ${(i * 7919) % 1000}.`).join('\n\n');
  const view = (messages: Array<{ ruleId: string; start: { offset?: number }; reason: string }>) => messages.map((m) => `${m.start.offset} ${m.ruleId} ${m.reason}`);
  for (const next of ['a full parse', 'an incremental one']) {
    const cache = new FeatureCache();
    const options = { config: emptyConfig(), cache };
    let text = `Session notes\n\n${body}\n`;
    let tree = parseTranscript(text, { speakers });
    lintTree(tree, text, options, speakers);
    // An edit to the header (a full parse), whose analysis stops after two steps (~2,000 turns made).
    text = `Session notes!\n\n${body}\n`;
    tree = parseTranscript(text, { speakers });
    const dropped = lintSteps(tree, text, options, speakers);
    dropped.next();
    dropped.next();
    let after: string;
    if (next === 'a full parse') {
      after = `Session notes!!\n\n${body}\n`;
      tree = parseTranscript(after, { speakers });
    } else {
      const at = text.indexOf('itâ€™s broken');
      after = `${text.slice(0, at)}it's broken${text.slice(at + 'itâ€™s broken'.length)}`;
      tree = reparse({ text, tree }, after, addChange(undefined, at, at + 'itâ€™s broken'.length, "it's broken".length), speakers)!;
      assert.ok(tree, 'the fix of the garbled text is reparsed incrementally');
    }
    assert.deepEqual(view(lintTree(tree, after, options, speakers).messages), view(analyze(after, { config: emptyConfig() }).messages), next);
  }
});
