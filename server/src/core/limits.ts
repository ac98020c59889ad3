/**
 * How large a transcript this process can analyse: the tree, positions,
 * features and findings live in memory, so a text too large for the heap
 * gets a clear message (CLI and language server alike) instead of
 * exhausting it.
 */
import v8 from 'node:v8';

/**
 * Linting holds the session's tree and features in memory: about 35 bytes of
 * heap per character of a transcript made of short turns. A file too large for
 * this process's heap gets a message instead of exhausting it.
 */
const HEAP_PER_CHARACTER = 40;
export function maxTextLength(heapLimit = v8.getHeapStatistics().heap_size_limit): number {
  return Math.floor(heapLimit / HEAP_PER_CHARACTER);
}

/**
 * A turn costs about 2.6 KB of heap at the peak of its analysis (its node,
 * positions, features and findings), however short it is: five megabytes of
 * one-word turns are a million turns. The character estimate alone misses
 * that, so turns are counted too (label-like lines, an upper bound).
 */
const HEAP_PER_TURN = 2600;
export function maxTurns(heapLimit = v8.getHeapStatistics().heap_size_limit): number {
  return Math.floor(heapLimit / HEAP_PER_TURN);
}

/** Lines with a colon among their first 48 characters (what could start a turn), counted up to `stop`. */
export function countLabelLines(text: string, stop = Infinity): number {
  let count = 0;
  let lineStart = 0;
  let colonSeen = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) {
      if (colonSeen && ++count >= stop) return count;
      colonSeen = false;
      lineStart = i + 1;
    } else if (c === 58 && !colonSeen && i - lineStart < 48) colonSeen = true;
  }
  if (colonSeen) count++;
  return count;
}

export function tooLarge(size: number, limit: number): string {
  const mb = (n: number) => `${Math.round(n / 1e6)} MB`;
  return `This file is ${mb(size)}; this run can check transcripts up to ${mb(limit)} (with a ${mb(v8.getHeapStatistics().heap_size_limit)} heap). Split it, or give Node more memory: NODE_OPTIONS=--max-old-space-size=16384 transcript-lint … It was skipped and left unchanged.`;
}

/** Why this text is too large to analyse here (too many characters, or too many turns), or `undefined`. */
export function tooLargeReason(text: string, limit = maxTextLength(), turnLimit = maxTurns()): string | undefined {
  if (text.length > limit) return tooLarge(text.length, limit);
  // The shortest turn ("T:" and a line break) takes three characters: most texts need no count.
  if (text.length / 3 + 1 > turnLimit) {
    const turns = countLabelLines(text, turnLimit + 1);
    if (turns > turnLimit) {
      const mb = (n: number) => `${Math.round(n / 1e6)} MB`;
      return `This file has more than ${turnLimit.toLocaleString('en-US')} lines that may start a turn; this run can check about that many turns (with a ${mb(v8.getHeapStatistics().heap_size_limit)} heap, about ${(HEAP_PER_TURN / 1000).toFixed(1)} KB per turn). Split it, or give Node more memory: NODE_OPTIONS=--max-old-space-size=16384 transcript-lint … It was skipped and left unchanged.`;
    }
  }
  return undefined;
}

/** V8's longest string: a text read into one cannot be longer. */
const MAX_STRING = 0x1fffffe8;

/**
 * Bytes of input worth reading for one transcript (stdin, or a --jsonl line):
 * three bytes per character at most (UTF-8), and never more than a string
 * can hold. Past it, the input is too large, whatever it decodes to.
 */
export function maxInputBytes(limit = maxTextLength(), factor = 3): number {
  return Math.min(factor * limit, MAX_STRING);
}
