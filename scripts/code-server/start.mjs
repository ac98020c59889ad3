// For humans: opens the extension in a real VS Code workbench served by
// code-server on 127.0.0.1, and stays in the foreground until Ctrl-C.
//
//   node scripts/code-server/start.mjs [--folder <dir>] [--extension <dir> | --vsix <file>] [--port <n>] [--verbose]
//
//   --folder     folder to open (default: <repo>/samples)
//   --extension  extension folder loaded as a development extension (default: <repo>; run `npm run build` first)
//   --vsix       install this .vsix instead of loading a development extension
//   --port       port on 127.0.0.1 (default: a free one)
//   --verbose    show code-server's log
//
// Only 127.0.0.1 is bound and authentication is off: reach it from another
// machine through an SSH tunnel (ssh -L <port>:127.0.0.1:<port> …), not by
// binding to another address. Settings and state live in a temp dir that is
// deleted on exit.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer, repoRoot } from './install.mjs';
import { startCodeServer } from './launch.mjs';

const { values } = parseArgs({
  options: {
    folder: { type: 'string', default: path.join(repoRoot, 'samples') },
    extension: { type: 'string' },
    vsix: { type: 'string' },
    port: { type: 'string', default: '0' },
    verbose: { type: 'boolean', default: false },
  },
});

const folder = path.resolve(values.folder);
const vsix = values.vsix && path.resolve(values.vsix);
const extension = vsix ? undefined : path.resolve(values.extension ?? repoRoot);
if (!fs.existsSync(folder)) fail(`Folder not found: ${folder}`);
if (vsix && !fs.existsSync(vsix)) fail(`VSIX not found: ${vsix}`);
if (extension) {
  const manifest = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8'));
  if (manifest.main && !fs.existsSync(path.join(extension, manifest.main))) {
    fail(`${path.join(extension, manifest.main)} does not exist: run \`npm run build\` first.`);
  }
}

try {
  await ensureCodeServer();
  const server = await startCodeServer({
    workspace: folder,
    extensionDevelopmentPath: extension,
    installExtensions: vsix ? [vsix] : [],
    port: Number(values.port),
    echo: values.verbose,
  });
  console.log(`\nVS Code (code-server) is running: open\n\n  ${server.url}\n`);
  console.log(extension ? `Development extension: ${extension}` : `Installed: ${vsix}`);
  console.log(`Folder: ${folder}\nPress Ctrl-C to stop.`);

  // code-server runs in its own process group, so Ctrl-C only reaches us: stop it ourselves.
  let stopping = false;
  const shutdown = async (code) => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => shutdown(0));
  process.on('SIGTERM', () => shutdown(0));
  process.on('SIGHUP', () => shutdown(0));
  server.exited.then((code) => {
    if (stopping) return;
    console.error(`code-server exited unexpectedly (${code}). Its log:\n${server.readLog()}`);
    shutdown(1);
  });
} catch (err) {
  fail(err.message);
}

function fail(message) {
  console.error(message);
  process.exit(1);
}
