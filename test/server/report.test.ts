/**
 * The supervisor's side over a real LSP connection: the session report as
 * data, the same R:Q in the code lens and the report, supervisor comments in
 * the outline and the comments command, completion of `%%`, two coders
 * compared from files on disk.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, CompletionList, DocumentSymbol } from 'vscode-languageserver-protocol';
import { startClient, type TestClient } from '../helpers/lsp-client.ts';
import { ROOT } from '../helpers/paths.ts';
import { SEED } from '../helpers/data.ts';
import type { SessionReport } from '../../server/src/core/report.ts';
import type { AgreementReport } from '../../server/src/core/agreement.ts';
import { formatRatio } from '../../server/src/core/stats.ts';

const TAGGED = fs.readFileSync(path.join(ROOT, 'samples/tagged-cbt-session.transcript'), 'utf8');
let client: TestClient;
let workspace: string;
const uriOf = (name: string) => pathToFileURL(path.join(workspace, name)).href;
const request = <T>(method: string, params: unknown) => client.connection.sendRequest(method, params) as Promise<T>;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-report-'));
  fs.copyFileSync(SEED, path.join(workspace, 'seed.transcript'));
  fs.writeFileSync(path.join(workspace, 'a.transcript'), TAGGED);
  fs.writeFileSync(path.join(workspace, 'b.transcript'), TAGGED.replace('[cbt:validation] ', '[cbt:reflection] '));
  client = await startClient({ rootDir: workspace });
});
after(async () => {
  await client.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('the report of an open session: its problems, untagged turns and timeline; the lens shows the same R:Q', async () => {
  const uri = uriOf('seed.transcript');
  client.open(uri, fs.readFileSync(SEED, 'utf8'), 1);
  await client.diagnostics(uri, 1);
  const report = await request<SessionReport>('workspace/executeCommand', { command: 'therapyTranscript.server.report', arguments: [uri] });
  assert.equal(report.name, 'seed.transcript');
  assert.equal(report.timeline.length, 48);
  assert.ok(report.problems.total > 40);
  assert.ok(report.problems.byRule.some((r) => r.ruleId === 'canned-refusal' && r.findings.every((f) => typeof f.line === 'number')));
  assert.equal(report.untagged.length, 24);
  assert.equal(report.stats.kind.label, 'untagged');
  const lenses = await request<Array<{ command: { title: string } }>>('textDocument/codeLens', { textDocument: { uri } });
  assert.ok(lenses[0]!.command.title.includes(`R:Q ${formatRatio(report.reflectionToQuestion)}`), lenses[0]!.command.title);
  // Not open: a clear error.
  await assert.rejects(request('workspace/executeCommand', { command: 'therapyTranscript.server.report', arguments: [uriOf('nope.transcript')] }), /is not open/);
});

test('supervisor comments: in the outline, from the comments command, and completed after %', async () => {
  const uri = uriOf('commented.transcript');
  const text = 'Therapist: [cbt:mood-check] How was the week?\n%% Dr. Lee: good start\nClient: Long.\n%\n';
  client.open(uri, text, 1);
  await client.diagnostics(uri, 1);
  const symbols = await request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbols.map((s) => s.name), ['1 · Therapist — How was the week?', '%% good start', '2 · Client — Long. %']);
  assert.equal(symbols[1]!.detail, 'comment by Dr. Lee');
  const comments = await request<Array<{ line: number; author?: string; text: string }>>('workspace/executeCommand', { command: 'therapyTranscript.server.comments', arguments: [uri] });
  assert.deepEqual(comments.map((c) => [c.line, c.author, c.text]), [[1, 'Dr. Lee', 'good start']]);
  const completion = await request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 1 } });
  const items = Array.isArray(completion) ? completion : completion.items;
  assert.equal(items.length, 1);
  assert.equal(items[0]!.label, '%%');
  assert.deepEqual(items[0]!.textEdit, { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 1 } }, newText: '%% ' });
  const caps = (client.initializeResult as { capabilities: { completionProvider: { triggerCharacters: string[] } } }).capabilities;
  assert.ok(caps.completionProvider.triggerCharacters.includes('%'));
});

test('two coders: the agreement of two files on disk (neither open), and different text refused', async () => {
  const report = await request<AgreementReport>('workspace/executeCommand', { command: 'therapyTranscript.server.agreement', arguments: [uriOf('a.transcript'), uriOf('b.transcript'), { excludeUncoded: true }] });
  assert.equal(report.disagreements.length, 1);
  assert.deepEqual([report.disagreements[0]!.a, report.disagreements[0]!.b], [['cbt:validation'], ['cbt:reflection']]);
  assert.ok(report.kappa! > 0.9 && report.kappa! < 1);
  assert.equal(report.excludeUncoded, true);
  await assert.rejects(request('workspace/executeCommand', { command: 'therapyTranscript.server.agreement', arguments: [uriOf('a.transcript'), uriOf('seed.transcript')] }), /has 48: compare two tagged copies/);
});
