/**
 * The server as different clients see it: one that answers every server
 * request with an error, a minimal one (no dynamic registration, no Markdown,
 * no code action literals, no hierarchical symbols), Neovim 0.7's way of
 * passing settings, VS Code's client commands; file watching, semantic
 * tokens, workspace diagnostics and the workspace commands, the per-file
 * budget of problems, the picker by role, error codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  CodeAction,
  Command,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  Hover,
  PublishDiagnosticsParams,
  SemanticTokens,
  SymbolInformation,
  WorkspaceDiagnosticReport,
  ApplyWorkspaceEditParams,
  InitializeResult,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, type TestClient } from '../helpers/lsp-client.ts';
import { ROOT } from '../helpers/paths.ts';
import { SEED } from '../helpers/data.ts';

const seed = fs.readFileSync(SEED, 'utf8');
const request = <T>(client: TestClient, method: string, params: unknown) => client.connection.sendRequest(method, params) as Promise<T>;
const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `transcript-${name}-`));
const until = async (condition: () => boolean, what: string) => {
  // Waits on an event the server causes (polled, with no deadline of its own: the test runner's applies).
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), what);
};

/** Everything a client can declare, so the server has a reason to send each of its requests. */
const EVERYTHING = {
  workspace: {
    configuration: true,
    applyEdit: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    diagnostics: { refreshSupport: true },
    semanticTokens: { refreshSupport: true },
  },
  window: { workDoneProgress: true, showDocument: { support: true } },
  textDocument: {
    diagnostic: { dynamicRegistration: false },
    semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative' as const] },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'source'] } }, resolveSupport: { properties: ['edit'] } },
  },
};

test('a client that answers every server request with an error: the server keeps running and answering', async () => {
  const dir = tempDir('rejecting');
  fs.writeFileSync(path.join(dir, 'other.transcript'), 'Therapist: Call 1-800-273-8255.\nClient: Ok.\n');
  const client = await startClient({ capabilities: EVERYTHING, serverRequests: 'reject', rootDir: dir, captureStderr: true });
  try {
    const uri = pathToFileURL(path.join(dir, 'open.transcript')).href;
    client.open(uri, 'Therapist: Call 1-800-273-8255.\nClient: Itâ€™s late.\n', 1);
    const pulled = await request<{ items: Diagnostic[] }>(client, 'textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(pulled.items.map((d) => d.code).sort(), ['mojibake', 'outdated-crisis-line']);
    // Settings change (a configuration request and a diagnostics refresh, both refused) …
    client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    // … the commands that ask the client something (a choice, an edit, a progress) …
    const picked = await request<{ applied: boolean }>(client, 'workspace/executeCommand', {
      command: 'therapyTranscript.server.pickTechnique',
      arguments: [uri, { line: 0, character: 12 }],
    });
    assert.deepEqual(picked, { applied: false });
    const linted = await request<{ files: number }>(client, 'workspace/executeCommand', { command: 'therapyTranscript.server.lintWorkspace', arguments: [] });
    assert.equal(linted.files, 2);
    await assert.rejects(
      request(client, 'workspace/executeCommand', { command: 'therapyTranscript.server.fixAllInWorkspace', arguments: [] }),
      /did not apply the fixes/,
    );
    const workspaceReport = await request<WorkspaceDiagnosticReport>(client, 'workspace/diagnostic', { previousResultIds: [], workDoneToken: 'w1' });
    assert.equal(workspaceReport.items.length, 1);
    // … and every one of those requests was sent and refused:
    const methods = new Set(client.serverRequests.map((r) => r.method));
    for (const method of ['client/registerCapability', 'workspace/configuration', 'workspace/diagnostic/refresh', 'window/showMessageRequest', 'workspace/applyEdit', 'window/workDoneProgress/create']) {
      assert.ok(methods.has(method), `the server never sent ${method}: ${[...methods].join(', ')}`);
    }
    // The server is alive and answers.
    const symbols = await request<DocumentSymbol[]>(client, 'textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(symbols.length, 2);
    assert.equal(client.process.exitCode, null);
    assert.doesNotMatch(client.stderr(), /a request failed|Unhandled|unhandled/);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a minimal client: no registration or refresh requests, plain text, flat symbols, commands instead of code actions', async () => {
  const client = await startClient({ exactCapabilities: {}, captureStderr: true });
  try {
    const init = client.initializeResult as InitializeResult;
    assert.equal(init.capabilities.semanticTokensProvider, undefined);
    assert.equal(init.capabilities.codeActionProvider, true);
    const uri = 'file:///virtual/minimal.transcript';
    const text = 'Therapist: [cbt:decatastrophizing] And if that happened, how would you cope?\nClient: Call 1-800-273-8255?\n';
    client.open(uri, text, 1);
    const { diagnostics } = await client.diagnostics(uri, 1);
    assert.deepEqual(diagnostics.map((d) => d.code), ['outdated-crisis-line']);
    const hover = await request<Hover>(client, 'textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 20 } });
    const value = (hover.contents as { kind: string; value: string });
    assert.equal(value.kind, 'plaintext');
    assert.match(value.value, /^Decatastrophizing \[cbt:decatastrophizing\]\nCTRS item: Application of CBT techniques/);
    assert.doesNotMatch(value.value, /\*|`/);
    const items = await request<CompletionItem[]>(client, 'textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 16 } });
    const socratic = items.find((i) => i.label === 'socratic-questioning')!;
    assert.equal((socratic.documentation as { kind: string }).kind, 'plaintext');
    const namespaces = await request<CompletionItem[]>(client, 'textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 12 } });
    assert.ok(namespaces.length > 0 && namespaces.every((i) => i.command === undefined), 'no VS Code-only command');
    const symbols = await request<SymbolInformation[]>(client, 'textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.every((s) => 'location' in s && !('children' in s)));
    const actions = await request<Array<CodeAction | Command>>(client, 'textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } });
    // Without code action literals or applyEdit, only commands that need neither remain: none here.
    assert.deepEqual(actions, []);
    const lenses = await request<Array<{ command: { command: string } }>>(client, 'textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses[0]!.command.command, 'therapyTranscript.server.showSummary');
    // The lens's command works: it shows the summary as a message (a notification every client takes).
    const shown = new Promise<{ message: string }>((resolve) => client.connection.onNotification('window/showMessage', resolve));
    await request(client, 'workspace/executeCommand', { command: 'therapyTranscript.server.showSummary', arguments: [uri] });
    assert.match((await shown).message, /^Session report — minimal\.transcript/);
    assert.deepEqual(client.serverRequests, [], 'a minimal client gets no requests');
  } finally {
    await client.stop();
  }
});

test('without code action literals but with applyEdit, code actions come as commands the server applies', async () => {
  const client = await startClient({ exactCapabilities: { workspace: { applyEdit: true } } });
  try {
    const uri = 'file:///virtual/commands.transcript';
    const text = 'Therapist: Call 1-800-273-8255.\nClient: Ok.\n';
    client.open(uri, text, 1);
    const { diagnostics } = await client.diagnostics(uri, 1);
    const actions = await request<Command[]>(client, 'textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } });
    const fix = actions.find((a) => a.title.startsWith('Replace'))!;
    assert.equal(fix.command, 'therapyTranscript.server.applyEdit');
    const applied = new Promise<ApplyWorkspaceEditParams>((resolve) =>
      client.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
        resolve(params);
        return { applied: true };
      }),
    );
    assert.deepEqual(await request(client, 'workspace/executeCommand', { command: fix.command, arguments: fix.arguments }), { applied: true });
    const edit = (await applied).edit.changes![uri]!;
    assert.match(TextDocument.applyEdits(TextDocument.create(uri, 'x', 1, text), edit), /988/);
    // The picker is the server's, through a message with choices.
    assert.ok(actions.some((a) => a.command === 'therapyTranscript.server.pickTechnique'));
  } finally {
    await client.stop();
  }
});

test('unknown commands and bad rename names are errors with LSP error codes', async () => {
  const client = await startClient();
  try {
    await assert.rejects(request(client, 'workspace/executeCommand', { command: 'therapyTranscript.nope', arguments: [] }), (error: { code: number; message: string }) => {
      assert.equal(error.code, -32602);
      assert.match(error.message, /Unknown command "therapyTranscript\.nope"/);
      return true;
    });
    await assert.rejects(request(client, 'workspace/executeCommand', { command: 'therapyTranscript.server.summary', arguments: ['file:///virtual/not-open.transcript'] }), (error: { code: number }) => {
      assert.equal(error.code, -32803);
      return true;
    });
    const uri = 'file:///virtual/rename.transcript';
    client.open(uri, 'Therapist: [cbt:agenda-setting] What shall we cover?\n', 1);
    await client.diagnostics(uri, 1);
    await assert.rejects(request(client, 'textDocument/rename', { textDocument: { uri }, position: { line: 0, character: 20 }, newName: 'Not An Id' }), (error: { code: number }) => {
      assert.equal(error.code, -32602);
      return true;
    });
  } finally {
    await client.stop();
  }
});

test('VS Code (which names its client commands) gets them; others get the server commands', async () => {
  const vscodeLike = await startClient({ initializationOptions: { clientCommands: ['therapyTranscript.pickTechnique', 'therapyTranscript.showSummary', 'editor.action.triggerSuggest'] } });
  try {
    const uri = 'file:///virtual/vscode.transcript';
    vscodeLike.open(uri, 'Therapist: What shall we cover today?\nClient: Sleep.\n', 1);
    await vscodeLike.diagnostics(uri, 1);
    const lenses = await request<Array<{ command: { command: string } }>>(vscodeLike, 'textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses[0]!.command.command, 'therapyTranscript.showSummary');
    const actions = await request<CodeAction[]>(vscodeLike, 'textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 14 }, end: { line: 0, character: 14 } }, context: { diagnostics: [] } });
    assert.ok(actions.some((a) => a.command?.command === 'therapyTranscript.pickTechnique'));
  } finally {
    await vscodeLike.stop();
  }
});

test('settings from initializationOptions (Neovim 0.7 init_options, Helix config), and pushed in either shape', async () => {
  const client = await startClient({ exactCapabilities: {}, initializationOptions: { settings: { speakers: { Nova: 'therapist', Sam: 'patient' } } } });
  try {
    const uri = 'file:///virtual/settings.transcript';
    const text = 'Nova: How was the week?\n\nSam: Long.\n\nNova: Call 1-800-273-8255 if you need to.\n';
    client.open(uri, text, 1);
    const symbols = await request<SymbolInformation[]>(client, 'textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => s.kind), [6, 8, 6], 'Nova is a therapist, Sam a patient');
    assert.deepEqual((await client.diagnostics(uri, 1)).diagnostics.map((d) => d.code), ['outdated-crisis-line']);
    // VS Code's shape …
    const off = client.nextDiagnostics(uri, (p) => p.diagnostics.length === 0);
    client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { therapyTranscript: { rules: { 'outdated-crisis-line': 'off' } } } });
    await off;
    // … or the fields themselves; the speakers from the start stay.
    const error = client.nextDiagnostics(uri, (p) => p.diagnostics.some((d) => d.severity === 1));
    client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { rules: { 'outdated-crisis-line': 'error' } } });
    assert.deepEqual((await error).diagnostics.map((d) => [d.code, d.severity]), [['outdated-crisis-line', 1]]);
  } finally {
    await client.stop();
  }
});

test('settings as Helix passes them: its `config` is the initialization options, { therapyTranscript: {…} }', async () => {
  const client = await startClient({ exactCapabilities: {}, initializationOptions: { therapyTranscript: { rules: { 'outdated-crisis-line': 'error' } } } });
  try {
    const uri = 'file:///virtual/helix.transcript';
    client.open(uri, 'Therapist: Call 1-800-273-8255.\nClient: Ok.\n', 1);
    assert.deepEqual((await client.diagnostics(uri, 1)).diagnostics.map((d) => [d.code, d.severity]), [['outdated-crisis-line', 1]]);
  } finally {
    await client.stop();
  }
});

test('workspace symbols: "#agenda" finds the agenda-setting tags (the "#" is not part of the query)', async () => {
  const dir = tempDir('symbols');
  fs.writeFileSync(path.join(dir, 'a.transcript'), 'Therapist: [cbt:agenda-setting] What shall we cover today?\nClient: Sleep.\n');
  const client = await startClient({ rootDir: dir });
  try {
    for (const query of ['#agenda', 'agenda', '[cbt:agenda']) {
      const symbols = await request<SymbolInformation[]>(client, 'workspace/symbol', { query });
      assert.deepEqual(symbols.map((s) => s.name), ['[cbt:agenda-setting] Agenda setting'], query);
    }
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('file watchers: registered with a client that can watch; otherwise the server watches, and an edit to .transcriptrc.json applies at once', async () => {
  const watching = await startClient({ capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } } });
  try {
    await until(() => watching.serverRequests.some((r) => r.method === 'client/registerCapability'), 'a registration');
    const registration = watching.serverRequests.find((r) => r.method === 'client/registerCapability')!.params as {
      registrations: Array<{ method: string; registerOptions: { watchers: Array<{ globPattern: string }> } }>;
    };
    const watchers = registration.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')!.registerOptions.watchers.map((w) => w.globPattern);
    for (const glob of ['**/.transcriptrc.json', '**/.transcript-codebook.json', '**/*.codebook.json']) assert.ok(watchers.includes(glob), glob);
  } finally {
    await watching.stop();
  }

  const dir = tempDir('watch');
  const rc = path.join(dir, '.transcriptrc.json');
  fs.writeFileSync(rc, JSON.stringify({ rules: { 'outdated-crisis-line': 'off' } }));
  const client = await startClient({ exactCapabilities: {}, rootDir: dir });
  try {
    const uri = pathToFileURL(path.join(dir, 's.transcript')).href;
    client.open(uri, 'Therapist: Call 1-800-273-8255.\nClient: Ok.\n', 1);
    assert.deepEqual((await client.diagnostics(uri, 1)).diagnostics, []);
    const changed = client.nextDiagnostics(uri, (p) => p.diagnostics.length > 0);
    fs.writeFileSync(rc, JSON.stringify({ rules: { 'outdated-crisis-line': 'error', 'no-such-rule': 'warn' } }));
    const published = (await changed).diagnostics;
    assert.deepEqual(published.map((d) => [d.code, d.severity]).sort(), [['config', 2], ['outdated-crisis-line', 1]]);
    // The same words as transcript-lint's report (test/cli).
    assert.equal(published.find((d) => d.code === 'config')!.message, 'Unknown rule "no-such-rule" in the configuration.');
    // A codebook beside it is watched too.
    const codebookChanged = client.nextDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'config' && /codebook/i.test(String(d.message))));
    fs.writeFileSync(path.join(dir, '.transcript-codebook.json'), '{ not json');
    assert.ok((await codebookChanged).diagnostics.length > 0);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Semantic tokens as [line, character, length, type, modifiers] with names. */
function decodeTokens(tokens: SemanticTokens, legend: { tokenTypes: string[]; tokenModifiers: string[] }): Array<[number, number, number, string, string[]]> {
  const out: Array<[number, number, number, string, string[]]> = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < tokens.data.length; i += 5) {
    const [dl, dc, length, type, mods] = tokens.data.slice(i, i + 5) as [number, number, number, number, number];
    line += dl;
    character = dl === 0 ? character + dc : dc;
    out.push([line, character, length, legend.tokenTypes[type]!, legend.tokenModifiers.filter((_, bit) => mods & (1 << bit))]);
  }
  return out;
}

test('semantic tokens colour every label by its role, configured names too, and both parts of a tag', async () => {
  const dir = tempDir('tokens');
  fs.copyFileSync(path.join(ROOT, 'samples/.transcriptrc.json'), path.join(dir, '.transcriptrc.json'));
  const client = await startClient({ capabilities: { textDocument: { semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative' as const] } } }, rootDir: dir });
  try {
    const legend = (client.initializeResult as InitializeResult).capabilities.semanticTokensProvider!.legend;
    const uri = pathToFileURL(path.join(dir, 'named.transcript')).href;
    const text = fs.readFileSync(path.join(ROOT, 'samples/named-speakers.transcript'), 'utf8');
    client.open(uri, text, 1);
    const tokens = decodeTokens(await request<SemanticTokens>(client, 'textDocument/semanticTokens/full', { textDocument: { uri } }), legend);
    const lines = text.split('\n');
    const novaLine = lines.findIndex((l) => l.startsWith('Nova:'));
    const samLine = lines.findIndex((l) => l.startsWith('Sam:'));
    assert.deepEqual(tokens.find((t) => t[0] === novaLine), [novaLine, 0, 4, 'function', ['therapist', 'speaker']]);
    assert.deepEqual(tokens.find((t) => t[0] === samLine), [samLine, 0, 3, 'type', ['patient', 'speaker']]);
    const tagLine = lines.findIndex((l) => l.includes('[cbt:behavioral-experiment]'));
    const open = lines[tagLine]!.indexOf('[');
    assert.deepEqual(
      tokens.filter((t) => t[0] === tagLine).slice(1),
      [
        [tagLine, open + 1, 3, 'namespace', ['therapist']],
        [tagLine, open + 5, 'behavioral-experiment'.length, 'enumMember', ['therapist']],
      ],
    );
    const labels = tokens.filter((t) => t[4].includes('speaker'));
    assert.equal(labels.length, lines.filter((l) => /^(Nova|Sam):/.test(l)).length);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('workspace diagnostics: every transcript that is not open, with progress; unchanged files answered as such', async () => {
  const dir = tempDir('workspace');
  fs.mkdirSync(path.join(dir, 'week2'));
  fs.writeFileSync(path.join(dir, 'a.transcript'), 'Therapist: Call 1-800-273-8255.\nClient: Ok.\n');
  fs.writeFileSync(path.join(dir, 'week2/b.transcript'), 'Therapist: Hello.\nClient: Itâ€™s late.\n');
  fs.writeFileSync(path.join(dir, 'clean.transcript'), 'Therapist: Hello.\nClient: Hi.\n');
  const client = await startClient({ capabilities: { textDocument: { diagnostic: {} }, window: { workDoneProgress: true } }, rootDir: dir });
  try {
    const progress: string[] = [];
    client.connection.onNotification('$/progress', (p: { token: string; value: { kind: string; message?: string } }) => {
      if (p.token === 'ws') progress.push(`${p.value.kind}${p.value.message ? ` ${p.value.message}` : ''}`);
    });
    const first = await request<WorkspaceDiagnosticReport>(client, 'workspace/diagnostic', { previousResultIds: [], workDoneToken: 'ws' });
    const byFile = new Map(first.items.map((i) => [path.relative(dir, new URL(i.uri).pathname), i]));
    assert.deepEqual([...byFile.keys()].sort(), ['a.transcript', 'clean.transcript', 'week2/b.transcript']);
    const codes = (name: string) => {
      const item = byFile.get(name)!;
      return item.kind === 'full' ? item.items.map((d) => d.code) : [];
    };
    assert.deepEqual(codes('a.transcript'), ['outdated-crisis-line']);
    assert.deepEqual(codes('week2/b.transcript'), ['mojibake']);
    assert.deepEqual(codes('clean.transcript'), []);
    await until(() => progress.includes('end'), 'progress ended');
    assert.equal(progress[0], 'begin');
    assert.ok(progress.includes('report 3 of 3 transcripts'), progress.join(' | '));
    // Asked again with the result ids: unchanged, except the file that changed.
    const again = await request<WorkspaceDiagnosticReport>(client, 'workspace/diagnostic', {
      previousResultIds: first.items.map((i) => ({ uri: i.uri, value: i.resultId! })),
    });
    assert.ok(again.items.every((i) => i.kind === 'unchanged'));
    fs.writeFileSync(path.join(dir, 'clean.transcript'), 'Therapist:\nClient: Hi.\n');
    const third = await request<WorkspaceDiagnosticReport>(client, 'workspace/diagnostic', {
      previousResultIds: first.items.map((i) => ({ uri: i.uri, value: i.resultId! })),
    });
    const changed = third.items.filter((i) => i.kind === 'full');
    assert.deepEqual(changed.map((i) => path.basename(new URL(i.uri).pathname)), ['clean.transcript']);
    // Without a token (as VS Code asks, every few seconds) the server shows a progress of its own,
    // only while it lints something.
    const created = () => client.serverRequests.filter((r) => r.method === 'window/workDoneProgress/create').length;
    const before = created();
    await request(client, 'workspace/diagnostic', { previousResultIds: third.items.map((i) => ({ uri: i.uri, value: i.resultId! })) });
    assert.equal(created(), before, 'nothing to lint, no progress');
    fs.writeFileSync(path.join(dir, 'clean.transcript'), 'Therapist: Hello.\nClient: Hi.\n');
    await request(client, 'workspace/diagnostic', { previousResultIds: third.items.map((i) => ({ uri: i.uri, value: i.resultId! })) });
    assert.equal(created(), before + 1, 'a file to lint, one progress');
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('"Lint workspace" pushes every transcript\'s problems to a push client; "Fix all in workspace" sends one edit for every file', async () => {
  const dir = tempDir('workspace-commands');
  const a = path.join(dir, 'a.transcript');
  const b = path.join(dir, 'b.transcript');
  fs.writeFileSync(a, 'Therapist: Call 1-800-273-8255.\nClient: Ok.\n');
  fs.writeFileSync(b, 'Therapist: Hello.\nClient: Itâ€™s late.\n');
  const client = await startClient({ exactCapabilities: { workspace: { applyEdit: true } }, rootDir: dir });
  try {
    const pushed = new Map<string, PublishDiagnosticsParams>();
    const both = Promise.all([a, b].map((file) => client.nextDiagnostics(pathToFileURL(file).href, () => true)));
    const summary = await request<{ files: number; filesWithProblems: number; problems: number }>(client, 'workspace/executeCommand', {
      command: 'therapyTranscript.server.lintWorkspace',
      arguments: [],
    });
    for (const p of await both) pushed.set(path.basename(new URL(p.uri).pathname), p);
    assert.deepEqual(summary, { files: 2, filesWithProblems: 2, problems: 2 });
    assert.deepEqual(pushed.get('a.transcript')!.diagnostics.map((d) => d.code), ['outdated-crisis-line']);
    assert.deepEqual(pushed.get('b.transcript')!.diagnostics.map((d) => d.code), ['mojibake']);

    const edits = new Promise<ApplyWorkspaceEditParams>((resolve) =>
      client.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
        resolve(params);
        return { applied: true };
      }),
    );
    const fixed = await request<{ files: number; fixedFiles: number; applied: number }>(client, 'workspace/executeCommand', {
      command: 'therapyTranscript.server.fixAllInWorkspace',
      arguments: [],
    });
    assert.deepEqual(fixed, { files: 2, fixedFiles: 2, applied: 2 });
    const { edit, label } = await edits;
    assert.equal(label, 'Fix all in workspace (2 fixes in 2 files)');
    const apply = (file: string) => TextDocument.applyEdits(TextDocument.create('x', 'x', 1, fs.readFileSync(file, 'utf8')), edit.changes![pathToFileURL(file).href]!);
    assert.equal(apply(a), 'Therapist: Call 988.\nClient: Ok.\n');
    assert.equal(apply(b), 'Therapist: Hello.\nClient: It’s late.\n');
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('more problems than an editor shows: errors first, every rule represented, and a line per rule says what was left out', async () => {
  // 30 misspelt labels (errors), 30 empty turns (warnings), 30 retired hotlines (warnings), 30 merges (information).
  const turns: string[] = [];
  for (let i = 0; i < 30; i++) {
    turns.push(`Therapsit: Question ${i}, call 1-800-273-8255.`, 'Client:', `Client: Reply number ${i}.`);
  }
  const client = await startClient({ initializationOptions: { settings: { maxProblemsPerFile: 40 } } });
  try {
    const uri = 'file:///virtual/budget.transcript';
    client.open(uri, `${turns.join('\n')}\n`, 1);
    const { diagnostics } = await client.diagnostics(uri, 1);
    assert.ok(diagnostics.length <= 40, String(diagnostics.length));
    const count = (code: string, severity?: number) => diagnostics.filter((d) => d.code === code && (severity === undefined || d.severity === severity)).length;
    // Errors all fit (30); the warnings share what is left, rule by rule; information gets nothing but its line.
    assert.equal(count('unknown-speaker', 1), 30);
    assert.ok(count('empty-turn', 2) >= 1 && count('outdated-crisis-line', 2) >= 1);
    const summaries = diagnostics.filter((d) => /more .* findings? not listed/.test(String(d.message)));
    assert.deepEqual(summaries.map((d) => d.code).sort(), ['consecutive-turns', 'empty-turn', 'outdated-crisis-line']);
    for (const line of summaries) assert.equal(line.severity, 3);
    assert.match(String(summaries.find((d) => d.code === 'consecutive-turns')!.message), /^…and 30 more consecutive-turns findings not listed \(0 are; an editor shows at most 40 problems per file\), the first at line 3/);
    // Most important first: the order of severities never goes back.
    const severities = diagnostics.filter((d) => !summaries.includes(d)).map((d) => d.severity!);
    assert.deepEqual(severities, [...severities].sort());
    // Under the budget, everything is sent.
    const all = await startClient();
    try {
      all.open(uri, `${turns.join('\n')}\n`, 1);
      assert.equal((await all.diagnostics(uri, 1)).diagnostics.length, 120);
    } finally {
      await all.stop();
    }
  } finally {
    await client.stop();
  }
});

test('the picker offers only what the codebook allows for the turn\'s role, and says why when nothing applies', async () => {
  const client = await startClient();
  try {
    const uri = 'file:///virtual/picker.transcript';
    client.open(uri, 'Session notes:\n\nTherapist: What would you like to work on today?\n\nClient: My sleep, I guess.\n', 1);
    await client.diagnostics(uri, 1);
    const rank = (line: number) =>
      request<{ insertAt: unknown; techniques: Array<{ namespace: string }>; message?: string; role?: string }>(client, 'workspace/executeCommand', {
        command: 'therapyTranscript.server.rankTechniques',
        arguments: [uri, { line, character: 3 }],
      });
    const therapist = await rank(2);
    assert.equal(therapist.role, 'therapist');
    assert.ok(therapist.techniques.some((t) => t.namespace === 'cbt') && therapist.techniques.some((t) => t.namespace === 'mi'));
    const patient = await rank(4);
    assert.deepEqual([patient.insertAt, patient.techniques], [null, []]);
    assert.equal(patient.message, 'Turn 2 is a patient turn (Client), and the codebook has no techniques for patient turns: CBT techniques (therapist); MI behavior codes (MITI 4.2.1) (therapist).');
    const header = await rank(0);
    assert.equal(header.message, "The cursor is on the session's header: put it in a turn to tag it.");
    // The server's picker (any client): a message with the choices, then the edit.
    client.connection.onRequest('window/showMessageRequest', (params: { actions: Array<{ title: string }> }) => params.actions.find((a) => a.title.includes('[cbt:agenda-setting]')) ?? null);
    const applied = new Promise<ApplyWorkspaceEditParams>((resolve) =>
      client.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
        resolve(params);
        return { applied: true };
      }),
    );
    const result = await request<{ applied: boolean; tag: string }>(client, 'workspace/executeCommand', {
      command: 'therapyTranscript.server.pickTechnique',
      arguments: [uri, { line: 2, character: 14 }],
    });
    assert.deepEqual(result, { applied: true, tag: '[cbt:agenda-setting]' });
    assert.deepEqual((await applied).edit.changes![uri], [{ range: { start: { line: 2, character: 11 }, end: { line: 2, character: 11 } }, newText: '[cbt:agenda-setting] ' }]);
    // On a patient turn the server's picker says so instead of offering therapist techniques.
    const said = new Promise<{ message: string }>((resolve) => client.connection.onNotification('window/showMessage', resolve));
    assert.deepEqual(await request(client, 'workspace/executeCommand', { command: 'therapyTranscript.server.pickTechnique', arguments: [uri, { line: 4, character: 10 }] }), { applied: false });
    assert.match((await said).message, /no techniques for patient turns/);
  } finally {
    await client.stop();
  }
});

test('singular and plural in the code lens and hover', async () => {
  const client = await startClient();
  try {
    const uri = 'file:///virtual/plural.transcript';
    client.open(uri, 'Therapist: [cbt:reflection] You feel stuck.\nClient: Yes.\n', 1);
    await client.diagnostics(uri, 1);
    const lenses = await request<Array<{ command: { title: string } }>>(client, 'textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses[0]!.command.title, '2 turns · therapist 75% of words · 0 questions (0 open) · 1 reflection (R:Q —) · CTRS 1/11 items · 1 tag, 0 therapist turns untagged');
    const hover = await request<Hover>(client, 'textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
    assert.match((hover.contents as { value: string }).value, /turn 2 of 2, 1 word\n\n1 turn and 25% of the words/);
  } finally {
    await client.stop();
  }
});

test('the seed in a client that declares nothing: diagnostics, symbols and hover still work', async () => {
  const client = await startClient({ exactCapabilities: {} });
  try {
    const uri = 'file:///virtual/seed-minimal.transcript';
    client.open(uri, seed, 1);
    const { diagnostics } = await client.diagnostics(uri, 1);
    assert.ok(diagnostics.length > 20);
    const symbols = await request<SymbolInformation[]>(client, 'textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.some((s) => s.containerName === 'Session Summary'));
  } finally {
    await client.stop();
  }
});
