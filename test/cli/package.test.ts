/**
 * The package as users install it: `npm pack`, then `npm install -g` of the
 * tarball into a temporary prefix, offline (the bundles need no dependency),
 * and both programs run from there, outside the clone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/paths.ts';
import { startClient } from '../helpers/lsp-client.ts';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
let tmp: string;
let prefix: string;
let tarball: string;

/** npm as the test runner's npm, or the one on PATH. */
function npm(args: string[], cwd: string) {
  const execPath = process.env.npm_execpath;
  const [command, ...rest] = execPath && execPath.endsWith('.js') ? [process.execPath, execPath, ...args] : ['npm', ...args];
  const result = spawnSync(command!, rest, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
  assert.equal(result.status, 0, `npm ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

before(() => {
  for (const file of ['dist/server.cjs', 'dist/cli.cjs', 'dist/cli-worker.cjs']) {
    assert.ok(fs.existsSync(path.join(ROOT, file)), `${file} is missing: run npm run build first`);
  }
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-package-'));
  prefix = path.join(tmp, 'prefix');
  // (--ignore-scripts: dist/ is built already, and rebuilding it could disturb tests running meanwhile.)
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(tmp, packed[0]!.filename);
  fs.writeFileSync(path.join(tmp, 'files.json'), JSON.stringify(packed[0]!.files.map((f) => f.path)));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('the tarball holds what runs, and nothing of the sources or tests', () => {
  const files = JSON.parse(fs.readFileSync(path.join(tmp, 'files.json'), 'utf8')) as string[];
  for (const file of [
    'package.json',
    'README.md',
    'LICENSE',
    'bin/transcript-lint.js',
    'bin/transcript-language-server.js',
    'dist/cli.cjs',
    'dist/cli-worker.cjs',
    'dist/server.cjs',
    'dist/extension.cjs',
    // The technique model's weights, read beside the server bundle.
    'dist/technique-model.bin',
    'schemas/codebook.schema.json',
    'schemas/transcriptrc.schema.json',
    'syntaxes/therapy-transcript.tmLanguage.json',
    'server/src/core/codebook/default-codebook.json',
  ]) {
    assert.ok(files.includes(file), `${file} is not in the tarball`);
  }
  assert.deepEqual(files.filter((f) => /^(test|bench|samples|client)\/|\.ts$|\.map$/.test(f)), []);
  assert.equal(path.basename(tarball), `${pkg.name}-${pkg.version}.tgz`);
});

test('npm install -g of the tarball (offline) gives both programs, which run outside the clone', async () => {
  npm(['install', '--global', '--offline', '--prefix', prefix, tarball], tmp);
  const bin = (name: string) => path.join(prefix, 'bin', name);
  assert.ok(fs.existsSync(bin('transcript-lint')) && fs.existsSync(bin('transcript-language-server')));
  const work = path.join(tmp, 'work');
  fs.mkdirSync(work);
  fs.writeFileSync(path.join(work, 'a.transcript'), 'Therapist: Call 1-800-273-8255.\nClient: Ok.\n');
  fs.writeFileSync(path.join(work, 'b.transcript'), 'Therapist: Hello there.\n\nCleint: Hi.\n');
  const run = (args: string[]) => spawnSync(bin('transcript-lint'), args, { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(run(['--version']).stdout.trim(), pkg.version);
  // One file, then both in worker threads (the worker bundle is found beside the CLI's).
  const one = run(['--format', 'json', 'a.transcript']);
  assert.equal(one.status, 0, one.stderr);
  assert.deepEqual((JSON.parse(one.stdout) as Array<{ messages: Array<{ ruleId: string }> }>)[0]!.messages.map((m) => m.ruleId), ['outdated-crisis-line']);
  const both = run(['--format', 'json', '--workers', '2', '.']);
  assert.equal(both.status, 1, both.stderr);
  assert.deepEqual((JSON.parse(both.stdout) as Array<{ path: string; messages: Array<{ ruleId: string }> }>).map((f) => [f.path, f.messages.map((m) => m.ruleId)]), [
    ['a.transcript', ['outdated-crisis-line']],
    ['b.transcript', ['unknown-speaker']],
  ]);
  const fixed = run(['--fix', 'a.transcript']);
  assert.equal(fixed.status, 0, fixed.stderr);
  assert.match(fs.readFileSync(path.join(work, 'a.transcript'), 'utf8'), /Call 988\./);

  // The language server from the prefix, spoken to over stdio.
  const help = spawnSync(bin('transcript-language-server'), ['--help'], { encoding: 'utf8' });
  assert.match(help.stdout, /Usage: transcript-language-server --stdio/);
  const client = await startClient({ serverBin: fs.realpathSync(bin('transcript-language-server')), rootDir: work });
  try {
    const uri = pathToFileURL(path.join(work, 'b.transcript')).href;
    client.open(uri, fs.readFileSync(path.join(work, 'b.transcript'), 'utf8'), 1);
    assert.deepEqual((await client.diagnostics(uri, 1)).diagnostics.map((d) => d.code), ['unknown-speaker']);
    // The technique model is found beside the installed bundle: a question no cue phrase names ranks first.
    const typed = 'file:///virtual/typed.transcript';
    client.open(typed, 'Client: I drink a bit.\nTherapist: [mi:Do you drink every day?\n', 1);
    await client.diagnostics(typed, 1);
    const items = (await client.connection.sendRequest<Array<{ label: string; sortText: string }>>('textDocument/completion', { textDocument: { uri: typed }, position: { line: 1, character: 15 } })).sort((a, b) => a.sortText.localeCompare(b.sortText));
    assert.equal(items[0]!.label, 'question');
  } finally {
    await client.stop();
  }
  assert.ok(!fs.realpathSync(bin('transcript-language-server')).startsWith(ROOT), 'the installed server is not the clone');
});

test('the VS Code package (.vsix) builds from the same files list, with the extension and its server', () => {
  const out = path.join(tmp, 'therapy-transcript.vsix');
  // What `npm run package` runs after its minified build (here on the build in dist/).
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', out], { cwd: ROOT, encoding: 'utf8', input: '' });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  assert.ok(fs.statSync(out).size > 100_000);
  for (const file of ['dist/extension.cjs', 'dist/server.cjs', 'dist/technique-model.bin', 'syntaxes/therapy-transcript.tmLanguage.json', 'language-configuration.json']) {
    assert.ok(result.stdout.includes(path.basename(file)), `${file} is not in the .vsix:\n${result.stdout}`);
  }
});
