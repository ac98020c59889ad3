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
  ErrorCodes,
  ResponseError,
} from 'vscode-languageserver-protocol/node';

import { ROOT } from './paths.ts';
export { ROOT };
export const SERVER_BIN = path.join(ROOT, 'bin/transcript-language-server.js');

/**
 * What a modern client such as VS Code declares: code action literals with resolve, Markdown,
 * hierarchical symbols, applyEdit. The tests' default; a test of another kind of client passes
 * `exactCapabilities`.
 */
export const MODERN_CAPABILITIES: ClientCapabilities = {
  workspace: { applyEdit: true, workspaceEdit: { documentChanges: true } },
  textDocument: {
    hover: { contentFormat: ['markdown', 'plaintext'] },
    completion: { completionItem: { documentationFormat: ['markdown', 'plaintext'], snippetSupport: true } },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
    codeAction: {
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.fixAll'] } },
      isPreferredSupport: true,
    },
  },
};

/** `extra` over `base`, object by object (arrays and values replace). */
export function mergeCapabilities<T>(base: T, extra: unknown): T {
  if (typeof base !== 'object' || base === null || Array.isArray(base) || typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
    return (extra === undefined ? base : extra) as T;
  }
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(extra)) result[key] = mergeCapabilities(result[key], value);
  return result as T;
}

/** How the test client answers the server's requests. */
export type ServerRequestMode = 'answer' | 'reject';

export interface TestClient {
  /** Every request the server sent to this client, by method, in order. */
  serverRequests: Array<{ method: string; params: unknown }>;
  /** What the server answered to `initialize`. */
  initializeResult: unknown;
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

export interface StartOptions {
  /** Merged over MODERN_CAPABILITIES. */
  capabilities?: ClientCapabilities;
  /** Exactly these capabilities (a minimal client). */
  exactCapabilities?: ClientCapabilities;
  rootDir?: string;
  initializationOptions?: unknown;
  configuration?: unknown;
  /** 'reject': answer every request of the server with an error (a client that supports none of them). */
  serverRequests?: ServerRequestMode;
  /** The server's executable (default: the clone's bin/transcript-language-server.js). */
  serverBin?: string;
  /** Collect the server's stderr (else it is inherited). */
  captureStderr?: boolean;
  /** Environment variables for the server, over this process's. */
  env?: Record<string, string>;
}

export async function startClient(options: StartOptions = {}): Promise<TestClient & { stderr: () => string }> {
  const child = spawn(process.execPath, [options.serverBin ?? SERVER_BIN, '--stdio'], { stdio: ['pipe', 'pipe', options.captureStderr ? 'pipe' : 'inherit'], env: { ...process.env, ...options.env } });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
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
  const serverRequests: Array<{ method: string; params: unknown }> = [];
  // One handler for every request the server sends (the connection is vscode-jsonrpc's, which takes a star handler).
  const onAnyRequest = (connection as unknown as { onRequest(handler: (method: string, params: unknown) => unknown): void }).onRequest.bind(connection);
  if (options.serverRequests === 'reject') {
    onAnyRequest((method: string, params: unknown) => {
      serverRequests.push({ method, params });
      return new ResponseError(ErrorCodes.MethodNotFound, `This client does not support ${method}.`);
    });
  } else {
    onAnyRequest((method: string, params: unknown) => {
      serverRequests.push({ method, params });
      if (method === 'workspace/configuration') return (params as { items: unknown[] }).items.map(() => options.configuration ?? {});
      if (method === 'workspace/applyEdit') return { applied: true };
      return null;
    });
  }
  connection.listen();
  const rootUri = options.rootDir ? pathToFileURL(options.rootDir).href : null;
  const initializeResult = await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri,
    workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null,
    capabilities: options.exactCapabilities ?? mergeCapabilities(MODERN_CAPABILITIES, options.capabilities ?? {}),
    initializationOptions: options.initializationOptions,
  });
  connection.sendNotification('initialized', {});
  return {
    connection,
    process: child,
    serverRequests,
    initializeResult,
    stderr: () => stderr,
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
