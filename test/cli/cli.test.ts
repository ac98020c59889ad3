/**
 * `transcript-lint`, run as users run it: the bin script, in a child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/paths.ts';
import { ANNOMI_DIR, SEED } from '../helpers/data.ts';

const BIN = path.join(ROOT, 'bin/transcript-lint.js');

function lint(args: string[], options: { cwd?: string; input?: string | Buffer } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonFile {
  path: string;
  messages: Array<{ ruleId: string; source: string; line: number; column: number; reason: string; fatal?: boolean | null; expected?: string[] }>;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-cli-'));
}

test('--format json on a folder: one entry per file with messages', () => {
  const { code, stdout } = lint(['--format', 'json', ANNOMI_DIR]);
  assert.equal(code, 0);
  const report = JSON.parse(stdout) as JsonFile[];
  assert.equal(report.length, 133);
  const messages = report.flatMap((f) => f.messages);
  assert.ok(messages.length > 0);
  for (const m of messages) {
    assert.equal(m.source, 'transcript-lint');
    assert.equal(typeof m.line, 'number');
    assert.equal(typeof m.column, 'number');
    assert.equal(typeof m.reason, 'string');
    assert.ok('fatal' in m, 'every message says whether it is fatal');
  }
  assert.ok(messages.some((m) => m.ruleId === 'consecutive-turns' && m.fatal === null));
});

test('the seed: rule ids in the JSON report, expected text for simple fixes, exit code 0 (warnings only)', () => {
  const { code, stdout } = lint(['--format', 'json', SEED]);
  assert.equal(code, 0);
  const [file] = JSON.parse(stdout) as JsonFile[];
  const ids = new Set(file!.messages.map((m) => m.ruleId));
  for (const id of ['repeated-turn', 'unanswered-question', 'canned-refusal', 'role-confusion', 'generation-artifact', 'truncated-turn', 'mojibake', 'outdated-crisis-line']) {
    assert.ok(ids.has(id), id);
  }
  const mojibake = file!.messages.find((m) => m.ruleId === 'mojibake')!;
  assert.deepEqual([mojibake.line, mojibake.column, mojibake.fatal, mojibake.expected], [41, 74, false, ['—']]);
});

test('the default report is readable; an error-level message exits 1', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'typo.transcript'), 'Therapist: Hello.\nClient: Hi.\nTherapsit: How are you?\n');
  const { code, stdout } = lint([dir]);
  assert.equal(code, 1);
  assert.match(stdout, /typo\.transcript/);
  assert.match(stdout, /3:1-3:10\s+error\s+"Therapsit" is not a known speaker; did you mean "Therapist"\?.*unknown-speaker/);
  // Turned off from the command line, the same file passes.
  assert.equal(lint(['--rule', 'unknown-speaker=off', dir]).code, 0);
  // --quiet keeps errors only.
  assert.doesNotMatch(lint(['--quiet', SEED]).stdout, /warning/);
});

test('stdin, with --stdin-filename for the report', () => {
  const { code, stdout } = lint(['--format', 'json', '--stdin-filename', 'piped.transcript'], { input: 'Therapist: Call 1-800-273-8255.\nClient: Okay.\n' });
  assert.equal(code, 0);
  const [file] = JSON.parse(stdout) as JsonFile[];
  assert.equal(file!.path, 'piped.transcript');
  assert.deepEqual(file!.messages.map((m) => m.ruleId), ['outdated-crisis-line']);
});

test('configuration file and ignore file are found from the transcript upward', () => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'sessions/drafts'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ speakers: { Nova: 'therapist', Naomi: 'patient' }, rules: { 'empty-turn': 'error' } }));
  fs.writeFileSync(path.join(dir, '.transcriptignore'), 'sessions/drafts/\n');
  fs.writeFileSync(path.join(dir, 'sessions/a.transcript'), 'Nova: Hello, Naomi.\nNaomi:\n');
  fs.writeFileSync(path.join(dir, 'sessions/drafts/b.transcript'), 'Therapist:\n');
  const { code, stdout } = lint(['--format', 'json', '.'], { cwd: dir });
  assert.equal(code, 1);
  const report = JSON.parse(stdout) as JsonFile[];
  assert.deepEqual(report.map((f) => f.path), ['sessions/a.transcript']);
  assert.deepEqual(report[0]!.messages.map((m) => [m.ruleId, m.fatal]), [['empty-turn', true]]);
  // A broken configuration is reported, not a crash.
  fs.writeFileSync(path.join(dir, '.transcriptrc.json'), '{ "rules": { "empty-turn": "loud" } }');
  const broken = JSON.parse(lint(['--format', 'json', 'sessions/a.transcript'], { cwd: dir }).stdout) as JsonFile[];
  assert.ok(broken[0]!.messages.some((m) => m.ruleId === 'config' && /Rule "empty-turn"/.test(m.reason)));
});

test('--fix repairs a copy of the seed in place; a second run changes nothing', () => {
  const dir = tempDir();
  const copy = path.join(dir, 'seed.transcript');
  fs.copyFileSync(SEED, copy);
  const first = lint(['--fix', '--format', 'json', copy]);
  assert.equal(first.code, 0);
  const fixed = fs.readFileSync(copy, 'utf8');
  assert.ok(fixed.includes('everything—school'));
  assert.ok(!fixed.includes('273-TALK'));
  // The loops go in whole exchanges: the three refusals between patient turns that are no repeats stay, so the
  // session still alternates (no two turns of one speaker in a row).
  assert.equal(fixed.split('I cannot continue').length - 1, 4);
  const remaining = (JSON.parse(first.stdout) as JsonFile[])[0]!.messages.map((m) => m.ruleId);
  assert.ok(!remaining.includes('mojibake') && !remaining.includes('consecutive-turns') && !remaining.includes('outdated-crisis-line'));
  assert.ok(remaining.includes('fixed'));
  lint(['--fix', copy]);
  assert.equal(fs.readFileSync(copy, 'utf8'), fixed);
});

test('--fix keeps a BOM and CRLF line endings; stdin --fix prints the fixed text', () => {
  const dir = tempDir();
  const file = path.join(dir, 'crlf.transcript');
  fs.writeFileSync(file, '\uFEFFTherapist: Itâ€™s fine.\r\n\r\nClient: Okay.\r\n');
  lint(['--fix', file]);
  assert.equal(fs.readFileSync(file, 'utf8'), '\uFEFFTherapist: It’s fine.\r\n\r\nClient: Okay.\r\n');
  const piped = lint(['--fix'], { input: 'Therapist: Call 800.273.8255 now.\n' });
  assert.equal(piped.stdout, 'Therapist: Call 988 now.\n');
});

test('--strip-tags prints the untagged transcript', () => {
  const dir = tempDir();
  const file = path.join(dir, 'tagged.transcript');
  fs.writeFileSync(file, 'Therapist: [cbt:agenda-setting] [mi:question] What shall we cover?\n\n[cbt:reflection] You sound tired.\nClient: [ignore:empty-turn] Yes.\n');
  const { code, stdout } = lint(['--strip-tags', file]);
  assert.equal(code, 0);
  assert.equal(stdout, 'Therapist: What shall we cover?\n\nYou sound tired.\nClient: Yes.\n');
  const out = path.join(dir, 'clean');
  assert.equal(lint(['--strip-tags', '--out-dir', out, dir]).code, 0);
  assert.equal(fs.readFileSync(path.join(out, 'tagged.transcript'), 'utf8'), stdout);
});

test('bad input: binary, invalid UTF-8, UTF-16 and empty files get a clear message and are never rewritten', () => {
  const dir = tempDir();
  const files = {
    'binary.transcript': Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0x10]),
    'latin1.transcript': Buffer.from('Therapist: caf\xe9 \u2014 1-800-273-8255\n', 'latin1'),
    'utf16.transcript': Buffer.from('\ufeffTherapist: Hello.\n', 'utf16le'),
    'empty.transcript': Buffer.alloc(0),
  };
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
  const { code, stdout } = lint(['--fix', '--format', 'json', dir]);
  assert.equal(code, 1);
  const report = Object.fromEntries((JSON.parse(stdout) as JsonFile[]).map((f) => [path.basename(f.path), f.messages]));
  assert.match(report['binary.transcript']![0]!.reason, /binary file/);
  assert.match(report['latin1.transcript']![0]!.reason, /not valid UTF-8 \(byte 14, line 1\)/);
  assert.match(report['utf16.transcript']![0]!.reason, /UTF-16/);
  assert.deepEqual(report['empty.transcript'], []);
  for (const [name, bytes] of Object.entries(files)) assert.deepEqual(fs.readFileSync(path.join(dir, name)), bytes, `${name} unchanged`);
});

test('usage errors exit 2 with a hint', () => {
  const { code, stderr } = lint(['--format', 'xml', SEED]);
  assert.equal(code, 2);
  assert.match(stderr, /unknown format "xml"/);
  assert.equal(lint(['--rule', 'nope=warn', SEED]).code, 2);
  assert.match(lint(['--help']).stdout, /Usage: transcript-lint/);
});

test('a file too large for the heap gets a clear message, not a crash', () => {
  const dir = tempDir();
  const file = path.join(dir, 'huge.transcript');
  // A smaller heap makes a 10 MB file "too large" without writing hundreds of megabytes.
  fs.writeFileSync(file, 'Therapist: Hello there, how are you today?\n\nClient: Fine.\n\n'.repeat(170_000));
  const result = spawnSync(process.execPath, ['--max-old-space-size=200', BIN, '--format', 'json', file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(result.status, 1, result.stderr);
  const [report] = JSON.parse(result.stdout) as JsonFile[];
  assert.match(report!.messages[0]!.reason, /^This file is 10 MB; this run can check transcripts up to \d MB .*NODE_OPTIONS=--max-old-space-size/);
});

test('an unknown rule in .transcriptrc.json is reported as the editor reports it (a "config" warning at 1:1)', () => {
  const dir = tempDir();
  try {
    fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ rules: { 'no-such-rule': 'warn', 'repeated-trun': 'off' } }));
    fs.writeFileSync(path.join(dir, 's.transcript'), 'Therapist: Hello.\nClient: Hi.\n');
    for (const args of [['--format', 'json', 's.transcript'], ['--format', 'json', '--fix', 's.transcript']]) {
      const { code, stdout } = lint(args, { cwd: dir });
      assert.equal(code, 0);
      const [file] = JSON.parse(stdout) as JsonFile[];
      // The same words as the editor's diagnostic (test/server/clients.test.ts).
      assert.deepEqual(
        file!.messages.map((m) => [m.ruleId, m.line, m.column, m.fatal, m.reason]),
        [
          ['config', 1, 1, false, 'Unknown rule "no-such-rule" in the configuration.'],
          ['config', 1, 1, false, 'Unknown rule "repeated-trun" in the configuration (did you mean "repeated-turn"?).'],
        ],
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('--jsonl reads a dataset\'s own roles through the configuration\'s "roles" (and says how when one is unknown)', () => {
  const dir = tempDir();
  const record = JSON.stringify({
    id: 'r1',
    messages: [
      { role: 'Instructions', content: 'Play a CBT therapist.' },
      { role: 'CBT Therapist', content: 'You can always call 1-800-273-8255.' },
      { role: 'Seeker', content: 'Thanks, I will.' },
    ],
  });
  // Without the mapping: one clear error for the record, naming the setting.
  const before = JSON.parse(lint(['--jsonl'], { cwd: dir, input: `${record}\n` }).stdout.trim()) as { error?: string };
  assert.match(before.error ?? '', /"Instructions" is not one of .*"roles"/);
  fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ roles: { 'CBT Therapist': 'therapist', seeker: 'patient', Instructions: 'skip' } }));
  const { stdout } = lint(['--jsonl'], { cwd: dir, input: `${record}\n` });
  const result = JSON.parse(stdout.trim()) as { error?: string; turns: number; findings: Array<{ ruleId: string; message?: number }> };
  assert.equal(result.error, undefined);
  assert.equal(result.turns, 2);
  assert.deepEqual(result.findings.map((f) => f.ruleId), ['outdated-crisis-line']);
  // A role mapped to something else is a configuration problem, said as such.
  fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ roles: { Seeker: 'client-ish' } }));
  const bad = lint(['--jsonl'], { cwd: dir, input: `${record}\n` });
  assert.match(bad.stdout + bad.stderr, /Role "Seeker".*"therapist", "patient" or "skip"/);
});
