// `npm run test:vscode:electron`: the same suite in desktop VS Code via
// @vscode/test-electron, for contributors with a display and internet (it
// downloads VS Code into .vscode-test/ on first run; it cannot run offline).
// On Linux without a display run it under xvfb-run. Builds nothing itself.
//
// Environment:
//   VSCODE_TEST_VERSION      'stable' (default), 'insiders' or e.g. '1.95.0'
//   VSCODE_EXECUTABLE_PATH   use this VS Code executable instead of downloading one

import { runTests } from '@vscode/test-electron';
import { extensionTestsPath, repoRoot, requireBuilt, sampleWorkspace } from './workspace.mjs';

requireBuilt(extensionTestsPath);
const { workspace, dispose } = sampleWorkspace();

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
  dispose();
}
process.exit(code);
