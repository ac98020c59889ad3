// For humans (`npm start`): opens the extension in a real VS Code workbench served by
// code-server on 127.0.0.1, and stays in the foreground until Ctrl-C.
//
//   node scripts/code-server/start.mjs [--folder <dir>] [--open <file>] [--extension <dir> | --vsix <file>] [--port <n>] [--verbose]
//
//   --folder     folder to open (default: a temporary copy of <repo>/samples, deleted on exit,
//                so fixes made while trying the extension never land in the repository)
//   --open       file to show, relative to the folder (default: seed-session.transcript), with the
//                Problems panel; no welcome page, no chat
//   --extension  extension folder loaded as a development extension (default: <repo>; run `npm run build` first)
//   --vsix       install this .vsix instead of loading a development extension
//   --port       port on 127.0.0.1 (default: a free one)
//   --verbose    show code-server's log
//
// Only the workbench URL with its payload (folder, development extension) is printed: the
// bare address would open a workbench without the development extension.
// Only 127.0.0.1 is bound and authentication is off: reach it from another
// machine through an SSH tunnel (ssh -L <port>:127.0.0.1:<port> …), not by
// binding to another address. Settings and state live in a temp dir that is
// deleted on exit.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCodeServer, repoRoot } from './install.mjs';
import { startCodeServer } from './launch.mjs';
import { TEST_SETTINGS } from './run-tests.mjs';

const { values } = parseArgs({
  options: {
    folder: { type: 'string' },
    open: { type: 'string', default: 'seed-session.transcript' },
    extension: { type: 'string' },
    vsix: { type: 'string' },
    port: { type: 'string', default: '0' },
    verbose: { type: 'boolean', default: false },
  },
});

// A temporary copy of the samples, unless a folder is given: edits never reach samples/.
let copy;
if (!values.folder) {
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-start-'));
  fs.cpSync(path.join(repoRoot, 'samples'), path.join(copy, 'samples'), { recursive: true });
}
const folder = copy ? path.join(copy, 'samples') : path.resolve(values.folder);
const removeCopy = () => copy && fs.rmSync(copy, { recursive: true, force: true });
process.on('exit', removeCopy);
const openFile = path.resolve(folder, values.open);
const helper = path.join(path.dirname(new URL(import.meta.url).pathname), 'start-extension');

/** The helper extension as a .vsix (packaged with @vscode/vsce into a temp folder: about 2 s). */
function helperVsix() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-start-helper-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  fs.cpSync(helper, path.join(dir, 'src'), { recursive: true });
  const out = path.join(dir, 'helper.vsix');
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--allow-missing-repository', '--skip-license', '--no-dependencies', '--out', out], { cwd: path.join(dir, 'src'), encoding: 'utf8' });
  if (result.status !== 0) fail(`Cannot package the start helper (${helper}):\n${result.stdout}${result.stderr}`);
  return out;
}
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
    // The helper that opens the file and the Problems panel is installed (the workbench loads one
    // development extension: the one being tried).
    installExtensions: [...(vsix ? [vsix] : []), helperVsix()],
    disableGallery: true,
    settings: { ...TEST_SETTINGS, 'workbench.welcomePage.walkthroughs.openOnInstall': false, 'chat.commandCenter.enabled': false },
    env: fs.existsSync(openFile) ? { TRANSCRIPT_START_OPEN: openFile } : {},
    port: Number(values.port),
    echo: values.verbose,
  });
  console.log(`\nVS Code (code-server) is running: open\n\n  ${server.url}\n`);
  console.log(extension ? `Development extension: ${extension}` : `Installed: ${vsix}`);
  console.log(`Folder: ${folder}${copy ? ' (a temporary copy of samples/, deleted on exit)' : ''}\nPress Ctrl-C to stop.`);

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
