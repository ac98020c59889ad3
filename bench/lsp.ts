/**
 * The language server as an editor sees it: `transcript-language-server
 * --stdio` over a real JSON-RPC connection (the same kind of client as
 * test/helpers/lsp-client.ts), timing what a user waits for:
 *
 * - time to first diagnostics: `didOpen` of a large transcript → its
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
  open(file: string): Promise<{ ms: number; diagnostics: number }>;
  edits(file: string, count: number, seed: number, gapMs: number): Promise<EditFigures>;
  /** Shut down; resolves with the peak usage the server reported at exit. */
  stop(): Promise<Usage | undefined>;
}

export async function startServer(usageFile: string, timeoutMs: number): Promise<ServerSession> {
  fs.rmSync(usageFile, { force: true });
  const child = spawn(process.execPath, [SERVER_BIN, '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: `--require ${PRELOAD}`, BENCH_USAGE_FILE: usageFile },
  });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const waiters: Array<{ uri: string; version: number; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && (params.version ?? -1) >= waiter.version) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  });
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
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
      connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'therapy-transcript', version: 1, text } });
      const result = await published;
      return { ms: round(performance.now() - started, 1), diagnostics: result.diagnostics.length };
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
