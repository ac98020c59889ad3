/**
 * VS Code settings (`therapyTranscript.*`) as a configuration layer below
 * `.transcriptrc.json` files.
 */
import { normalizeConfig, type TranscriptConfig } from './core/config.ts';

export const SETTINGS_SECTION = 'therapyTranscript';

export interface ClientSettings {
  speakers?: Record<string, string>;
  rules?: Record<string, unknown>;
  codebook?: string;
  /** At most this many problems per rule in an open document (the rest are summed up in one). */
  maxProblemsPerRule?: number;
  /** At most this many problems per file sent to the editor (VS Code shows no more than 1,000). */
  maxProblemsPerFile?: number;
}

const SETTING_KEYS = ['speakers', 'rules', 'codebook', 'maxProblemsPerRule', 'maxProblemsPerFile'] as const;

/**
 * The `therapyTranscript` settings in what a client sent: VS Code's shape
 * (`{ "therapyTranscript": { … } }`), or the fields themselves (`{ "speakers": … }`),
 * as editors other than VS Code are often configured. `undefined` when there are none.
 */
export function settingsIn(value: unknown): ClientSettings | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const section = record[SETTINGS_SECTION];
  if (typeof section === 'object' && section !== null && !Array.isArray(section)) return section as ClientSettings;
  return SETTING_KEYS.some((key) => key in record) ? (record as ClientSettings) : undefined;
}

/** Settings from several places, later ones overriding earlier ones field by field. */
export function mergeSettings(...layers: Array<ClientSettings | undefined>): ClientSettings {
  const merged: ClientSettings = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of SETTING_KEYS) {
      const value = layer[key];
      if (value === undefined || value === null) continue;
      if ((key === 'speakers' || key === 'rules') && typeof value === 'object') merged[key] = { ...(merged[key] as object), ...(value as object) } as never;
      else merged[key] = value as never;
    }
  }
  return merged;
}

/** `maxProblemsPerFile` from the client's settings (a positive whole number, or VS Code's 1,000). */
export function maxProblemsPerFileOf(settings: ClientSettings | null | undefined): number {
  const value = Number(settings?.maxProblemsPerFile);
  return Number.isInteger(value) && value > 0 ? value : 1000;
}

/** The editor's default for `maxProblemsPerRule`: a list longer than this is read by the CLI, not in the Problems view. */
export const DEFAULT_MAX_PROBLEMS_PER_RULE = 1000;

/** `maxProblemsPerRule` from the client's settings (a positive whole number, or the default). */
export function maxProblemsOf(settings: ClientSettings | null | undefined): number {
  const value = Number(settings?.maxProblemsPerRule);
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_MAX_PROBLEMS_PER_RULE;
}

export function settingsToConfig(settings: ClientSettings | null | undefined, workspaceDir?: string): { config: TranscriptConfig; problems: string[] } {
  const raw: Record<string, unknown> = {};
  if (settings?.speakers && Object.keys(settings.speakers).length > 0) raw.speakers = settings.speakers;
  if (settings?.rules && Object.keys(settings.rules).length > 0) raw.rules = settings.rules;
  if (settings?.codebook) raw.codebook = settings.codebook;
  const { config, problems } = normalizeConfig(raw, workspaceDir, 'settings (therapyTranscript.*)');
  return { config, problems };
}
