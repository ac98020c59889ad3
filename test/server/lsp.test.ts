/**
 * The language server over a real LSP connection: the `transcript-language-
 * server --stdio` binary, spoken to over its standard streams.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, Diagnostic, DocumentSymbol, FoldingRange, DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, type TestClient } from '../helpers/lsp-client.ts';
import { SEED } from '../helpers/data.ts';

const seed = fs.readFileSync(SEED, 'utf8');
let client: TestClient;
const SEED_URI = 'file:///virtual/seed.transcript';

before(async () => {
  client = await startClient();
});
after(async () => {
  await client.stop();
});

test('open: diagnostics for version 1, with source, code and related information', async () => {
  client.open(SEED_URI, seed, 1);
  const published = await client.diagnostics(SEED_URI, 1);
  assert.equal(published.version, 1);
  const codes = new Set(published.diagnostics.map((d) => d.code));
  for (const code of ['repeated-turn', 'unanswered-question', 'canned-refusal', 'role-confusion', 'generation-artifact', 'truncated-turn', 'mojibake', 'outdated-crisis-line']) {
    assert.ok(codes.has(code), `missing ${code}`);
  }
  assert.ok(published.diagnostics.every((d) => d.source === 'transcript-lint'));
  const repeat = published.diagnostics.find((d) => d.code === 'repeated-turn')!;
  assert.equal(repeat.relatedInformation?.[0]?.location.uri, SEED_URI);
  assert.equal(repeat.relatedInformation?.[0]?.location.range.start.line, 94);
  const mojibake = published.diagnostics.find((d) => d.code === 'mojibake')!;
  assert.deepEqual(mojibake.range, { start: { line: 40, character: 73 }, end: { line: 40, character: 76 } });
});

test('document symbols: the header and every turn; folding ranges for turns and header', async () => {
  const symbols = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: SEED_URI } })) as DocumentSymbol[];
  assert.equal(symbols.length, 49);
  assert.equal(symbols[0]!.name, 'Session Summary');
  assert.ok(symbols[0]!.children!.some((c) => c.name === '4. Homework assigned'));
  assert.match(symbols[3]!.name, /^3 · Therapist — Thank you for sharing that with me, Naomi\./);
  assert.deepEqual(symbols[1]!.selectionRange, { start: { line: 32, character: 0 }, end: { line: 32, character: 9 } });
  const folds = (await client.connection.sendRequest('textDocument/foldingRange', { textDocument: { uri: SEED_URI } })) as FoldingRange[];
  assert.deepEqual(folds[0], { startLine: 1, endLine: 30, kind: 'region' });
  assert.ok(folds.some((f) => f.startLine === 32 && f.endLine === 34));
});

test('incremental changes: the diagnostics of the latest version, with a typo in a label', async () => {
  const uri = 'file:///virtual/edit.transcript';
  client.open(uri, 'Therapist: Hello there.\n\nClient: Hi.\n', 1);
  assert.deepEqual((await client.diagnostics(uri, 1)).diagnostics, []);
  // Three quick edits: a typo in a label, then two more. (That nothing is published for a superseded
  // version is checked where it is decided: test/server/analysis.test.ts.)
  client.change(uri, 2, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 6 } }, text: 'Cleint' }]);
  client.change(uri, 3, [{ range: { start: { line: 2, character: 11 }, end: { line: 2, character: 11 } }, text: ' How are you?' }]);
  client.change(uri, 4, [{ range: { start: { line: 0, character: 23 }, end: { line: 0, character: 23 } }, text: ' Welcome.' }]);
  const published = await client.diagnostics(uri, 4);
  assert.equal(published.version, 4);
  const unknown = published.diagnostics.filter((d: Diagnostic) => d.code === 'unknown-speaker');
  assert.equal(unknown.length, 1);
  assert.match(String(unknown[0]!.message), /"Cleint" is not a known speaker; did you mean "Client"\?/);
  assert.equal(unknown[0]!.severity, 1);

  // Its quick fix relabels; the fix-all action applies every safe fix.
  const actions = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: unknown[0]!.range,
    context: { diagnostics: unknown },
  })) as CodeAction[];
  assert.equal(actions[0]!.title, 'Relabel as "Client"');
  assert.equal(actions[0]!.isPreferred, true);
  assert.deepEqual(actions[0]!.edit!.changes![uri], [{ range: unknown[0]!.range, newText: 'Client' }]);
  const fixAll = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.fixAll.transcript'] },
  })) as CodeAction[];
  assert.equal(fixAll.length, 1);
  assert.equal(fixAll[0]!.kind, 'source.fixAll.transcript');
});

test('closing a document clears its diagnostics', async () => {
  const uri = 'file:///virtual/close.transcript';
  client.open(uri, 'Therapist:\nClient: Hi.\n', 1);
  assert.equal((await client.diagnostics(uri, 1)).diagnostics.length, 1);
  const cleared = client.nextDiagnostics(uri, (p) => p.diagnostics.length === 0);
  client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  assert.deepEqual((await cleared).diagnostics, []);
});

test('pull diagnostics when the client supports textDocument/diagnostic', async () => {
  const pull = await startClient({ capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } } } });
  try {
    const uri = 'file:///virtual/pull.transcript';
    pull.open(uri, 'Therapist: Please call 1-800-273-8255.\nClient: Okay.\n', 1);
    const report = (await pull.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as DocumentDiagnosticReport;
    assert.equal(report.kind, 'full');
    assert.deepEqual(
      report.kind === 'full' ? report.items.map((d) => d.code) : [],
      ['outdated-crisis-line'],
    );
  } finally {
    await pull.stop();
  }
});

test('a .transcriptrc.json beside the file sets speakers and severities; settings come from the client', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-lsp-'));
  fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ speakers: { Nova: 'therapist', Naomi: 'patient' }, rules: { 'empty-turn': 'error' } }));
  const configured = await startClient({
    rootDir: dir,
    capabilities: { workspace: { configuration: true } },
    configuration: { rules: { 'outdated-crisis-line': 'off' } },
  });
  try {
    const uri = pathToFileURL(path.join(dir, 'named.transcript')).href;
    configured.open(uri, 'Nova: Call 1-800-273-8255 if you need to.\nNaomi:\nNova: Welcome back, Naomi.\n', 1);
    const published = await configured.diagnostics(uri, 1);
    // Nova/Naomi are speakers (no consecutive-turns, the empty turn is Naomi's), empty-turn is an error,
    // and the client's setting turned the hotline rule off.
    assert.deepEqual(published.diagnostics.map((d) => [d.code, d.severity]), [['empty-turn', 1]]);
    const symbols = (await configured.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.equal(symbols.length, 3);
    assert.equal(symbols[1]!.kind, 8 /* Field: a patient turn */);
  } finally {
    await configured.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('therapyTranscript.maxProblemsPerRule caps the problems of each rule in an open document', async () => {
  const capped = await startClient({ capabilities: { workspace: { configuration: true } }, configuration: { maxProblemsPerRule: 4 } });
  try {
    capped.open(SEED_URI, seed, 1);
    const refusals = (await capped.diagnostics(SEED_URI, 1)).diagnostics.filter((d) => d.code === 'canned-refusal');
    assert.equal(refusals.length, 5);
    assert.equal(refusals[4]!.message, '…and 16 more canned-refusal findings from here on: only the first 4 of this file are listed.');
    assert.equal(refusals[4]!.severity, 3);
  } finally {
    await capped.stop();
  }
});

test('a large session shows its turn problems first, with progress, then all of them', async () => {
  // Every problem listed (no budget per file), so the early ones can be found in the final list.
  const progressing = await startClient({ capabilities: { window: { workDoneProgress: true } }, initializationOptions: { settings: { maxProblemsPerFile: 1_000_000 } } });
  try {
    const events: string[] = [];
    progressing.connection.onRequest('window/workDoneProgress/create', () => {
      events.push('create');
      return null;
    });
    progressing.connection.onNotification('$/progress', (params: { value: { kind: string } }) => {
      events.push(params.value.kind);
    });
    const uri = 'file:///virtual/year.transcript';
    // Seventy copies of the seed: over the size at which a full analysis shows progress.
    const year = Array.from({ length: 70 }, () => seed).join('\n');
    assert.ok(year.length >= 2_000_000);
    const sessionRules = new Set(['repeated-turn', 'unanswered-question', 'consecutive-turns', 'role-confusion', 'mojibake']);
    const first = progressing.diagnostics(uri, 1);
    const complete = progressing.nextDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'repeated-turn'));
    progressing.open(uri, year, 1);
    const early = await first;
    events.push('first');
    const all = await complete;
    events.push('all');
    // The turn rules' problems, and nothing from the rules that read the whole session.
    assert.ok(early.diagnostics.some((d) => d.code === 'canned-refusal'));
    assert.ok(early.diagnostics.every((d) => !sessionRules.has(String(d.code))), 'only turn rules first');
    assert.equal(all.version, 1);
    // Every early problem is still there at the end, with the session rules' own.
    const key = (d: Diagnostic) => `${d.code} ${d.range.start.line}:${d.range.start.character} ${d.message}`;
    const final = new Set(all.diagnostics.map(key));
    assert.ok(early.diagnostics.every((d) => final.has(key(d))));
    assert.ok(all.diagnostics.length > early.diagnostics.length);
    await new Promise<void>((resolve) => {
      const wait = () => (events.includes('end') ? resolve() : setTimeout(wait, 10));
      wait();
    });
    // One progress, asked for before the first problems and ended after the last ones.
    const at = (event: string) => events.indexOf(event);
    assert.deepEqual(['create', 'begin', 'end'].map((e) => events.filter((x) => x === e).length), [1, 1, 1], events.join(' '));
    assert.ok(at('create') < at('first') && at('begin') < at('end') && at('all') < at('end'), events.join(' '));
  } finally {
    await progressing.stop();
  }
});

test('bad input does not crash the server: binary-looking text, a 1 MB line, an empty document', async () => {
  const uri = 'file:///virtual/odd.transcript';
  client.open(uri, `\u0000\u0001PK\u0003\u0004 Therapist: ${'x'.repeat(1_000_000)}\nClient:`, 1);
  const published = await client.diagnostics(uri, 1);
  assert.ok(Array.isArray(published.diagnostics));
  const empty = 'file:///virtual/empty.transcript';
  client.open(empty, '', 1);
  assert.deepEqual((await client.diagnostics(empty, 1)).diagnostics, []);
});

test('with resolve support, "fix all" in the quick-fix menu gets its edit only when chosen', async () => {
  const lazy = await startClient({ capabilities: { textDocument: { codeAction: { resolveSupport: { properties: ['edit'] } } } } });
  try {
    const uri = 'file:///virtual/lazy.transcript';
    const text = 'Therapist: Call 1-800-273-8255.\nClient: Itâ€™s late.\n';
    lazy.open(uri, text, 1);
    const { diagnostics } = await lazy.diagnostics(uri, 1);
    const actions = (await lazy.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostics[0]!.range,
      context: { diagnostics },
    })) as CodeAction[];
    const all = actions.find((a) => a.title.startsWith('Fix all safe problems'))!;
    assert.equal(all.title, 'Fix all safe problems in this transcript (2)');
    assert.equal(all.edit, undefined);
    const resolved = (await lazy.connection.sendRequest('codeAction/resolve', all)) as CodeAction;
    const edits = resolved.edit!.changes![uri]!;
    const fixed = TextDocument.applyEdits(TextDocument.create(uri, 'therapy-transcript', 1, text), edits);
    assert.equal(fixed, 'Therapist: Call 988.\nClient: It’s late.\n');
  } finally {
    await lazy.stop();
  }
});
