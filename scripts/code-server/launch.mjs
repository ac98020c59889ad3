// Starts an isolated code-server on 127.0.0.1 and waits until it answers HTTP.
//
//   const server = await startCodeServer({ workspace, extensionDevelopmentPath });
//   console.log(server.url);   // workbench URL: folder opened, dev extension loaded
//   await server.stop();       // kills code-server's whole process group
//
// Each run gets its own temp "run dir" holding HOME, TMPDIR, XDG_* folders,
// user-data-dir, extensions-dir, the config file and code-server.log, so runs
// never touch the user's ~/.config/code-server or ~/.vscode and can run side
// by side. code-server is started detached (its own process group) so that
// stop() can kill it together with its extension hosts, pty hosts, watchers.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './install.mjs';

/**
 * @param {object} options
 * @param {string} [options.workspace]  folder to open in the workbench
 * @param {string | string[]} [options.extensionDevelopmentPath]  extension folder(s) to load as development extensions (put in `url`)
 * @param {string} [options.extensionTestsPath]  compiled test index (only with smokeTestDriver; put in `url`)
 * @param {string} [options.extensionsDir]  defaults to a fresh folder in the run dir
 * @param {string[]} [options.installExtensions]  .vsix files (or gallery ids) to install before starting
 * @param {number} [options.port]  defaults to a free port chosen by the OS
 * @param {boolean} [options.disableGallery]  no extension marketplace (open-vsx): avoids network lookups in offline tests
 * @param {boolean} [options.smokeTestDriver]  pass VS Code's enable-smoke-test-driver; default: on when there is a
 *        payload, since without it VS Code ignores extensionDevelopmentPath/extensionTestsPath
 * @param {Record<string,unknown>} [options.settings]  VS Code user settings (written to user-data/User/settings.json)
 * @param {Record<string,string>} [options.env]  extra environment for code-server (and so the extension host)
 * @param {number} [options.timeoutMs]  how long to wait for the server to answer
 * @param {boolean} [options.echo]  also copy code-server's output to stderr
 * @param {boolean} [options.keepRunDir]  do not delete the run dir on stop()
 * @returns {Promise<{url: string, baseUrl: string, runDir: string, logFile: string, readLog(): string, exited: Promise<number|string>, stop(): Promise<void>}>}
 */
export async function startCodeServer(options = {}) {
  const {
    workspace,
    extensionDevelopmentPath,
    extensionTestsPath,
    installExtensions = [],
    port = 0,
    // VS Code ignores the whole `payload` (development extension, tests) without it.
    smokeTestDriver = Boolean(extensionDevelopmentPath || extensionTestsPath),
    disableGallery = false,
    settings,
    env: extraEnv = {},
    timeoutMs = 60_000,
    echo = false,
    keepRunDir = false,
  } = options;
  const { nodeBin, codeServerEntry } = await ensureCodeServer();

  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-server-run-'));
  const dir = (name) => {
    const p = path.join(runDir, name);
    fs.mkdirSync(p, { recursive: true, mode: 0o700 });
    return p;
  };
  const userDataDir = dir('user-data');
  const extensionsDir = options.extensionsDir ?? dir('extensions');
  const configFile = path.join(runDir, 'config.yaml');
  const logFile = path.join(runDir, 'code-server.log');
  if (settings) fs.writeFileSync(path.join(dir('user-data/User'), 'settings.json'), JSON.stringify(settings, null, 2));
  // Same settings as the flags below; having our own file also stops code-server
  // from writing a default one (with a password) into $XDG_CONFIG_HOME.
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);

  const env = isolatedEnv({
    HOME: dir('home'),
    TMPDIR: dir('tmp'),
    XDG_CONFIG_HOME: dir('xdg/config'),
    XDG_DATA_HOME: dir('xdg/data'),
    XDG_CACHE_HOME: dir('xdg/cache'),
    XDG_STATE_HOME: dir('xdg/state'),
    XDG_RUNTIME_DIR: dir('xdg/runtime'),
    // code-server reads the marketplace config from this variable; {} = no gallery.
    ...(disableGallery ? { EXTENSIONS_GALLERY: '{}' } : {}),
    ...extraEnv,
  });
  const baseArgs = [
    codeServerEntry,
    '--config', configFile,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];

  for (const ext of installExtensions) {
    const res = spawnSync(nodeBin, [...baseArgs, '--force', '--install-extension', ext], { env, cwd: runDir, encoding: 'utf8', timeout: 120_000 });
    if (res.status !== 0) throw new Error(`code-server --install-extension ${ext} failed:\n${res.stdout}${res.stderr}`);
  }

  const args = [
    ...baseArgs,
    '--bind-addr', `127.0.0.1:${port}`, // port 0: the OS picks a free one, code-server logs which
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // Without this VS Code ignores the URL's payload: no development extension, no tests (the run hangs).
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const log = fs.openSync(logFile, 'a');
  let logOpen = true;
  const child = spawn(nodeBin, args, { cwd: runDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : code)));
  child.once('error', () => {}); // surfaced through `exited` / the readiness check

  // Last resort if our process exits without stop() (e.g. Ctrl-C): kill the group synchronously.
  const killOnExit = () => {
    killGroup(child.pid, 'SIGKILL');
    try {
      if (!keepRunDir) fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
    } catch {}
  };
  process.on('exit', killOnExit);

  // Tee code-server's output into the log (and stderr if asked); find the URL it listens on.
  let listening;
  const listeningUrl = new Promise((resolve) => (listening = resolve));
  let buffered = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      if (logOpen) fs.writeSync(log, chunk);
      if (echo) process.stderr.write(chunk);
      buffered += chunk;
      const m = /HTTP server listening on (http:\/\/[^\s]+?)\/?(\s|$)/.exec(buffered);
      if (m) listening(m[1]);
      if (buffered.length > 65536) buffered = buffered.slice(-4096);
    });
  }

  const readLog = () => fs.readFileSync(logFile, 'utf8');
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminateGroup(child.pid);
    process.off('exit', killOnExit);
    logOpen = false;
    fs.closeSync(log);
    if (!keepRunDir) fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  };

  try {
    const baseUrl = await withDeadline(
      Promise.race([
        listeningUrl,
        exited.then((code) => Promise.reject(new Error(`code-server exited early (${code}).`))),
      ]),
      timeoutMs,
      `code-server did not start listening within ${timeoutMs / 1000} s.`,
    );
    await waitForHttp(`${baseUrl}/healthz`, Date.now() + timeoutMs, exited);
    const url = workbenchUrl(baseUrl, { workspace, extensionDevelopmentPath, extensionTestsPath });
    return { url, baseUrl, runDir, logFile, readLog, exited, stop };
  } catch (err) {
    const text = fs.existsSync(logFile) ? readLog() : '';
    await stop();
    throw new Error(`${err.message}\n--- code-server log (${logFile}) ---\n${text.trimEnd() || '(empty)'}\n---`);
  }
}

/**
 * The workbench URL for a folder and (optionally) a development extension and
 * an extension test index. Paths are on the server, hence the
 * `vscode-remote://remote` prefix ("remote" is a literal authority that the web
 * workbench maps to its own server).
 */
export function workbenchUrl(baseUrl, { workspace, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const params = new URLSearchParams();
  if (workspace) params.set('folder', path.resolve(workspace));
  const payload = [];
  const remote = (p) => `vscode-remote://remote${path.resolve(p)}`;
  for (const dev of [extensionDevelopmentPath ?? []].flat()) payload.push(['extensionDevelopmentPath', remote(dev)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  if (payload.length) params.set('payload', JSON.stringify(payload));
  const query = params.toString();
  return `${baseUrl}/${query ? `?${query}` : ''}`;
}

/** process.env without variables that would leak the caller's tooling into code-server. */
function isolatedEnv(overrides) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VSCODE_|ELECTRON_|npm_|NODE_OPTIONS$|NODE_PATH$|PASSWORD$|HASHED_PASSWORD$|PORT$|CODE_SERVER_)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...overrides };
}

async function waitForHttp(url, deadline, exited) {
  let lastError;
  let dead = false;
  exited.then(() => (dead = true));
  while (Date.now() < deadline && !dead) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await res.body?.cancel();
      if (res.ok) return;
      lastError = new Error(`HTTP ${res.status}`);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 200)); // poll interval, bounded by the deadline
  }
  throw new Error(dead ? 'code-server exited before answering HTTP.' : `code-server did not answer ${url} in time (${lastError?.message}).`);
}

function withDeadline(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: no process left in the group
  }
}

/** SIGTERM the group, wait (polling, up to 5 s) until it is empty, then SIGKILL what is left. */
async function terminateGroup(pid) {
  if (!pid || !killGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (!killGroup(pid, 0)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  killGroup(pid, 'SIGKILL');
}

// CLI for debugging: node scripts/code-server/launch.mjs <folder> — prints the URL, Ctrl-C stops.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const server = await startCodeServer({ workspace: process.argv[2] ?? process.cwd(), echo: true });
  console.log(server.url);
  const shutdown = () => server.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
