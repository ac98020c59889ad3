// `npm run test:vscode`: runs the extension test suite (dist/test/vscode/index.cjs,
// built by `npm run build`) in a real VS Code extension host served by
// code-server and driven by headless Chromium. Builds nothing itself.
//
// The workspace is a fresh temp copy of samples/, so tests may edit files.
// Environment:
//   VSCODE_TEST_TIMEOUT      overall limit in seconds (default 600)
//   VSCODE_TEST_SCREENSHOTS  where suite-requested screenshots go (default .vscode-test/screenshots)
//   VSCODE_TEST_VERBOSE=1    also print code-server's log and the page console
//   CHROMIUM_PATH            default /usr/bin/chromium
// Exits with the suite's exit code (1 on timeout or infrastructure failure).

import fs from 'node:fs';
import path from 'node:path';
import { runExtensionTests } from '../../scripts/code-server/run-tests.mjs';
import { extensionTestsPath, repoRoot, requireBuilt, sampleWorkspace } from './workspace.mjs';

const { main } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
requireBuilt(extensionTestsPath, path.join(repoRoot, main));
const { workspace, dispose } = sampleWorkspace();

let code = 1;
try {
  code = await runExtensionTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    workspace,
    screenshot: process.env.VSCODE_TEST_SCREENSHOTS || path.join(repoRoot, '.vscode-test', 'screenshots'),
    timeoutMs: Number(process.env.VSCODE_TEST_TIMEOUT || 600) * 1000,
    verbose: process.env.VSCODE_TEST_VERBOSE === '1',
  });
  console.log(`VS Code extension tests (code-server) exited with code ${code}.`);
} catch (err) {
  console.error(err.message);
} finally {
  dispose();
}
process.exit(code);
