// Bundles the extension client, the language server, the CLI and the VS Code
// test suite into dist/, and copies the technique model's weights beside them. All outputs are CommonJS for Node (VS Code loads
// extensions with require; unified's ESM-only packages are bundled in).
//
//   node esbuild.mjs            build once
//   node esbuild.mjs --watch    rebuild on change
//   node esbuild.mjs --minify   smaller bundles (for packaging)
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');
const minify = process.argv.includes('--minify');

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !minify,
  minify,
  logLevel: 'warning',
  define: { PACKAGE_VERSION: JSON.stringify(pkg.version) },
  // Silence "import.meta is empty in CJS": only load-plugin's unused resolver reads it.
  logOverride: { 'empty-import-meta': 'silent' },
};

const builds = [
  { entryPoints: { extension: 'client/src/extension.ts' }, external: ['vscode'] },
  { entryPoints: { server: 'server/src/server-main.ts' } },
  { entryPoints: { cli: 'server/src/cli-main.ts' } },
  { entryPoints: { 'cli-worker': 'server/src/cli/worker.ts' } },
  { entryPoints: { 'test/vscode/index': 'test/vscode/suite/index.ts' }, external: ['vscode'], logOverride: { ...common.logOverride, 'require-resolve-not-external': 'silent' } },
].map((entry) => ({ ...common, ...entry, outdir: 'dist', outExtension: { '.js': '.cjs' } }));

const existing = builds.filter((b) => Object.values(b.entryPoints).every((file) => exists(file)));

// The technique model's weights (written by `npm run train`) ship beside the bundles, read on first use.
mkdirSync('dist', { recursive: true });
copyFileSync('server/src/core/model/weights/technique-model.bin', 'dist/technique-model.bin');

if (watch) {
  const contexts = await Promise.all(existing.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching for changes…');
} else {
  await Promise.all(existing.map((b) => esbuild.build(b)));
}

function exists(file) {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}
