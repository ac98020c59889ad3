/**
 * The file list of a run, expanded up front — needed by `--shard` (which must
 * pick from the whole list) and `--workers` (which splits it). unified-engine
 * does not expose its finder, so this one reproduces what it does, so that
 * handing the explicit list back to the engine reports exactly what the engine
 * would have found by itself:
 *
 * - a glob is expanded (`glob`, as the engine does) and each match treated as
 *   if it had been given;
 * - a folder is searched recursively for `*.transcript`, skipping
 *   `node_modules` and whatever the nearest ignore file (or `--ignore-path`,
 *   and `--ignore-pattern`) excludes, with the `ignore` package the engine uses;
 * - anything else (a file, a missing path, an explicitly given ignored file)
 *   is passed through untouched, so the engine reports it as it always does.
 *
 * Each file comes with its path relative to the cwd (the shard key, and what
 * the engine is given) and the path the engine would report had it searched
 * itself (a glob's matches keep their form: an absolute glob gives absolute
 * paths), deduplicated and in the engine's order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { glob, hasMagic } from 'glob';
import ignoreModule, { type Ignore } from 'ignore';
import { readTextFileLimited, UnreadableFileError } from '../core/read.ts';
import { hashString } from '../core/text.ts';

// `ignore` is CommonJS: its default export is the module itself, which its types miss.
const ignore = ignoreModule as unknown as typeof ignoreModule.default;

export interface ExpandOptions {
  cwd: string;
  /** With the dot: `['.transcript']`. */
  extensions: string[];
  /** Ignore file looked up from each file's folder upward (`.transcriptignore`). */
  ignoreName: string;
  /** One ignore file for every path instead (`--ignore-path`). */
  ignorePath?: string | undefined;
  /** Extra patterns, relative to the cwd (`--ignore-pattern`). */
  ignorePatterns?: string[];
}

export interface Target {
  /** Relative to the cwd: the shard key, and what the engine is given. */
  path: string;
  /** The path in the engine's report. */
  display: string;
}

export async function expandFiles(inputs: readonly string[], options: ExpandOptions): Promise<Target[]> {
  const ignores = new IgnoreFiles(options);
  const found = new Map<string, Target>();
  const add = (display: string) => {
    const relative = path.relative(options.cwd, path.resolve(options.cwd, display)) || '.';
    found.set(display, { path: relative, display });
  };
  const given: string[] = [];
  for (const input of inputs) {
    // The engine reports a glob's matches as glob wrote them, any other path relative to the cwd.
    if (hasMagic(input)) given.push(...(await glob(input, { cwd: options.cwd })));
    else given.push(path.relative(options.cwd, path.resolve(options.cwd, input)) || '.');
  }
  for (const input of given) {
    const stats = statOrUndefined(path.resolve(options.cwd, input));
    if (stats?.isDirectory() && !ignores.ignored(input)) walk(input, options, ignores, add);
    // Files, missing paths and ignored paths: the engine reports them itself. (The ignore files
    // the engine will read for them are looked up here first, so that one it cannot read is said.)
    else {
      ignores.ignored(input);
      add(input);
    }
  }
  return [...found.values()].sort((a, b) => comparePaths(a.display, b.display));
}

/** unified-engine's order of files in a report (plain code-unit comparison of the paths). */
export function comparePaths(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function walk(folder: string, options: ExpandOptions, ignores: IgnoreFiles, add: (file: string) => void): void {
  let names: string[];
  try {
    names = fs.readdirSync(path.resolve(options.cwd, folder));
  } catch {
    add(folder); // Unreadable: let the engine say so.
    return;
  }
  for (const name of names) {
    if (name === 'node_modules') continue;
    const relative = path.join(folder, name);
    if (ignores.ignored(relative)) continue;
    const stats = statOrUndefined(path.resolve(options.cwd, relative));
    if (stats?.isDirectory()) walk(relative, options, ignores, add);
    else if (options.extensions.includes(path.extname(name))) add(relative);
  }
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

interface IgnoreSet {
  matcher: Ignore;
  /** Patterns are relative to this folder (the ignore file's). */
  base: string;
}

/** Ignore files as unified-engine reads them: the nearest one upward wins, no cascading. */
class IgnoreFiles {
  private readonly byFolder = new Map<string, IgnoreSet | undefined>();
  private readonly given: IgnoreSet | undefined;
  private readonly extra: Ignore;

  constructor(private readonly options: ExpandOptions) {
    this.extra = ignore().add(options.ignorePatterns ?? []);
    if (options.ignorePath) {
      const file = path.resolve(options.cwd, options.ignorePath);
      // Unreadable: the caller reports it as a usage error (the engine would fail every file).
      this.given = { matcher: ignore().add(readTextFileLimited(file)), base: path.dirname(file) };
    }
  }

  /** Whether a path (relative to the cwd, or absolute) is ignored. */
  ignored(relative: string): boolean {
    const absolute = path.resolve(this.options.cwd, relative);
    const set = this.options.ignorePath ? this.given : this.nearest(path.dirname(absolute));
    return matches(set, absolute) || matches({ matcher: this.extra, base: this.options.cwd }, absolute);
  }

  private nearest(folder: string): IgnoreSet | undefined {
    if (this.byFolder.has(folder)) return this.byFolder.get(folder);
    let set: IgnoreSet | undefined;
    const file = path.join(folder, this.options.ignoreName);
    try {
      set = { matcher: ignore().add(readTextFileLimited(file)), base: folder };
    } catch (error) {
      // An ignore file that is a FIFO or a device: the engine would wait on it forever.
      if (error instanceof UnreadableFileError) throw error;
      const parent = path.dirname(folder);
      set = parent === folder ? undefined : this.nearest(parent);
    }
    this.byFolder.set(folder, set);
    return set;
  }
}

/** Whether a set's patterns exclude a path; like the engine, a path outside the set's folder never is. */
function matches(set: IgnoreSet | undefined, absolute: string): boolean {
  if (!set) return false;
  const relative = path.relative(set.base, absolute);
  if (relative === '' || relative === '..' || relative.startsWith(path.sep) || relative.startsWith(`..${path.sep}`)) return false;
  return set.matcher.ignores(relative);
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/**
 * Whether a file (relative to the cwd) belongs to a shard. The hash of the
 * path, not its rank in the list, so adding files never moves the others to
 * another shard; `/` separators so the split is the same on every platform.
 */
export function inShard(relative: string, shard: Shard): boolean {
  // (FNV-1a of the path's UTF-16 code units: tiny, stable, well spread; a file stays in its shard across versions.)
  return hashString(relative.split(path.sep).join('/')) % shard.count === shard.index - 1;
}
