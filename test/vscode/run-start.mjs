// `npm start` as a person sees it: runs scripts/code-server/start.mjs (what `npm start` runs after
// the build and the samples' lint report), opens the one URL it prints in Debian's Chromium, and
// checks the workbench: the seed is the only editor, in the therapy-transcript language, the
// Problems panel lists its problems, no welcome page or chat; the folder is a temporary copy (the
// repository's samples/ are never edited) and is gone when it stops. Waits are on the page's
// elements and on the program's output, never on sleeps. Exits 0 when all hold.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { paths } from '../../scripts/code-server/install.mjs';
import { repoRoot } from './workspace.mjs';

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const failures = [];
let passed = 0;
const check = (ok, what) => {
  console.log(`${ok ? '✔' : '✖'} ${what}`);
  if (ok) passed++;
  else failures.push(what);
};

const child = spawn(process.execPath, [path.join(repoRoot, 'scripts/code-server/start.mjs')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
let out = '';
const url = await new Promise((resolve, reject) => {
  child.stdout.on('data', (chunk) => {
    out += chunk;
    const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
    if (m && /Press Ctrl-C/.test(out)) resolve(m[1]);
  });
  child.once('exit', (code) => reject(new Error(`start.mjs exited (${code}) before printing its URL:\n${out}`)));
});
const folder = /Folder: (\S+)/.exec(out)?.[1];
check(/payload=/.test(url) && (out.match(/http:\/\/127\.0\.0\.1/g) ?? []).length === 1, 'one URL is printed, the one with the extension');
check(Boolean(folder) && folder.startsWith(os.tmpdir()) && !folder.startsWith(repoRoot), `the folder is a temporary copy (${folder})`);

const samplesBefore = fs.readFileSync(path.join(repoRoot, 'samples/seed-session.transcript'), 'utf8');
const { chromium } = createRequire(path.join(paths.playwrightCoreDir, 'package.json'))('playwright-core');
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-start-chromium-'));
const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'], viewport: { width: 1400, height: 900 } });
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(url);
  // The seed opens in its language, and the Problems panel lists its problems (VS Code's own markers).
  await page.waitForSelector('.tabs-container .tab', { timeout: 120_000 });
  await page.waitForFunction(() => /Therapy Transcript/.test(document.querySelector('.statusbar')?.textContent ?? ''), null, { timeout: 120_000 });
  await page.waitForFunction(() => document.querySelectorAll('.markers-panel .monaco-list-row').length > 5, null, { timeout: 120_000 });
  const tabs = (await page.locator('.tabs-container .tab').allInnerTexts()).map((t) => t.replace(/\s+/g, ''));
  check(tabs.length === 1 && tabs[0].startsWith('seed-session.transcript'), `the only editor is the seed (${tabs.join(', ')})`);
  const panel = await page.locator('.part.panel .composite-bar .action-item.checked').allInnerTexts();
  check(panel.some((t) => /Problems/.test(t)), `the Problems panel is shown (${panel.join(', ')})`);
  check((await page.locator('.part.auxiliarybar:visible').count()) === 0, 'no chat or secondary side bar');
  check(!tabs.some((t) => /Welcome|Walkthrough/i.test(t)), 'no welcome page');
  await page.screenshot({ path: path.join(repoRoot, '.vscode-test', 'npm-start.png') });
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
  child.kill('SIGINT');
  await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
}
check(fs.readFileSync(path.join(repoRoot, 'samples/seed-session.transcript'), 'utf8') === samplesBefore, "the repository's samples are unchanged");
check(Boolean(folder) && !fs.existsSync(folder), 'the temporary copy is gone after Ctrl-C');
console.log(`npm start: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length === 0 ? 0 : 1);
