/**
 * Property 4: no input family costs super-linear time or memory, and no path
 * — a FIFO, a device, a folder named like a transcript, a loop of links, a
 * huge sparse file — can hang or exhaust the tools.
 *
 * A family is a unit (a character, a word, a label, a defect, mojibake
 * bytes…) laid out many times: on one line, as one paragraph's sentences, as
 * paragraphs, as turns, as lone-CR turns, or after one very long word. Its
 * analysis is timed at four sizes (each doubling the last; the best of two
 * runs), and the heap it keeps is measured at 4 and 32 times the smallest: time
 * must grow about linearly (the median slope of the three doublings, on a
 * log-log scale, at most 1.5 — confirmed at larger
 * sizes before a failure is called, as a machine shared with others makes
 * single timings noisy), and memory linearly (slope at most 1.3). Nothing
 * here asserts how long anything takes, only how it grows.
 *
 * Paths run the real binaries in child processes, so a hang is a timeout,
 * not a frozen fuzz run.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { analyze, fixAndAnalyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { DEFECTS, SENTENCES } from './generators.ts';
import { ROOT } from '../helpers/paths.ts';

const UNITS = [
  'x',
  ' ',
  '?',
  ':',
  '.',
  '\t',
  '\u00a0',
  '[',
  'Ã€€€',
  'â€™',
  'Â ',
  'Therapist: ',
  'Patient:',
  'T: ',
  '[cbt:socratic-questioning] ',
  "I'm sorry, but I can't help with that. ",
  'As an AI, I ',
  '<|endoftext|> ',
  '[End of conversation] ',
  "[Client's name] ",
  'call 1-800-273-8255 ',
  'I see. Patient: Yes. ',
  'Here is the transcript: ',
  'word ',
  'é',
  '𝐀',
  ...DEFECTS.map((d) => `${d} `),
  ...SENTENCES.map((s) => `${s} `),
];

export type Layout = 'line' | 'paragraphs' | 'turns' | 'cr-turns' | 'after-long-word' | 'header';

export interface Family {
  unit: string;
  layout: Layout;
}

export const family: fc.Arbitrary<Family> = fc.record({
  unit: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...UNITS) }, { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('a', ' ', ':', '?', '.', '\n', '\r', 'Ã', '€', '[', ']', "'", '1', 'T'), minLength: 1, maxLength: 8 }) }),
  layout: fc.constantFrom<Layout>('line', 'paragraphs', 'turns', 'cr-turns', 'after-long-word', 'header'),
});

/** About `size` characters of the family. */
export function build({ unit, layout }: Family, size: number): string {
  const times = Math.max(1, Math.ceil(size / Math.max(1, unit.length + 4)));
  switch (layout) {
    case 'line':
      return `Therapist: ${unit.repeat(Math.ceil(size / unit.length))}\n`;
    case 'paragraphs':
      return `Therapist: ${Array.from({ length: times }, () => unit).join('\n\n')}\n`;
    case 'turns':
      return Array.from({ length: times }, (_, i) => `${i % 2 ? 'Patient' : 'Therapist'}: ${unit}`).join('\n');
    case 'cr-turns':
      return Array.from({ length: times }, () => `T: ${unit}`).join('\r');
    case 'after-long-word':
      return `Therapist: ${'a'.repeat(size)} ${unit}\n`;
    case 'header':
      return `${unit.repeat(Math.ceil(size / unit.length))}\n\nTherapist: Hello.\n`;
  }
}

let collect: (() => void) | undefined;
function gc(): void {
  if (!collect) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

const config = emptyConfig();

/** The best of two timings of analysing (and, every other size, fixing) the text. */
function time(text: string, fix: boolean): number {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    // The garbage of earlier runs would be collected inside this one's time.
    gc();
    const started = performance.now();
    if (fix) fixAndAnalyze(text, { config });
    else analyze(text, { config });
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Heap kept by an analysis of the text (bytes). */
function retained(text: string): number {
  gc();
  const before = process.memoryUsage().heapUsed;
  const analysis = analyze(text, { config });
  gc();
  const after = process.memoryUsage().heapUsed;
  // Keep the analysis alive until measured.
  if (analysis.messages.length < 0) throw new Error('unreachable');
  return Math.max(0, after - before);
}

function slope(small: number, large: number, ratio: number): number {
  return Math.log(Math.max(large, 1e-3) / Math.max(small, 1e-3)) / Math.log(ratio);
}

export interface ScalingOptions {
  /** Characters of the smallest size. */
  base: number;
  /** Whether --fix is timed as well as the analysis. */
  fix: boolean;
}

/** Time grows at most this fast (log-log), and memory at most that fast. */
const MAX_TIME_SLOPE = 1.5;
const MAX_MEMORY_SLOPE = 1.3;
/** Below this, a timing says more about the machine than about the code. */
const MEANINGFUL_MS = 40;

export function checkFamily(input: Family, options: ScalingOptions = { base: 16_000, fix: true }): void {
  const measure = (base: number) => {
    const sizes = [base, base * 2, base * 4, base * 8];
    const times = sizes.map((size) => time(build(input, size), false));
    const fixTimes = options.fix ? sizes.map((size) => time(build(input, size), true)) : undefined;
    return { sizes, times, fixTimes };
  };
  const first = measure(options.base);
  const large = (t: number[]) => t[t.length - 1]! >= MEANINGFUL_MS;
  // The median of the three doublings' slopes: a quadratic cost doubles twice at each, a garbage
  // collection that happens to fall in one run makes one doubling steep.
  const median = (t: number[]) => [slope(t[0]!, t[1]!, 2), slope(t[1]!, t[2]!, 2), slope(t[2]!, t[3]!, 2)].sort((a, b) => a - b)[1]!;
  const timeSlope = (m: ReturnType<typeof measure>) => median(m.times);
  const fixSlope = (m: ReturnType<typeof measure>) => (m.fixTimes ? median(m.fixTimes) : 0);
  let suspect = (large(first.times) && timeSlope(first) > MAX_TIME_SLOPE) || (first.fixTimes !== undefined && large(first.fixTimes) && fixSlope(first) > MAX_TIME_SLOPE);
  if (suspect) {
    // Confirm twice at four times the sizes: a quadratic cost only grows clearer, noise does not.
    for (let round = 0; round < 2 && suspect; round++) {
      const again = measure(options.base * 4);
      suspect = (large(again.times) && timeSlope(again) > MAX_TIME_SLOPE) || (again.fixTimes !== undefined && large(again.fixTimes) && fixSlope(again) > MAX_TIME_SLOPE);
      if (suspect && round === 1) {
        throw new Error(
          `${JSON.stringify(input)}: time grows with slope ${timeSlope(again).toFixed(2)} (analysis) / ${fixSlope(again).toFixed(2)} (--fix) — ${again.sizes.map((s, i) => `${s}: ${again.times[i]!.toFixed(0)} ms`).join(', ')}${again.fixTimes ? `; --fix ${again.fixTimes.map((t) => t.toFixed(0)).join(', ')} ms` : ''}`,
        );
      }
    }
  }
  const small = retained(build(input, options.base * 4));
  const big = retained(build(input, options.base * 32));
  // Only when the heap kept is large enough to measure, at both sizes.
  if (small > 2_000_000 && big > 4_000_000) {
    const memory = slope(small, big, 8);
    assert.ok(memory <= MAX_MEMORY_SLOPE, `${JSON.stringify(input)}: the heap kept grows with slope ${memory.toFixed(2)} (${(small / 1e6).toFixed(1)} MB → ${(big / 1e6).toFixed(1)} MB for 8× the text)`);
  }
}

// --- Paths ---------------------------------------------------------------------

export type PathKind = 'fifo' | 'dev-zero' | 'dev-urandom' | 'dev-null' | 'folder' | 'link-loop' | 'link-to-fifo' | 'sparse-huge' | 'unreadable' | 'broken-link';
export type PathUse = 'in-folder' | 'given' | 'codebook' | 'config' | 'ignore-file' | 'server-codebook' | 'server-workspace';

export interface PathCase {
  kind: PathKind;
  use: PathUse;
}

export const pathCase: fc.Arbitrary<PathCase> = fc.record({
  kind: fc.constantFrom<PathKind>('fifo', 'dev-zero', 'dev-urandom', 'dev-null', 'folder', 'link-loop', 'link-to-fifo', 'sparse-huge', 'unreadable', 'broken-link'),
  use: fc.constantFrom<PathUse>('in-folder', 'given', 'codebook', 'config', 'ignore-file', 'server-codebook', 'server-workspace'),
});

/** Make the hostile path at `where` (devices are linked to). */
function makePath(kind: PathKind, where: string): boolean {
  switch (kind) {
    case 'fifo':
      execFileSync('mkfifo', [where]);
      return true;
    case 'dev-zero':
    case 'dev-urandom':
    case 'dev-null': {
      const device = `/dev/${kind.slice(4)}`;
      if (!fs.existsSync(device)) return false;
      fs.symlinkSync(device, where);
      return true;
    }
    case 'folder':
      fs.mkdirSync(where);
      return true;
    case 'link-loop':
      fs.symlinkSync(`${where}.b`, where);
      fs.symlinkSync(where, `${where}.b`);
      return true;
    case 'link-to-fifo':
      execFileSync('mkfifo', [`${where}.fifo`]);
      fs.symlinkSync(`${where}.fifo`, where);
      return true;
    case 'sparse-huge': {
      // 64 GB that take no disk: reading it would never end in memory.
      const fd = fs.openSync(where, 'w');
      fs.ftruncateSync(fd, 64 * 1024 ** 3);
      fs.closeSync(fd);
      return true;
    }
    case 'unreadable':
      fs.writeFileSync(where, 'Therapist: Hello.\n');
      fs.chmodSync(where, 0);
      return true;
    case 'broken-link':
      fs.symlinkSync(path.join(path.dirname(where), 'missing-target'), where);
      return true;
  }
}

/** Run a binary with a hard limit; resolves with its exit code and output (or `signal` when it was killed). */
function run(bin: string, args: string[], cwd: string, input = '', limitMs = 120_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', bin), ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const GOOD = 'Therapist: Please call 1-800-273-8255 if you need to.\n\nClient: Okay.\n';

/** The server binary over stdio: initialize, open the good file, pull its diagnostics, shut down. */
async function serverRound(dir: string, limitMs = 120_000): Promise<{ answered: boolean; diagnostics: string; stderr: string; killed: boolean }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/transcript-language-server.js'), '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let killed = false;
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const frame = (message: object) => {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    child.stdin.write(body);
  };
  const rootUri = `file://${dir}`;
  const uri = `file://${path.join(dir, 'good.transcript')}`;
  frame({ id: 1, method: 'initialize', params: { processId: null, rootUri, workspaceFolders: [{ uri: rootUri, name: 'w' }], capabilities: { textDocument: { diagnostic: {} } } } });
  frame({ method: 'initialized', params: {} });
  frame({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'therapy-transcript', version: 1, text: GOOD } } });
  frame({ id: 2, method: 'textDocument/diagnostic', params: { textDocument: { uri } } });
  frame({ id: 3, method: 'workspace/symbol', params: { query: 'agenda' } });
  frame({ id: 4, method: 'shutdown' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const answered = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
      resolve(false);
    }, limitMs);
    child.stdout.on('data', () => {
      if (stdout.includes('"id":4,')) {
        clearTimeout(timer);
        frame({ method: 'exit' });
        resolve(true);
      }
    });
  });
  await exited;
  return { answered, diagnostics: stdout, stderr, killed };
}

export async function checkPath(input: PathCase): Promise<void> {
  if (process.platform === 'win32') return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-fuzz-path-'));
  try {
    fs.writeFileSync(path.join(dir, 'good.transcript'), GOOD);
    const name = input.use === 'codebook' || input.use === 'server-codebook' ? 'book.json' : input.use === 'config' ? 'rc.json' : input.use === 'ignore-file' ? '.transcriptignore' : 'x.transcript';
    const hostile = path.join(dir, name);
    if (!makePath(input.kind, hostile)) return;
    if (input.use === 'codebook' || input.use === 'server-codebook') fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify({ codebook: hostile }));
    if (input.use === 'server-codebook' || input.use === 'server-workspace') {
      const round = await serverRound(dir);
      assert.ok(!round.killed, `the server stopped answering with ${input.kind} as ${input.use} (${round.stderr.slice(0, 300)})`);
      assert.match(round.diagnostics, /outdated-crisis-line/, 'the server answered without the good file\'s findings');
      return;
    }
    const args = ['--format', 'json'];
    if (input.use === 'config') args.push('--config', hostile);
    args.push(input.use === 'given' ? hostile : input.use === 'in-folder' ? dir : path.join(dir, 'good.transcript'));
    if (input.use === 'given') args.push(path.join(dir, 'good.transcript'));
    const result = await run('transcript-lint.js', args, dir);
    assert.equal(result.signal, null, `transcript-lint hung on ${input.kind} as ${input.use} (killed); stderr: ${result.stderr.slice(0, 300)}`);
    assert.ok(result.code === 0 || result.code === 1 || (result.code === 2 && (input.use === 'config' || input.use === 'ignore-file')), `transcript-lint exited ${result.code} on ${input.kind} as ${input.use}: ${result.stderr.slice(0, 300)}`);
    // A usage error, said: --config naming nothing (a broken link), an ignore file that cannot be read.
    if (result.code === 2) {
      assert.match(result.stderr, /transcript-lint: (no configuration file|cannot read the ignore file)/, `exit 2 without a reason (${input.kind} as ${input.use})`);
      return;
    }
    const report = JSON.parse(result.stdout) as Array<{ path: string; messages: Array<{ ruleId: string }> }>;
    const good = report.find((f) => f.path.endsWith('good.transcript'));
    assert.ok(good, `no report for the good file (${input.kind} as ${input.use})`);
    assert.ok(good.messages.some((m) => m.ruleId === 'outdated-crisis-line'), `the good file was not linted (${input.kind} as ${input.use})`);
  } finally {
    try {
      for (const entry of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, entry), 0o600);
    } catch {
      // Links and FIFOs: nothing to open up.
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
