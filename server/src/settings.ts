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
}

export function settingsToConfig(settings: ClientSettings | null | undefined, workspaceDir?: string): { config: TranscriptConfig; problems: string[] } {
  const raw: Record<string, unknown> = {};
  if (settings?.speakers && Object.keys(settings.speakers).length > 0) raw.speakers = settings.speakers;
  if (settings?.rules && Object.keys(settings.rules).length > 0) raw.rules = settings.rules;
  if (settings?.codebook) raw.codebook = settings.codebook;
  const { config, problems } = normalizeConfig(raw, workspaceDir, 'settings (therapyTranscript.*)');
  return { config, problems };
}
