/**
 * `transcript-lint` when a rule throws (injected with
 * TRANSCRIPT_LINT_TEST_FAIL_RULE, a switch for tests only, core/lint.ts):
 * the report has one `rule-error` message naming the rule, every other
 * rule's messages are all there, and the exit code is 2 — for a file, for
 * files linted in worker threads, and for `--jsonl` records. The bin, in a
 * child process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/paths.ts';
import { SEED } from '../helpers/data.ts';
import { TEST_FAIL_RULE } from '../../server/src/core/lint.ts';

const BIN = path.join(ROOT, 'bin/transcript-lint.js');

function lint(args: string[], options: { fail?: string; input?: string; cwd?: string } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env[TEST_FAIL_RULE];
  if (options.fail) env[TEST_FAIL_RULE] = options.fail;
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, input: options.input ?? '', encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonFile {
  path: string;
  messages: Array<{ ruleId: string; line: number; column: number; reason: string; fatal: boolean | null }>;
}

const view = (m: JsonFile['messages'][number]) => `${m.ruleId} ${m.line}:${m.column} ${m.reason}`;
const MESSAGE = new RegExp(`^The rule "(?:[a-z-]+)" failed on this transcript \\(a failure injected by ${TEST_FAIL_RULE}, for tests\\)`);

test('a file: one rule-error naming the rule, the other rules all report, exit code 2', () => {
  const normal = lint(['--format', 'json', SEED]);
  assert.equal(normal.code, 0);
  const [expected] = JSON.parse(normal.stdout) as JsonFile[];
  for (const failing of ['repeated-turn', 'outdated-crisis-line']) {
    assert.ok(expected!.messages.some((m) => m.ruleId === failing), `the seed has ${failing} findings`);
    const run = lint(['--format', 'json', SEED], { fail: failing });
    assert.equal(run.code, 2, failing);
    const [file] = JSON.parse(run.stdout) as JsonFile[];
    const errors = file!.messages.filter((m) => m.ruleId === 'rule-error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.reason, MESSAGE);
    assert.ok(errors[0]!.reason.includes(`"${failing}"`));
    assert.equal(errors[0]!.fatal, true);
    assert.deepEqual(file!.messages.filter((m) => m.ruleId !== 'rule-error').map(view), expected!.messages.filter((m) => m.ruleId !== failing).map(view));
  }
  // The default report says it too.
  const stylish = lint([SEED], { fail: 'mojibake' });
  assert.equal(stylish.code, 2);
  assert.match(stylish.stdout, /The rule "mojibake" failed on this transcript/);
});

test('files in worker threads, and --jsonl records: exit code 2 when a rule failed', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-rule-failure-'));
  try {
    for (const name of ['a', 'b', 'c']) fs.copyFileSync(SEED, path.join(dir, `${name}.transcript`));
    const normal = lint(['--format', 'json', '--workers', '2', dir]);
    assert.equal(normal.code, 0);
    const run = lint(['--format', 'json', '--workers', '2', dir], { fail: 'unknown-speaker' });
    assert.equal(run.code, 2);
    const files = JSON.parse(run.stdout) as JsonFile[];
    assert.equal(files.length, 3);
    for (const [i, file] of files.entries()) {
      assert.equal(file.messages.filter((m) => m.ruleId === 'rule-error').length, 1);
      assert.deepEqual(
        file.messages.filter((m) => m.ruleId !== 'rule-error').map(view),
        (JSON.parse(normal.stdout) as JsonFile[])[i]!.messages.filter((m) => m.ruleId !== 'unknown-speaker').map(view),
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const records = `${JSON.stringify({ id: 1, text: 'Therapist: Call 1-800-273-8255.\n\nClient:\n' })}\n${JSON.stringify({ id: 2, text: 'Therapist: Hello.\n\nClient: Hi.\n' })}\n`;
  const ok = lint(['--jsonl'], { input: records });
  assert.equal(ok.code, 0);
  const failed = lint(['--jsonl'], { input: records, fail: 'empty-turn' });
  assert.equal(failed.code, 2);
  const [first, second] = failed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: number; findings: Array<{ ruleId: string }> });
  assert.deepEqual(first!.findings.map((f) => f.ruleId).sort(), ['outdated-crisis-line', 'rule-error']);
  // (The injected failure is on every transcript the rule runs on.)
  assert.deepEqual(second!.findings.map((f) => f.ruleId), ['rule-error']);
});
