/**
 * The codebook: technique ids by namespace (`cbt`, `mi`, …) with labels,
 * definitions, CTRS items and cue phrases. The default codebook ships as JSON;
 * a workspace `.transcript-codebook.json` (or the file the configuration
 * names) extends or overrides entries and adds namespaces.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Role } from './types.ts';
import defaultCodebookJson from './codebook/default-codebook.json' with { type: 'json' };
import { editDistance } from './speakers.ts';
import { readTextFileLimited } from './read.ts';

export const CODEBOOK_FILE_NAME = '.transcript-codebook.json';

export interface CodebookEntry {
  namespace: string;
  id: string;
  label: string;
  definition: string;
  /** The Cognitive Therapy Rating Scale item the technique serves. */
  ctrs?: string;
  /** The MITI 4.2.1 code, for the `mi` namespace. */
  miti?: string;
  cues: string[];
  example?: string;
}

export interface CodebookNamespace {
  id: string;
  label: string;
  description?: string;
  /** Roles whose turns may carry these tags. */
  appliesTo: Role[];
  entries: Map<string, CodebookEntry>;
}

interface RawEntry {
  id?: unknown;
  label?: unknown;
  definition?: unknown;
  ctrs?: unknown;
  miti?: unknown;
  cues?: unknown;
  example?: unknown;
}

interface RawNamespace {
  label?: unknown;
  description?: unknown;
  appliesTo?: unknown;
  entries?: unknown;
}

/** Namespaces that are not techniques: `ignore` silences lint rules. */
export const RESERVED_NAMESPACES = new Set(['ignore']);

export class Codebook {
  readonly namespaces = new Map<string, CodebookNamespace>();
  readonly version: string;
  /** Files merged into this codebook, in order. */
  readonly sources: string[] = [];

  constructor(version = '0') {
    this.version = version;
  }

  get(namespace: string, id: string): CodebookEntry | undefined {
    return this.namespaces.get(namespace)?.entries.get(id);
  }

  *entries(namespace?: string): Iterable<CodebookEntry> {
    for (const ns of this.namespaces.values()) {
      if (namespace === undefined || ns.id === namespace) yield* ns.entries.values();
    }
  }

  /** The ids of a namespace closest to a misspelt one, best first. */
  nearest(namespace: string, id: string, max = 3): CodebookEntry[] {
    const ns = this.namespaces.get(namespace);
    if (!ns) return [];
    const limit = Math.max(2, Math.floor(id.length / 3));
    const scored: Array<[number, CodebookEntry]> = [];
    for (const entry of ns.entries.values()) {
      let d = editDistance(id, entry.id, limit);
      // "socratic" for "socratic-questioning": a prefix is a near miss too.
      if (d > limit && id.length >= 4 && entry.id.startsWith(id)) d = limit;
      if (d <= limit) scored.push([d, entry]);
    }
    scored.sort((a, b) => a[0] - b[0] || a[1].id.localeCompare(b[1].id));
    return scored.slice(0, max).map(([, entry]) => entry);
  }

  /**
   * Merge a raw codebook object into this one: entries with a known id are
   * overridden field by field, new ids and namespaces are added. Problems are
   * returned in plain words rather than thrown.
   */
  merge(raw: unknown, source: string): string[] {
    const problems: string[] = [];
    const name = path.basename(source);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      return [`${name}: a codebook must be a JSON object with "namespaces".`];
    }
    const namespaces = (raw as { namespaces?: unknown }).namespaces;
    if (typeof namespaces !== 'object' || namespaces === null || Array.isArray(namespaces)) {
      return [`${name}: "namespaces" must map namespace names to { "entries": [...] }.`];
    }
    this.sources.push(source);
    for (const [nsId, rawNs] of Object.entries(namespaces as Record<string, RawNamespace>)) {
      if (!/^[a-z][a-z0-9_-]*$/.test(nsId) || RESERVED_NAMESPACES.has(nsId)) {
        problems.push(`${name}: "${nsId}" cannot be a namespace (use lower-case letters, digits and "-"; "ignore" is reserved).`);
        continue;
      }
      let ns = this.namespaces.get(nsId);
      if (!ns) {
        ns = { id: nsId, label: nsId, appliesTo: ['therapist'], entries: new Map() };
        this.namespaces.set(nsId, ns);
      }
      if (typeof rawNs.label === 'string') ns.label = rawNs.label;
      if (typeof rawNs.description === 'string') ns.description = rawNs.description;
      if (Array.isArray(rawNs.appliesTo)) {
        ns.appliesTo = rawNs.appliesTo.filter((r): r is Role => r === 'therapist' || r === 'patient' || r === 'other');
      }
      if (rawNs.entries === undefined) continue;
      if (!Array.isArray(rawNs.entries)) {
        problems.push(`${name}: "entries" of "${nsId}" must be an array.`);
        continue;
      }
      for (const rawEntry of rawNs.entries as RawEntry[]) {
        const id = typeof rawEntry?.id === 'string' ? rawEntry.id : undefined;
        if (!id || !/^[a-z0-9][a-z0-9-]*$/.test(id)) {
          problems.push(`${name}: an entry of "${nsId}" has no valid "id" (lower-case words joined by "-").`);
          continue;
        }
        const before = ns.entries.get(id);
        const entry: CodebookEntry = {
          namespace: nsId,
          id,
          label: str(rawEntry.label) ?? before?.label ?? titleCase(id),
          definition: str(rawEntry.definition) ?? before?.definition ?? '',
          cues: Array.isArray(rawEntry.cues)
            ? rawEntry.cues.filter((c): c is string => typeof c === 'string').map((c) => c.toLowerCase())
            : (before?.cues ?? []),
        };
        const ctrs = str(rawEntry.ctrs) ?? before?.ctrs;
        if (ctrs) entry.ctrs = ctrs;
        const miti = str(rawEntry.miti) ?? before?.miti;
        if (miti) entry.miti = miti;
        const example = str(rawEntry.example) ?? before?.example;
        if (example) entry.example = example;
        ns.entries.set(id, entry);
      }
    }
    return problems;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

function titleCase(id: string): string {
  const words = id.split('-');
  return words.map((w, i) => (i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ');
}

export const DEFAULT_CODEBOOK_VERSION: string = (defaultCodebookJson as { version?: string }).version ?? '0';

/** The codebook shipped with the tool. */
export function defaultCodebook(): Codebook {
  const codebook = new Codebook(DEFAULT_CODEBOOK_VERSION);
  const problems = codebook.merge(defaultCodebookJson, 'default-codebook.json');
  if (problems.length > 0) throw new Error(`The bundled codebook is invalid: ${problems.join(' ')}`);
  return codebook;
}

let shared: Codebook | undefined;

/** One shared instance of the default codebook, for callers that do not configure one. */
export function sharedDefaultCodebook(): Codebook {
  return (shared ??= defaultCodebook());
}

/** The nearest `.transcript-codebook.json` from `dir` upward. */
export function findCodebookFile(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    const candidate = path.join(current, CODEBOOK_FILE_NAME);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

export interface LoadedCodebook {
  codebook: Codebook;
  problems: string[];
}

/**
 * The default codebook extended by a workspace file: `file` when given (from
 * the configuration), else the nearest `.transcript-codebook.json` above `dir`.
 */
export function loadCodebook(options: { file?: string; dir?: string }): LoadedCodebook {
  const codebook = defaultCodebook();
  const file = options.file ?? (options.dir ? findCodebookFile(options.dir) : undefined);
  if (!file) return { codebook, problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(readTextFileLimited(file));
  } catch (error) {
    return { codebook, problems: [`Cannot read the codebook ${file}: ${(error as Error).message}`] };
  }
  return { codebook, problems: codebook.merge(raw, file) };
}
