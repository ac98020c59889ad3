/**
 * `transcript-lint --jsonl`: the map step of a dataset pipeline. One record
 * per input line on stdin — `{"id", "text"}` or `{"id", "messages": [...]}`
 * (chat format, see chat.ts) — and one result line per record on stdout, in
 * input order:
 *
 *     {"id": …, "line": 3, "turns": 42, "findings": [{ruleId, severity, line, column, endLine, endColumn, reason}]}
 *
 * With `--fix` the result also carries the number of fixes applied and the
 * cleaned `record`; with `--strip-tags`, the `record` without its tags. The
 * cleaned record is the input line with only the transcript's strings
 * rewritten (record.ts): every other field, and the `id`, come back byte for
 * byte. A line that is not a valid record (not JSON, not UTF-8, no text)
 * gets `{"id", "line", "error"}`, and whatever goes wrong with one record,
 * the run goes on.
 *
 * Memory stays constant: stdin is pulled a chunk at a time and a record is
 * analysed and written before the next one is read; when stdout is slow
 * (a full pipe) reading waits for it to drain.
 */
import { once } from 'node:events';
import { isUtf8 } from 'node:buffer';
import { analyze, fixAndAnalyze, RULE_ERROR, type Analysis, type AnalyzeOptions, type LintMessage } from '../core/lint.ts';
import { applyEdits } from '../core/fixes.ts';
import { parseTranscript } from '../core/parser.ts';
import { SpeakerTable } from '../core/speakers.ts';
import type { ResolvedFileSettings } from '../core/resolve.ts';
import { isStrip, stripEdits, stripText, type Mode } from './plugin.ts';
import { checkText, firstInvalidUtf8 } from './input.ts';
import { maxInputBytes, maxTextLength } from '../core/limits.ts';
import { InputError, mapParts, messageAt, renderChat, rewriteMessages, type Part } from './chat.ts';
import { members, skipSpace, splice, type Span } from './record.ts';
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
  /** The record's `id` as raw JSON, exactly as it came (`null` when it has none or is not a record). */
  id: string;
  /** 1-based line of the record in the input. */
  line: number;
  turns?: number;
  findings?: Finding[];
  /** `--fix`: fixes applied. */
  fixed?: number;
  error?: string;
  /** `--fix`, `--strip-tags`: the cleaned record as raw JSON — the input line with only the transcript's strings rewritten. */
  record?: string;
}

/**
 * Resolves with the exit code: 1 when a record had an error-level finding or was not a valid record;
 * 2 when a rule failed on a record (its findings are missing: the run did not do its job), as for files.
 */
export async function runJsonl(run: JsonlRun): Promise<number> {
  const options: AnalyzeOptions = { config: run.settings.config, codebook: run.settings.codebook };
  let failed = false;
  let ruleFailed = false;
  let lineNumber = 0;
  for await (const { text: line, invalidAt, tooLong } of lines(run.stdin)) {
    lineNumber++;
    // Round robin by line number: a shard never parses the other shards' records.
    if (run.shard && (lineNumber - 1) % run.shard.count !== run.shard.index - 1) continue;
    if (tooLong === undefined && !line.trim()) continue;
    let out: string;
    try {
      const result: JsonlResult =
        tooLong === undefined
          ? processRecord(line, lineNumber, run.mode, options, run.quiet, invalidAt)
          : { id: 'null', line: lineNumber, error: `This line is ${Math.round(tooLong / 1e6)} MB or more, more than one record can be in this run: it was skipped unread. Split the record, or give Node more memory: NODE_OPTIONS=--max-old-space-size=16384 transcript-lint …` };
      if (result.error !== undefined || result.findings?.some((f) => f.severity === 'error')) failed = true;
      if (result.findings?.some((f) => f.ruleId === RULE_ERROR)) ruleFailed = true;
      out = serializeResult(result);
    } catch (error) {
      // Whatever goes wrong with one record, the run goes on to the next.
      failed = true;
      out = serializeResult({ id: 'null', line: lineNumber, error: `Internal error: ${(error as Error)?.stack ?? String(error)}` });
    }
    if (!run.stdout.write(`${out}\n`)) await once(run.stdout, 'drain');
  }
  return ruleFailed ? 2 : failed ? 1 : 0;
}

/** A result line: `{"id", "line", …, "record"}`, the id and the record spliced in as the raw JSON they are. */
export function serializeResult(result: JsonlResult): string {
  const { id, record, ...rest } = result;
  const body = JSON.stringify(rest).slice(1, -1);
  return `{"id":${id},${body}${record === undefined ? '' : `,"record":${record}`}}`;
}

/**
 * One input line → one result. Never throws: what goes wrong is the result's
 * `error`. `invalidAt`: the byte (in the line) where it stops being UTF-8.
 */
export function processRecord(line: string, lineNumber: number, mode: Mode, options: AnalyzeOptions, quiet = false, invalidAt?: number): JsonlResult {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    if (invalidAt !== undefined) return { id: 'null', line: lineNumber, error: notUtf8(invalidAt) };
    return { id: 'null', line: lineNumber, error: `Not JSON: ${(error as Error).message}` };
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) {
    return { id: 'null', line: lineNumber, error: 'Each line must be a JSON object with "text" or "messages".' };
  }
  const start = skipSpace(line, 0);
  const fields = members(line, start);
  const span = (key: string) => {
    let found: Span | undefined;
    for (const m of fields) if (m.key === key) found = m.value;
    return found;
  };
  const idSpan = span('id');
  const id = idSpan ? line.slice(idSpan.start, idSpan.end) : 'null';
  // Bytes that are not UTF-8 were read as U+FFFD: linting (or worse, rewriting) them would change the record unseen.
  if (invalidAt !== undefined) return { id, line: lineNumber, error: notUtf8(invalidAt) };
  const { text, messages } = record as { text?: unknown; messages?: unknown };
  try {
    if (typeof text === 'string') {
      const outcome = processText(text, mode, options, quiet);
      const textSpan = span('text')!;
      const cleaned = outcome.text;
      delete outcome.text;
      if (cleaned === undefined) return { id, line: lineNumber, ...outcome };
      const recordOut = cleaned === text ? line : splice(line, [{ ...textSpan, text: JSON.stringify(cleaned) }]);
      return { id, line: lineNumber, ...outcome, record: recordOut };
    }
    if (Array.isArray(messages)) return { id, line: lineNumber, ...processChat(line, span('messages')!, messages, mode, options, quiet) };
    throw new InputError('Expected "text" (a string) or "messages" (an array of {"role", "content"}).');
  } catch (error) {
    if (error instanceof InputError) return { id, line: lineNumber, error: error.message };
    // A bug in a rule must not stop a run over a million records: report it on this record.
    return { id, line: lineNumber, error: `Internal error: ${(error as Error)?.stack ?? String(error)}` };
  }
}

function notUtf8(byte: number): string {
  return `This line is not valid UTF-8 (byte ${byte + 1} of the line): it was not linted, and no cleaned record is given, so nothing is lost. Convert the file to UTF-8 first (e.g. \`iconv -f WINDOWS-1252 -t UTF-8\`).`;
}

type Outcome = Omit<JsonlResult, 'id' | 'line'> & { text?: string };

function processText(input: string, mode: Mode, options: AnalyzeOptions, quiet: boolean): Outcome {
  const bom = input.charCodeAt(0) === 0xfeff ? '\uFEFF' : '';
  const text = bom ? input.slice(1) : input;
  const problem = checkText(text, undefined);
  if (problem) throw new InputError(problem);
  if (isStrip(mode)) {
    const tree = parseTranscript(text, { speakers: new SpeakerTable(options.config.speakers) });
    return { turns: countTurns(tree.children), text: bom + stripText(mode, text, tree) };
  }
  if (mode === 'fix') {
    const fixed = fixAndAnalyze(text, options);
    return { ...findingsOf(fixed.analysis, quiet), fixed: fixed.applied, text: bom + fixed.text };
  }
  return findingsOf(analyze(text, options), quiet);
}

function processChat(line: string, messagesSpan: Span, messages: unknown[], mode: Mode, options: AnalyzeOptions, quiet: boolean): Outcome {
  const rendered = renderChat(messages, options.config.roles);
  const problem = checkText(rendered.text, undefined);
  if (problem) throw new InputError(problem);
  if (mode === 'lint') return findingsOf(analyze(rendered.text, options), quiet, rendered.parts);
  let parts: Part[];
  let cleaned: string;
  let outcome: Outcome;
  if (isStrip(mode)) {
    const tree = parseTranscript(rendered.text, { speakers: new SpeakerTable(options.config.speakers) });
    const edits = stripEdits(mode, rendered.text, tree);
    parts = mapParts(rendered.parts, edits);
    cleaned = applyEdits(rendered.text, edits);
    outcome = { turns: countTurns(tree.children) };
  } else {
    // Follow each message through every pass of fixes, so its fixes go back into it.
    parts = rendered.parts;
    const fixed = fixAndAnalyze(rendered.text, options, (edits) => {
      parts = mapParts(parts, edits);
    });
    cleaned = fixed.text;
    outcome = { ...findingsOf(fixed.analysis, quiet, parts), fixed: fixed.applied };
  }
  const replacement = rewriteMessages(line, messagesSpan.start, rendered, parts, cleaned);
  const record = replacement ? splice(line, [replacement]) : line;
  // The messages must say exactly what the cleaned transcript says (an edit between two
  // messages has no message to go into): if they do not, the record comes back unchanged.
  const exact = replacement ? renderChat((JSON.parse(record) as { messages: unknown[] }).messages, options.config.roles).text === cleaned : cleaned === rendered.text;
  if (!exact) {
    return {
      ...findingsOf(analyze(rendered.text, options), quiet, rendered.parts),
      ...(mode === 'fix' ? { fixed: 0 } : {}),
      error: `The ${mode === 'fix' ? 'fixes' : 'tag removals'} could not be written back into the messages exactly: the record is returned unchanged, with the findings of its text.`,
      record: line,
    };
  }
  return { ...outcome, record };
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

/** A line of the input, and where (which byte of it) it stops being UTF-8, if it does. */
export interface InputLine {
  text: string;
  invalidAt?: number;
  /** The line was longer than one record can be: its bytes (it was dropped unread). */
  tooLong?: number;
}

/**
 * The lines of a stream, pulled a chunk at a time (so a slow consumer slows
 * the reading, and memory holds one line plus one chunk). A long line is
 * collected in pieces and joined once, so a 100 MB record costs linear time.
 * Accepts `\n` and `\r\n`; a byte order mark at the start of a line (of the
 * stream, or of a file concatenated into it) is dropped. Each line's bytes are
 * checked as UTF-8 (a line is split at `\n` bytes, which never occur inside a
 * UTF-8 sequence).
 */
export async function* lines(input: AsyncIterable<Buffer | string>, maxLineBytes = maxInputBytes(maxTextLength(), 6)): AsyncGenerator<InputLine> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes of a line too long to hold, dropped as they come (-1: not in one). */
  let dropped = -1;
  let pendingText: string[] = [];
  const take = (bytes: Buffer | undefined, text: string | undefined): InputLine => {
    let line: InputLine;
    if (bytes !== undefined || pending.length > 0) {
      const buffer = pending.length === 0 ? bytes! : Buffer.concat(bytes ? [...pending, bytes] : pending);
      pending = [];
      line = { text: buffer.toString('utf8') };
      if (!isUtf8(buffer)) line.invalidAt = firstInvalidUtf8(buffer);
    } else {
      line = { text: pendingText.length ? pendingText.join('') + text! : text! };
      pendingText = [];
    }
    let value = line.text;
    if (value.endsWith('\r')) value = value.slice(0, -1);
    if (value.charCodeAt(0) === 0xfeff) {
      value = value.slice(1);
      if (line.invalidAt !== undefined) line.invalidAt -= 3;
    }
    line.text = value;
    return line;
  };
  for await (const chunk of input) {
    if (typeof chunk === 'string') {
      let start = 0;
      for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
        yield take(undefined, chunk.slice(start, newline));
        start = newline + 1;
      }
      if (start < chunk.length) pendingText.push(chunk.slice(start));
      continue;
    }
    let start = 0;
    for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, start)) {
      if (dropped >= 0 || pendingBytes + newline - start > maxLineBytes) {
        yield { text: '', tooLong: Math.max(dropped, 0) + pendingBytes + newline - start };
        pending = [];
        pendingBytes = 0;
        dropped = -1;
      } else {
        yield take(chunk.subarray(start, newline), undefined);
        pendingBytes = 0;
      }
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (dropped >= 0) dropped += rest;
      else if (pendingBytes + rest > maxLineBytes) {
        // More than one record can be: stop holding it (a line of /dev/zero never ends).
        dropped = pendingBytes + rest;
        pending = [];
        pendingBytes = 0;
      } else {
        pending.push(Buffer.from(chunk.subarray(start)));
        pendingBytes += rest;
      }
    }
  }
  if (dropped >= 0) yield { text: '', tooLong: dropped };
  else if (pending.length) yield take(undefined, undefined);
  else if (pendingText.length) yield take(undefined, '');
}
