/**
 * Entry point of the `transcript-language-server` bundle. The transport comes
 * from the command line: `--stdio` (any LSP editor), `--node-ipc` (VS Code)
 * or `--socket=<port>`.
 */
import { format } from 'node:util';
import { createConnection, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { startServer } from './server.ts';
import { checkFraming } from './framing.ts';

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

/**
 * Over stdio the framing is checked first (framing.ts): a broken header is said on stderr and the
 * server stops, rather than run on deaf. As createConnection does for --stdio by itself, nothing
 * but the protocol may write to stdout: the console goes to the client's log.
 */
function stdioConnection(): Connection {
  const input = checkFraming(process.stdin, (problem) => {
    process.stderr.write(`transcript-language-server: cannot read the client's messages: ${problem}. Nothing after it can be read in step, so the server stops (the client may start it again).\n`);
  });
  const connection = createConnection(ProposedFeatures.all, input, process.stdout);
  const log = (level: 'log' | 'info' | 'warn' | 'error') => (...args: unknown[]) => connection.console[level](format(...args));
  Object.assign(console, { log: log('log'), debug: log('log'), info: log('info'), warn: log('warn'), error: log('error'), trace: log('log') });
  return connection;
}

startServer(process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all));
