/**
 * `transcript-lint --jsonl`: the map step of a dataset pipeline. One record
 * per input line on stdin — `{"id", "text"}` or `{"id", "messages": [...]}`
 * (chat format, see chat.ts) — and one result line per record on stdout, in
 * input order:
 *
 *     {"id": …, "line": 3, "turns": 42, "findings": [{ruleId, severity, line, column, endLine, endColumn, reason}]}
 *
 * With `--fix` the result also carries the fixed record (`text`, or the
 * chat's `messages`) and the number of fixes applied; with `--strip-tags`,
 * the record without its tags. A line that is not a valid record gets
 * `{"id", "line", "error"}` and the run goes on.
 *
 * Memory stays constant: stdin is pulled a chunk at a time and a record is
 * analysed and written before the next one is read; when stdout is slow
 * (a full pipe) reading waits for it to drain.
 */
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { analyze, fixAndAnalyze, type Analysis, type AnalyzeOptions, type LintMessage } from '../core/lint.ts';
import { applyEdits } from '../core/fixes.ts';
import { parseTranscript } from '../core/parser.ts';
import { SpeakerTable } from '../core/speakers.ts';
import type { ResolvedFileSettings } from '../core/resolve.ts';
import { isStrip, stripEdits, stripText, type Mode } from './plugin.ts';
import { checkText } from './input.ts';
import { InputError, mapParts, messageAt, rebuildMessages, renderChat, type Part } from './chat.ts';
import type { Shard } from './files.ts';

export interface JsonlRun {
  stdin: AsyncIterable<Buffer | string>;
  stdout: NodeJS.WritableStream;
  mode: Mode;
  settings: ResolvedFileSettings;
  /** Report only errors. */
  quiet: boolean;
  shard?: Shard | undefined;
}

export interface Finding {
  ruleId: string;
  severity: LintMessage['severity'];
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  reason: string;
  /** Chat records: the index in `messages` of the message the finding is in. */
  messageIndex?: number;
}

export interface JsonlResult {
  id: unknown;
  /** 1-based line of the record in the input. */
  line: number;
  turns?: number;
  findings?: Finding[];
  /** `--fix`: fixes applied. */
  fixed?: number;
  text?: string;
  messages?: unknown[];
  error?: string;
}

/** Resolves with the exit code: 1 when a record had an error-level finding or was not a valid record. */
export async function runJsonl(run: JsonlRun): Promise<number> {
  const options: AnalyzeOptions = { config: run.settings.config, codebook: run.settings.codebook };
  let failed = false;
  let lineNumber = 0;
  for await (const line of lines(run.stdin)) {
    lineNumber++;
    // Round robin by line number: a shard never parses the other shards' records.
    if (run.shard && (lineNumber - 1) % run.shard.count !== run.shard.index - 1) continue;
    if (!line.trim()) continue;
    const result = processRecord(line, lineNumber, run.mode, options, run.quiet);
    if (result.error !== undefined || result.findings?.some((f) => f.severity === 'error')) failed = true;
    if (!run.stdout.write(`${JSON.stringify(result)}\n`)) await once(run.stdout, 'drain');
  }
  return failed ? 1 : 0;
}

/** One input line → one result. Never throws: what goes wrong is the result's `error`. */
export function processRecord(line: string, lineNumber: number, mode: Mode, options: AnalyzeOptions, quiet = false): JsonlResult {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    return { id: null, line: lineNumber, error: `Not JSON: ${(error as Error).message}` };
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) {
    return { id: null, line: lineNumber, error: 'Each line must be a JSON object with "text" or "messages".' };
  }
  const { id = null, text, messages } = record as { id?: unknown; text?: unknown; messages?: unknown };
  try {
    if (typeof text === 'string') return { id, line: lineNumber, ...processText(text, mode, options, quiet) };
    if (Array.isArray(messages)) return { id, line: lineNumber, ...processChat(messages, mode, options, quiet) };
    throw new InputError('Expected "text" (a string) or "messages" (an array of {"role", "content"}).');
  } catch (error) {
    if (error instanceof InputError) return { id, line: lineNumber, error: error.message };
    // A bug in a rule must not stop a run over a million records: report it on this record.
    return { id, line: lineNumber, error: `Internal error: ${(error as Error).stack ?? String(error)}` };
  }
}

type Outcome = Omit<JsonlResult, 'id' | 'line'>;

function processText(input: string, mode: Mode, options: AnalyzeOptions, quiet: boolean): Outcome {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const problem = checkText(text, undefined);
  if (problem) throw new InputError(problem);
  if (isStrip(mode)) {
    const tree = parseTranscript(text, { speakers: new SpeakerTable(options.config.speakers) });
    return { turns: countTurns(tree.children), text: stripText(mode, text, tree) };
  }
  if (mode === 'fix') {
    const fixed = fixAndAnalyze(text, options);
    return { ...findingsOf(fixed.analysis, quiet), fixed: fixed.applied, text: fixed.text };
  }
  return findingsOf(analyze(text, options), quiet);
}

function processChat(messages: unknown[], mode: Mode, options: AnalyzeOptions, quiet: boolean): Outcome {
  const rendered = renderChat(messages);
  const problem = checkText(rendered.text, undefined);
  if (problem) throw new InputError(problem);
  if (isStrip(mode)) {
    const tree = parseTranscript(rendered.text, { speakers: new SpeakerTable(options.config.speakers) });
    const edits = stripEdits(mode, rendered.text, tree);
    const parts = mapParts(rendered.parts, edits);
    return { turns: countTurns(tree.children), messages: rebuildMessages(messages, rendered, parts, applyEdits(rendered.text, edits)) };
  }
  if (mode === 'fix') {
    // Follow each message through every pass of fixes, so its fixes go back into it.
    let parts = rendered.parts;
    const fixed = fixAndAnalyze(rendered.text, options, (edits) => {
      parts = mapParts(parts, edits);
    });
    return { ...findingsOf(fixed.analysis, quiet, parts), fixed: fixed.applied, messages: rebuildMessages(messages, rendered, parts, fixed.text) };
  }
  return findingsOf(analyze(rendered.text, options), quiet, rendered.parts);
}

function findingsOf(analysis: Analysis, quiet: boolean, parts?: readonly Part[]): Outcome {
  const findings: Finding[] = [];
  for (const m of analysis.messages) {
    if (quiet && m.severity !== 'error') continue;
    const finding: Finding = {
      ruleId: m.ruleId,
      severity: m.severity,
      line: m.start.line,
      column: m.start.column,
      endLine: m.end.line,
      endColumn: m.end.column,
      reason: m.reason,
    };
    const index = parts ? messageAt(parts, m.start.offset!) : undefined;
    if (index !== undefined) finding.messageIndex = index;
    findings.push(finding);
  }
  return { turns: analysis.session.turns.length, findings };
}

function countTurns(children: ReadonlyArray<{ type: string }>): number {
  return children.filter((node) => node.type === 'turn').length;
}

/**
 * The lines of a stream, pulled a chunk at a time (so a slow consumer slows
 * the reading, and memory holds one line plus one chunk). A long line is
 * collected in pieces and joined once, so a 100 MB record costs linear time.
 * Accepts `\n` and `\r\n`.
 */
export async function* lines(input: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending: string[] = [];
  const take = (tail: string) => {
    const line = pending.length ? pending.join('') + tail : tail;
    pending = [];
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      yield take(text.slice(start, newline));
      start = newline + 1;
    }
    if (start < text.length) pending.push(text.slice(start));
  }
  const tail = decoder.end();
  if (tail) pending.push(tail);
  if (pending.length) yield take('');
}
