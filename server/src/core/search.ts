/**
 * Binary search over anything sorted by a number (turns by line start,
 * rendered chat messages by offset).
 */

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
