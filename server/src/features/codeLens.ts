/**
 * A code lens above the session with the supervisor's summary line (turns,
 * talk ratio, questions, reflections, tags); it opens the full summary.
 */
import type { CodeLens } from 'vscode-languageserver';
import type { SessionView } from './analysis.ts';
import { statistics, statsLine } from '../core/stats.ts';

export const SHOW_SUMMARY_COMMAND = 'therapyTranscript.showSummary';

/** `command`: VS Code's client command (the session report webview), or the server's own for any other client. */
export function codeLenses(analysis: SessionView, command: string = SHOW_SUMMARY_COMMAND): CodeLens[] {
  const { session } = analysis;
  if (session.turns.length === 0) return [];
  const stats = session.get(statistics);
  const line = session.turns[0]!.node.position.start.line - 1;
  return [
    {
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      command: { title: statsLine(stats), command, arguments: [analysis.uri] },
    },
  ];
}
