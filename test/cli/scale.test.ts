/**
 * `transcript-lint` at scale, run as users run it (the bin, in a child
 * process): `--jsonl` streaming, `--shard i/n` and `--workers n`.
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

function lint(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-scale-'));
}

interface JsonFile {
  path: string;
  messages: Array<{ ruleId: string; line: number; column: number; reason: string; fatal: boolean | null }>;
}

interface Result {
  id: unknown;
  line: number;
  turns?: number;
  findings?: Array<{ ruleId: string; severity: string; line: number; column: number; endLine: number; endColumn: number; reason: string; messageIndex?: number }>;
  fixed?: number;
  /** --fix, --strip-tags: the cleaned record. */
  record?: { id?: unknown; text?: string; messages?: Array<{ role: string; content: string }>; [field: string]: unknown };
  error?: string;
}

const jsonl = (records: unknown[]) => records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';
const results = (stdout: string) => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Result);

const LOOP = 'I feel stuck and tired, and I keep going over the same worries every single night.';
const CHAT = {
  id: 'chat-1',
  messages: [
    { role: 'system', content: 'You are a supportive therapist.' },
    { role: 'assistant', content: 'How are you feeling today? Itâ€™s okay to take your time.' },
    { role: 'user', content: LOOP },
    { role: 'assistant', content: 'I cannot continue this conversation.' },
    { role: 'user', content: LOOP, name: 'naomi' },
  ],
};

// --- --jsonl -----------------------------------------------------------------

test('--jsonl: one result per record, in input order; text and chat records; positions and message indexes', () => {
  const seed = fs.readFileSync(SEED, 'utf8');
  const input = jsonl([{ id: 'seed', text: seed }, { id: 7, text: 'Therapist: Call 1-800-273-8255.\nClient: Okay.\n' }, CHAT, { text: 'Therapist: Hello.\n\nClient: Hi.\n' }]);
  const { code, stdout } = lint(['--jsonl'], { input });
  assert.equal(code, 0);
  const out = results(stdout);
  assert.deepEqual(out.map((r) => [r.id, r.line]), [['seed', 1], [7, 2], ['chat-1', 3], [null, 4]]);

  // The same findings as the file report of the same text.
  const [file] = JSON.parse(lint(['--format', 'json', SEED]).stdout) as JsonFile[];
  assert.deepEqual(
    out[0]!.findings!.map((f) => [f.ruleId, f.line, f.column, f.reason]),
    file!.messages.map((m) => [m.ruleId, m.line, m.column, m.reason]),
  );
  assert.deepEqual(out[1]!.findings!.map((f) => [f.ruleId, f.severity, f.line, f.column, f.endLine, f.endColumn]), [['outdated-crisis-line', 'warn', 1, 17, 1, 31]]);
  assert.equal(out[1]!.turns, 2);

  // Chat: the system prompt is not rendered; findings name the message they are in.
  const chat = out[2]!;
  assert.equal(chat.turns, 4);
  const byRule = Object.fromEntries(chat.findings!.map((f) => [f.ruleId, f]));
  assert.equal(byRule['mojibake']!.messageIndex, 1);
  assert.equal(byRule['canned-refusal']!.messageIndex, 3);
  assert.equal(byRule['repeated-turn']!.messageIndex, 4);
  assert.deepEqual(out[3]!.findings, []);
});

test('--jsonl: a malformed line gets an error result, the run goes on, and the exit code is 1', () => {
  const input = jsonl([
    { id: 'ok', text: 'Therapist: Hello.\n\nClient: Hi.\n' },
    'not json',
    '',
    '[1, 2]',
    { id: 'no-text', body: 'x' },
    { id: 'bad-role', messages: [{ role: 'tool', content: 'x' }] },
    { id: 'binary', text: 'Therapist: a\u0000b\n' },
    { id: 'last', text: 'Therapist: Bye.\n' },
  ]);
  const { code, stdout } = lint(['--jsonl'], { input });
  assert.equal(code, 1);
  const out = results(stdout);
  // The blank line 3 is skipped; every other line has its result.
  assert.deepEqual(out.map((r) => r.line), [1, 2, 4, 5, 6, 7, 8]);
  assert.deepEqual(out.map((r) => r.id), ['ok', null, null, 'no-text', 'bad-role', 'binary', 'last']);
  assert.match(out[1]!.error!, /Not JSON/);
  assert.match(out[2]!.error!, /JSON object/);
  assert.match(out[3]!.error!, /"text".*"messages"/);
  assert.match(out[4]!.error!, /role "tool"/);
  assert.match(out[5]!.error!, /binary/);
  assert.equal(out[6]!.error, undefined);
  // Clean records only: exit 0. An error-level finding: exit 1.
  assert.equal(lint(['--jsonl'], { input: jsonl([{ id: 1, text: 'Therapist: Hello.\n' }]) }).code, 0);
  assert.equal(lint(['--jsonl'], { input: jsonl([{ id: 1, text: 'Therapist: Hello.\nClient: Hi.\nTherapsit: And?\n' }]) }).code, 1);
});

test('--jsonl --fix: the fixed text is what --fix makes of the same transcript; chat fixes go back into their messages', () => {
  const seed = fs.readFileSync(SEED, 'utf8');
  const { code, stdout } = lint(['--jsonl', '--fix'], { input: jsonl([{ id: 'seed', text: seed }, CHAT]) });
  assert.equal(code, 0);
  const [text, chat] = results(stdout);
  assert.equal(text!.record!.text, lint(['--fix'], { input: seed }).stdout);
  assert.ok(text!.fixed! > 0);
  assert.ok(!text!.findings!.some((f) => f.ruleId === 'consecutive-turns' || f.ruleId === 'mojibake'));

  // The repeated turn is removed, the mojibake repaired in its message, the system prompt and other fields kept.
  assert.equal(chat!.fixed, 2);
  assert.deepEqual(chat!.record!.messages, [
    CHAT.messages[0],
    { role: 'assistant', content: 'How are you feeling today? It’s okay to take your time.' },
    CHAT.messages[2],
    CHAT.messages[3],
  ]);
  assert.deepEqual(chat!.findings!.map((f) => [f.ruleId, f.messageIndex]), [['canned-refusal', 3]]);
});

test('--jsonl --strip-tags: records without their tags', () => {
  const input = jsonl([
    { id: 1, text: 'Therapist: [cbt:agenda-setting] What shall we cover?\nClient: Sleep.\n' },
    { id: 2, messages: [{ role: 'assistant', content: '[mi:question] How was the week?' }, { role: 'user', content: 'Long. [ignore:all] Fine.' }] },
  ]);
  const { code, stdout } = lint(['--jsonl', '--strip-tags'], { input });
  assert.equal(code, 0);
  const [text, chat] = results(stdout);
  assert.equal(text!.record!.text, 'Therapist: What shall we cover?\nClient: Sleep.\n');
  assert.deepEqual(chat!.record!.messages, [
    { role: 'assistant', content: 'How was the week?' },
    { role: 'user', content: 'Long. [ignore:all] Fine.' },
  ]);
});

test('--jsonl streams many records and long lines, in order; --shard splits records by line number', () => {
  const files = fs.readdirSync(ANNOMI_DIR).filter((f) => f.endsWith('.transcript')).sort();
  const records = files.map((f) => ({ id: f, text: fs.readFileSync(path.join(ANNOMI_DIR, f), 'utf8') }));
  // One record of about 1 MB: every AnnoMI session in one line.
  records.push({ id: 'all', text: records.map((r) => r.text).join('\n') });
  const input = jsonl(records);
  const full = lint(['--jsonl'], { input });
  const all = results(full.stdout);
  assert.deepEqual(all.map((r) => r.id), records.map((r) => r.id));
  assert.ok(all.at(-1)!.turns! > 9000);

  const shards = [1, 2, 3].map((i) => results(lint(['--jsonl', '--shard', `${i}/3`], { input }).stdout));
  for (const [i, shard] of shards.entries()) assert.ok(shard.every((r) => (r.line - 1) % 3 === i));
  const merged = shards.flat().sort((a, b) => a.line - b.line);
  assert.deepEqual(merged, all);
});

test('--jsonl: configuration from the cwd, --config and --rule apply to every record', () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ speakers: { Nova: 'therapist', Naomi: 'patient' }, rules: { 'empty-turn': 'error' } }));
  const input = jsonl([{ id: 1, text: 'Nova: Hello, Naomi. Call 1-800-273-8255.\n\nNaomi:\n' }]);
  const [configured] = results(lint(['--jsonl'], { cwd: dir, input }).stdout);
  assert.deepEqual(configured!.findings!.map((f) => [f.ruleId, f.severity]), [['outdated-crisis-line', 'warn'], ['empty-turn', 'error']]);
  const quiet = lint(['--jsonl', '--quiet', '--rule', 'outdated-crisis-line=off'], { cwd: dir, input });
  assert.equal(quiet.code, 1);
  assert.deepEqual(results(quiet.stdout)[0]!.findings!.map((f) => f.ruleId), ['empty-turn']);
  const [plain] = results(lint(['--jsonl', '--no-config'], { cwd: dir, input }).stdout);
  assert.ok(!plain!.findings!.some((f) => f.ruleId === 'empty-turn' && f.severity === 'error'));
  // A broken configuration is said once on stderr, not on every record.
  fs.writeFileSync(path.join(dir, '.transcriptrc.json'), '{ "rules": { "empty-turn": "loud" } }');
  const broken = lint(['--jsonl'], { cwd: dir, input: input + input });
  assert.equal(broken.stderr.match(/Rule "empty-turn"/g)?.length, 1);
  assert.equal(results(broken.stdout).length, 2);
});

// --- --shard and --workers over files ------------------------------------------

/** A tree that exercises the search: nested ignore files, node_modules, other extensions, a glob character in a name. */
function makeTree(): string {
  const dir = tempDir();
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  const body = (n: number) => `Therapist: Hello, how was week ${n}?\n\nClient: It was fine.\n\nTherapist: Call 1-800-273-8255 if you need to.\n`;
  write('.transcriptignore', 'drafts/\n*.skip.transcript\n');
  write('sub/.transcriptignore', 'e.transcript\n');
  for (let i = 0; i < 40; i++) write(`many/s${String(i).padStart(2, '0')}.transcript`, body(i));
  write('a.transcript', body(1));
  write('b.skip.transcript', body(2));
  write('drafts/c.transcript', body(3));
  write('sub/d.transcript', 'Therapist: Hi.\nClient: Hello.\nTherapsit: How are you?\n');
  write('sub/e.transcript', body(5));
  write('sub/x.skip.transcript', body(6)); // the nearest ignore file (sub/) does not exclude it
  write('sub/deep/h.transcript', body(7));
  write('sub/notes.txt', body(8));
  write('node_modules/f.transcript', body(9));
  write('g[1].transcript', body(10));
  return dir;
}

test('batches and --workers 2 report byte for byte what one engine run reports (stylish and JSON, folders, globs, missing and ignored paths)', () => {
  const dir = makeTree();
  // A long list is linted in batches (here of 8 files) unless it fits in one.
  const engine = { TRANSCRIPT_LINT_BATCH_FILES: '100000' };
  const batches = { TRANSCRIPT_LINT_BATCH_FILES: '8' };
  const cases = [['.'], ['many', 'sub'], ['sub/**/*.transcript', 'a.transcript'], [`${dir}/**/s1*.transcript`, 'sub'], ['.', 'missing.transcript', 'b.skip.transcript']];
  for (const inputs of cases) {
    for (const format of ['stylish', 'json']) {
      const one = lint(['--format', format, ...inputs], { cwd: dir, env: engine });
      const batched = lint(['--format', format, ...inputs], { cwd: dir, env: batches });
      const two = lint(['--format', format, '--workers', '2', ...inputs], { cwd: dir, env: batches });
      for (const [name, run] of Object.entries({ batched, two })) {
        assert.equal(run.stdout, one.stdout, `${name}: ${format} ${inputs.join(' ')}`);
        assert.equal(run.code, one.code);
      }
    }
  }
  const report = JSON.parse(lint(['--format', 'json', '-j', '2', '.'], { cwd: dir }).stdout) as JsonFile[];
  assert.equal(report.length, 45);
  assert.ok(report.some((f) => f.path === 'sub/x.skip.transcript') && report.some((f) => f.path === 'g[1].transcript'));
  assert.ok(!report.some((f) => /drafts|node_modules|b\.skip|sub\/e\.|notes/.test(f.path)));

  // On the AnnoMI folder, and with --workers auto.
  const one = lint(['--format', 'json', ANNOMI_DIR]);
  assert.equal(lint(['--format', 'json', '-j', '2', ANNOMI_DIR]).stdout, one.stdout);
  assert.equal(lint(['--format', 'json', '-j', 'auto', ANNOMI_DIR]).stdout, one.stdout);
});

test('--workers 2 --fix fixes every file as one thread does', () => {
  const single = makeTree();
  const parallel = makeTree();
  const one = lint(['--fix', '--format', 'json', '.'], { cwd: single });
  const two = lint(['--fix', '--format', 'json', '-j', '2', '.'], { cwd: parallel, env: { TRANSCRIPT_LINT_BATCH_FILES: '8' } });
  assert.equal(two.stdout.replaceAll(parallel, '<dir>'), one.stdout.replaceAll(single, '<dir>'));
  assert.equal(two.code, one.code);
  for (let i = 0; i < 40; i++) {
    const file = `many/s${String(i).padStart(2, '0')}.transcript`;
    const fixed = fs.readFileSync(path.join(parallel, file), 'utf8');
    assert.equal(fixed, fs.readFileSync(path.join(single, file), 'utf8'));
    assert.match(fixed, /988/);
  }
  // Ignored files are left alone.
  assert.match(fs.readFileSync(path.join(parallel, 'drafts/c.transcript'), 'utf8'), /1-800-273-8255/);
});

test('--shard 1/3 + 2/3 + 3/3 together are one full run: the same files, the same messages', () => {
  const union = (args: string[], cwd?: string) =>
    [1, 2, 3]
      .flatMap((i) => JSON.parse(lint(['--format', 'json', '--shard', `${i}/3`, ...args], cwd ? { cwd } : {}).stdout) as JsonFile[])
      .sort((a, b) => (a.path < b.path ? -1 : 1));
  const full = JSON.parse(lint(['--format', 'json', ANNOMI_DIR]).stdout) as JsonFile[];
  const shards = [1, 2, 3].map((i) => JSON.parse(lint(['--format', 'json', '--shard', `${i}/3`, ANNOMI_DIR]).stdout) as JsonFile[]);
  for (const shard of shards) assert.ok(shard.length > 20 && shard.length < 80, `a fair share: ${shard.length}`);
  assert.deepEqual(union([ANNOMI_DIR]), full);

  const dir = makeTree();
  assert.deepEqual(union(['.'], dir), JSON.parse(lint(['--format', 'json', '.'], { cwd: dir }).stdout));
  // Shards and workers combine.
  assert.deepEqual(
    [1, 2].flatMap((i) => JSON.parse(lint(['--format', 'json', '--shard', `${i}/2`, '-j', '2', '.'], { cwd: dir }).stdout) as JsonFile[]).sort((a, b) => (a.path < b.path ? -1 : 1)),
    JSON.parse(lint(['--format', 'json', '.'], { cwd: dir }).stdout),
  );
});

test('a file stays in its shard when other files are added', () => {
  const dir = makeTree();
  const before = JSON.parse(lint(['--format', 'json', '--shard', '2/4', '.'], { cwd: dir }).stdout) as JsonFile[];
  for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, `many/new${i}.transcript`), 'Therapist: Hello.\n');
  const after = (JSON.parse(lint(['--format', 'json', '--shard', '2/4', '.'], { cwd: dir }).stdout) as JsonFile[]).filter((f) => !f.path.includes('new'));
  assert.deepEqual(after, before);
  // An empty shard is an empty report, not a read of stdin.
  const lone = tempDir();
  fs.writeFileSync(path.join(lone, 'only[1].transcript'), 'Therapist: Hello.\n');
  const reports = [1, 2].map((i) => lint(['--format', 'json', '--shard', `${i}/2`, '.'], { cwd: lone }));
  assert.deepEqual(reports.map((r) => r.code), [0, 0]);
  // The shard with the file lints it (its name is not taken for a glob); the other reports nothing.
  assert.deepEqual(reports.flatMap((r) => JSON.parse(r.stdout) as JsonFile[]).map((f) => [f.path, f.messages.length]), [['only[1].transcript', 0]]);
});

test('usage errors for --jsonl, --shard and --workers exit 2 with a hint', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--shard', '0/3', SEED], /--shard expects i\/n/],
    [['--shard', '4/3', SEED], /--shard expects i\/n/],
    [['--shard', 'two', SEED], /--shard expects i\/n/],
    [['--shard', '1/2'], /--shard needs paths/],
    [['--workers', '0', SEED], /--workers expects/],
    [['-j', 'many', SEED], /--workers expects/],
    [['--jsonl', SEED], /--jsonl reads records from stdin/],
    [['--jsonl', '--workers', '2'], /--shard instead/],
    [['--jsonl', '--out-dir', 'x'], /--out-dir does not apply/],
    [['--ignore-path', 'no-such-ignore-file', '-j', '2', ANNOMI_DIR], /cannot read the ignore file/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = lint(args, { input: '' });
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, message);
    assert.match(stderr, /--help/);
  }
});
