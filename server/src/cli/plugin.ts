/**
 * The unified plugin the CLI runs per file inside unified-engine: checks the
 * input is text, parses with the file's speakers, lints with the file's
 * configuration and codebook, applies safe fixes when asked, and compiles the
 * (fixed or tag-stripped) text back, with its byte order mark.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Processor } from 'unified';
import type { VFile } from 'vfile';
import type { Root } from '../core/types.ts';
import { parseTranscript } from '../core/parser.ts';
import { SpeakerTable } from '../core/speakers.ts';
import { fixAndAnalyze, lintTree, SOURCE, type LintMessage } from '../core/lint.ts';
import { allTags, removeTagEdit } from '../core/tags.ts';
import { stripCommentEdits } from '../core/comments.ts';
import { applyEdits, type TextEdit } from '../core/fixes.ts';
import type { SettingsResolver, ResolvedFileSettings } from '../core/resolve.ts';
import { checkText } from './input.ts';

/** `strip-tags`: without its tags; `strip-comments`: without its `%%` comment lines; `strip-all`: both. */
export type Mode = 'lint' | 'fix' | 'strip-tags' | 'strip-comments' | 'strip-all';

/** Does the mode print a cleaned copy of the transcript (no lint)? */
export function isStrip(mode: Mode): boolean {
  return mode === 'strip-tags' || mode === 'strip-comments' || mode === 'strip-all';
}

/** The option(s) that asked for a strip mode, for messages. */
export function stripFlag(mode: Mode): string {
  return mode === 'strip-all' ? '--strip-tags --strip-comments' : `--${mode}`;
}

/** The edits that clean a transcript in a strip mode: tags with the space after them, comment lines whole. */
export function stripEdits(mode: Mode, text: string, tree: Root): TextEdit[] {
  const edits: TextEdit[] = [];
  if (mode === 'strip-tags' || mode === 'strip-all') for (const tag of allTags(tree)) edits.push(removeTagEdit(text, tag));
  if (mode === 'strip-comments' || mode === 'strip-all') edits.push(...stripCommentEdits(text, tree));
  return edits;
}

/** The transcript cleaned as the strip mode says. */
export function stripText(mode: Mode, text: string, tree: Root): string {
  return applyEdits(text, stripEdits(mode, text, tree));
}

/** How much of stdin is read, and whether there was more. */
export interface StdinLimit {
  bytes: number;
  exceeded: boolean;
}

export interface CliPluginOptions {
  resolver: SettingsResolver;
  mode: Mode;
  stdinLimit?: StdinLimit;
  /** Report only errors. */
  quiet?: boolean;
}

interface FileData {
  bom?: boolean;
  invalid?: string;
  settings?: ResolvedFileSettings;
}

const VFILE_SEVERITY = { error: true, warn: false, info: undefined } as const;

export function transcriptCli(this: Processor, options: CliPluginOptions): (tree: Root, file: VFile) => Promise<void> {
  const { resolver, mode } = options;

  this.parser = (document: string, file: VFile) => {
    const data = file.data as FileData;
    let text = document;
    if (text.charCodeAt(0) === 0xfeff) {
      data.bom = true;
      text = text.slice(1);
      file.value = text;
    }
    const limit = options.stdinLimit;
    const problem =
      file.data.unifiedEngineStreamIn && limit?.exceeded
        ? `This input is more than ${Math.round(limit.bytes / 1e6)} MB, more than this run can check as one transcript: it was not linted and nothing was written. Split it, or give Node more memory: NODE_OPTIONS=--max-old-space-size=16384 transcript-lint …`
        : checkText(text, absolutePath(file));
    if (problem) {
      data.invalid = problem;
      return { type: 'root', children: [], position: { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } } } satisfies Root;
    }
    data.settings = resolver.forFile(absolutePath(file));
    return parseTranscript(text, { speakers: new SpeakerTable(data.settings.config.speakers) });
  };

  this.compiler = (tree: unknown, file: VFile) => {
    const data = file.data as FileData;
    const text = String(file.value ?? '');
    const body = isStrip(mode) && !data.invalid ? stripText(mode, text, tree as Root) : text;
    return (data.bom ? '\uFEFF' : '') + body;
  };

  return async (tree: Root, file: VFile) => {
    const data = file.data as FileData;
    if (data.invalid) {
      const message = file.message(data.invalid, { ruleId: 'unreadable', source: SOURCE });
      message.fatal = true;
      return;
    }
    if (isStrip(mode)) return;
    const settings = data.settings!;
    const analyzeOptions = { config: settings.config, codebook: settings.codebook };
    const original = String(file.value ?? '');
    let messages: LintMessage[];
    // Problems of the configuration found by the analysis (an unknown rule id), reported as the editor does.
    let configProblems: readonly string[];
    if (mode === 'fix') {
      const fixed = fixAndAnalyze(original, analyzeOptions);
      messages = fixed.analysis.messages;
      configProblems = fixed.analysis.problems;
      if (fixed.text !== original) {
        file.value = fixed.text;
        const target = absolutePath(file);
        if (target && !file.data.unifiedEngineStreamIn) await writeAtomically(target, (data.bom ? '\uFEFF' : '') + fixed.text);
        const note = file.info(`Applied ${fixed.applied} fix${fixed.applied === 1 ? '' : 'es'}.`, { ruleId: 'fixed', source: SOURCE });
        note.fatal = undefined;
      }
    } else {
      const analysis = lintTree(tree, original, analyzeOptions);
      messages = analysis.messages;
      configProblems = analysis.problems;
    }
    for (const problem of [...settings.problems, ...configProblems]) {
      // At 1:1, where the editor shows it.
      file.message(problem, { place: { line: 1, column: 1 }, ruleId: 'config', source: SOURCE }).fatal = false;
    }
    for (const m of messages) {
      if (options.quiet && m.severity !== 'error') continue;
      const message = file.message(m.reason, { place: { start: m.start, end: m.end }, ruleId: m.ruleId, source: SOURCE });
      message.fatal = VFILE_SEVERITY[m.severity];
      const fix = m.fixes.find((f) => f.preferred) ?? m.fixes[0];
      const edit = fix?.edits.length === 1 ? fix.edits[0]! : undefined;
      const text = String(file.value ?? '');
      if (edit && edit.start === m.start.offset && edit.end === m.end.offset) {
        message.actual = text.slice(edit.start, edit.end);
        message.expected = [edit.text];
      }
    }
  };
}

/**
 * The file's path, absolute: the engine names files relative to its `cwd`,
 * which is the process's own only when the CLI runs as a program.
 */
function absolutePath(file: VFile): string | undefined {
  return file.path ? path.resolve(file.cwd, file.path) : undefined;
}

/** Write through a temporary file and rename, so a crash never leaves half a transcript. */
async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const stat = await fs.promises.stat(file).catch(() => undefined);
  await fs.promises.writeFile(temp, content, stat ? { mode: stat.mode } : {});
  await fs.promises.rename(temp, file);
}
