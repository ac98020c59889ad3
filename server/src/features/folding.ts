/**
 * Folding ranges: the header and every turn that spans several lines.
 */
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { SessionView } from './analysis.ts';

export function foldingRanges(analysis: SessionView): FoldingRange[] {
  const ranges: FoldingRange[] = [];
  const { session } = analysis;
  const header = session.header;
  if (header && header.position.end.line > header.position.start.line) {
    ranges.push({ startLine: header.position.start.line - 1, endLine: header.position.end.line - 1, kind: FoldingRangeKind.Region });
  }
  for (const turn of session.turns) {
    const { start, end } = turn.node.position;
    if (end.line > start.line) ranges.push({ startLine: start.line - 1, endLine: end.line - 1, kind: FoldingRangeKind.Region });
  }
  return ranges;
}
