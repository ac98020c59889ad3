/**
 * A minimal LSP client for tests: spawns `transcript-language-server --stdio`
 * (the real binary) and talks JSON-RPC to it over its standard streams.
 * Waits are on events (a notification for a given version), never on sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ClientCapabilities,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVER_BIN = path.join(ROOT, 'bin/transcript-language-server.js');

export interface TestClient {
  connection: ProtocolConnection;
  process: ChildProcess;
  /** Resolves with the first diagnostics published for `uri` at `version` (or later). */
  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, version: number, changes: Array<{ range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }>): void;
  stop(): Promise<void>;
}

export async function startClient(options: { capabilities?: ClientCapabilities; rootDir?: string; initializationOptions?: unknown; configuration?: unknown } = {}): Promise<TestClient> {
  const child = spawn(process.execPath, [SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: Array<{ uri: string; version: number; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    published.push(params);
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && (params.version ?? -1) >= waiter.version) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  });
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => options.configuration ?? {}));
  connection.onRequest('client/registerCapability', () => null);
  connection.listen();
  const rootUri = options.rootDir ? pathToFileURL(options.rootDir).href : null;
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
    capabilities: options.capabilities ?? {},
    initializationOptions: options.initializationOptions,
  });
  connection.sendNotification('initialized', {});
  return {
    connection,
    process: child,
    diagnostics(uri, version) {
      const done = published.find((p) => p.uri === uri && (p.version ?? -1) >= version);
      if (done) return Promise.resolve(done);
      return new Promise((resolve) => waiters.push({ uri, version, resolve }));
    },
    open(uri, text, version = 1) {
      connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'therapy-transcript', version, text } });
    },
    change(uri, version, changes) {
      connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    },
    async stop() {
      await connection.sendRequest('shutdown');
      connection.sendNotification('exit');
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      connection.dispose();
    },
  };
}
