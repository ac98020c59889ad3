/**
 * The language server as an editor sees it: `transcript-language-server
 * --stdio` over a real JSON-RPC connection (the same kind of client as
 * test/helpers/lsp-client.ts), timing what a user waits for:
 *
 * - time to first diagnostics: `didOpen` of a large transcript → its first
 *   `publishDiagnostics` (for a large session, the turn rules' problems), and
 *   to all of them (the server reports work-done progress while it completes
 *   them; its end follows the last publish);
 * - the old first line, kept for the record: `didOpen` of a large transcript → its
 *   `publishDiagnostics`;
 * - edit latency: a one-character insertion at a random place → the
 *   diagnostics of that version. Edits are spaced by a pause longer than the
 *   server's debounce, so each one is an isolated keystroke (the case the
 *   server analyses at once), not part of a burst;
 * - responsiveness: a trivial request sent right after each edit (an unknown
 *   method, answered with an error as soon as the event loop is free). Its
 *   round trip is how long the editor would wait for anything — hover,
 *   completion — while the server analyses: "the editor never waits".
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { SERVER_BIN } from '../test/helpers/lsp-client.ts';
import { PRELOAD, readUsage, round, median, type Usage } from './measure.ts';
import { random } from './corpus.ts';

export interface EditFigures {
  /** Milliseconds from `didChange` to the diagnostics of that version. */
  latencies: number[];
  median: number;
  worst: number;
  /** Milliseconds for a trivial request sent right after each change. */
  ping: { median: number; worst: number };
}

export interface ServerSession {
  /** Milliseconds to the first diagnostics and to all of them (equal when published once). */
  open(file: string): Promise<{ ms: number; completeMs: number; diagnostics: number }>;
  edits(file: string, count: number, seed: number, gapMs: number): Promise<EditFigures>;
  /**
   * With `pull`: open, then `count` keystrokes, each followed by a
   * `textDocument/diagnostic` request (as VS Code pulls them); milliseconds
   * from the change to the answer.
   */
  pulls(file: string, count: number, seed: number, gapMs: number): Promise<EditFigures & { openMs: number; diagnostics: number }>;
  /** Shut down; resolves with the peak usage the server reported at exit. */
  stop(): Promise<Usage | undefined>;
}

export async function startServer(usageFile: string, timeoutMs: number, options: { pull?: boolean } = {}): Promise<ServerSession> {
  fs.rmSync(usageFile, { force: true });
  // BENCH_SERVER_NODE_ARGS: Node options NODE_OPTIONS refuses, e.g. `--cpu-prof --cpu-prof-dir=…` to profile the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, SERVER_BIN, '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: `--require ${PRELOAD} ${process.env.BENCH_SERVER_FLAGS ?? ''}`, BENCH_USAGE_FILE: usageFile },
  });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiters: Array<{ uri: string; version: number; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  const latestPublished = new Map<string, PublishDiagnosticsParams>();
  const publishedFor = (uri: string) => (latestPublished.has(uri) ? [latestPublished.get(uri)!] : []);
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    latestPublished.set(params.uri, params);
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && (params.version ?? -1) >= waiter.version) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  });
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  connection.onRequest('client/registerCapability', () => null);
  // Work-done progress, as VS Code supports it: a long analysis is announced before its first problems.
  const progress = { created: 0, ended: 0, onEnd: undefined as (() => void) | undefined };
  connection.onRequest('window/workDoneProgress/create', () => {
    progress.created++;
    return null;
  });
  connection.onNotification('$/progress', (params: { value: { kind: string } }) => {
    if (params.value.kind !== 'end') return;
    progress.ended++;
    progress.onEnd?.();
  });
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { window: { workDoneProgress: true }, ...(options.pull ? { textDocument: { diagnostic: { dynamicRegistration: false } } } : {}) } });
  connection.sendNotification('initialized', {});

  const diagnostics = (uri: string, version: number) =>
    withTimeout(new Promise<PublishDiagnosticsParams>((resolve) => waiters.push({ uri, version, resolve })), timeoutMs, `diagnostics of ${uri} v${version}`);
  const ping = async () => {
    const started = performance.now();
    await connection.sendRequest('bench/ping').catch(() => undefined);
    return performance.now() - started;
  };
  const documents = new Map<string, { lines: string[]; version: number }>();

  return {
    async open(file) {
      const text = fs.readFileSync(file, 'utf8');
      const uri = pathToFileURL(file).href;
      documents.set(uri, { lines: text.split('\n'), version: 1 });
      const started = performance.now();
      const published = diagnostics(uri, 1);
      const endsBefore = progress.ended;
      const allDone = new Promise<void>((resolve) => {
        progress.onEnd = () => progress.ended > endsBefore && resolve();
      });
      connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'therapy-transcript', version: 1, text } });
      const first = await published;
      const ms = round(performance.now() - started, 1);
      // A progress asked for before the first problems: the rest follow before it ends.
      if (progress.created > progress.ended) await withTimeout(allDone, timeoutMs, `all diagnostics of ${uri}`);
      const completeMs = round(performance.now() - started, 1);
      const last = [...publishedFor(uri)].pop() ?? first;
      return { ms, completeMs, diagnostics: last.diagnostics.length };
    },
    async edits(file, count, seed, gapMs) {
      const uri = pathToFileURL(file).href;
      const document = documents.get(uri)!;
      const next = random(seed);
      const latencies: number[] = [];
      const pings: number[] = [];
      for (let i = 0; i < count; i++) {
        await new Promise((resolve) => setTimeout(resolve, gapMs));
        const line = Math.floor(next() * document.lines.length);
        const character = Math.floor(next() * (document.lines[line]!.length + 1));
        const letter = String.fromCharCode(97 + Math.floor(next() * 26));
        const current = document.lines[line]!;
        document.lines[line] = current.slice(0, character) + letter + current.slice(character);
        const version = ++document.version;
        const started = performance.now();
        const published = diagnostics(uri, version);
        connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: letter }],
        });
        const pinged = ping();
        await published;
        latencies.push(round(performance.now() - started, 1));
        pings.push(round(await pinged, 1));
      }
      return { latencies, median: median(latencies), worst: Math.max(...latencies), ping: { median: median(pings), worst: Math.max(...pings) } };
    },
    async pulls(file, count, seed, gapMs) {
      const text = fs.readFileSync(file, 'utf8');
      const uri = pathToFileURL(file).href;
      const lines = text.split('\n');
      let version = 1;
      const pull = () => withTimeout(connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as Promise<{ items: unknown[] }>, timeoutMs, `pulled diagnostics of ${uri}`);
      const opened = performance.now();
      connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'therapy-transcript', version, text } });
      const first = await pull();
      const openMs = round(performance.now() - opened, 1);
      const next = random(seed);
      const latencies: number[] = [];
      const pings: number[] = [];
      for (let i = 0; i < count; i++) {
        await new Promise((resolve) => setTimeout(resolve, gapMs));
        const line = Math.floor(next() * lines.length);
        const character = Math.floor(next() * (lines[line]!.length + 1));
        const letter = String.fromCharCode(97 + Math.floor(next() * 26));
        lines[line] = lines[line]!.slice(0, character) + letter + lines[line]!.slice(character);
        const started = performance.now();
        connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: ++version },
          contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: letter }],
        });
        const pulled = pull();
        const pinged = ping();
        await pulled;
        latencies.push(round(performance.now() - started, 1));
        pings.push(round(await pinged, 1));
      }
      return { openMs, diagnostics: first.items.length, latencies, median: median(latencies), worst: Math.max(...latencies), ping: { median: median(pings), worst: Math.max(...pings) } };
    },
    async stop() {
      await withTimeout(connection.sendRequest('shutdown'), timeoutMs, 'shutdown').catch(() => child.kill('SIGKILL'));
      connection.sendNotification('exit');
      await new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
      connection.dispose();
      return readUsage(usageFile, child.pid);
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
