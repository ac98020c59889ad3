/**
 * The language server against clients and workspaces that break the rules
 * (issue 13), over a real stdio connection: a document closed and reopened
 * mid-analysis in pull mode, a didOpen without text, a codebook that is a
 * FIFO or /dev/zero, a FIFO named x.transcript in the workspace, and a broken
 * Content-Length header. Waits are on events; a timeout only turns a hang
 * into a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DocumentDiagnosticReport, SymbolInformation, Location } from 'vscode-languageserver-protocol';
import { startClient, SERVER_BIN } from '../helpers/lsp-client.ts';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { SEED } from '../helpers/data.ts';

const POSIX = process.platform !== 'win32';
const codes = (report: DocumentDiagnosticReport) => (report.kind === 'full' ? report.items.map((d) => `${d.range.start.line}:${d.range.start.character} ${d.code}`) : []);

test('pull mode: a document closed while its diagnostics are computed, reopened at version 1 with other text, gets the new text\'s diagnostics', async () => {
  const client = await startClient({ capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } } } });
  try {
    const uri = 'file:///virtual/reopen.transcript';
    const seed = fs.readFileSync(SEED, 'utf8');
    const big = Array.from({ length: 40 }, () => seed).join('\n\n');
    const small = 'Therapist: Call 1-800-273-8255 if you need to.\n\nPatient: Okay.\n\nTherapsit: Good.\n';
    client.open(uri, big, 1);
    // Asked, then closed and reopened before the answer (the notifications are read while the analysis yields).
    const first = client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as Promise<DocumentDiagnosticReport>;
    client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    client.open(uri, small, 1);
    const second = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as DocumentDiagnosticReport;
    const expected = analyze(small, { config: emptyConfig() }).messages.map((m) => `${m.start.line - 1}:${m.start.column - 1} ${m.ruleId}`);
    // (The server lists them most severe first; compared as sets.)
    expected.sort();
    assert.deepEqual(codes(second).sort(), expected);
    // The first request is answered for the document as it is when the answer is ready: closed (no
    // problems) or reopened (the new text's) — never with the closed text's problems.
    const answered = codes(await first).sort();
    assert.ok(answered.length === 0 || JSON.stringify(answered) === JSON.stringify(expected), `${answered.length} problems: ${answered.slice(0, 3).join(', ')}…`);
  } finally {
    await client.stop();
  }
});

test('a didOpen without text opens an empty document: workspace symbols, references and rename keep working for the others', async () => {
  const client = await startClient();
  try {
    const broken = 'file:///virtual/no-text.transcript';
    client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: broken, languageId: 'therapy-transcript', version: 1 } });
    const uri = 'file:///virtual/tagged.transcript';
    client.open(uri, 'Therapist: [cbt:agenda-setting] What shall we cover today?\n\nPatient: Sleep.\n', 1);
    await client.diagnostics(uri, 1);
    const symbols = (await client.connection.sendRequest('workspace/symbol', { query: 'agenda' })) as SymbolInformation[];
    assert.equal(symbols.length, 1);
    const position = { line: 0, character: 20 };
    const refs = (await client.connection.sendRequest('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } })) as Location[];
    assert.equal(refs.length, 1);
    const rename = (await client.connection.sendRequest('textDocument/rename', { textDocument: { uri }, position, newName: 'goal-setting' })) as { changes: Record<string, unknown[]> };
    assert.deepEqual(Object.keys(rename.changes), [uri]);
    // The document without text is an empty one.
    const empty = (await client.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri: broken } })) as unknown[];
    assert.deepEqual(empty, []);
  } finally {
    await client.stop();
  }
});

test('a codebook that is a FIFO or /dev/zero, and a FIFO named x.transcript in the workspace: the server warns and answers', { skip: !POSIX }, async () => {
  for (const kind of ['fifo', 'zero'] as const) {
    if (kind === 'zero' && !fs.existsSync('/dev/zero')) continue;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-hostile-'));
    const codebook = kind === 'fifo' ? path.join(dir, 'codebook.json') : '/dev/zero';
    if (kind === 'fifo') execFileSync('mkfifo', [codebook]);
    execFileSync('mkfifo', [path.join(dir, 'x.transcript')]);
    fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ codebook }));
    const client = await startClient({ rootDir: dir });
    try {
      const uri = pathToFileURL(path.join(dir, 'a.transcript')).href;
      client.open(uri, 'Therapist: [cbt:agenda-setting] Call 1-800-273-8255.\n', 1);
      const published = await client.diagnostics(uri, 1);
      const config = published.diagnostics.find((d) => d.code === 'config');
      assert.ok(config, JSON.stringify(published.diagnostics));
      assert.match(String(config.message), kind === 'fifo' ? /it is a FIFO \(named pipe\), not a regular file/ : /it is a character device that gives more than the 16 MB/);
      assert.ok(published.diagnostics.some((d) => d.code === 'outdated-crisis-line'));
      // The workspace walk passes the FIFO by.
      const symbols = (await client.connection.sendRequest('workspace/symbol', { query: 'agenda' })) as SymbolInformation[];
      assert.equal(symbols.length, 1);
    } finally {
      await client.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('a broken Content-Length header: the server says so on stderr and stops, instead of running on deaf', async () => {
  const frame = (message: object) => {
    const body = Buffer.from(JSON.stringify(message));
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
  };
  for (const header of ['Content-Length: abc\r\n\r\n{}', 'Content-Type: application/json\r\n\r\n{}', 'Content-Length: -3\r\n\r\n{}', 'no colon here\r\n\r\n{}']) {
    const child = spawn(process.execPath, [SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (data) => (stderr += String(data)));
    child.stdout.on('data', (data) => (stdout += String(data)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const initialized = new Promise<void>((resolve) => child.stdout.on('data', () => stdout.includes('"id":1,"result"') && resolve()));
    child.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
    // The server works until the broken header comes.
    await initialized;
    child.stdin.write(header);
    child.stdin.write(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
    const timer = setTimeout(() => child.kill(), 120_000);
    const code = await exited;
    clearTimeout(timer);
    assert.equal(code, 1, `exit code for ${JSON.stringify(header)} (stderr: ${stderr})`);
    assert.match(stderr, /transcript-language-server: cannot read the client's messages: .*the server stops/);
    // Nothing after the broken header was taken for a message.
    assert.doesNotMatch(stdout, /"id":2/);
  }
});

test('a document of more turns than the heap can hold is not analysed: one problem says so, and requests still answer', async () => {
  const { AnalysisStore } = await import('../../server/src/features/analysis.ts');
  const { SettingsResolver } = await import('../../server/src/core/resolve.ts');
  const { TextDocument } = await import('vscode-languageserver-textdocument');
  const { maxTurns } = await import('../../server/src/core/limits.ts');
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }));
  const document = TextDocument.create('file:///virtual/dense.transcript', 'therapy-transcript', 1, 'T: a\n'.repeat(maxTurns() + 10));
  const analysis = (await store.getInSlices(document, () => true))!;
  assert.equal(analysis.session.turns.length, 0);
  assert.deepEqual(analysis.messages, []);
  assert.equal(analysis.problems.length, 1);
  assert.match(analysis.problems[0]!, /lines that may start a turn/);
});

test('a client that pulls diagnostics but cannot be asked to refresh them: a settings change does not bring the server down', async () => {
  const client = await startClient({ capabilities: { textDocument: { diagnostic: { dynamicRegistration: false } }, workspace: { configuration: true } } });
  try {
    // No handler for workspace/diagnostic/refresh: the client answers "unhandled method".
    client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const uri = 'file:///virtual/after-refresh.transcript';
    client.open(uri, 'Therapist: Call 1-800-273-8255.\n', 1);
    const report = (await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as DocumentDiagnosticReport;
    assert.deepEqual(codes(report), ['0:16 outdated-crisis-line']);
    assert.equal(client.process.exitCode, null);
  } finally {
    await client.stop();
  }
});
