/**
 * `--jsonl` records as curators have them (issue 13): every field of a record
 * comes back, byte for byte; bytes that are not UTF-8, a byte order mark,
 * large integer ids, multi-part contents, messages without content and ids
 * nested thousands of levels deep. Run in-process through `runJsonl` (what
 * the bin runs), and once through the bin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { runJsonl } from '../../server/src/cli/jsonl.ts';
import { renderChat } from '../../server/src/cli/chat.ts';
import { SettingsResolver } from '../../server/src/core/resolve.ts';
import { fixAndAnalyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import type { Mode } from '../../server/src/cli/plugin.ts';
import { ROOT } from '../helpers/paths.ts';

const settings = new SettingsResolver({ noConfig: true }).forFile(undefined);

/** Run `--jsonl` over raw input bytes; resolves with the exit code and the output lines (raw and parsed). */
async function run(input: Buffer | string, mode: Mode = 'lint', chunk = 7) {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  // Small chunks: lines, BOMs and UTF-8 sequences are split across chunks.
  async function* stdin() {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  let out = '';
  const stdout = new Writable({
    write(data, _encoding, done) {
      out += String(data);
      done();
    },
  });
  const code = await runJsonl({ stdin: stdin(), stdout, mode, settings, quiet: false });
  const raw = out.split('\n').filter(Boolean);
  return { code, raw, results: raw.map((line) => JSON.parse(line) as Result) };
}

interface Result {
  id: unknown;
  line: number;
  turns?: number;
  findings?: Array<{ ruleId: string; messageIndex?: number }>;
  fixed?: number;
  error?: string;
  record?: Record<string, unknown>;
}

/** The raw JSON text of the `record` field of a result line (it is the last field). */
const rawRecord = (line: string) => line.slice(line.indexOf(',"record":') + ',"record":'.length, -1);

const DEFECTS = 'Therapist: How are you? ItÃ¢â‚¬â„¢s fine. Call 1-800-273-8255 if you need to.\n\nPatient: Okay.\n';

test('--jsonl --fix keeps every field of the record, byte for byte, with only the text rewritten', async () => {
  const line = `{"id":"a", "meta": {"source": "gen-7", "seed": 12345678901234567890123, "tags": [1, 2.50, "x"]},"text":${JSON.stringify(DEFECTS)},"z":null}`;
  const { results, raw } = await run(`${line}\n`, 'fix');
  const [result] = results;
  assert.ok(result!.fixed! > 0);
  const fixed = fixAndAnalyze(DEFECTS, { config: emptyConfig() }).text;
  assert.notEqual(fixed, DEFECTS);
  // The record is the input line with the text's JSON string replaced, and nothing else.
  assert.equal(rawRecord(raw[0]!), line.replace(JSON.stringify(DEFECTS), JSON.stringify(fixed)));
  assert.equal(result!.record!['text'], fixed);
});

test('--jsonl: a large integer id (or any id) comes back as it was written', async () => {
  const { raw } = await run('{"id": 12345678901234567890123, "text": "Therapist: Hi."}\n{"id":1.50,"text":"Therapist: Hi."}\n{"id":{"a" : [1e400]},"text":"Therapist: Hi."}\n');
  assert.ok(raw[0]!.startsWith('{"id":12345678901234567890123,"line":1,'));
  assert.ok(raw[1]!.startsWith('{"id":1.50,"line":2,'));
  assert.ok(raw[2]!.startsWith('{"id":{"a" : [1e400]},"line":3,'));
});

test('--jsonl: an id nested 5,000 levels deep gets its result, and so does every later record', async () => {
  const deep = '['.repeat(5000) + ']'.repeat(5000);
  const input = `{"id":${deep},"text":"Therapist: Hi."}\n{"id":"next","text":"Therapist: Call 1-800-273-8255."}\n`;
  for (const mode of ['lint', 'fix'] as const) {
    const { raw, results } = await run(input, mode, 4096);
    assert.equal(raw.length, 2);
    assert.ok(raw[0]!.startsWith(`{"id":${deep},"line":1,`));
    assert.equal(results[0]!.error, undefined);
    assert.equal(results[1]!.id, 'next');
    assert.equal(results[1]!.error, undefined);
  }
});

test('--jsonl: a UTF-8 byte order mark at the start of the stream (or of a concatenated file) is not "Not JSON"', async () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const input = Buffer.concat([bom, Buffer.from('{"id":1,"text":"Therapist: Hi."}\n'), bom, Buffer.from('{"id":2,"text":"Therapist: Hi."}\n')]);
  const { code, results } = await run(input, 'lint', 2);
  assert.equal(code, 0);
  assert.deepEqual(results.map((r) => [r.id, r.error]), [[1, undefined], [2, undefined]]);
});

test('--jsonl: bytes that are not UTF-8 are said, and the record is neither linted nor given back changed', async () => {
  const input = Buffer.concat([
    Buffer.from('{"id":"latin1","text":"Therapist: Caf'),
    Buffer.from([0xe9]), // é in Windows-1252
    Buffer.from(' au lait?"}\n{"id":"ok","text":"Therapist: Caf\u00e9?"}\n'),
  ]);
  for (const mode of ['lint', 'fix', 'strip-tags'] as const) {
    const { code, results } = await run(input, mode, 5);
    assert.equal(code, 1);
    assert.equal(results[0]!.id, 'latin1');
    assert.match(results[0]!.error!, /not valid UTF-8 \(byte 38 of the line\)/);
    assert.equal(results[0]!.record, undefined);
    assert.equal(results[0]!.findings, undefined);
    assert.equal(results[1]!.error, undefined);
  }
});

test('--jsonl: a multi-part content is linted part by part, and each fix goes back into its part', async () => {
  const record = {
    id: 'parts',
    messages: [
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'I hear you, ItÃ¢â‚¬â„¢s hard.' },
          { type: 'image_url', image_url: { url: 'https://example.invalid/a.png' } },
          'Call 1-800-273-8255 tonight if it gets worse.',
        ],
      },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.invalid/b.png' } }] },
      { role: 'user', content: [{ type: 'input_text', text: 'Okay, I will.' }] },
    ],
  };
  const line = JSON.stringify(record);
  const linted = (await run(`${line}\n`)).results[0]!;
  // Both parts of the first message are linted (the mojibake in one, the old number in the other).
  assert.deepEqual(linted.findings!.map((f) => [f.ruleId, f.messageIndex]).sort(), [['mojibake', 0], ['outdated-crisis-line', 0]]);
  // A message with only an image is not a turn: no "empty turn" for it.
  assert.equal(linted.turns, 2);

  const fixed = (await run(`${line}\n`, 'fix')).results[0]!;
  assert.equal(fixed.error, undefined);
  const messages = (fixed.record as typeof record).messages;
  const content = messages[0]!.content as [{ type: string; text: string }, unknown, string];
  assert.equal(content.length, 3);
  assert.equal(content[0].type, 'text');
  assert.doesNotMatch(content[0].text, /Ã/);
  assert.deepEqual(content[1], record.messages[0]!.content[1]);
  assert.doesNotMatch(content[2], /273-8255/);
  assert.deepEqual(messages.slice(1), record.messages.slice(1));
  // What the messages say is what --fix makes of the rendered transcript.
  assert.equal(renderChat(messages).text, fixAndAnalyze(renderChat(record.messages).text, { config: emptyConfig() }).text);
});

test('--jsonl --fix on a message without content: the record says exactly what the report does', async () => {
  const record = { id: 'empty', messages: [{ role: 'assistant', content: 'Hello, how are you feeling today?' }, { role: 'user', content: 'Fine.' }, { role: 'user' }, { role: 'assistant', content: 'Good.' }] };
  const [result] = (await run(`${JSON.stringify(record)}\n`, 'fix')).results;
  const messages = (result!.record as typeof record).messages;
  // The empty turn is removed with its message (and counted as one fix).
  assert.equal(result!.error, undefined);
  assert.equal(result!.fixed, 1);
  assert.deepEqual(messages, [record.messages[0], record.messages[1], record.messages[3]]);
});

test('--jsonl --fix never gives back messages that say something other than the fixed transcript (an empty last message)', async () => {
  const record = { id: 'last', messages: [{ role: 'assistant', content: 'Hello, how are you feeling today?' }, { role: 'user' }] };
  const [result] = (await run(`${JSON.stringify(record)}\n`, 'fix')).results;
  const expected = fixAndAnalyze(renderChat(record.messages).text, { config: emptyConfig() });
  const messages = (result!.record as typeof record).messages;
  if (result!.error === undefined) {
    // Written back: the messages are the fixed transcript, and the count is that of the fixes.
    assert.equal(renderChat(messages).text, expected.text);
    assert.equal(result!.fixed, expected.applied);
  } else {
    // Not representable as messages (the fix engine left text outside every message): unchanged, and said.
    assert.match(result!.error, /could not be written back/);
    assert.equal(result!.fixed, 0);
    assert.deepEqual(messages, record.messages);
    assert.ok(result!.findings!.some((f) => f.ruleId === 'empty-turn'));
  }
});

test('--jsonl through the bin: fields kept, and one bad record never ends the run', () => {
  const input = [
    '\uFEFF{"id":1,"meta":{"n":1},"text":"Therapist: Call 1-800-273-8255."}',
    `{"id":${'['.repeat(5000)}${']'.repeat(5000)},"text":"Therapist: Hi."}`,
    '{"id":3,"text":"Therapist: Bye."}',
  ].join('\n');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/transcript-lint.js'), '--jsonl', '--fix'], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 3);
  const first = JSON.parse(lines[0]!) as Result;
  assert.deepEqual(first.record!['meta'], { n: 1 });
  assert.doesNotMatch(first.record!['text'] as string, /273-8255/);
  assert.equal((JSON.parse(lines[2]!) as Result).id, 3);
});
