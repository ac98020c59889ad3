/**
 * Binary search over anything sorted (turns by line start, rendered chat
 * messages by offset, edits by position, a sorted word list). Two hot paths
 * keep theirs written out, measured: the parser's line lookup and the
 * question detector's regions.
 */

/**
 * The first index `i` in `[0, count)` for which `holds(i)` is true, or `count` when there is none; `holds` must be
 * false up to some index and true from there on (a lower bound: "the first edit that starts after 40").
 */
export function firstIndexWhere(count: number, holds: (index: number) => boolean): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (holds(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** The last index `i` in `[0, count)` with `keyAt(i) <= value`, or -1 when there is none. */
export function lastAtOrBefore(count: number, keyAt: (index: number) => number, value: number): number {
  let low = 0;
  let high = count - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (keyAt(mid) <= value) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}
