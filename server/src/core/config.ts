/**
 * Configuration shared by the CLI and the language server.
 *
 * A `.transcriptrc.json` (or `.transcriptrc`, JSON) file is looked up from a
 * transcript's folder upward; the nearest one wins, as in unified-engine.
 * VS Code settings (`therapyTranscript.*`) give the same fields; a config file
 * overrides them.
 *
 * ```json
 * {
 *   "speakers": { "Nova": "therapist", "Naomi": "patient" },
 *   "rules": { "consecutive-turns": "off", "repeated-turn": ["warn", { "minWords": 6 }] },
 *   "codebook": "./codebook.json",
 *   "roles": { "CBT Therapist": "therapist", "Seeker": "patient", "narrator": "skip" }
 * }
 * ```
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Role } from './types.ts';
import { readTextFileLimited } from './read.ts';
import { jsonLines, type LineOf } from './rule-options.ts';

export type Severity = 'off' | 'info' | 'warn' | 'error';

export interface RuleSetting {
  severity?: Severity;
  options?: Record<string, unknown>;
}

export interface TranscriptConfig {
  speakers: Record<string, Role>;
  rules: Record<string, RuleSetting>;
  /** Absolute path of a codebook file given by the configuration. */
  codebook?: string;
  /**
   * `--jsonl` chat records: a dataset's own message roles (lower-cased) and the turn each becomes, besides
   * the built-in assistant/therapist/counselor, user/patient, client and the skipped system/developer.
   */
  roles?: Record<string, ChatRole>;
}

/** What a chat record's message becomes: a therapist's or a patient's turn, or nothing (an instruction). */
export type ChatRole = 'therapist' | 'patient' | 'skip';

export interface LoadedConfig {
  config: TranscriptConfig;
  /** The configuration file used, if any. */
  file?: string;
  /** Problems found in the configuration, in plain words. */
  problems: string[];
  /** The line of a place in the file (`["rules", "repeated-turn"]`), for problems found later. */
  lineOf?: LineOf;
}

export const CONFIG_FILE_NAMES = ['.transcriptrc', '.transcriptrc.json'] as const;

export function emptyConfig(): TranscriptConfig {
  return { speakers: {}, rules: {} };
}

const SEVERITY_ALIASES: Record<string, Severity> = {
  off: 'off',
  false: 'off',
  '0': 'off',
  info: 'info',
  information: 'info',
  hint: 'info',
  warn: 'warn',
  warning: 'warn',
  '1': 'warn',
  true: 'warn',
  error: 'error',
  '2': 'error',
};

export function parseSeverity(value: unknown): Severity | undefined {
  return SEVERITY_ALIASES[String(value).toLowerCase()];
}

const ROLES = new Set<Role>(['therapist', 'patient', 'other']);

/**
 * Turn a raw configuration object (from a file or from settings) into a
 * `TranscriptConfig`, collecting problems instead of throwing.
 */
export function normalizeConfig(raw: unknown, baseDir?: string, where = 'configuration'): LoadedConfig {
  const config = emptyConfig();
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { config, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`The ${where} must be a JSON object.`);
    return { config, problems };
  }
  const record = raw as Record<string, unknown>;

  const speakers = record.speakers;
  if (speakers !== undefined) {
    if (typeof speakers !== 'object' || speakers === null || Array.isArray(speakers)) {
      problems.push(`"speakers" in the ${where} must map labels to roles, e.g. { "Nova": "therapist" }.`);
    } else {
      for (const [label, role] of Object.entries(speakers)) {
        const value = String(role).toLowerCase() as Role;
        if (ROLES.has(value) && label.trim()) config.speakers[label.trim()] = value;
        else problems.push(`Speaker "${label}" in the ${where} needs the role "therapist", "patient" or "other".`);
      }
    }
  }

  const rules = record.rules;
  if (rules !== undefined) {
    if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) {
      problems.push(`"rules" in the ${where} must map rule ids to "off", "info", "warn" or "error".`);
    } else {
      for (const [id, value] of Object.entries(rules)) {
        const setting = parseRuleSetting(value);
        if (setting) config.rules[id] = setting;
        else problems.push(`Rule "${id}" in the ${where}: use "off", "info", "warn", "error", or ["warn", { …options }].`);
      }
    }
  }

  const roles = record.roles;
  if (roles !== undefined) {
    if (typeof roles !== 'object' || roles === null || Array.isArray(roles)) {
      problems.push(`"roles" in the ${where} must map the roles of chat records to "therapist", "patient" or "skip", e.g. { "Seeker": "patient" }.`);
    } else {
      for (const [name, value] of Object.entries(roles)) {
        const role = String(value).toLowerCase();
        if ((role === 'therapist' || role === 'patient' || role === 'skip') && name.trim()) (config.roles ??= {})[name.trim().toLowerCase()] = role;
        else problems.push(`Role "${name}" in the ${where} needs "therapist", "patient" or "skip".`);
      }
    }
  }

  if (record.codebook !== undefined) {
    if (typeof record.codebook === 'string' && record.codebook.trim()) {
      config.codebook = baseDir ? path.resolve(baseDir, record.codebook) : record.codebook;
    } else {
      problems.push(`"codebook" in the ${where} must be a path to a codebook JSON file.`);
    }
  }
  return { config, problems };
}

function parseRuleSetting(value: unknown): RuleSetting | undefined {
  if (Array.isArray(value)) {
    const severity = parseSeverity(value[0]);
    const options = value[1];
    if (!severity || (options !== undefined && (typeof options !== 'object' || options === null))) return undefined;
    return options === undefined ? { severity } : { severity, options: options as Record<string, unknown> };
  }
  if (typeof value === 'object' && value !== null) {
    const { severity: raw, ...options } = value as Record<string, unknown>;
    const severity = raw === undefined ? undefined : parseSeverity(raw);
    if (raw !== undefined && !severity) return undefined;
    return severity ? { severity, options } : { options };
  }
  const severity = parseSeverity(value);
  return severity ? { severity } : undefined;
}

/** Layer configurations: later ones override earlier ones, rule by rule. */
export function mergeConfigs(...layers: TranscriptConfig[]): TranscriptConfig {
  const result = emptyConfig();
  for (const layer of layers) {
    Object.assign(result.speakers, layer.speakers);
    for (const [id, setting] of Object.entries(layer.rules)) {
      const before = result.rules[id] ?? {};
      result.rules[id] = {
        ...before,
        ...setting,
        options: { ...before.options, ...setting.options },
      };
    }
    if (layer.codebook) result.codebook = layer.codebook;
    if (layer.roles) result.roles = { ...result.roles, ...layer.roles };
  }
  return result;
}

/** The nearest configuration file from `dir` upward, if any. */
export function findConfigFile(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(current, name);
      if (fs.existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Read and normalise one configuration file. */
export function loadConfigFile(file: string): LoadedConfig {
  const name = path.basename(file);
  let raw: unknown;
  let text = '';
  try {
    text = readTextFileLimited(file);
    raw = JSON.parse(text);
  } catch (error) {
    return {
      config: emptyConfig(),
      file,
      problems: [`Cannot read ${name}: ${(error as Error).message}`],
    };
  }
  const loaded = normalizeConfig(raw, path.dirname(file), name);
  let lines: LineOf | undefined;
  return { ...loaded, file, lineOf: (place) => (lines ??= jsonLines(text))(place) };
}
