/**
 * Exports and imports: CSV of turns, JSONL chat records (and back), REFI-QDA
 * projects (validated against REFI's Project.xsd, and back); two coders
 * compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { validateXML } from 'xmllint-wasm';
import { unzipSync, zipSync, strToU8 } from 'fflate';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { sharedDefaultCodebook } from '../../server/src/core/codebook.ts';
import { docOf, renderDoc } from '../../server/src/core/exchange/doc.ts';
import { CSV_COLUMNS, csvHeader, csvRows, parseCsv } from '../../server/src/core/exchange/csv.ts';
import { exportRecord, importRecord, parseRoleMap, RecordError } from '../../server/src/core/exchange/chat.ts';
import { exportQdpx, importQdpx, projectXml, QdpxError } from '../../server/src/core/exchange/qdpx.ts';
import { agreement, DifferentTextError, kappaOf } from '../../server/src/core/agreement.ts';
import { stripTags } from '../../server/src/core/tags.ts';
import { stripComments } from '../../server/src/core/comments.ts';
import { ROOT } from '../helpers/paths.ts';
import { SEED } from '../helpers/data.ts';

const XSD = fs.readFileSync(path.join(ROOT, 'test/data/refi-qda/Project.xsd'), 'utf8');
const TAGGED = fs.readFileSync(path.join(ROOT, 'samples/tagged-cbt-session.transcript'), 'utf8');
const SEED_TEXT = fs.readFileSync(SEED, 'utf8');
const COMMENTED = [
  'Session 2 — homework review',
  '%% Reviewed by Dr. Lee',
  '',
  'Therapist: [cbt:homework-review] [mi:question] How did the log go?',
  '%% Dr. Lee: a good start',
  '',
  'Client: I did most days.',
  '',
  'Therapist: [cbt:reflection] So you kept at it, even on the hard days.',
  '',
  '[cbt:socratic-questioning] What did you notice?',
  '%% second paragraph tagged on its own',
  '',
  'Client: That the thoughts repeat.',
  '',
  'Mother: She was up at four.',
  '',
  'Mother: Every night.',
  '',
].join('\n');

const lint = (text: string) => analyze(text, { config: emptyConfig() });

async function validate(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'project.qde', contents: xml }], schema: [{ fileName: 'Project.xsd', contents: XSD }] });
  return result.errors.map((e) => e.message);
}

test('the exchange view of a transcript writes canonical transcripts back byte for byte', () => {
  for (const text of [TAGGED, SEED_TEXT, COMMENTED]) assert.equal(renderDoc(docOf(text, parseTranscript(text))).text, text);
  // Any layout: the same turns, words, tags and comments.
  const loose = 'Therapist:   [cbt:mood-check]   How are you?  \r\nClient: Fine.\r\n%% ok\r\n\r\n\r\nTherapist: [cbt:reflection]\r\n\r\nFine, you say.\r\n';
  const back = renderDoc(docOf(loose, parseTranscript(loose))).text;
  assert.deepEqual(docOf(back, parseTranscript(back)), docOf(loose, parseTranscript(loose)));
  assert.equal(back, 'Therapist: [cbt:mood-check] How are you?\n\nClient: Fine.\n%% ok\n\nTherapist: [cbt:reflection] Fine, you say.\n');
});

const TURN_TEXTS = ['How are you?', 'Fine, I think.', 'It sounds hard.\nVery hard.', 'Okay.', 'What else?'];
const generated = fc
  .array(
    fc.record({
      who: fc.constantFrom('Therapist', 'Client', 'T', 'Counselor'),
      tags: fc.subarray(['cbt:reflection', 'mi:question', 'cbt:validation'], { maxLength: 2 }),
      paragraphs: fc.array(fc.record({ text: fc.constantFrom(...TURN_TEXTS), tags: fc.subarray(['cbt:summarizing', 'mi:affirm'], { maxLength: 1 }) }), { minLength: 0, maxLength: 3 }),
      comment: fc.option(fc.constantFrom('note', 'Dr. Lee: good', ''), { nil: undefined }),
    }),
    { maxLength: 12 },
  )
  .map((turns) =>
    turns
      .map((t) => {
        const head = `${t.who}:${t.tags.length ? ` ${t.tags.map((x) => `[${x}]`).join(' ')}` : ''}`;
        const body = t.paragraphs.map((p, i) => (i === 0 ? p.text : `${p.tags.map((x) => `[${x}] `).join('')}${p.text}`));
        const first = body.length ? `${head} ${body[0]}` : head;
        return [first, ...body.slice(1)].join('\n\n') + (t.comment !== undefined ? `\n%%${t.comment ? ` ${t.comment}` : ''}` : '');
      })
      .join('\n\n'),
  )
  .map((body) => (body ? `${body}\n` : ''));

test('JSONL chat: out and back in gives the same transcript, tags and comments (property)', () => {
  fc.assert(
    fc.property(generated, (text) => {
      const record = exportRecord(lint(text), { id: 'session-1' });
      const line = JSON.stringify(record);
      const back = importRecord(JSON.parse(line), 1);
      assert.deepEqual(back.differences, []);
      assert.equal(back.text, text);
      assert.equal(back.name, 'session-1.transcript');
    }),
    { numRuns: 300 },
  );
});

test('JSONL chat: the tagged sample, the seed and a commented session round-trip; labels and findings are structured', () => {
  for (const [name, text] of [['tagged', TAGGED], ['seed', SEED_TEXT], ['commented', COMMENTED]] as const) {
    const record = exportRecord(lint(text), { id: name, source: `${name}.transcript` });
    assert.ok(record.messages.every((m) => typeof m.content === 'string' && !/\[cbt:/.test(m.content as string)), 'no tags in the chat');
    const back = importRecord(JSON.parse(JSON.stringify(record)), 1);
    assert.equal(back.text, text, name);
  }
  const record = exportRecord(lint(COMMENTED), { id: 'c' });
  assert.deepEqual(record.messages.map((m) => m.role), ['assistant', 'user', 'assistant', 'user', 'user', 'user']);
  assert.deepEqual(record.labels[2], { message: 2, speaker: 'Therapist', role: 'therapist', tags: ['cbt:reflection'], paragraphs: [{ paragraph: 1, tags: ['cbt:socratic-questioning'] }] });
  assert.equal(record.labels[4]!.role, 'other');
  assert.equal(record.meta.header, 'Session 2 — homework review\n%% Reviewed by Dr. Lee');
  assert.deepEqual(record.meta.comments, [{ message: 0, after: 1, text: 'Dr. Lee: a good start' }, { message: 2, after: 2, text: 'second paragraph tagged on its own' }]);
  const seed = exportRecord(lint(SEED_TEXT), { id: 'seed' });
  assert.ok(seed.findings.some((f) => f.ruleId === 'canned-refusal' && typeof f.messageIndex === 'number'));
  // Another role mapping.
  const mapped = exportRecord(lint(COMMENTED), { id: 'c', roles: parseRoleMap(['therapist=counselor,patient=client']) as never });
  assert.deepEqual(mapped.messages.slice(0, 2).map((m) => m.role), ['counselor', 'client']);
  assert.match(String(parseRoleMap(['coach=assistant'])), /--role expects/);
});

test('JSONL chat: a dataset record (system prompt, other fields, its own roles) is reviewed as a transcript and exported back unchanged', () => {
  const record = {
    source: 'synthetic-v2',
    id: 17,
    messages: [
      { role: 'system', content: 'You are a supportive counsellor.' },
      { role: 'user', content: 'I cannot sleep.' },
      { role: 'assistant', content: 'That sounds exhausting. What happens when you lie down?', weight: 1 },
      { role: 'user', content: 'My mind races.' },
    ],
    split: 'train',
  };
  const imported = importRecord(record, 3);
  assert.deepEqual(imported.differences, []);
  assert.equal(imported.name, '17.transcript');
  assert.match(imported.text, /^%% record: \{/);
  assert.match(imported.text, /\n\nPatient: I cannot sleep\.\n\nTherapist: That sounds exhausting/);
  const tree = parseTranscript(imported.text);
  assert.equal(tree.children.filter((c) => c.type === 'turn').length, 3);
  const again = exportRecord(lint(imported.text), { id: 'ignored' });
  const { labels, findings, meta, ...rest } = again;
  assert.deepEqual(rest, record);
  assert.deepEqual(Object.keys(again).slice(0, 4), ['source', 'id', 'messages', 'split']);
  assert.equal(labels.length, 3);
  assert.ok(Array.isArray(findings) && meta);
  // An edit in the editor comes back in its message only.
  const edited = imported.text.replace('My mind races.', 'My mind races all night.');
  const out = exportRecord(lint(edited), {});
  assert.equal(out.messages[3]!.content, 'My mind races all night.');
  assert.deepEqual(out.messages[0], record.messages[0]);
});

test('JSONL chat import: what a transcript would read differently is reported, and non-records are refused', () => {
  const leaky = importRecord({ id: 'x', messages: [{ role: 'assistant', content: 'Hello.\nPatient: I am the patient now.' }, { role: 'user', content: '  spaced  ' }] }, 1);
  assert.ok(leaky.differences.length >= 2, leaky.differences.join('\n'));
  assert.ok(leaky.differences.some((d) => /messages\[1\]|messages\[0\]/.test(d)));
  assert.match(leaky.differences[0]!, /2 messages became 3 turns/);
  assert.throws(() => importRecord({ id: 'x', messages: [{ role: 'narrator', content: 'x' }] }, 1), RecordError);
  assert.throws(() => importRecord([1, 2], 1), RecordError);
  assert.throws(() => importRecord({ text: 'Therapist: hi' }, 1), /needs "messages"/);
  // Speakers that are not built in are given to the caller, to configure.
  const named = importRecord({ id: 'n', messages: [{ role: 'assistant', content: 'Hi.' }], labels: [{ message: 0, speaker: 'Nova', role: 'therapist', tags: [] }] }, 1);
  assert.deepEqual(named.speakers, { Nova: 'therapist' });
  assert.equal(importRecord({ id: '../../etc/passwd', messages: [] }, 4).name, 'etc_passwd.transcript');
  assert.equal(importRecord({ messages: [] }, 4).name, 'record-4.transcript');
});

test('CSV of turns: RFC 4180, one row per turn, tags in their own column', () => {
  const csv = csvHeader() + csvRows('commented', lint(COMMENTED)) + csvRows('seed', lint(SEED_TEXT));
  assert.ok(csv.endsWith('\r\n'));
  const rows = parseCsv(csv);
  assert.deepEqual(rows[0], [...CSV_COLUMNS]);
  const commented = rows.filter((r) => r[0] === 'commented');
  assert.equal(commented.length, 6);
  assert.ok(rows.every((r) => r.length === CSV_COLUMNS.length));
  assert.deepEqual(commented[2], ['commented', '3', 'Therapist', 'therapist', 'So you kept at it, even on the hard days.\n\nWhat did you notice?', 'cbt:reflection; cbt:socratic-questioning', '', '9']);
  const seedRows = rows.filter((r) => r[0] === 'seed');
  assert.equal(seedRows.length, 48);
  assert.ok(seedRows.some((r) => /^canned-refusal \(line \d+\): /.test(r[6]!)));
  // Quotes, commas and line breaks survive.
  const quoted = parseCsv(csvRows('q', lint('Therapist: She said "no, never".\nMore, on a new line.\n')));
  assert.equal(quoted[0]![4], 'She said "no, never".\nMore, on a new line.');
  assert.ok(csvHeader(true).startsWith('\uFEFF'));
});

test('REFI-QDA: the project validates against Project.xsd, and imports back into the same tagged transcripts', async () => {
  const codebook = sharedDefaultCodebook();
  const sessions = [
    { name: 'tagged-cbt-session', text: TAGGED },
    { name: 'commented', text: COMMENTED, speakers: { Mother: 'other' as const } },
    { name: 'seed-session', text: SEED_TEXT },
  ];
  const qdpx = exportQdpx(sessions, codebook, { project: 'Term 1', coder: 'Ana', now: new Date('2026-03-02T10:00:00Z') });
  const files = unzipSync(qdpx);
  assert.ok(files['project.qde']);
  assert.equal(Object.keys(files).filter((f) => f.startsWith('sources/')).length, 3);
  const xml = projectXml(qdpx);
  assert.deepEqual(await validate(xml), []);
  // The sources are the transcripts without tags or comments.
  const sourceTexts = Object.entries(files).filter(([f]) => f.startsWith('sources/')).map(([, data]) => new TextDecoder().decode(data));
  assert.ok(sourceTexts.includes(stripTags(TAGGED, parseTranscript(TAGGED))));
  const untagged = stripTags(COMMENTED, parseTranscript(COMMENTED));
  assert.ok(sourceTexts.includes(stripComments(untagged, parseTranscript(untagged))));
  assert.ok(sourceTexts.every((t) => !/\[cbt:|%%/.test(t)));
  assert.match(xml, /<Code guid="[^"]+" name="Socratic questioning" isCodable="true"/);
  assert.match(xml, /<Note guid="[^"]+" name="Comment on Therapist, turn 1"/);
  // The same project exports to the same bytes.
  assert.deepEqual(exportQdpx(sessions, codebook, { project: 'Term 1', coder: 'Ana', now: new Date('2026-03-02T10:00:00Z') }), qdpx);
  const back = importQdpx(qdpx, codebook);
  assert.deepEqual(back.map((s) => s.name), ['tagged-cbt-session.transcript', 'commented.transcript', 'seed-session.transcript']);
  assert.equal(back[0]!.text, TAGGED);
  assert.equal(back[1]!.text, COMMENTED);
  assert.equal(back[2]!.text, SEED_TEXT);
  assert.ok(back.every((s) => s.notes.length === 0), back.flatMap((s) => s.notes).join('; '));
});

test('REFI-QDA: positions count characters (an emoji before a coding), and a project from another tool imports by code names', async () => {
  const text = 'Client: I felt 😞 all week.\n\nTherapist: [cbt:reflection] A heavy week.\n';
  const qdpx = exportQdpx([{ name: 'emoji', text }], sharedDefaultCodebook(), { now: new Date('2026-01-05T09:00:00Z') });
  const xml = projectXml(qdpx);
  assert.deepEqual(await validate(xml), []);
  const plain = 'Client: I felt 😞 all week.\n\nTherapist: A heavy week.\n';
  const start = [...plain].indexOf('A');
  assert.match(xml, new RegExp(`startPosition="${start}" endPosition="${start + 'A heavy week.'.length}"`));
  assert.equal(importQdpx(qdpx, sharedDefaultCodebook())[0]!.text, text);
  // Another tool's project: codes by name (no [ns:id]), the text inline, a coding inside a sentence.
  const foreign = `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="From elsewhere">
  <CodeBook><Codes>
    <Code guid="11111111-1111-1111-1111-111111111111" name="CBT techniques" isCodable="false">
      <Code guid="22222222-2222-2222-2222-222222222222" name="Socratic questioning" isCodable="true"/>
    </Code>
    <Code guid="33333333-3333-3333-3333-333333333333" name="Rapport building" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="44444444-4444-4444-4444-444444444444" name="interview 3">
      <PlainTextContent>Therapist: What makes you say that?\n\nClient: It always goes wrong.\n</PlainTextContent>
      <PlainTextSelection guid="55555555-5555-5555-5555-555555555555" startPosition="16" endPosition="20">
        <Coding guid="66666666-6666-6666-6666-666666666666"><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
        <Coding guid="77777777-7777-7777-7777-777777777777"><CodeRef targetGUID="33333333-3333-3333-3333-333333333333"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>`;
  assert.deepEqual(await validate(foreign), []);
  const imported = importQdpx(zipSync({ 'project.qde': strToU8(foreign) }), sharedDefaultCodebook());
  assert.equal(imported[0]!.name, 'interview 3.transcript');
  assert.equal(imported[0]!.text, 'Therapist: [cbt:socratic-questioning] [code:rapport-building] What makes you say that?\n\nClient: It always goes wrong.\n');
  assert.throws(() => importQdpx(new Uint8Array([1, 2, 3]), sharedDefaultCodebook()), QdpxError);
  assert.throws(() => importQdpx(zipSync({ 'project.qde': strToU8('<Other/>') }), sharedDefaultCodebook()), /not a REFI-QDA project/);
});

test('two coders: per-technique agreement, Cohen’s kappa at turn level, the disagreeing turns; uncoded turns can be left out', () => {
  const base = ['Therapist: How was the week?', 'Client: Hard.', 'Therapist: What made it hard?', 'Client: Work.', 'Therapist: It sounds like work took everything.', 'Client: Yes.', 'Therapist: Shall we plan for next week?', 'Client: Okay.'];
  const tag = (lines: string[], tags: Record<number, string>) => `${lines.map((l, i) => (tags[i] ? l.replace(': ', `: [${tags[i]}] `) : l)).join('\n')}\n`;
  const a = tag(base, { 0: 'cbt:mood-check', 2: 'cbt:socratic-questioning', 4: 'cbt:reflection', 6: 'cbt:homework-assignment' });
  const b = tag(base, { 0: 'cbt:mood-check', 2: 'cbt:socratic-questioning', 4: 'cbt:validation' });
  const doc = (name: string, text: string) => ({ name, text, tree: parseTranscript(text) });
  const report = agreement(doc('a', a), doc('b', b));
  assert.equal(report.units, 8);
  assert.equal(report.agreed, 6);
  assert.equal(report.disagreements.length, 2);
  assert.deepEqual(report.disagreements.map((d) => [d.turn, d.a, d.b]), [[4, ['cbt:reflection'], ['cbt:validation']], [6, ['cbt:homework-assignment'], []]]);
  // Overall kappa by hand: categories none (A 4, B 5), mood (1, 1), socratic (1, 1), reflection (1, 0), validation (0, 1), homework (1, 0).
  const chance = (4 / 8) * (5 / 8) + (1 / 8) * (1 / 8) * 2;
  assert.ok(Math.abs(report.kappa! - kappaOf(6 / 8, chance)!) < 1e-12);
  const mood = report.techniques.find((t) => t.tag === 'cbt:mood-check')!;
  assert.deepEqual([mood.both, mood.onlyA, mood.onlyB, mood.neither, mood.kappa], [1, 0, 0, 7, 1]);
  const reflection = report.techniques.find((t) => t.tag === 'cbt:reflection')!;
  assert.deepEqual([reflection.both, reflection.onlyA, reflection.onlyB, reflection.neither], [0, 1, 0, 7]);
  assert.ok(Math.abs(reflection.kappa! - 0) < 1e-12);
  // Leaving out the turns neither coder coded (the four client turns).
  const coded = agreement(doc('a', a), doc('b', b), { excludeUncoded: true });
  assert.equal(coded.units, 4);
  assert.equal(coded.agreed, 2);
  assert.ok(coded.kappa! < report.kappa!, 'uncoded turns inflate agreement');
  // Identical copies agree perfectly.
  assert.equal(agreement(doc('a', a), doc('a2', a)).kappa, 1);
  // Different text is refused, naming the turn.
  assert.throws(() => agreement(doc('a', a), doc('c', a.replace('Work.', 'School.'))), (error: unknown) => error instanceof DifferentTextError && /Turn 4 differs/.test(error.message));
});
