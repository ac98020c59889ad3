/**
 * A minimal LSP client for tests: spawns `transcript-language-server --stdio`
 * (the real binary) and talks JSON-RPC to it over its standard streams.
 * Waits are on events (a notification for a given version), never on sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type ClientCapabilities,
} from 'vscode-languageserver-protocol/node';

import { ROOT } from './paths.ts';
export { ROOT };
export const SERVER_BIN = path.join(ROOT, 'bin/transcript-language-server.js');

export interface TestClient {
  connection: ProtocolConnection;
  process: ChildProcess;
  /** Resolves with the first diagnostics published for `uri` at `version` (or later). */
  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams>;
  /** Resolves with the next diagnostics for `uri` that satisfy `accept`. */
  nextDiagnostics(uri: string, accept: (params: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version?: number): void;
  change(uri: string, version: number, changes: Array<{ range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }>): void;
  stop(): Promise<void>;
}

export async function startClient(options: { capabilities?: ClientCapabilities; rootDir?: string; initializationOptions?: unknown; configuration?: unknown } = {}): Promise<TestClient> {
  const child = spawn(process.execPath, [SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  // JSON-RPC allows one handler per method: this one serves every waiter.
  const waiters: Array<{ accept: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    published.push(params);
    for (const waiter of [...waiters]) {
      if (waiter.accept(params)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  });
  const nextDiagnostics = (uri: string, accept: (p: PublishDiagnosticsParams) => boolean) =>
    new Promise<PublishDiagnosticsParams>((resolve) => waiters.push({ accept: (p) => p.uri === uri && accept(p), resolve }));
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
      return nextDiagnostics(uri, (p) => (p.version ?? -1) >= version);
    },
    nextDiagnostics,
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
