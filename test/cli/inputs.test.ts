/**
 * Paths that are not transcripts must never hang or exhaust `transcript-lint`
 * (issue 13): a FIFO named `x.transcript` in a folder, a device given by
 * name, a configuration or codebook that is `/dev/zero` or a FIFO, and UTF-16
 * without a byte order mark. Every run here is bounded by a timeout only to
 * turn a hang into a failure; nothing is asserted about how long it took.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/paths.ts';

const BIN = path.join(ROOT, 'bin/transcript-lint.js');
const POSIX = process.platform !== 'win32';
/** Long enough for a loaded machine; a hang never ends. */
const HANG = 120_000;

function lint(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    timeout: HANG,
  });
  assert.equal(result.signal, null, `transcript-lint ${args.join(' ')} hung (killed after ${HANG / 1000} s)`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonFile {
  path: string;
  messages: Array<{ ruleId: string; reason: string; fatal: boolean | null }>;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-inputs-'));
}

const HOTLINE = 'Therapist: Call 1-800-273-8255 if you need to.\n\nClient: Okay.\n';

function report(stdout: string): Record<string, JsonFile['messages']> {
  return Object.fromEntries((JSON.parse(stdout) as JsonFile[]).map((f) => [path.basename(f.path), f.messages]));
}

test('a FIFO named x.transcript in a folder is reported and skipped; the other files are linted (one engine run, batches, workers)', { skip: !POSIX }, () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'a.transcript'), HOTLINE);
  fs.writeFileSync(path.join(dir, 'b.transcript'), HOTLINE);
  execFileSync('mkfifo', [path.join(dir, 'x.transcript')]);
  const runs: Array<[string[], Record<string, string>]> = [
    [['--format', 'json', dir], {}],
    [['--format', 'json', dir], { TRANSCRIPT_LINT_BATCH_FILES: '1' }],
    [['--format', 'json', '--workers', '2', dir], {}],
    [['--format', 'json', '--fix', dir], {}],
  ];
  for (const [args, env] of runs) {
    const { code, stdout } = lint(args, { env });
    assert.equal(code, 1);
    const files = report(stdout);
    assert.deepEqual(Object.keys(files).sort(), ['a.transcript', 'b.transcript', 'x.transcript']);
    assert.equal(files['x.transcript']!.length, 1);
    assert.equal(files['x.transcript']![0]!.ruleId, 'unreadable');
    assert.match(files['x.transcript']![0]!.reason, /FIFO \(named pipe\), not a regular file/);
    assert.equal(files['x.transcript']![0]!.fatal, true);
    for (const name of ['a.transcript', 'b.transcript']) {
      assert.ok(files[name]!.some((m) => m.ruleId === 'outdated-crisis-line' || m.ruleId === 'fixed'), `${name} linted`);
    }
  }
  assert.ok(fs.statSync(path.join(dir, 'x.transcript')).isFIFO(), 'the FIFO is left as it was');
});

test('a device given by name (/dev/zero) is reported, never read', { skip: !fs.existsSync('/dev/zero') }, () => {
  const { code, stdout } = lint(['--format', 'json', '/dev/zero']);
  assert.equal(code, 1);
  const [file] = JSON.parse(stdout) as JsonFile[];
  assert.match(file!.messages[0]!.reason, /character device, not a regular file/);
});

test('a configuration whose codebook is /dev/zero or a FIFO, or a configuration that is a FIFO: a warning, and the transcript is linted', { skip: !POSIX }, () => {
  const dir = tempDir();
  const transcript = path.join(dir, 'a.transcript');
  fs.writeFileSync(transcript, HOTLINE);
  const fifo = path.join(dir, 'codebook.fifo');
  execFileSync('mkfifo', [fifo]);
  const cases: Array<[string, RegExp]> = [
    ['/dev/zero', /Cannot read the codebook \/dev\/zero: it is a character device that gives more than the 16 MB a settings file may be/],
    [fifo, /Cannot read the codebook .*codebook\.fifo: it is a FIFO \(named pipe\), not a regular file/],
  ];
  for (const [codebook, expected] of cases) {
    if (!fs.existsSync(codebook)) continue;
    fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ codebook }));
    const { code, stdout } = lint(['--format', 'json', transcript]);
    assert.equal(code, 0);
    const messages = report(stdout)['a.transcript']!;
    assert.ok(messages.some((m) => m.ruleId === 'config' && expected.test(m.reason)), JSON.stringify(messages));
    assert.ok(messages.some((m) => m.ruleId === 'outdated-crisis-line'));
  }
  fs.rmSync(path.join(dir, '.transcriptrc.json'));
  execFileSync('mkfifo', [path.join(dir, '.transcriptrc.json')]);
  const { stdout } = lint(['--format', 'json', transcript]);
  const messages = report(stdout)['a.transcript']!;
  assert.ok(messages.some((m) => m.ruleId === 'config' && /Cannot read \.transcriptrc\.json: it is a FIFO/.test(m.reason)));
  assert.ok(messages.some((m) => m.ruleId === 'outdated-crisis-line'));
  // --config naming a device: the same warning, in --jsonl mode too.
  if (fs.existsSync('/dev/zero')) {
    const jsonl = spawnSync(process.execPath, [BIN, '--jsonl', '--config', '/dev/zero'], { input: '{"id":1,"text":"Therapist: Hi."}\n', encoding: 'utf8', timeout: HANG });
    assert.equal(jsonl.signal, null);
    assert.match(jsonl.stderr, /Cannot read zero: it is a character device/);
    assert.equal(JSON.parse(jsonl.stdout.trim()).id, 1);
  }
});

test('UTF-16 without a byte order mark is said to be UTF-16 (little and big endian), not "binary"; the file is left as it was', () => {
  const dir = tempDir();
  const text = 'Therapist: How was your week?\n\nClient: Long, but okay.\n';
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.from(le).swap16();
  const accented = Buffer.from('Therapist: Comment ça va, aujourd’hui ? Très bien.\n', 'utf16le');
  fs.writeFileSync(path.join(dir, 'le.transcript'), le);
  fs.writeFileSync(path.join(dir, 'be.transcript'), be);
  fs.writeFileSync(path.join(dir, 'accented.transcript'), accented);
  fs.writeFileSync(path.join(dir, 'zip.transcript'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x21, 0x00]));
  const { code, stdout } = lint(['--fix', '--format', 'json', dir]);
  assert.equal(code, 1);
  const files = report(stdout);
  assert.match(files['le.transcript']![0]!.reason, /UTF-16 LE without a byte order mark/);
  assert.match(files['be.transcript']![0]!.reason, /UTF-16 BE without a byte order mark/);
  assert.match(files['accented.transcript']![0]!.reason, /UTF-16 LE without a byte order mark/);
  assert.match(files['zip.transcript']![0]!.reason, /binary file/);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'le.transcript')), le);
  assert.deepEqual(fs.readFileSync(path.join(dir, 'accented.transcript')), accented);
  // On stdin as well.
  const piped = spawnSync(process.execPath, [BIN, '--format', 'json'], { input: le, encoding: 'utf8', timeout: HANG });
  assert.match(piped.stdout, /UTF-16 LE without a byte order mark/);
});

test('a file of more turns than the heap can hold (five megabytes of one-word turns, or lone-CR ones) gets a clear message, not an out-of-memory crash', () => {
  const dir = tempDir();
  // With a 200 MB heap, 200,000 one-word turns (1 MB) are more than it can hold.
  fs.writeFileSync(path.join(dir, 'lf.transcript'), 'T: a\n'.repeat(200_000));
  fs.writeFileSync(path.join(dir, 'cr.transcript'), 'T: a\r'.repeat(200_000));
  const result = spawnSync(process.execPath, ['--max-old-space-size=200', BIN, '--format', 'json', dir], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: HANG });
  assert.equal(result.signal, null);
  assert.equal(result.status, 1, result.stderr);
  const files = report(result.stdout);
  for (const name of ['lf.transcript', 'cr.transcript']) {
    assert.equal(files[name]!.length, 1);
    assert.match(files[name]![0]!.reason, /^This file has more than [\d,]+ lines that may start a turn; this run can check about that many turns/);
  }
});

test('the CLI run in-process from another working directory finds the configuration beside each file and fixes the file itself', async () => {
  const { main } = await import('../../server/src/cli.ts');
  const { Readable, Writable } = await import('node:stream');
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ speakers: { Nova: 'therapist' } }));
  const file = path.join(dir, 'named.transcript');
  fs.writeFileSync(file, 'Nova: Call 1-800-273-8255.\n\nNova:\n');
  let out = '';
  const stdout = new Writable({ write: (chunk, _e, done) => ((out += String(chunk)), done()) });
  const stderr = new Writable({ write: (_chunk, _e, done) => done() });
  // cwd is the temp folder, not this process's working directory: paths in the engine are relative to it.
  assert.notEqual(process.cwd(), dir);
  const code = await main(['--format', 'json', 'named.transcript'], { stdin: Readable.from([]), stdout, stderr, cwd: dir });
  assert.equal(code, 0);
  const [file0] = JSON.parse(out) as JsonFile[];
  // Nova is a configured speaker: her empty second turn is an empty turn (an unknown label without text would be no turn).
  assert.ok(file0!.messages.some((m) => m.ruleId === 'empty-turn'), JSON.stringify(file0!.messages));
  out = '';
  await main(['--fix', '--format', 'json', 'named.transcript'], { stdin: Readable.from([]), stdout, stderr, cwd: dir });
  assert.doesNotMatch(fs.readFileSync(file, 'utf8'), /273-8255/);
  assert.equal(fs.existsSync(path.join(process.cwd(), 'named.transcript')), false, 'nothing written relative to the process');
});

test('an ignore file that is a FIFO: a usage error that says so, never a wait (a file given, a folder, --ignore-path)', { skip: !POSIX }, () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'a.transcript'), HOTLINE);
  execFileSync('mkfifo', [path.join(dir, '.transcriptignore')]);
  for (const args of [[path.join(dir, 'a.transcript')], [dir], ['--ignore-path', path.join(dir, '.transcriptignore'), path.join(dir, 'a.transcript')]]) {
    const { code, stderr } = lint(args, { cwd: dir });
    assert.equal(code, 2);
    assert.match(stderr, /cannot read the ignore file .*\.transcriptignore: it is a FIFO \(named pipe\), not a regular file/);
  }
  // /dev/null reads as an empty ignore file.
  fs.rmSync(path.join(dir, '.transcriptignore'));
  if (fs.existsSync('/dev/null')) assert.equal(lint(['--ignore-path', '/dev/null', dir], { cwd: dir }).code, 0);
});

test('stdin and --jsonl lines are read only up to what one transcript can be: a message, not an exhausted heap', () => {
  // With a 64 MB heap, 40 MB on stdin is more than one transcript can be.
  const big = Buffer.alloc(40_000_000, 'a');
  const piped = spawnSync(process.execPath, ['--max-old-space-size=64', BIN, '--format', 'json'], { input: big, encoding: 'utf8', timeout: HANG });
  assert.equal(piped.signal, null);
  assert.equal(piped.status, 1, piped.stderr);
  assert.match(piped.stdout, /This input is more than \d+ MB, more than this run can check as one transcript/);
  // A record line of 40 MB is skipped unread; the records around it get their results.
  const records = Buffer.concat([Buffer.from('{"id":1,"text":"Therapist: Hi."}\n'), big, Buffer.from('\n{"id":3,"text":"Therapist: Bye."}\n')]);
  const jsonl = spawnSync(process.execPath, ['--max-old-space-size=64', BIN, '--jsonl'], { input: records, encoding: 'utf8', timeout: HANG });
  assert.equal(jsonl.signal, null);
  const lines = jsonl.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { id: unknown; line: number; error?: string });
  assert.deepEqual(lines.map((r) => [r.id, r.line]), [[1, 1], [null, 2], [3, 3]]);
  assert.match(lines[1]!.error!, /This line is \d+ MB or more, more than one record can be in this run: it was skipped unread/);
});
