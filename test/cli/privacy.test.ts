/**
 * Transcripts are health data: neither the CLI nor the language server may
 * open a network connection. Both binaries run over the whole test corpus
 * (the samples, the labelled sessions, the seed and every corpus in
 * ../shared) with a preload that blocks and records every network attempt
 * (test/helpers/no-network.cjs: net, tls, http(s), fetch, dgram, dns, listen;
 * worker threads included) — and, where the system allows it, inside a
 * network namespace of their own (`unshare -rn`: no network at all). The log
 * must stay empty; a control run shows the preload does catch an attempt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/paths.ts';
import { SHARED } from '../helpers/data.ts';

const HOOK = path.join(ROOT, 'test/helpers/no-network.cjs');
const CLI = path.join(ROOT, 'bin/transcript-lint.js');
const SERVER = path.join(ROOT, 'bin/transcript-language-server.js');

/** Folders of transcripts the tests use. */
const CORPUS = [path.join(ROOT, 'samples'), path.join(ROOT, 'bench/data/technique-sessions'), path.join(SHARED, 'fixtures'), path.join(SHARED, 'corpora')].filter((dir) => fs.existsSync(dir));

function transcripts(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...transcripts(full));
    else if (entry.isFile() && entry.name.endsWith('.transcript')) found.push(full);
  }
  return found.sort();
}

/** `unshare -rn` (a user and network namespace: no network interface but a dead loopback), if this system allows it. */
const NETNS = process.platform === 'linux' && spawnSync('unshare', ['-rn', 'true']).status === 0;

function command(args: string[]): [string, string[]] {
  const node = [process.execPath, '--require', HOOK, ...args];
  return NETNS ? ['unshare', ['-rn', ...node]] : [node[0]!, node.slice(1)];
}

function logFile(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-privacy-')), 'network.jsonl');
}

function attempts(log: string): string[] {
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
}

function run(args: string[], log: string, input?: string | Buffer) {
  const [cmd, argv] = command(args);
  return spawnSync(cmd, argv, { input: input ?? '', encoding: 'utf8', env: { ...process.env, NO_NETWORK_LOG: log, NO_COLOR: '1' }, maxBuffer: 512 * 1024 * 1024, timeout: 900_000 });
}

test('the preload catches a network attempt (the control: a test that could not fail would prove nothing)', () => {
  const log = logFile();
  const script = [
    "fetch('http://127.0.0.1:9/').catch(() => {});",
    "try { require('node:net').connect(9, '127.0.0.1'); } catch {}",
    "try { require('node:dns').lookup('example.com', () => {}); } catch {}",
    "try { require('node:https').get('https://example.com/'); } catch {}",
    // A worker thread gets the preload too.
    "new (require('node:worker_threads').Worker)(\"try { require('node:dgram').createSocket('udp4'); } catch {}\", { eval: true });",
  ].join('\n');
  const result = run(['-e', script], log);
  const caught = attempts(log).map((line) => (JSON.parse(line) as { what: string }).what);
  for (const what of ['fetch', 'net.connect', 'dns.lookup', 'https.get', 'dgram.createSocket']) assert.ok(caught.includes(what), `${what} not caught (${caught.join(', ')}) ${result.stderr}`);
});

test('transcript-lint opens no network connection over the whole corpus (lint, --fix, --strip-tags, --jsonl, --workers 2)', () => {
  const log = logFile();
  const files = CORPUS.flatMap(transcripts);
  assert.ok(files.length > 100, `the corpus has ${files.length} transcripts`);
  const lint = run([CLI, '--format', 'json', ...CORPUS], log);
  assert.ok(lint.status === 0 || lint.status === 1, lint.stderr);
  assert.ok((JSON.parse(lint.stdout) as unknown[]).length >= files.length);
  const workers = run([CLI, '--format', 'json', '--workers', '2', ...CORPUS], log);
  assert.ok(workers.status === 0 || workers.status === 1, workers.stderr);
  // --fix on a copy.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-privacy-fix-'));
  files.forEach((file, i) => fs.copyFileSync(file, path.join(copy, `${i}.transcript`)));
  const fixed = run([CLI, '--fix', '--format', 'json', copy], log);
  assert.ok(fixed.status === 0 || fixed.status === 1, fixed.stderr);
  fs.rmSync(copy, { recursive: true, force: true });
  const strip = run([CLI, '--strip-tags', path.join(ROOT, 'samples/tagged-cbt-session.transcript')], log);
  assert.equal(strip.status, 0, strip.stderr);
  const records = files.map((file, i) => JSON.stringify({ id: i, text: fs.readFileSync(file, 'utf8') })).join('\n');
  const jsonl = run([CLI, '--jsonl', '--fix'], log, records);
  assert.ok(jsonl.status === 0 || jsonl.status === 1, jsonl.stderr);
  assert.equal(jsonl.stdout.split('\n').filter(Boolean).length, files.length);
  assert.deepEqual(attempts(log), []);
});

test('the language server opens no network connection over the whole corpus (every document opened, its views asked for, workspace symbols and references)', async () => {
  const log = logFile();
  const files = CORPUS.flatMap(transcripts);
  const [cmd, argv] = command([SERVER, '--stdio']);
  const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_NETWORK_LOG: log } });
  let buffer = Buffer.alloc(0);
  const pending = new Map<number, (result: unknown) => void>();
  child.stdout.on('data', (data: Buffer) => {
    buffer = Buffer.concat([buffer, data]);
    for (;;) {
      const header = buffer.indexOf('\r\n\r\n');
      if (header === -1) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, header).toString())![1]);
      if (buffer.length < header + 4 + length) return;
      const message = JSON.parse(buffer.subarray(header + 4, header + 4 + length).toString()) as { id?: number; method?: string; result?: unknown };
      buffer = buffer.subarray(header + 4 + length);
      if (message.id !== undefined && message.method === undefined) pending.get(message.id)?.(message.result);
      else if (message.id !== undefined && message.method) send({ id: message.id, result: message.method === 'workspace/configuration' ? [{}] : null });
    }
  });
  let nextId = 1;
  const send = (message: object) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    child.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  };
  const request = (method: string, params: unknown) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      send({ id, method, params });
    });
  const root = pathToFileURL(path.dirname(CORPUS[CORPUS.length - 1]!)).href;
  await request('initialize', { processId: null, rootUri: root, workspaceFolders: CORPUS.map((dir) => ({ uri: pathToFileURL(dir).href, name: path.basename(dir) })), capabilities: { textDocument: { diagnostic: {} }, workspace: { configuration: true } } });
  send({ method: 'initialized', params: {} });
  let diagnosed = 0;
  for (const file of files) {
    const uri = pathToFileURL(file).href;
    const text = fs.readFileSync(file, 'utf8');
    send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'therapy-transcript', version: 1, text } } });
    const report = (await request('textDocument/diagnostic', { textDocument: { uri } })) as { items: unknown[] } | null;
    if (report) diagnosed++;
    await request('textDocument/documentSymbol', { textDocument: { uri } });
    await request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
    await request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 3, character: 0 } }, context: { diagnostics: [] } });
    send({ method: 'textDocument/didClose', params: { textDocument: { uri } } });
  }
  assert.equal(diagnosed, files.length);
  // Workspace-wide requests read every file of the workspace folders.
  await request('workspace/symbol', { query: 'agenda' });
  const tagged = pathToFileURL(path.join(ROOT, 'samples/tagged-cbt-session.transcript')).href;
  send({ method: 'textDocument/didOpen', params: { textDocument: { uri: tagged, languageId: 'therapy-transcript', version: 1, text: fs.readFileSync(path.join(ROOT, 'samples/tagged-cbt-session.transcript'), 'utf8') } } });
  await request('textDocument/references', { textDocument: { uri: tagged }, position: { line: 4, character: 14 }, context: { includeDeclaration: true } });
  await request('shutdown', null);
  send({ method: 'exit' });
  await new Promise((resolve) => child.once('exit', resolve));
  assert.deepEqual(attempts(log), []);
});
