/**
 * Edits to a `.transcriptrc.json` or a codebook take effect at once: the
 * server asks the client to watch those files (`client/registerCapability`
 * for `workspace/didChangeWatchedFiles`) where the client supports dynamic
 * registration, and watches them itself (`fs.watch`) otherwise: the folder of
 * every open document and each folder above it (where configuration is looked
 * up), and the folder of every codebook a configuration names.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAMES } from '../core/config.ts';
import { CODEBOOK_FILE_NAME } from '../core/codebook.ts';

/** Glob patterns for a client's file watcher. */
export const WATCHED_GLOBS = ['**/.transcriptrc', '**/.transcriptrc.json', `**/${CODEBOOK_FILE_NAME}`, '**/*.codebook.json', '**/*.transcript'];

/** Is this file one whose change changes the settings (configuration or codebook)? */
export function isSettingsFile(file: string, codebooks: ReadonlySet<string> = new Set()): boolean {
  const name = path.basename(file);
  return (CONFIG_FILE_NAMES as readonly string[]).includes(name) || name === CODEBOOK_FILE_NAME || name.endsWith('.codebook.json') || codebooks.has(path.resolve(file));
}

/** The server's own watcher, for clients that cannot watch files for it. */
export class OwnWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private readonly codebooks = new Set<string>();

  constructor(
    /** Called once after a burst of changes to settings files. */
    private readonly onChange: (files: string[]) => void,
    private readonly quietMs = 50,
  ) {}

  private pending = new Set<string>();

  /** Watch the folders that decide a document's settings. */
  watchFor(filePath: string | undefined): void {
    if (!filePath) return;
    let dir = path.dirname(path.resolve(filePath));
    for (;;) {
      this.watchDir(dir);
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }

  /** Watch a codebook file a configuration names (any file name). */
  watchCodebook(file: string): void {
    const resolved = path.resolve(file);
    if (this.codebooks.has(resolved)) return;
    this.codebooks.add(resolved);
    this.watchDir(path.dirname(resolved));
  }

  private watchDir(dir: string): void {
    if (this.watchers.has(dir)) return;
    try {
      const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
        const file = name ? path.join(dir, name.toString()) : undefined;
        if (file && !isSettingsFile(file, this.codebooks)) return;
        this.pending.add(file ?? dir);
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          const files = [...this.pending];
          this.pending.clear();
          this.onChange(files);
        }, this.quietMs);
      });
      // A folder that goes away (or cannot be watched any longer) just stops being watched.
      watcher.on('error', () => {
        watcher.close();
        this.watchers.delete(dir);
      });
      this.watchers.set(dir, watcher);
    } catch {
      // Not a folder we may watch (permissions, gone): configuration there is read when a document opens.
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}
