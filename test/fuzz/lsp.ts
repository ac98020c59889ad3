/**
 * The language server in this process, over a real JSON-RPC connection on
 * in-memory streams: the same `startServer` the binary runs, the same
 * message handling and scheduling, without a child process per case.
 */
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { createProtocolConnection, type ClientCapabilities, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { startServer } from '../../server/src/server.ts';

export interface InProcessServer {
  client: ProtocolConnection;
  /** Resolves with the first diagnostics published for `uri` at `version` exactly, or later ones. */
  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams>;
  open(uri: string, text: string, version: number): void;
  change(uri: string, version: number, changes: Array<{ range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }>): void;
  close(uri: string): void;
  request<T>(method: string, params: unknown): Promise<T>;
  /** What the server logged as errors (window/logMessage of type 1): a failed analysis, a crash in a handler. */
  errors: string[];
  /** Close the documents still open, let the server finish with them, and end the connection. */
  dispose(): Promise<void>;
}

export interface ServerSetup {
  /** The client pulls diagnostics (as VS Code does) rather than waiting for them to be pushed. */
  pull: boolean;
  rootDir?: string;
  /** What `workspace/configuration` answers (the client's settings), if the client offers it. */
  configuration?: unknown;
}

export async function startInProcess(setup: ServerSetup): Promise<InProcessServer> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const server = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(server, { debounceMs: 0 });
  const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const published: PublishDiagnosticsParams[] = [];
  const waiters: Array<{ uri: string; version: number; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  /** Documents closed whose clearing publication (no version, no problems) has not come yet. */
  const closing = new Map<string, number>();
  client.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    const pendingCloses = closing.get(params.uri) ?? 0;
    if (pendingCloses > 0) {
      // Until the server's clearing of a closed document, what comes is the closed document's.
      if (params.version === undefined && params.diagnostics.length === 0) {
        if (pendingCloses === 1) closing.delete(params.uri);
        else closing.set(params.uri, pendingCloses - 1);
        for (let i = published.length - 1; i >= 0; i--) if (published[i]!.uri === params.uri) published.splice(i, 1);
      }
      return;
    }
    published.push(params);
    for (const waiter of [...waiters]) {
      if (waiter.uri === params.uri && (params.version ?? -1) >= waiter.version) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(params);
      }
    }
  });
  const errors: string[] = [];
  const open = new Set<string>();
  client.onNotification('window/logMessage', (params: { type: number; message: string }) => {
    if (params.type === 1) errors.push(params.message);
  });
  client.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => setup.configuration ?? {}));
  client.onRequest('client/registerCapability', () => null);
  client.onRequest('window/workDoneProgress/create', () => null);
  client.onNotification('$/progress', () => undefined);
  client.listen();
  const capabilities: ClientCapabilities = {
    ...(setup.pull ? { textDocument: { diagnostic: { dynamicRegistration: false } } } : {}),
    ...(setup.configuration !== undefined ? { workspace: { configuration: true } } : {}),
    window: { workDoneProgress: true },
  };
  const rootUri = setup.rootDir ? pathToFileURL(setup.rootDir).href : null;
  await client.sendRequest('initialize', { processId: null, rootUri, workspaceFolders: rootUri ? [{ uri: rootUri, name: 'root' }] : null, capabilities });
  client.sendNotification('initialized', {});
  return {
    client,
    diagnostics(uri, version) {
      // (What was published before a close still being cleared is the closed document's.)
      const done = closing.has(uri) ? undefined : [...published].reverse().find((p) => p.uri === uri && (p.version ?? -1) >= version);
      if (done) return Promise.resolve(done);
      return new Promise((resolve) => waiters.push({ uri, version, resolve }));
    },
    open(uri, text, version) {
      open.add(uri);
      void client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'therapy-transcript', version, text } });
    },
    change(uri, version, changes) {
      void client.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    },
    close(uri) {
      open.delete(uri);
      // (Pushed diagnostics: the server clears a closed document's; until then, they are the old document's.)
      if (!setup.pull) closing.set(uri, (closing.get(uri) ?? 0) + 1);
      void client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    },
    request<T>(method: string, params: unknown) {
      return client.sendRequest(method, params) as Promise<T>;
    },
    errors,
    async dispose() {
      for (const uri of open) void client.sendNotification('textDocument/didClose', { textDocument: { uri } });
      open.clear();
      // A round trip: the closes are handled, and analyses under way see their document gone.
      await client.sendRequest('shutdown');
      await new Promise((resolve) => setImmediate(resolve));
      client.dispose();
      server.dispose();
      toServer.end();
      toClient.end();
    },
  };
}
