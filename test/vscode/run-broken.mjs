// The VS Code suite must be able to fail: run it against a deliberately
// broken copy of the extension (its activate() throws) and expect a non-zero
// exit. Exits 0 when the suite failed as it should, 1 when it passed anyway.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExtensionTests } from '../../scripts/code-server/run-tests.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-broken-extension-'));
const extension = path.join(tmp, 'extension');
const workspace = path.join(tmp, 'samples');
fs.mkdirSync(extension);
for (const entry of ['package.json', 'language-configuration.json', 'syntaxes', 'schemas', 'dist']) {
  fs.cpSync(path.join(repoRoot, entry), path.join(extension, entry), { recursive: true });
}
// node_modules is large: link it rather than copy it.
fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(extension, 'node_modules'));
fs.writeFileSync(path.join(extension, 'dist/extension.cjs'), "exports.activate = () => { throw new Error('deliberately broken extension'); };\n");
fs.cpSync(path.join(repoRoot, 'samples'), workspace, { recursive: true });

const lines = [];
let code;
try {
  code = await runExtensionTests({
    extensionDevelopmentPath: extension,
    extensionTestsPath: path.join(extension, 'dist/test/vscode/index.cjs'),
    workspace,
    timeoutMs: 180_000,
    log: (line) => lines.push(line),
  });
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const failing = lines.find((l) => /\d+ failing/.test(l));
if (code !== 0 && failing) {
  console.log(`A deliberately broken extension makes the VS Code suite fail, as it must (exit ${code}, ${failing.trim()}).`);
  process.exit(0);
}
console.error(`The VS Code suite did not fail on a broken extension (exit ${code}). Its output:\n${lines.join('\n')}`);
process.exit(1);
