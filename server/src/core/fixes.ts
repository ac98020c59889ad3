/**
 * Fixes as data: a fix is a titled list of text edits (offsets into the
 * document). The editor turns them into code actions, `source.fixAll` and
 * `transcript-lint --fix` apply the safe ones. Nothing here knows about LSP.
 */
import { firstIndexWhere } from './search.ts';

export interface TextEdit {
  /** Offset of the first replaced character. */
  start: number;
  /** Offset after the last replaced character. */
  end: number;
  text: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /**
   * Safe fixes change only their target and need no judgement (remove a loop's
   * repeat, repair mojibake, replace the retired hotline): `--fix` and
   * `source.fixAll` apply them. Others (merge two turns) are offered only as
   * quick fixes.
   */
  safe: boolean;
  /** Marks the fix the editor should prefer for its diagnostic. */
  preferred?: boolean;
}

/** Apply non-overlapping edits. Throws when two edits overlap. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  if (edits.length === 0) return text;
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const parts: string[] = [];
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor || edit.end < edit.start || edit.end > text.length) {
      throw new RangeError(`Overlapping or invalid edit at ${edit.start}–${edit.end}`);
    }
    parts.push(text.slice(cursor, edit.start), edit.text);
    cursor = edit.end;
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}

/** Two edits conflict when their ranges overlap, or both insert at one point. */
function conflicts(a: TextEdit, b: TextEdit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

const isDeletion = (edit: TextEdit) => edit.text === '' && edit.end > edit.start;

/** Does deletion `outer` take out everything `inner` changes (so `inner` is moot)? */
function within(inner: TextEdit, outer: TextEdit): boolean {
  if (!isDeletion(outer)) return false;
  return inner.start === inner.end ? inner.start > outer.start && inner.start < outer.end : inner.start >= outer.start && inner.end <= outer.end;
}

/**
 * Choose fixes that can be applied together: each fix is taken whole or not at
 * all, in order, skipping any that conflicts with one already taken. Two
 * removals that overlap go together (the union is removed: two repeats side by
 * side, a repeat and the empty label after it), and an edit inside a removal
 * is moot (the removal takes its text out). Each check looks only at the
 * taken edits around the new one (they are kept sorted), so choosing among
 * many fixes costs n log n, not n².
 */
export function compatibleFixes(fixes: readonly Fix[]): Fix[] {
  const taken: Fix[] = [];
  /** Taken edits sorted by start, and the furthest end of each prefix (to stop looking back). */
  const sorted: TextEdit[] = [];
  const reach: number[] = [];
  const joinable = (a: TextEdit, b: TextEdit) => !conflicts(a, b) || (isDeletion(a) && isDeletion(b)) || within(a, b) || within(b, a);
  /** Index of the first taken edit that starts after `at`. */
  const firstAfter = (at: number) => firstIndexWhere(sorted.length, (k) => sorted[k]!.start > at);
  const clashes = (edit: TextEdit) => {
    // Only taken edits that start at or before its end can overlap it; go back while any could still reach it.
    for (let i = firstAfter(edit.end) - 1; i >= 0 && reach[i]! >= edit.start; i--) if (!joinable(edit, sorted[i]!)) return true;
    return false;
  };
  const insert = (edit: TextEdit) => {
    const at = firstAfter(edit.start);
    sorted.splice(at, 0, edit);
    reach.splice(at, 0, 0);
    for (let i = at; i < sorted.length; i++) reach[i] = Math.max(i > 0 ? reach[i - 1]! : -1, sorted[i]!.end);
  };
  for (const fix of fixes) {
    const own = fix.edits.some((edit, i) => fix.edits.some((other, j) => j !== i && conflicts(edit, other)));
    if (own || fix.edits.some(clashes)) continue;
    for (const edit of fix.edits) insert(edit);
    taken.push(fix);
  }
  return taken;
}

/**
 * The edits of fixes chosen together (see `compatibleFixes`) as edits that do
 * not overlap: overlapping removals become one, edits inside a removal go.
 */
export function mergeEdits(edits: readonly TextEdit[]): TextEdit[] {
  const removals = edits.filter(isDeletion).sort((a, b) => a.start - b.start);
  const merged: TextEdit[] = [];
  for (const r of removals) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ start: r.start, end: r.end, text: '' });
  }
  const others = edits.filter((e) => !isDeletion(e) && !merged.some((r) => within(e, r)));
  return [...merged, ...others].sort((a, b) => a.start - b.start || a.end - b.end);
}

export interface FixAllResult {
  text: string;
  /** Reported findings whose problem the fixes resolved: fixed, or taken out with the text another fix removed. */
  applied: number;
  passes: number;
}

/** A reported finding with its safe fix: what "fix all" may apply. */
export interface FixCandidate {
  ruleId: string;
  /** The finding's place. */
  start: number;
  end: number;
  fix: Fix;
}

/**
 * What "fix all" does with the reported findings — their safe fixes and no
 * others, in one pass over the text. A fix that cannot go with those taken
 * before it (its edits overlap theirs) is left out; its finding is resolved
 * when the taken edits changed the text it points at (a hotline number
 * inside a removed repeat), and otherwise stays for the report of the fixed
 * text. Nothing is analysed again: what the fixes would newly reveal (a turn
 * that becomes a repeat once its mojibake is repaired) is for the report of
 * the fixed text, never applied silently, so a second run applies exactly
 * what the first run's report of its result showed. `applied` is the number
 * the editor's "Fix all (N)" and the CLI's "Applied N fixes" both show.
 */
export function planFixAll(text: string, candidates: readonly FixCandidate[]): { edits: TextEdit[]; applied: number } {
  const safe = candidates.filter((c) => c.fix.safe);
  const chosen = new Set(compatibleFixes(safe.map((c) => c.fix)));
  if (chosen.size === 0) return { edits: [], applied: 0 };
  const edits = tidyEnd(text, mergeEdits(safe.filter((c) => chosen.has(c.fix)).flatMap((c) => c.fix.edits)));
  let applied = 0;
  for (const c of safe) if (chosen.has(c.fix) || touched(c, edits)) applied++;
  return { edits, applied };
}

/** Apply what `planFixAll` plans (see there). */
export function fixAll(
  text: string,
  candidates: readonly FixCandidate[],
  /** Told the edits applied (offsets in the text before them), to follow positions through them. */
  onPass?: (edits: TextEdit[]) => void,
): FixAllResult {
  const { edits, applied } = planFixAll(text, candidates);
  if (edits.length === 0) return { text, applied: 0, passes: 0 };
  const next = applyEdits(text, edits);
  if (next !== text) onPass?.(edits);
  return { text: next, applied, passes: 1 };
}

/** Did one of `edits` (sorted, not overlapping: their ends are sorted too) change text inside `range`? */
function touched(range: { start: number; end: number }, edits: readonly TextEdit[]): boolean {
  for (let i = firstIndexWhere(edits.length, (k) => edits[k]!.end >= range.start); i < edits.length && edits[i]!.start <= range.end; i++) if (!mapRange(range, [edits[i]!])) return true;
  return false;
}

/**
 * A removal that takes out everything up to the end of the text's content
 * (the last turns) takes the blank lines before it too, as the removal of a
 * last turn does: the text then ends where the content kept ends, followed by
 * whatever followed the removed part (the final line break).
 */
function tidyEnd(text: string, edits: TextEdit[]): TextEdit[] {
  const last = edits[edits.length - 1];
  if (!last || !isDeletion(last) || /\S/.test(text.slice(last.end))) return edits;
  let start = last.start;
  while (start > 0 && /\s/.test(text[start - 1]!)) start--;
  const before = edits[edits.length - 2];
  if (start === last.start || (before && before.end > start)) return edits;
  return [...edits.slice(0, -1), { start, end: last.end, text: '' }];
}

/**
 * Where `[start, end)` is after `edits` (not overlapping), or `undefined` when
 * an edit changed text inside it or replaced it.
 */
export function mapRange(range: { start: number; end: number }, edits: readonly TextEdit[]): { start: number; end: number } | undefined {
  let delta = 0;
  for (const edit of edits) {
    const inside = edit.start === edit.end ? edit.start > range.start && edit.start < range.end : edit.start < range.end && range.start < edit.end;
    const covers = edit.end > edit.start && edit.start <= range.start && edit.end >= range.end;
    if (inside || covers) return undefined;
    if (edit.end <= range.start) delta += edit.text.length - (edit.end - edit.start);
  }
  return { start: range.start + delta, end: range.end + delta };
}
