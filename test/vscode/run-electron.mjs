// `npm run test:vscode:electron`: the same suite in desktop VS Code via
// @vscode/test-electron, for contributors with a display and internet (it
// downloads VS Code into .vscode-test/ on first run; it cannot run offline).
// On Linux without a display run it under xvfb-run. Builds nothing itself.
//
// Environment:
//   VSCODE_TEST_VERSION      'stable' (default), 'insiders' or e.g. '1.95.0'
//   VSCODE_EXECUTABLE_PATH   use this VS Code executable instead of downloading one

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const extensionTestsPath = path.join(repoRoot, 'dist', 'test', 'vscode', 'index.cjs');
if (!fs.existsSync(extensionTestsPath)) {
  console.error(`${path.relative(repoRoot, extensionTestsPath)} not found: run \`npm run build\` first.`);
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-vscode-test-'));
const workspace = path.join(tmp, 'samples');
const samples = path.join(repoRoot, 'samples');
if (fs.existsSync(samples)) fs.cpSync(samples, workspace, { recursive: true });
else fs.mkdirSync(workspace);

let code = 1;
try {
  // Resolves 0 when the suite's run() resolved; rejects (TestRunFailedError) otherwise.
  code = await runTests({
    version: process.env.VSCODE_TEST_VERSION || 'stable',
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    // First launch arg = folder to open; --disable-extensions keeps other installed extensions out.
    launchArgs: [workspace, '--disable-extensions'],
  });
} catch (err) {
  console.error(`VS Code extension tests failed: ${err.message}`);
  code = typeof err.code === 'number' && err.code !== 0 ? err.code : 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
