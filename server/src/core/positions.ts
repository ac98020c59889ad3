/**
 * Offsets ↔ unist points (1-based line and column, UTF-16 columns).
 */
import type { Point } from './types.ts';

export class LineIndex {
  /** Offset at which each line starts. */
  readonly starts: number[];

  constructor(text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  /** 0-based line of an offset. */
  lineOf(offset: number): number {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  point(offset: number): Point {
    const line = this.lineOf(offset);
    return { line: line + 1, column: offset - this.starts[line]! + 1, offset };
  }
}
