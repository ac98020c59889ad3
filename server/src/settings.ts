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
