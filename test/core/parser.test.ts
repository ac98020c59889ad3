import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { SpeakerTable } from '../../server/src/core/speakers.ts';
import type { Root, Turn, Paragraph, Text, Tag } from '../../server/src/core/types.ts';
import { SEED, ANNOMI_DIR, labelsByFile } from '../helpers/data.ts';

const turnsOf = (root: Root) => root.children.filter((c): c is Turn => c.type === 'turn');
const textsOf = (turn: Turn) =>
  turn.children.filter((c): c is Paragraph => c.type === 'paragraph').flatMap((p) => p.children.filter((c): c is Text => c.type === 'text'));

/** The offset of a 1-based line and column, counting \r\n, \r and \n as line breaks. */
function offsetOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = source.slice(offset).search(/\r\n|\r|\n/);
    assert.notEqual(next, -1, `line ${line} exists`);
    offset += next + (source.startsWith('\r\n', offset + next) ? 2 : 1);
  }
  return offset + column - 1;
}

/** Every label and text node slices exactly its value, and its line/column agree with its offset. */
function assertExactPositions(source: string, root: Root) {
  const check = (node: { position: { start: { line: number; column: number; offset?: number }; end: { line: number; column: number; offset?: number } } }) => {
    for (const point of [node.position.start, node.position.end]) assert.equal(offsetOf(source, point.line, point.column), point.offset);
  };
  for (const turn of turnsOf(root)) {
    const label = turn.children[0]!;
    assert.equal(label.type, 'label');
    assert.equal(source.slice(label.position.start.offset, label.position.end.offset), turn.speaker);
    check(label);
    for (const text of textsOf(turn)) {
      assert.equal(source.slice(text.position.start.offset, text.position.end.offset), text.value);
      check(text);
    }
  }
}

test('the seed session has a header and 48 turns', () => {
  const source = fs.readFileSync(SEED, 'utf8');
  const root = parseTranscript(source);
  const header = root.children[0]!;
  assert.equal(header.type, 'header');
  assert.ok(header.type === 'header');
  assert.equal(header.children[0]!.value, 'Session Summary:');
  assert.equal(header.children[0]!.type, 'heading');
  // "1. Main topics discussed:", "Homework assigned:" and the "Note:" are header lines, not turns.
  const values = header.children.map((c) => c.value);
  assert.ok(values.includes('1. Main topics discussed:'));
  assert.ok(values.some((v) => v.startsWith('Note: The session included')));
  assert.equal(header.children.find((c) => c.value.startsWith('- Review'))!.type, 'listItem');
  const turns = turnsOf(root);
  assert.equal(turns.length, 48);
  assert.deepEqual(
    turns.slice(0, 4).map((t) => [t.speaker, t.role]),
    [['Therapist', 'therapist'], ['Patient', 'patient'], ['Therapist', 'therapist'], ['Patient', 'patient']],
  );
  // The first turn has two paragraphs; the first starts right after "Therapist: ".
  const first = textsOf(turns[0]!);
  assert.equal(first.length, 2);
  assert.equal(first[0]!.position.start.line, 33);
  assert.equal(first[0]!.position.start.column, 12);
  assert.ok(first[0]!.value.startsWith('Welcome back to our session, Naomi.'));
  assertExactPositions(source, root);
});

test('AnnoMI sessions parse into the turns labels.jsonl lists (Client label)', () => {
  const byFile = labelsByFile();
  assert.equal(byFile.size, 133);
  for (const [file, rows] of byFile) {
    const source = fs.readFileSync(path.join(ANNOMI_DIR, file), 'utf8');
    const root = parseTranscript(source);
    const turns = turnsOf(root);
    assert.equal(turns.length, rows.length, file);
    assert.equal(root.children[0]!.type, 'turn', `${file} has no header`);
    turns.forEach((turn, i) => {
      assert.equal(turn.position.start.line, rows[i]!.line, `${file} turn ${i}`);
      assert.equal(turn.role, rows[i]!.speaker === 'client' ? 'patient' : 'therapist', `${file} turn ${i}`);
    });
  }
});

test('CRLF, BOM, tabs, trailing spaces and a missing final newline keep positions exact', () => {
  const lf = 'Therapist: How are you today?\n\nClient: Not great.\nI slept badly.\n\nTherapist: Tell me more.';
  const variants = {
    lf,
    crlf: lf.replace(/\n/g, '\r\n'),
    cr: lf.replace(/\n/g, '\r'),
    bom: `\uFEFF${lf}`,
    tabs: lf.replace(/: /g, ':\t').replace(/\n\n/g, '  \n\t\n'),
    finalNewline: `${lf}\n`,
  };
  for (const [name, source] of Object.entries(variants)) {
    const root = parseTranscript(source);
    const turns = turnsOf(root);
    assert.equal(turns.length, 3, name);
    assert.deepEqual(turns.map((t) => t.speaker), ['Therapist', 'Client', 'Therapist'], name);
    assertExactPositions(source, root);
    const client = textsOf(turns[1]!)[0]!;
    assert.equal(client.position.start.line, 3, name);
    assert.equal(client.position.end.line, 4, name);
    assert.equal(client.value.replace(/\r\n?/g, '\n'), 'Not great.\nI slept badly.', name);
  }
  // The BOM is not part of the first label.
  const bom = turnsOf(parseTranscript(variants.bom))[0]!;
  assert.equal(bom.children[0]!.position.start.offset, 1);
});

test('an empty file, blank lines only, and a file without turns all parse', () => {
  for (const source of ['', '\n\n  \n', 'Just some notes.\nNo speakers here.']) {
    const root = parseTranscript(source);
    assert.equal(turnsOf(root).length, 0);
    assert.equal(root.position.end.offset, source.length);
  }
  const notes = parseTranscript('Just some notes.\nNo speakers here.');
  assert.equal(notes.children[0]!.type, 'header');
});

test('a label without text is an empty turn; text may start on the next line', () => {
  const root = parseTranscript('Therapist:\nClient:\nWell, hello.\n');
  const [t, c] = turnsOf(root);
  assert.equal(textsOf(t!).length, 0);
  assert.equal(textsOf(c!)[0]!.value, 'Well, hello.');
  assert.equal(textsOf(c!)[0]!.position.start.line, 3);
});

test('tags after a label tag the turn; at a paragraph start they tag the paragraph', () => {
  const source = 'Therapist: [cbt:socratic-questioning] [mi:question] What makes you sure?\n\n[cbt:reflection] You sound certain.\nClient: [cbt:role-play]\n';
  const root = parseTranscript(source);
  const [t, c] = turnsOf(root);
  const turnTags = t!.children.filter((x): x is Tag => x.type === 'tag');
  assert.deepEqual(turnTags.map((x) => `${x.namespace}:${x.id}`), ['cbt:socratic-questioning', 'mi:question']);
  assert.equal(source.slice(turnTags[1]!.position.start.offset, turnTags[1]!.position.end.offset), '[mi:question]');
  const paragraphs = t!.children.filter((x): x is Paragraph => x.type === 'paragraph');
  assert.equal(paragraphs.length, 2);
  assert.equal(paragraphs[0]!.children.length, 1);
  const paragraphTag = paragraphs[1]!.children[0]!;
  assert.equal(paragraphTag.type, 'tag');
  assert.equal((paragraphTag as Tag).id, 'reflection');
  assert.equal(textsOf(t!)[1]!.value, 'You sound certain.');
  // A tag-only turn has tags but no text.
  assert.equal(c!.children.filter((x) => x.type === 'tag').length, 1);
  assert.equal(textsOf(c!).length, 0);
  // Brackets that are not tags stay text.
  const plain = turnsOf(parseTranscript('Client: [laughs] I know [cbt:not-a-tag-here].'))[0]!;
  assert.equal(plain.children.filter((x) => x.type === 'tag').length, 0);
  assert.equal(textsOf(plain)[0]!.value, '[laughs] I know [cbt:not-a-tag-here].');
});

test('configured names, default short labels and markdown-bold labels', () => {
  const speakers = new SpeakerTable({ Nova: 'therapist', 'Dr. Lee': 'therapist', Naomi: 'patient' });
  const root = parseTranscript('Nova: Hi.\nNaomi: Hello.\nDr. Lee: Welcome.\nT: Okay.\nC: Sure.\n**Therapist:** Bold.\n', { speakers });
  assert.deepEqual(
    turnsOf(root).map((t) => [t.speaker, t.role, t.known]),
    [
      ['Nova', 'therapist', true],
      ['Naomi', 'patient', true],
      ['Dr. Lee', 'therapist', true],
      ['T', 'therapist', true],
      ['C', 'patient', true],
      ['Therapist', 'therapist', true],
    ],
  );
});

test('unknown labels: recurring names are speakers, near misses are flagged turns, header lines are text', () => {
  const root = parseTranscript(
    [
      'Session 4 — notes',
      'Date: 12 May',
      '',
      'Therapist: How was the week?',
      'Mother: She barely slept.',
      'Client: That is not true.',
      'Mother: It is.',
      'Therapsit: Let us slow down.',
      'Note: this line stays in the turn above.',
    ].join('\n'),
  );
  const turns = turnsOf(root);
  assert.deepEqual(
    turns.map((t) => [t.speaker, t.role, t.known, t.nearest ?? null]),
    [
      ['Therapist', 'therapist', true, null],
      ['Mother', 'other', false, null],
      ['Client', 'patient', true, null],
      ['Mother', 'other', false, null],
      ['Therapsit', 'therapist', false, 'Therapist'],
    ],
  );
  assert.equal(root.children[0]!.type, 'header');
  assert.match(textsOf(turns[4]!)[0]!.value, /Note: this line stays/);
});

test('a 1 MB single line and a long file parse without trouble', () => {
  const long = `Therapist: ${'word '.repeat(200_000)}`;
  const root = parseTranscript(long);
  assert.equal(turnsOf(root).length, 1);
  assert.equal(textsOf(turnsOf(root)[0]!)[0]!.value.length, long.trimEnd().length - 'Therapist: '.length);
  const many = Array.from({ length: 50_000 }, (_, i) => `${i % 2 ? 'Client' : 'Therapist'}: Turn ${i}.`).join('\n\n');
  assert.equal(turnsOf(parseTranscript(many)).length, 50_000);
});
