/**
 * Commands the server executes for the client (`workspace/executeCommand`):
 * the untagged text of a document, and the whole codebook ranked for a turn
 * (the technique picker).
 */
import type { Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SessionView } from './analysis.ts';
import { stripTags } from '../core/tags.ts';
import { suggestTechniques } from '../core/suggest.ts';
import { tagInsertion } from './locate.ts';
import { sessionStats, statsMarkdown } from '../core/stats.ts';

export const STRIP_TAGS_COMMAND = 'therapyTranscript.server.stripTags';
export const RANK_TECHNIQUES_COMMAND = 'therapyTranscript.server.rankTechniques';
export const SUMMARY_COMMAND = 'therapyTranscript.server.summary';
export const SERVER_COMMANDS = [STRIP_TAGS_COMMAND, RANK_TECHNIQUES_COMMAND, SUMMARY_COMMAND];

/** The supervisor's summary of a session, as Markdown. */
export function summaryMarkdown(analysis: SessionView): string {
  const name = decodeURIComponent(analysis.uri.split('/').pop() ?? analysis.uri);
  return statsMarkdown(analysis.session.get('stats', sessionStats), name);
}

export function strippedText(analysis: SessionView): string {
  return stripTags(analysis.session.text, analysis.session.tree);
}

export interface RankedTechnique {
  namespace: string;
  id: string;
  label: string;
  ctrs?: string;
  definition: string;
  reasons: string[];
}

export interface TechniqueChoice {
  /** Where the chosen tag goes (the start of the paragraph's text), or null outside a turn. */
  insertAt: Position | null;
  techniques: RankedTechnique[];
}

/** Every technique of the namespace, the suggestions for the turn at `position` first. */
export function rankTechniques(document: TextDocument, analysis: SessionView, position: Position, namespace = 'cbt'): TechniqueChoice {
  const { session } = analysis;
  const codebook = session.codebook;
  const offset = document.offsetAt(position);
  const insertion = tagInsertion(session, offset);
  const insertAt = insertion ? document.positionAt(insertion.offset) : null;
  if (!codebook) return { insertAt, techniques: [] };
  const index = session.turnAt(offset);
  const suggested = index === undefined ? [] : suggestTechniques(codebook, { session, turn: index, text: session.turns[index]!.features.text, namespace }, 5);
  const first = new Map(suggested.map((s, i) => [s.entry.id, { i, reasons: s.reasons }] as const));
  const techniques = [...codebook.entries(namespace)]
    .sort((a, b) => (first.get(a.id)?.i ?? 99) - (first.get(b.id)?.i ?? 99) || a.label.localeCompare(b.label))
    .map((entry) => ({
      namespace: entry.namespace,
      id: entry.id,
      label: entry.label,
      ...(entry.ctrs ? { ctrs: entry.ctrs } : {}),
      definition: entry.definition,
      reasons: first.get(entry.id)?.reasons ?? [],
    }));
  return { insertAt, techniques };
}
