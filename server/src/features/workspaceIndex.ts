/**
 * Tags across the workspace, for references, rename and workspace symbols.
 * Files are read and parsed lazily (on the first request that needs them)
 * and re-read only when their modification time changes; open documents are
 * read from the editor, not from disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { URI } from 'vscode-uri';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver';
import { parseTranscript } from '../core/parser.ts';
import { SpeakerTable } from '../core/speakers.ts';
import type { SettingsResolver } from '../core/resolve.ts';
import type { Root, Tag } from '../core/types.ts';
import { toRange } from './convert.ts';

export interface TagOccurrence {
  uri: string;
  namespace: string;
  id: string;
  /** The whole tag, `[cbt:socratic-questioning]`. */
  range: Range;
  /** Just the id, for rename. */
  idRange: Range;
  turn: number;
  speaker: string;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'out', '.vscode-test']);
/** Files larger than this are left out of the workspace index (they can still be opened). */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

export function tagsOfTree(uri: string, tree: Root): TagOccurrence[] {
  const occurrences: TagOccurrence[] = [];
  let turn = -1;
  for (const node of tree.children) {
    if (node.type !== 'turn') continue;
    turn++;
    const tags = node.children.flatMap((child): Tag[] =>
      child.type === 'tag' ? [child] : child.type === 'paragraph' ? child.children.filter((c): c is Tag => c.type === 'tag') : [],
    );
    for (const tag of tags) {
      const end = tag.position.end;
      occurrences.push({
        uri,
        namespace: tag.namespace,
        id: tag.id,
        range: toRange(tag.position),
        // "[ns:id]": the id ends one column before the closing bracket's end.
        idRange: { start: { line: end.line - 1, character: end.column - 2 - tag.id.length }, end: { line: end.line - 1, character: end.column - 2 } },
        turn,
        speaker: node.speaker,
      });
    }
  }
  return occurrences;
}

export class WorkspaceIndex {
  private folders: string[] = [];
  private readonly files = new Map<string, { mtimeMs: number; tags: TagOccurrence[] }>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly resolver: SettingsResolver,
  ) {}

  setFolders(folders: string[]): void {
    this.folders = folders;
  }

  /** A file changed on disk (watcher), or was deleted. */
  invalidate(uri: string): void {
    this.files.delete(uri);
  }

  /** Every tag occurrence in the workspace and the open documents. */
  async all(): Promise<TagOccurrence[]> {
    const result: TagOccurrence[] = [];
    const seen = new Set<string>();
    for (const document of this.documents.all()) {
      seen.add(document.uri);
      result.push(...this.parse(document.uri, document.getText()));
    }
    for (const file of await this.transcriptFiles()) {
      const uri = URI.file(file).toString();
      if (seen.has(uri)) continue;
      seen.add(uri);
      result.push(...(await this.fromDisk(uri, file)));
    }
    return result;
  }

  private parse(uri: string, text: string): TagOccurrence[] {
    const filePath = URI.parse(uri).scheme === 'file' ? URI.parse(uri).fsPath : undefined;
    const speakers = new SpeakerTable(this.resolver.forFile(filePath).config.speakers);
    return tagsOfTree(uri, parseTranscript(text, { speakers }));
  }

  private async fromDisk(uri: string, file: string): Promise<TagOccurrence[]> {
    try {
      const stat = await fs.promises.stat(file);
      const known = this.files.get(uri);
      if (known && known.mtimeMs === stat.mtimeMs) return known.tags;
      // Only regular files: a FIFO named x.transcript would block the read forever.
      if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return [];
      const text = await fs.promises.readFile(file, 'utf8');
      // Skip files that cannot be transcripts (binary).
      const tags = text.includes('\u0000') ? [] : this.parse(uri, text);
      this.files.set(uri, { mtimeMs: stat.mtimeMs, tags });
      return tags;
    } catch {
      this.files.delete(uri);
      return [];
    }
  }

  /** Every transcript file in the workspace folders, sorted. */
  async transcriptFiles(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string) => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name)) await walk(path.join(dir, entry.name));
        } else if (entry.isFile() && entry.name.endsWith('.transcript')) {
          found.push(path.join(dir, entry.name));
        }
      }
    };
    for (const folder of this.folders) await walk(folder);
    return found.sort();
  }
}
