/**
 * Entry point of the `transcript-language-server` bundle. The transport comes
 * from the command line: `--stdio` (any LSP editor), `--node-ipc` (VS Code)
 * or `--socket=<port>`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(
    'Usage: transcript-language-server --stdio\n\nThe language server for therapy session transcripts (*.transcript).\nTransports: --stdio, --node-ipc, --socket=<port>.\n',
  );
  process.exit(0);
}
if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.stderr.write('transcript-language-server: choose a transport, e.g. --stdio (see --help).\n');
  process.exit(2);
}
// A request the client refused is handled where it is sent; should one slip through, it is
// logged, and the server goes on (Node would otherwise end the process).
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`transcript-language-server: a request failed: ${reason instanceof Error ? reason.message : String(reason)}\n`);
});
startServer(createConnection(ProposedFeatures.all));
