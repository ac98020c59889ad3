/**
 * The VS Code extension: starts the transcript language server over IPC and
 * registers the commands that need the editor (pickers, new documents).
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export const LANGUAGE_ID = 'therapy-transcript';
let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<{ client: LanguageClient }> {
  const module = context.asAbsolutePath('dist/server.cjs');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
    ],
    synchronize: {
      configurationSection: 'therapyTranscript',
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/.transcriptrc'),
        vscode.workspace.createFileSystemWatcher('**/.transcriptrc.json'),
        vscode.workspace.createFileSystemWatcher('**/.transcript-codebook.json'),
      ],
    },
  };
  client = new LanguageClient('therapyTranscript', 'Therapy Transcripts', serverOptions, clientOptions);
  await client.start();
  context.subscriptions.push(client);
  return { client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
