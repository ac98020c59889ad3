/**
 * Fixes as data: a fix is a titled list of text edits (offsets into the
 * document). The editor turns them into code actions, `source.fixAll` and
 * `transcript-lint --fix` apply the safe ones. Nothing here knows about LSP.
 */

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

/**
 * Choose fixes that can be applied together: each fix is taken whole or not at
 * all, in order, skipping any that conflicts with one already taken (it is
 * found again, against the new text, on the next pass).
 */
export function compatibleFixes(fixes: readonly Fix[]): Fix[] {
  const takenEdits: TextEdit[] = [];
  const taken: Fix[] = [];
  for (const fix of fixes) {
    const clash = fix.edits.some(
      (edit, i) =>
        takenEdits.some((other) => conflicts(edit, other)) ||
        fix.edits.some((other, j) => j !== i && conflicts(edit, other)),
    );
    if (clash) continue;
    takenEdits.push(...fix.edits);
    taken.push(fix);
  }
  return taken;
}

export interface FixAllResult {
  text: string;
  /** Number of fixes applied over all passes. */
  applied: number;
  passes: number;
}

/**
 * Apply the safe fixes `collect` finds, re-analysing after each pass until no
 * safe fix is left (or `maxPasses`), so the result is a fixed point: running
 * it again changes nothing.
 */
export function fixAll(
  text: string,
  collect: (text: string) => Fix[],
  maxPasses = 8,
  /** Told the edits of each pass (offsets in the text before the pass), to follow positions through them. */
  onPass?: (edits: TextEdit[]) => void,
): FixAllResult {
  let applied = 0;
  let passes = 0;
  for (; passes < maxPasses; passes++) {
    const fixes = collect(text).filter((fix) => fix.safe);
    if (fixes.length === 0) break;
    const chosen = compatibleFixes(fixes);
    if (chosen.length === 0) break;
    const edits = chosen.flatMap((fix) => fix.edits);
    const next = applyEdits(text, edits);
    applied += chosen.length;
    if (next === text) break;
    onPass?.(edits);
    text = next;
  }
  return { text, applied, passes };
}
