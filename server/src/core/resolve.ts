/**
 * Which configuration and codebook apply to a file: the one lookup shared by
 * the CLI and the language server, with caches by folder.
 */
import path from 'node:path';
import { findConfigFile, loadConfigFile, mergeConfigs, type LoadedConfig, type TranscriptConfig } from './config.ts';
import { loadCodebook, type Codebook } from './codebook.ts';
import { checkRuleOptions, type CheckedConfig } from './rule-options.ts';
import { allRules } from './rules/index.ts';

export interface ResolvedFileSettings {
  config: TranscriptConfig;
  codebook: Codebook;
  /** The configuration file used, if any. */
  configFile?: string;
  problems: string[];
}

export interface ResolverOptions {
  /** Settings below any configuration file (VS Code settings). */
  base?: TranscriptConfig;
  /** Settings above every configuration file (CLI `--rule`). */
  overrides?: TranscriptConfig;
  /** Use this configuration file for every document instead of looking one up. */
  configFile?: string;
  /** Do not look for configuration files. */
  noConfig?: boolean;
}

export class SettingsResolver {
  private readonly configByDir = new Map<string, LoadedConfig | undefined>();
  private readonly codebooks = new Map<string, { codebook: Codebook; problems: string[] }>();
  /** The settings of each folder, until something changes (the same object each time). */
  private readonly resolved = new Map<string, ResolvedFileSettings>();
  private options: ResolverOptions;
  /** The base and override settings with their rule options checked (once per update). */
  private base: CheckedConfig | undefined;
  private overrides: CheckedConfig | undefined;

  constructor(options: ResolverOptions = {}) {
    this.options = options;
    this.checkLayers();
  }

  /** New base or override settings: drop the caches. */
  update(options: ResolverOptions): void {
    this.options = options;
    this.checkLayers();
    this.clear();
  }

  private checkLayers(): void {
    const { base, overrides } = this.options;
    this.base = base && checkRuleOptions(base, allRules, 'the settings (therapyTranscript.rules)');
    this.overrides = overrides && checkRuleOptions(overrides, allRules, 'the command line');
  }

  /** A configuration or codebook file changed on disk. */
  clear(): void {
    this.configByDir.clear();
    this.codebooks.clear();
    this.resolved.clear();
  }

  forFile(filePath: string | undefined): ResolvedFileSettings {
    const dir = filePath ? path.dirname(path.resolve(filePath)) : process.cwd();
    const known = this.resolved.get(dir);
    if (known) return known;
    const loaded = this.configFor(dir);
    const layers = [this.base?.config, loaded?.config, this.overrides?.config].filter(
      (layer): layer is TranscriptConfig => layer !== undefined,
    );
    const config = mergeConfigs(...layers);
    const codebookKey = config.codebook ?? `dir:${dir}`;
    let book = this.codebooks.get(codebookKey);
    if (!book) {
      book = config.codebook ? loadCodebook({ file: config.codebook }) : loadCodebook({ dir });
      this.codebooks.set(codebookKey, book);
    }
    const result: ResolvedFileSettings = {
      config,
      codebook: book.codebook,
      problems: [...(this.base?.problems ?? []), ...(loaded?.problems ?? []), ...(this.overrides?.problems ?? []), ...book.problems],
    };
    if (loaded?.file) result.configFile = loaded.file;
    this.resolved.set(dir, result);
    return result;
  }

  private configFor(dir: string): LoadedConfig | undefined {
    if (this.options.noConfig) return undefined;
    if (this.options.configFile) {
      const key = `file:${this.options.configFile}`;
      if (!this.configByDir.has(key)) this.configByDir.set(key, loadChecked(this.options.configFile));
      return this.configByDir.get(key);
    }
    if (this.configByDir.has(dir)) return this.configByDir.get(dir);
    const file = findConfigFile(dir);
    const loaded = file ? loadChecked(file) : undefined;
    this.configByDir.set(dir, loaded);
    return loaded;
  }
}

/** A configuration file, read, with its rule options checked (the problems name the file and the line). */
function loadChecked(file: string): LoadedConfig {
  const loaded = loadConfigFile(file);
  const checked = checkRuleOptions(loaded.config, allRules, `the ${path.basename(file)}`, loaded.lineOf);
  return { ...loaded, config: checked.config, problems: [...loaded.problems, ...checked.problems] };
}
