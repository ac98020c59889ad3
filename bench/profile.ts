/**
 * Where transcript-lint spends its time: runs the CLI as users run it (the
 * dist/cli.cjs bundle) with `--cpu-prof` over the benchmark corpus, then
 * prints the top functions by self time, the self time per source file and
 * the top functions of server/src by inclusive time.
 *
 *   node --import tsx bench/profile.ts [path …]     (default: the BENCH_MB corpus; run `npm run build` first)
 *   node --import tsx bench/profile.ts --summary file.cpuprofile
 *
 * A bundle line is traced back to its source file through the `// path`
 * comment esbuild writes before each module — no source map needed. (Running
 * the sources through tsx instead would profile tsx's `__name` wrappers too.)
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** The source file of a (0-based) line of a script: esbuild's module comments for bundles. */
type SourceOf = (url: string, line: number) => string;

function sourceResolver(): SourceOf {
  const bundles = new Map<string, Array<{ line: number; file: string }>>();
  const modules = (url: string) => {
    let list = bundles.get(url);
    if (!list) {
      list = [];
      const file = url.startsWith('file://') ? fileURLToPath(url) : url;
      if (file.endsWith('.cjs') && fs.existsSync(file)) {
        fs.readFileSync(file, 'utf8')
          .split('\n')
          .forEach((text, line) => {
            const m = /^\/\/ ((?:server|client|node_modules)\/\S+)$/.exec(text);
            if (m) list!.push({ line, file: m[1]! });
          });
      }
      bundles.set(url, list);
    }
    return list;
  };
  return (url, line) => {
    const list = modules(url);
    let found: string | undefined;
    for (const entry of list) {
      if (entry.line > line) break;
      found = entry.file;
    }
    return found ?? relative(url);
  };
}

function relative(url: string): string {
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

export function summarize(profile: Profile, top = 25): string {
  const sourceOf = sourceResolver();
  const byId = new Map(profile.nodes.map((n) => [n.id, n] as const));
  const where = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url ? sourceOf(url, lineNumber) : `(${functionName || 'native'})`;
    return { name: functionName || '(anonymous)', file, key: `${functionName || '(anonymous)'}  ${file}` };
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const total = deltas.reduce((a, b) => a + b, 0);
  const selfByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  // Inclusive time: each sample counts once for every distinct function of server/src on its stack.
  const inclusive = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  for (let i = 0; i < samples.length; i++) {
    const us = deltas[i] ?? 0;
    const self = where(samples[i]!);
    add(selfByFunction, self.key, us);
    add(selfByFile, self.file, us);
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const frame = where(id);
      if (frame.file.startsWith('server/src/')) seen.add(frame.key);
    }
    for (const key of seen) add(inclusive, key, us);
  }
  const rank = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => `  ${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${key}`);
  return [
    `total sampled: ${(total / 1e6).toFixed(2)} s`,
    '',
    `top ${top} functions by self time:`,
    ...rank(selfByFunction, top),
    '',
    'self time by file:',
    ...rank(selfByFile, 20),
    '',
    `top ${top} functions of server/src by inclusive time (with their callees):`,
    ...rank(inclusive, top),
  ].join('\n');
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--summary') {
    process.stdout.write(`${summarize(JSON.parse(fs.readFileSync(args[1]!, 'utf8')) as Profile)}\n`);
    return;
  }
  const mb = process.env.BENCH_MB ?? '50';
  const targets = args.length ? args : [path.join(ROOT, `bench/results/tmp/corpus-${mb}/transcripts`)];
  const dir = path.join(ROOT, 'bench/results/tmp/profile');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, path.join(ROOT, 'dist/cli.cjs'), '--format', 'json', ...targets], {
    stdio: ['ignore', fs.openSync(path.join(dir, 'report.json'), 'w'), 'inherit'],
  });
  if (run.error) throw run.error;
  const [profile] = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f));
  if (!profile) throw new Error('no profile written');
  process.stdout.write(`${profile}\n${summarize(JSON.parse(fs.readFileSync(profile, 'utf8')) as Profile)}\n`);
}

main();
