/**
 * Over a real LSP connection (the `transcript-language-server --stdio`
 * binary): a rule that throws costs its own diagnostics and nothing else —
 * one `rule-error` diagnostic names it, every other rule's diagnostics are
 * all there — and each rule's diagnostics link to its documentation page
 * (`codeDescription`, a `file:` URI of the packaged docs/rules/<id>.md).
 * The failure is injected with TRANSCRIPT_LINT_TEST_FAIL_RULE, a switch for
 * tests only (core/lint.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { startClient } from '../helpers/lsp-client.ts';
import { SEED } from '../helpers/data.ts';
import { ROOT } from '../helpers/paths.ts';
import { TEST_FAIL_RULE } from '../../server/src/core/lint.ts';

const seed = fs.readFileSync(SEED, 'utf8');
const URI = 'file:///virtual/seed.transcript';
const view = (d: Diagnostic) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;

async function diagnosticsOf(env?: Record<string, string>): Promise<Diagnostic[]> {
  const client = await startClient(env ? { env } : {});
  try {
    client.open(URI, seed, 1);
    return (await client.diagnostics(URI, 1)).diagnostics;
  } finally {
    await client.stop();
  }
}

test('every diagnostic of a rule links to its documentation page, which is there', async () => {
  const diagnostics = await diagnosticsOf();
  assert.ok(diagnostics.length > 10);
  for (const d of diagnostics) {
    const href = d.codeDescription?.href;
    assert.ok(href?.startsWith('file:'), `${d.code} has no documentation link`);
    assert.equal(fileURLToPath(href!), path.join(ROOT, 'docs/rules', `${d.code}.md`));
    assert.ok(fs.existsSync(fileURLToPath(href!)));
  }
});

test('a rule that throws: one rule-error naming it, and every other rule still reports', async () => {
  const normal = await diagnosticsOf();
  for (const failing of ['mojibake', 'generation-artifact']) {
    // A session rule (mojibake: `check`) and one that checks each turn too (generation-artifact).
    assert.ok(normal.some((d) => d.code === failing), `the seed has ${failing} findings`);
    const contained = await diagnosticsOf({ [TEST_FAIL_RULE]: failing });
    const errors = contained.filter((d) => d.code === 'rule-error');
    assert.equal(errors.length, 1, failing);
    assert.match(String(errors[0]!.message), new RegExp(`The rule "${failing}" failed on this transcript \\(a failure injected by ${TEST_FAIL_RULE}, for tests\\)`));
    assert.equal(errors[0]!.severity, 1);
    assert.equal(errors[0]!.codeDescription, undefined);
    assert.deepEqual(
      contained.filter((d) => d.code !== 'rule-error').map(view),
      normal.filter((d) => d.code !== failing).map(view),
    );
  }
});
