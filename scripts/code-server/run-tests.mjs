// Runs a VS Code extension test suite (an @vscode/test-electron style compiled
// index module exporting `run(): Promise<void>`) inside VS Code's real Node
// extension host, served by code-server and driven by headless Chromium.
//
//   const code = await runExtensionTests({ extensionDevelopmentPath, extensionTestsPath, workspace });
//
// How it works: code-server runs with VS Code's smoke-test driver enabled, and
// the workbench page is opened with a `payload` naming the development
// extension and the test index. VS Code then runs the index in the extension
// host and calls `window.codeAutomationExit(code)` in the page when `run()`
// settles (0 = resolved, non-zero = rejected); we expose that function (and
// `codeAutomationLog`) to the page with Playwright before loading it.
//
// Screenshots: when `screenshot` is given, the extension host gets the env var
// VSCODE_TEST_SCREENSHOT_URL. The suite (which knows when the workbench shows
// what it wants: a file open, the Problems panel visible, …) requests a shot:
//
//   const url = process.env.VSCODE_TEST_SCREENSHOT_URL;
//   if (url) await fetch(`${url}?name=problems`, { method: 'POST' }); // resolves after the PNG is written
//
// CLI: node scripts/code-server/run-tests.mjs --extension <dir> --tests <index.cjs>
//        [--workspace <dir>] [--screenshots <dir>] [--timeout <seconds>] [--verbose]

import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, parseArgs } from 'node:util';
import { ensureCodeServer, paths } from './install.mjs';
import { startCodeServer } from './launch.mjs';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Routine workbench log lines that codeAutomationLog receives along with the suite's output. */
const WORKBENCH_CHATTER =
  /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|\[Service Worker\]|\[AgentHost:|\[AccountPolicyGate\]|(Ignoring fetching|Updating) additional builtin extensions)/;

/** User settings that keep the workbench quiet and deterministic during tests. */
export const TEST_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

/**
 * @param {object} options
 * @param {string} options.extensionDevelopmentPath  extension root (folder with package.json)
 * @param {string} options.extensionTestsPath  compiled test index exporting run()
 * @param {string} [options.workspace]  folder to open
 * @param {string | ((page: import('playwright-core').Page, name: string) => Promise<string|void>)} [options.screenshot]
 *        a directory to write `<name>.png` into, or a function taking the shot itself;
 *        enables VSCODE_TEST_SCREENSHOT_URL (see above) and a `timeout.png` when the run times out
 * @param {number} [options.timeoutMs]  overall limit for the suite (default 10 min)
 * @param {Record<string,string>} [options.env]  extra environment for the extension host
 * @param {string} [options.chromiumPath]  default $CHROMIUM_PATH or /usr/bin/chromium
 * @param {boolean} [options.verbose]  echo code-server's output and the page's console
 * @param {(line: string) => void} [options.log]  where the suite's output goes (default stdout)
 * @returns {Promise<number>} the suite's exit code; rejects on infrastructure failures and timeouts
 */
export async function runExtensionTests(options) {
  const {
    extensionDevelopmentPath,
    extensionTestsPath,
    workspace,
    screenshot,
    timeoutMs = 10 * 60_000,
    env = {},
    chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    verbose = false,
    log = (line) => process.stdout.write(line.endsWith('\n') ? line : `${line}\n`),
  } = options;
  for (const [name, p] of Object.entries({ extensionDevelopmentPath, extensionTestsPath })) {
    if (!p || !fs.existsSync(p)) throw new Error(`${name} does not exist: ${p}`);
  }
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(`Chromium not found at ${chromiumPath} (set CHROMIUM_PATH, or: apt-get install -y chromium).`);
  }
  await ensureCodeServer();
  const { chromium } = createRequire(path.join(paths.playwrightCoreDir, 'package.json'))('playwright-core');

  const cleanups = []; // run in reverse order, always
  const takeShot = typeof screenshot === 'function' ? screenshot : screenshot ? screenshotToDir(screenshot) : null;
  let page; // set once the browser is up; the screenshot endpoint needs it
  try {
    const shotServer = takeShot
      ? await startScreenshotServer(async (name, waitFor) => {
          // Optionally wait until the workbench shows an element (e.g. a menu) before the shot.
          if (waitFor) await page.waitForSelector(waitFor, { state: 'visible', timeout: 10_000 }).catch(() => undefined);
          return takeShot(page, name);
        })
      : null;
    if (shotServer) cleanups.push(() => shotServer.close());

    const server = await startCodeServer({
      workspace,
      extensionDevelopmentPath,
      extensionTestsPath,
      smokeTestDriver: true,
      disableGallery: true,
      settings: TEST_SETTINGS,
      env: { ...env, ...(shotServer ? { VSCODE_TEST_SCREENSHOT_URL: shotServer.url } : {}) },
      echo: verbose,
    });
    cleanups.push(() => server.stop());

    // A fresh, empty profile and temp dir inside code-server's run dir (deleted with it).
    const context = await chromium.launchPersistentContext(path.join(server.runDir, 'chromium-profile'), {
      executablePath: chromiumPath,
      env: { ...process.env, TMPDIR: path.join(server.runDir, 'tmp') },
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1440, height: 900 },
    });
    cleanups.push(() => context.close());
    page = context.pages()[0] ?? (await context.newPage());

    // The suite's outcome: VS Code calls codeAutomationExit, or something breaks first.
    let settle;
    const outcome = new Promise((resolve, reject) => (settle = { resolve, reject }));
    outcome.catch(() => {}); // may reject during cleanup, after nobody waits for it any more
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // VS Code forwards the extension host's console here as (type, [args]), and also
      // the workbench's own log, so drop its routine start-up chatter.
      const line = format(...(Array.isArray(args) ? args : [args]));
      if (verbose || !WORKBENCH_CHATTER.test(line)) log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code) => settle.resolve(typeof code === 'number' ? code : 1));
    page.on('crash', () => settle.reject(new Error('The workbench page crashed.')));
    context.on('close', () => settle.reject(new Error('Chromium closed unexpectedly.')));
    server.exited.then((code) => settle.reject(new Error(`code-server exited during the run (${code}).`)));
    if (verbose) page.on('console', (msg) => process.stderr.write(`[page ${msg.type()}] ${msg.text()}\n`));
    if (verbose) page.on('pageerror', (err) => process.stderr.write(`[page error] ${err.message}\n`));

    await page.goto(server.url, { waitUntil: 'domcontentloaded' });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(async () => {
        const shot = takeShot ? await takeShot(page, 'timeout').catch(() => undefined) : undefined;
        reject(
          new Error(
            `Extension tests timed out after ${timeoutMs / 1000} s: VS Code never reported an exit code ` +
              `(the suite's run() did not settle, or the workbench/extension host did not start).` +
              (shot ? `\nScreenshot of the workbench: ${shot}` : '') +
              `\n--- last lines of the code-server log ---\n${tail(server.readLog(), 40)}\n---`,
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([outcome, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await Promise.resolve()
        .then(cleanup)
        .catch(() => {});
    }
  }
}

function screenshotToDir(dir) {
  return async (page, name) => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await page.screenshot({ path: file, timeout: 30_000 });
    return file;
  };
}

const validName = (name) => /^[\w.-]+$/.test(name) && !name.startsWith('.');

/**
 * Tiny 127.0.0.1 endpoint: POST /?name=<name>[&waitFor=<css selector>] takes a screenshot
 * (after the selector is visible, if given), answers {"path": …} once written.
 */
function startScreenshotServer(shoot) {
  const server = http.createServer(async (req, res) => {
    const params = new URL(req.url, 'http://x').searchParams;
    const name = params.get('name') || 'screenshot';
    const waitFor = params.get('waitFor') || undefined;
    if (!validName(name)) {
      res.writeHead(400).end('name must match [A-Za-z0-9._-]+');
      return;
    }
    try {
      const file = await shoot(name, waitFor);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: file ?? null }));
    } catch (err) {
      res.writeHead(500).end(String(err?.message ?? err));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((r) => server.close(() => r())),
      }),
    );
  });
}

function tail(text, lines) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

// CLI
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      extension: { type: 'string' },
      tests: { type: 'string' },
      workspace: { type: 'string' },
      screenshots: { type: 'string' },
      timeout: { type: 'string', default: '600' },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (!values.extension || !values.tests) {
    console.error('usage: run-tests.mjs --extension <dir> --tests <index.cjs> [--workspace <dir>] [--screenshots <dir>] [--timeout <s>] [--verbose]');
    process.exit(2);
  }
  try {
    const code = await runExtensionTests({
      extensionDevelopmentPath: path.resolve(values.extension),
      extensionTestsPath: path.resolve(values.tests),
      workspace: values.workspace && path.resolve(values.workspace),
      screenshot: values.screenshots && path.resolve(values.screenshots),
      timeoutMs: Number(values.timeout) * 1000,
      verbose: values.verbose,
    });
    console.log(`Extension tests exited with code ${code}.`);
    process.exitCode = code;
  } catch (err) {
    console.error(err.message);
    process.exitCode = 1;
  }
}
