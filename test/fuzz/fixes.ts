/**
 * Property 3: `--fix` (a file) and `--jsonl --fix` (text and chat records)
 * change nothing outside the fixes of the findings the report shows, keep
 * every other turn and every record field, keep the byte order mark and the
 * line endings, and a second run applies nothing the first run's report did
 * not show.
 *
 * The checks are in two groups:
 * - `output`: what the CLI and the JSONL writer do with the fixed text —
 *   the file's BOM and line endings, the record's other fields byte for
 *   byte, chat messages that say exactly the fixed transcript, `--fix` and
 *   `--jsonl --fix` agreeing;
 * - `engine`: what the fix engine applies — nothing outside the reported
 *   findings' fixes (each fix's edits within what its finding covers, no
 *   label cut in two), and a second run within the first run's report.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { chatMessages, settings, transcript } from './generators.ts';
import { main } from '../../server/src/cli.ts';
import { processRecord } from '../../server/src/cli/jsonl.ts';
import { renderChat } from '../../server/src/cli/chat.ts';
import { elements, member, skipSpace } from '../../server/src/cli/record.ts';
import { analyze, fixCandidatesOf, type AnalyzeOptions, type LintMessage } from '../../server/src/core/lint.ts';
import { SettingsResolver } from '../../server/src/core/resolve.ts';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { SpeakerTable } from '../../server/src/core/speakers.ts';
import type { TextEdit } from '../../server/src/core/fixes.ts';
import type { Turn } from '../../server/src/core/types.ts';

export interface FixCase {
  text: string;
  settings: { speakers?: Record<string, string>; rules?: Record<string, unknown> };
  messages: unknown[];
  /** Fields of the record besides its transcript, written with odd spacing and a large integer. */
  meta: boolean;
}

export const fixCase: fc.Arbitrary<FixCase> = fc.record({ text: transcript, settings, messages: chatMessages, meta: fc.boolean() });

export type CheckGroup = 'output' | 'engine';

/** A failed check, with the group it belongs to. */
export class FixCheckError extends Error {
  constructor(
    readonly group: CheckGroup,
    message: string,
  ) {
    super(`[${group}] ${message}`);
  }
}

/** The groups checked in this run (the runner can leave one out, to look for the other's failures). */
let enabled: ReadonlySet<CheckGroup> = new Set<CheckGroup>(['output', 'engine']);

function check(group: CheckGroup, condition: unknown, message: string): void {
  if (!condition && enabled.has(group)) throw new FixCheckError(group, message);
}

const BOM = '\uFEFF';

/** The kinds of line break in a text. */
function lineEndings(text: string): Set<string> {
  const kinds = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) {
        kinds.add('CRLF');
        i++;
      } else kinds.add('CR');
    } else if (c === 10) kinds.add('LF');
  }
  return kinds;
}

/** The edits of the safe fixes of the reported findings (the first safe fix of each, as --fix takes them). */
function reportedEdits(messages: readonly LintMessage[]): Array<TextEdit & { message: LintMessage }> {
  const edits: Array<TextEdit & { message: LintMessage }> = [];
  for (const message of messages) {
    const fix = message.fixes.find((f) => f.safe);
    if (fix) for (const e of fix.edits) edits.push({ ...e, message });
  }
  return edits;
}

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u00a0' || c === BOM;

/**
 * `after` is `before` with changes only inside the edits' ranges: the text
 * outside every edit comes back in order, and what stands in each gap is the
 * gap with some of its edits applied.
 */
export function changedOnlyWithin(before: string, after: string, edits: readonly TextEdit[]): string | undefined {
  // The covered ranges, merged; an insertion covers the point it is at. A removal that reaches the end of the
  // text (nothing but whitespace after it) takes the whitespace before it too, as the engine tidies the end.
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const covered: Array<{ start: number; end: number; edits: TextEdit[] }> = [];
  for (const e of sorted) {
    const last = covered[covered.length - 1];
    if (last && e.start <= last.end) {
      last.end = Math.max(last.end, e.end);
      last.edits.push(e);
    } else covered.push({ start: e.start, end: e.end, edits: [e] });
  }
  const tail = covered[covered.length - 1];
  if (tail && deletionsCover(tail) && !/\S/.test(before.slice(tail.end))) {
    let start = tail.start;
    while (start > 0 && /\s/.test(before[start - 1]!)) start--;
    if (start < tail.start && !(covered.length > 1 && covered[covered.length - 2]!.end > start)) {
      const tidy = { start, end: tail.end, text: '' };
      tail.start = start;
      tail.edits = [tidy];
    }
  }
  let at = 0; // in `after`
  let from = 0; // in `before`
  for (let g = 0; g <= covered.length; g++) {
    const gap = covered[g];
    const kept = before.slice(from, gap ? gap.start : before.length);
    if (g === 0 || !gap) {
      // Anchored: the text before the first edit is a prefix, after the last one a suffix.
      if (g === 0 && !after.startsWith(kept)) return `the text before the first fix changed: ${JSON.stringify(kept.slice(0, 80))}…`;
      if (!gap) {
        if (!after.endsWith(kept) || after.length - kept.length < at) return `the text after the last fix changed: …${JSON.stringify(kept.slice(-80))}`;
        const between = after.slice(at, after.length - kept.length);
        const previous = covered[g - 1];
        if (previous && !gapEnds(before, previous, after, at).has(after.length - kept.length)) return `${JSON.stringify(between.slice(0, 120))} stands where fixes edit ${JSON.stringify(before.slice(previous.start, previous.end).slice(0, 120))}`;
        return undefined;
      }
      at = kept.length;
    } else {
      // Find the kept text after what the previous gap became.
      const previous = covered[g - 1]!;
      let found = -1;
      for (const end of [...gapEnds(before, previous, after, at)].sort((a, b) => a - b)) {
        if (after.startsWith(kept, end)) {
          found = end;
          break;
        }
      }
      if (found === -1) return `around ${JSON.stringify(before.slice(Math.max(0, previous.start - 20), previous.end + 20).slice(0, 160))}: the text changed beyond what its fixes edit`;
      at = found + kept.length;
    }
    from = gap ? gap.end : before.length;
  }
  return undefined;
}

/**
 * Where in `after` (from `at`) the text of a covered range may end: the range's text with any compatible
 * subset of its edits applied (edits that do not overlap; overlapping removals also as one removal of their
 * union, as the engine merges them). A search over the edits in order that reads `after` as it goes, so a
 * wrong choice is dropped at once and a range of hundreds of edits costs no more than its matches.
 */
function gapEnds(before: string, gap: { start: number; end: number; edits: TextEdit[] }, after: string, at: number): Set<number> {
  const edits = [...gap.edits, ...removalUnions(gap.edits)].sort((a, b) => a.start - b.start || a.end - b.end);
  const ends = new Set<number>();
  const seen = new Set<string>();
  // (i: next edit to consider; cursor: where the original text resumes; q: position in `after`; point: an
  // insertion just taken there, -1 for none.)
  const stack: Array<[number, number, number, number]> = [[0, gap.start, at, -1]];
  while (stack.length > 0) {
    const [i, cursor, q, point] = stack.pop()!;
    const key = `${i},${cursor},${q},${point}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === edits.length) {
      const rest = before.slice(cursor, gap.end);
      if (after.startsWith(rest, q)) ends.add(q + rest.length);
      continue;
    }
    const e = edits[i]!;
    if (e.start < cursor || (e.start === e.end && point === e.start)) {
      // Overlaps what was taken: only left out.
      stack.push([i + 1, cursor, q, point]);
      continue;
    }
    // Whatever comes next, the text up to this edit's start is the original's.
    const lead = before.slice(cursor, e.start);
    if (!after.startsWith(lead, q)) continue;
    const moved = cursor === e.start ? point : -1;
    stack.push([i + 1, e.start, q + lead.length, moved]);
    if (after.startsWith(e.text, q + lead.length)) stack.push([i + 1, e.end, q + lead.length + e.text.length, e.start === e.end ? e.start : -1]);
  }
  return ends;
}

/** The removals that overlap one another, each chain as one removal of its union. */
function removalUnions(edits: readonly TextEdit[]): TextEdit[] {
  const removals = edits.filter((e) => e.text === '' && e.end > e.start).sort((a, b) => a.start - b.start);
  const unions: TextEdit[] = [];
  for (let i = 0; i < removals.length; ) {
    let end = removals[i]!.end;
    let j = i + 1;
    while (j < removals.length && removals[j]!.start < end) end = Math.max(end, removals[j++]!.end);
    if (j - i > 1) unions.push({ start: removals[i]!.start, end, text: '' });
    i = j;
  }
  return unions;
}

/** Do the removals among a gap's edits cover all of it, one after another (what they cover is removed, edits inside them moot)? */
function deletionsCover(gap: { start: number; end: number; edits: TextEdit[] }): boolean {
  const removals = gap.edits.filter((e) => e.text === '' && e.end > e.start).sort((a, b) => a.start - b.start);
  let reach = gap.start;
  for (const r of removals) {
    if (r.start > reach) return false;
    reach = Math.max(reach, r.end);
  }
  return removals.length > 0 && reach >= gap.end;
}

/** Where each turn's label is: its value, and the end of the label with its colon (and `**`). */
function labels(text: string, speakers: SpeakerTable): Array<{ start: number; valueEnd: number; end: number; turn: Turn }> {
  const tree = parseTranscript(text, { speakers });
  const found = [];
  for (const node of tree.children) {
    if (node.type !== 'turn') continue;
    const label = node.children[0]!;
    let end = label.position.end.offset!;
    while (text[end] === ' ' || text[end] === '\t') end++;
    if (text.startsWith('**', end)) end += 2;
    if (text[end] === ':') end++;
    if (text.startsWith('**', end)) end += 2;
    found.push({ start: label.position.start.offset!, valueEnd: label.position.end.offset!, end, turn: node });
  }
  return found;
}

/**
 * The fix engine's part: each reported fix edits only what its finding
 * covers (its range, the blanks around it, and its whole turn when the
 * finding starts at the turn's label or covers all the turn says), and never
 * cuts a label in two.
 */
function checkReportedFixes(text: string, messages: readonly LintMessage[], speakers: SpeakerTable): void {
  const turnLabels = labels(text, speakers);
  for (const edit of reportedEdits(messages)) {
    const m = edit.message;
    let start = m.start.offset!;
    let end = m.end.offset!;
    while (start > 0 && isBlank(text[start - 1])) start--;
    while (end < text.length && isBlank(text[end])) end++;
    // The finding covers everything its turn says: the turn is its to remove.
    for (const label of turnLabels) {
      const turnStart = label.start - (label.turn.position.start.column - 1);
      // (An empty turn's node ends at its label's value: the colon is still the turn's.)
      const turnEnd = Math.max(label.turn.position.end.offset!, label.end);
      if (turnEnd < start || turnStart > end) continue;
      // Does the turn say anything (tags aside) outside the finding?
      const tags = label.turn.children.flatMap((c) => (c.type === 'tag' ? [c] : c.type === 'paragraph' ? c.children.filter((t) => t.type === 'tag') : []));
      // (What other reported findings in the turn cover counts as covered: a turn of two artifacts is all artifact.)
      const flagged = messages.filter((other) => other.start.offset! < turnEnd && other.end.offset! > label.end);
      let saysMore = false;
      for (let i = label.end; i < turnEnd && !saysMore; i++) {
        if ((i >= start && i < end) || isBlank(text[i])) continue;
        if (tags.some((t) => i >= t.position.start.offset! && i < t.position.end.offset!)) continue;
        if (flagged.some((other) => i >= other.start.offset! && i < other.end.offset!)) continue;
        saysMore = true;
      }
      // (A finding that starts at a turn's label is about the turn: a repeat, an empty turn.)
      const turnLevel = m.start.offset === label.start;
      if (turnLevel || (m.start.offset! <= turnEnd && m.end.offset! >= label.start && !saysMore)) {
        start = Math.min(start, turnStart);
        end = Math.max(end, turnEnd);
        while (start > 0 && isBlank(text[start - 1])) start--;
        while (end < text.length && isBlank(text[end])) end++;
      }
    }
    // The places the finding names as related ("repeat 2 of the loop at line 3") are what it points at too: a
    // related place at a turn's label is that turn.
    const covered = [{ start, end }];
    // A fix several findings offer alike (a loop's exchange removal on each of its repeats) covers what each of them points at.
    // A place at a turn's label is that turn, with the blanks around it.
    const place = (at: { start: { offset?: number }; end: { offset?: number } }) => {
      const label = turnLabels.find((l) => l.start === at.start.offset);
      let ps = label ? label.start - (label.turn.position.start.column - 1) : at.start.offset!;
      let pe = label ? Math.max(label.turn.position.end.offset!, label.end) : at.end.offset!;
      while (ps > 0 && isBlank(text[ps - 1])) ps--;
      while (pe < text.length && isBlank(text[pe])) pe++;
      return { start: ps, end: pe };
    };
    for (const r of m.related) covered.push(place(r));
    // A fix several findings offer alike (a loop's exchange removal on each of its repeats) covers what each of
    // them points at: its place and its related places.
    const sharing = messages.filter((o) => o !== m && o.fixes.some((f) => f.edits.some((e) => e.start === edit.start && e.end === edit.end && e.text === edit.text)));
    for (const o of sharing) {
      covered.push(place(o));
      for (const r of o.related) covered.push(place(r));
    }
    covered.sort((a, b) => a.start - b.start);
    const merged: Array<{ start: number; end: number }> = [];
    for (const c of covered) {
      const last = merged[merged.length - 1];
      if (last && c.start <= last.end) last.end = Math.max(last.end, c.end);
      else merged.push({ ...c });
    }
    const within = merged.find((c) => edit.start >= c.start && edit.end <= c.end);
    if (within) {
      start = within.start;
      end = within.end;
    }
    check('engine', edit.start >= start && edit.end <= end, `the ${m.ruleId} fix edits ${JSON.stringify(text.slice(edit.start, edit.end).slice(0, 100))} (${edit.start}–${edit.end}), outside what its finding covers (${JSON.stringify(text.slice(m.start.offset!, m.end.offset!).slice(0, 100))})`);
    for (const label of turnLabels) {
      const touches = edit.start < label.end && label.start < edit.end;
      const whole = edit.start <= label.start && edit.end >= label.end;
      const relabel = edit.start === label.start && edit.end === label.valueEnd;
      check('engine', !touches || whole || relabel, `the ${m.ruleId} fix cuts the label ${JSON.stringify(text.slice(label.start, label.end))} in two (it edits ${edit.start}–${edit.end}, the label is ${label.start}–${label.end})`);
    }
  }
}

function collect(): { stream: Writable; text: () => string } {
  let out = '';
  return { stream: new Writable({ write: (chunk, _encoding, done) => ((out += String(chunk)), done()) }), text: () => out };
}

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = collect();
  const stderr = collect();
  const code = await main(args, { stdin: Readable.from([]), stdout: stdout.stream, stderr: stderr.stream, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

export async function checkFixCase(input: FixCase, groups: readonly CheckGroup[] = ['output', 'engine']): Promise<void> {
  enabled = new Set(groups);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-fuzz-fix-'));
  try {
    fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify(input.settings));
    const resolved = new SettingsResolver().forFile(path.join(dir, 'session.transcript'));
    const options: AnalyzeOptions = { config: resolved.config, codebook: resolved.codebook };
    const speakers = new SpeakerTable(resolved.config.speakers);
    const bom = input.text.startsWith(BOM);
    const body = bom ? input.text.slice(1) : input.text;

    // --fix on a file, twice.
    const file = path.join(dir, 'session.transcript');
    fs.writeFileSync(file, input.text);
    const first = await cli(['--fix', '--format', 'json', file], dir);
    check('output', first.code === 0 || first.code === 1, `--fix exited ${first.code}: ${first.stderr}`);
    const fixed = fs.readFileSync(file, 'utf8');
    check('output', fixed.startsWith(BOM) === bom, bom ? 'the byte order mark was lost' : 'a byte order mark appeared');
    const fixedBody = bom ? fixed.slice(1) : fixed;
    const kinds = lineEndings(body);
    if (kinds.size === 1) for (const kind of lineEndings(fixedBody)) check('output', kinds.has(kind), `${[...kinds][0]} line endings, and --fix wrote a ${kind}`);

    const reported = analyze(body, options);
    checkReportedFixes(body, reported.messages, speakers);
    const outside = changedOnlyWithin(body, fixedBody, reportedEdits(reported.messages));
    check('engine', outside === undefined, `--fix changed the text outside the fixes of the reported findings: ${outside}`);

    // The report of the first run is that of the fixed text: a second run stays within it.
    const second = analyze(fixedBody, options);
    await cli(['--fix', '--format', 'json', file], dir);
    const again = fs.readFileSync(file, 'utf8');
    const beyond = changedOnlyWithin(fixedBody, bom ? again.slice(1) : again, reportedEdits(second.messages));
    check('engine', beyond === undefined, `a second --fix changed what the first run's report did not show: ${beyond}`);
    if (fixCandidatesOf(second.messages).length === 0) check('engine', again === fixed, 'a second --fix changed a text whose report had no fix');

    // --jsonl --fix on the same text: the same fixed text; every other field byte for byte.
    const meta = input.meta ? `"meta" : {"seed": 12345678901234567890123, "tags":[ "a", 2.50 ]}, ` : '';
    const line = `{"id":"t", ${meta}"text":${JSON.stringify(input.text)}}`;
    const result = processRecord(line, 1, 'fix', options);
    if (result.error === undefined) {
      const record = result.record!;
      const span = member(record, skipSpace(record, 0), 'text')!;
      const text = JSON.parse(record.slice(span.start, span.end)) as string;
      check('output', text === fixed, '--jsonl --fix and --fix make different texts of the same transcript');
      check('output', record.slice(0, span.start) + JSON.stringify(input.text) + record.slice(span.end) === line, '--jsonl --fix changed the record outside its text');
    } else check('output', /UTF-8|binary|UTF-16|lines that may start a turn|This file is/.test(result.error), `--jsonl --fix refused a text --fix fixed: ${result.error}`);

    // A chat record: the messages say exactly the fixed transcript, or the record comes back as it was.
    const chatLine = `{"id": 7, ${meta}"messages": ${JSON.stringify(input.messages)} }`;
    const chat = processRecord(chatLine, 1, 'fix', options);
    if (chat.record !== undefined) {
      const record = chat.record;
      const span = member(record, skipSpace(record, 0), 'messages')!;
      const original = member(chatLine, skipSpace(chatLine, 0), 'messages')!;
      check('output', record.slice(0, span.start) === chatLine.slice(0, original.start) && record.slice(span.end) === chatLine.slice(original.end), '--jsonl --fix changed the record outside its messages');
      const messages = JSON.parse(record.slice(span.start, span.end)) as unknown[];
      const rendered = renderChat(input.messages);
      if (chat.error === undefined) {
        const expected = analyze(rendered.text, options);
        const fixedChat = renderChat(messages).text;
        const chatOutside = changedOnlyWithin(rendered.text, fixedChat, reportedEdits(expected.messages));
        check('engine', chatOutside === undefined, `--jsonl --fix changed the chat outside the fixes of the reported findings: ${chatOutside}`);
        // Messages no reported fix touches come back (the engine's part: nothing else is removed or changed) …
        const edits = reportedEdits(expected.messages);
        const rawIn = elements(chatLine, original.start).map((e) => chatLine.slice(e.start, e.end));
        const rawOut = elements(record, span.start).map((e) => record.slice(e.start, e.end));
        const out = new Set(rawOut);
        for (const part of rendered.parts) {
          if (edits.some((e) => e.start <= part.contentEnd + 2 && e.end >= part.start - 2)) continue;
          check('engine', out.has(rawIn[part.index]!), `message ${part.index}, which no reported fix touches, did not come back as it was`);
        }
        // … and a message that comes back unchanged is its own bytes, never serialised again (the writer's part).
        const inByValue = new Map(rawIn.map((raw) => [JSON.stringify(JSON.parse(raw)), raw] as const));
        for (const raw of rawOut) {
          const same = inByValue.get(JSON.stringify(JSON.parse(raw)));
          check('output', same === undefined || same === raw, `a message came back with its bytes changed but not its value: ${raw.slice(0, 120)}`);
        }
      } else {
        check('output', record === chatLine, 'a record that could not be fixed exactly came back changed');
        check('output', chat.fixed === 0, 'a record returned unchanged counts fixes');
      }
    } else check('output', chat.error !== undefined, 'a chat record came back without a record or an error');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
