// What both VS Code launchers need: the repository root, the compiled suite,
// and a fresh temp copy of samples/ to open (so tests may edit files).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const extensionTestsPath = path.join(repoRoot, 'dist', 'test', 'vscode', 'index.cjs');

/** Exit with a hint when a built file is missing. */
export function requireBuilt(...files) {
  for (const file of files) {
    if (!fs.existsSync(file)) {
      console.error(`${path.relative(repoRoot, file)} not found: run \`npm run build\` first.`);
      process.exit(1);
    }
  }
}

/** A temp copy of samples/: `{ workspace, dispose }`. */
export function sampleWorkspace() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-vscode-test-'));
  const workspace = path.join(tmp, 'samples');
  const samples = path.join(repoRoot, 'samples');
  if (fs.existsSync(samples)) fs.cpSync(samples, workspace, { recursive: true });
  else fs.mkdirSync(workspace);
  return { workspace, dispose: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}
