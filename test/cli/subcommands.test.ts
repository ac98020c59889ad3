/**
 * The subcommands as users run them (the bin script, in a child process):
 * report, export, import, agreement; plain linting and `./report` untouched;
 * --strip-comments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { unzipSync } from 'fflate';
import { ROOT } from '../helpers/paths.ts';
import { SEED } from '../helpers/data.ts';
import { parseCsv } from '../../server/src/core/exchange/csv.ts';

const BIN = path.join(ROOT, 'bin/transcript-lint.js');
const SAMPLES = path.join(ROOT, 'samples');
const TAGGED = path.join(SAMPLES, 'tagged-cbt-session.transcript');

function run(args: string[], options: { cwd?: string; input?: string } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, input: options.input ?? '', encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-sub-'));

test('report: the seed as a self-contained HTML page with its problems, the timeline and links into its transcript', () => {
  const { code, stdout, stderr } = run(['report', SEED]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^<!DOCTYPE html>/);
  assert.match(stdout, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:;"/);
  assert.doesNotMatch(stdout, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'nothing runs and nothing is fetched');
  assert.match(stdout, /Problems <span class="muted">\d+ problems<\/span>/);
  for (const rule of ['canned-refusal', 'repeated-turn', 'unanswered-question', 'outdated-crisis-line']) assert.match(stdout, new RegExp(`<code>${rule}</code>`));
  assert.match(stdout, /<svg [^>]*aria-label="Timeline of 48 turns"/);
  assert.match(stdout, /<a href="#s0-t\d+">line \d+/);
  assert.match(stdout, /<div class="turn r-therapist" id="s0-t0">/);
  assert.match(stdout, /Untagged therapist turns <span class="muted">24 of 24<\/span>/);
});

test('report: a folder is one report across sessions (table, trends, each session), in HTML, Markdown and JSON', () => {
  const dir = tempDir();
  const out = path.join(dir, 'term.html');
  const html = run(['report', '-o', out, SAMPLES]);
  assert.equal(html.code, 0, html.stderr);
  const page = fs.readFileSync(out, 'utf8');
  assert.match(page, /<h1 id="top">Sessions — samples <span class="muted">4 sessions<\/span><\/h1>/);
  assert.match(page, /<h2>Trends<\/h2>/);
  assert.equal((page.match(/<div class="chart">/g) ?? []).length, 5);
  assert.equal((page.match(/<section class="session"/g) ?? []).length, 4);
  const json = JSON.parse(run(['report', '--format', 'json', SAMPLES]).stdout) as { sessions: unknown[]; rows: Array<{ name: string; kind: string; ctrsCovered?: number }>; trends: Record<string, unknown[]> };
  assert.equal(json.sessions.length, 4);
  assert.deepEqual(json.rows.map((r) => r.kind), ['untagged', 'CBT', 'untagged', 'CBT']);
  assert.equal(json.trends.therapistShare!.length, 4);
  assert.ok(json.rows.find((r) => r.name === 'tagged-cbt-session.transcript')!.ctrsCovered! >= 8);
  const md = run(['report', '--format', 'md', '-o', path.join(dir, 'term.md'), SAMPLES]);
  assert.equal(md.code, 0);
  const markdown = fs.readFileSync(path.join(dir, 'term.md'), 'utf8');
  assert.match(markdown, /^# Sessions — samples \(4 sessions\)/);
  // Line links relative to where the Markdown is.
  assert.ok(markdown.includes(`](${path.relative(dir, SAMPLES).split(path.sep).join('/')}/seed-session.transcript#L`));
  // One session in Markdown.
  assert.match(run(['report', '--format', 'md', TAGGED]).stdout, /^# Session report — tagged-cbt-session\.transcript\n\nCBT session/);
});

test('report: bad input gets a clear message; a file that is not text is named and left out', () => {
  assert.equal(run(['report']).code, 2);
  assert.match(run(['report', '--format', 'pdf', SEED]).stderr, /unknown format "pdf"/);
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'binary.transcript'), Buffer.from([0, 1, 2, 0xff]));
  fs.copyFileSync(TAGGED, path.join(dir, 'ok.transcript'));
  const { code, stdout, stderr } = run(['report', '--format', 'json', dir]);
  assert.equal(code, 1);
  assert.match(stderr, /binary\.transcript: .*(binary file|not UTF-8)/);
  const json = JSON.parse(stdout) as { sessions: unknown[]; skipped: Array<{ name: string }> };
  assert.equal(json.sessions.length, 1);
  assert.equal(json.skipped.length, 1);
  assert.match(run(['report', '--help']).stdout, /^Usage: transcript-lint report/);
});

test('plain linting is as it was, and a folder called "report" is reached as ./report', () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'report'));
  fs.writeFileSync(path.join(dir, 'report', 'a.transcript'), 'Therapist: Call 1-800-273-8255.\nClient: Okay.\n');
  const lint = run(['--format', 'json', './report'], { cwd: dir });
  assert.equal(lint.code, 0);
  const [file] = JSON.parse(lint.stdout) as Array<{ path: string; messages: Array<{ ruleId: string }> }>;
  assert.equal(file!.path, 'report/a.transcript');
  assert.ok(file!.messages.some((m) => m.ruleId === 'outdated-crisis-line'));
  // The bare word is the subcommand.
  assert.match(run(['report', '--format', 'json', 'report'], { cwd: dir }).stdout, /"sessions"/);
  assert.match(run(['--help']).stdout, /transcript-lint report \[--format html\|json\|md\]/);
});

test('export csv: one row per turn, tags and findings in their own columns', () => {
  const { code, stdout } = run(['export', '--format', 'csv', TAGGED, SEED]);
  assert.equal(code, 0);
  const rows = parseCsv(stdout);
  assert.deepEqual(rows[0], ['session', 'turn', 'speaker', 'role', 'text', 'tags', 'findings', 'line']);
  assert.equal(rows.length, 1 + 49 + 48);
  const tagged = rows.filter((r) => r[0] === 'tagged-cbt-session');
  assert.ok(tagged.every((r) => !r[4]!.includes('[cbt:')));
  assert.equal(tagged[2]![5], 'cbt:mood-check');
  assert.ok(rows.some((r) => r[0] === 'seed-session' && /canned-refusal/.test(r[6]!)));
});

test('export jsonl and import: the same transcripts and tags come back, byte for byte', () => {
  const dir = tempDir();
  const jsonl = path.join(dir, 'sessions.jsonl');
  assert.equal(run(['export', '--format', 'jsonl', '-o', jsonl, SAMPLES]).code, 0);
  const records = fs.readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; messages: Array<{ role: string; content: string }>; labels: Array<{ tags: string[] }> });
  assert.equal(records.length, 4);
  assert.ok(records.every((r) => r.messages.every((m) => m.role === 'assistant' || m.role === 'user')));
  assert.ok(records.find((r) => r.id === 'tagged-cbt-session')!.labels.some((l) => l.tags.includes('cbt:socratic-questioning')));
  const back = path.join(dir, 'back');
  const imported = run(['import', jsonl, '--out-dir', back]);
  assert.equal(imported.code, 0, imported.stderr);
  for (const name of fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.transcript'))) {
    assert.equal(fs.readFileSync(path.join(back, name), 'utf8'), fs.readFileSync(path.join(SAMPLES, name), 'utf8'), name);
  }
  // Nova and Sam are no built-in speakers: the import configures them beside the transcripts.
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(back, '.transcriptrc.json'), 'utf8')).speakers, { Nova: 'therapist', Sam: 'patient' });
  // Nothing is overwritten without --force.
  const again = run(['import', jsonl, '--out-dir', back]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already in .*nothing written.*--force/);
  assert.equal(run(['import', jsonl, '--out-dir', back, '--force']).code, 0);
  // Another role mapping.
  const mapped = run(['export', '--format', 'jsonl', '--role', 'therapist=counselor', '--role', 'patient=client', TAGGED]);
  assert.deepEqual([...new Set((JSON.parse(mapped.stdout) as { messages: Array<{ role: string }> }).messages.map((m) => m.role))].sort(), ['client', 'counselor']);
});

test('import of a dataset: records that are not chat records are named and skipped; the rest are written', () => {
  const dir = tempDir();
  const input = path.join(dir, 'dataset.jsonl');
  fs.writeFileSync(input, ['{"id": "a", "messages": [{"role": "system", "content": "Be kind."}, {"role": "user", "content": "Hi."}, {"role": "assistant", "content": "Hello. What brings you here?"}]}', 'not json', '{"id": "b", "messages": [{"role": "narrator", "content": "x"}]}', ''].join('\n'));
  const { code, stderr } = run(['import', input, '--out-dir', path.join(dir, 'out')]);
  assert.equal(code, 1);
  assert.match(stderr, /line 2: not JSON/);
  assert.match(stderr, /line 3: messages\[0\]\.role "narrator" is not one of/);
  const text = fs.readFileSync(path.join(dir, 'out', 'a.transcript'), 'utf8');
  assert.match(text, /^%% record: .*"system".*\n\nPatient: Hi\.\n\nTherapist: Hello\. What brings you here\?\n$/s);
  // Exported back: the system message where it was.
  const back = JSON.parse(run(['export', '--format', 'jsonl', path.join(dir, 'out', 'a.transcript')]).stdout) as { id: string; messages: unknown[] };
  assert.equal(back.id, 'a');
  assert.deepEqual(back.messages, [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Hi.' }, { role: 'assistant', content: 'Hello. What brings you here?' }]);
});

test('export qdpx: a REFI-QDA project that validates against Project.xsd, and imports back', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'term.qdpx');
  assert.match(run(['export', '--format', 'qdpx', SAMPLES]).stderr, /give -o project\.qdpx/);
  const { code, stderr } = run(['export', '--format', 'qdpx', '--coder', 'Ana', '-o', file, SAMPLES]);
  assert.equal(code, 0, stderr);
  const files = unzipSync(new Uint8Array(fs.readFileSync(file)));
  const xml = new TextDecoder().decode(files['project.qde']);
  const result = await validateXML({ xml: [{ fileName: 'project.qde', contents: xml }], schema: [{ fileName: 'Project.xsd', contents: fs.readFileSync(path.join(ROOT, 'test/data/refi-qda/Project.xsd'), 'utf8') }] });
  assert.deepEqual(result.errors, []);
  assert.match(xml, /<User guid="[^"]+" name="Ana"\/>/);
  const back = path.join(dir, 'back');
  assert.equal(run(['import', file, '--out-dir', back]).code, 0);
  assert.equal(fs.readFileSync(path.join(back, 'tagged-cbt-session.transcript'), 'utf8'), fs.readFileSync(TAGGED, 'utf8'));
});

test('agreement: two tagged copies give a kappa and the disagreements; different text is refused', () => {
  const dir = tempDir();
  const a = fs.readFileSync(TAGGED, 'utf8');
  const b = a.replace('[cbt:validation] ', '[cbt:reflection] ').replace('[cbt:homework-review] ', '');
  fs.writeFileSync(path.join(dir, 'a.transcript'), a);
  fs.writeFileSync(path.join(dir, 'b.transcript'), b);
  const text = run(['agreement', 'a.transcript', 'b.transcript'], { cwd: dir });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Cohen's kappa \(turn level, each turn's codes as one category\): 0\.\d\d/);
  assert.match(text.stdout, /Disagreements \(2\):/);
  assert.match(text.stdout, /A: \[cbt:validation\]\n\s+B: \[cbt:reflection\]/);
  const json = JSON.parse(run(['agreement', '--format', 'json', '--exclude-uncoded', 'a.transcript', 'b.transcript'], { cwd: dir }).stdout) as { units: number; turns: number; kappa: number; techniques: Array<{ tag: string; kappa?: number }> };
  assert.ok(json.units < json.turns);
  assert.ok(json.kappa > 0 && json.kappa < 1);
  assert.equal(json.techniques.find((t) => t.tag === 'cbt:socratic-questioning')!.kappa, 1);
  assert.match(run(['agreement', '--format', 'html', 'a.transcript', 'b.transcript'], { cwd: dir }).stdout, /<h2>Disagreeing turns <span class="muted">2<\/span><\/h2>/);
  fs.writeFileSync(path.join(dir, 'c.transcript'), a.replace('Yeah, I ended up on the street.', 'No.'));
  const refused = run(['agreement', 'a.transcript', 'c.transcript'], { cwd: dir });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Turn 2 differs/);
  assert.equal(run(['agreement', 'a.transcript'], { cwd: dir }).code, 2);
});

test('--strip-comments removes the comment lines; with --strip-tags, both', () => {
  const input = 'Therapist: [cbt:mood-check] How was the week?\n%% good start\nClient: Long.\n';
  assert.equal(run(['--strip-comments'], { input }).stdout, 'Therapist: [cbt:mood-check] How was the week?\nClient: Long.\n');
  assert.equal(run(['--strip-tags'], { input }).stdout, 'Therapist: How was the week?\n%% good start\nClient: Long.\n');
  assert.equal(run(['--strip-tags', '--strip-comments'], { input }).stdout, 'Therapist: How was the week?\nClient: Long.\n');
  assert.equal(run(['--fix', '--strip-comments'], { input }).code, 2);
  const jsonl = run(['--jsonl', '--strip-comments'], { input: `${JSON.stringify({ id: 1, text: input })}\n` });
  assert.equal((JSON.parse(jsonl.stdout) as { record: { text: string } }).record.text, 'Therapist: [cbt:mood-check] How was the week?\nClient: Long.\n');
});

test('--jsonl --fix with the identifier rule de-identifies a dataset, message by message; crisis lines stay', () => {
  const records = [
    { id: 'a', messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'I am Dana, call me on (415) 555-0132 or email dana@example.org.' }, { role: 'assistant', content: 'Thanks, Dana. If things get worse, call or text 988.' }] },
    { id: 'b', text: 'Therapist: How are you?\n\nClient: Fine. My SSN is 078-05-1120.\n' },
  ];
  const input = `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
  const { code, stdout, stderr } = run(['--jsonl', '--fix', '--rule', 'identifier=warn'], { input });
  assert.equal(code, 0, stderr);
  const [a, b] = stdout.trim().split('\n').map((l) => (JSON.parse(l) as { record: { messages?: Array<{ content: string }>; text?: string } }).record);
  assert.equal(a!.messages![0]!.content, 'Be kind.');
  assert.equal(a!.messages![1]!.content, 'I am [NAME], call me on [PHONE] or email [EMAIL].');
  assert.equal(a!.messages![2]!.content, 'Thanks, [NAME]. If things get worse, call or text 988.');
  assert.equal(b!.text, 'Therapist: How are you?\n\nClient: Fine. My SSN is [SSN].\n');
  // Without the rule, nothing changes.
  const off = JSON.parse(run(['--jsonl', '--fix'], { input }).stdout.split('\n')[1]!) as { record: { text: string } };
  assert.equal(off.record.text, records[1]!.text);
});
