/**
 * Commands the server executes for the client (`workspace/executeCommand`):
 * the untagged text of a document, and the whole codebook ranked for a turn
 * (the technique picker).
 */
import type { Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from './analysis.ts';
import { stripTags } from '../core/tags.ts';
import { rankTechniques as rankForTurn } from '../core/suggest.ts';
import { SUGGESTIONS_PER_NAMESPACE, suggestedNamespaces } from './tagActions.ts';
import { tagInsertion } from './locate.ts';
import { sessionStats, statsMarkdown } from '../core/stats.ts';

export const STRIP_TAGS_COMMAND = 'therapyTranscript.server.stripTags';
export const RANK_TECHNIQUES_COMMAND = 'therapyTranscript.server.rankTechniques';
export const SUMMARY_COMMAND = 'therapyTranscript.server.summary';
export const SERVER_COMMANDS = [STRIP_TAGS_COMMAND, RANK_TECHNIQUES_COMMAND, SUMMARY_COMMAND];

/** The supervisor's summary of a session, as Markdown. */
export function summaryMarkdown(analysis: DocumentAnalysis): string {
  const name = decodeURIComponent(analysis.uri.split('/').pop() ?? analysis.uri);
  return statsMarkdown(analysis.session.get('stats', sessionStats), name);
}

export function strippedText(analysis: DocumentAnalysis): string {
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
  /** Every technique of the namespaces, most likely first (namespace by namespace). */
  techniques: RankedTechnique[];
  /** Where the model finds no technique likely: its reasons, per namespace. */
  none?: Array<{ namespace: string; reasons: string[] }>;
}

/**
 * Every technique of the namespace (by default: of each namespace suggested
 * for the turn, see `suggestedNamespaces`), most likely first.
 */
export function rankTechniques(document: TextDocument, analysis: DocumentAnalysis, position: Position, namespace?: string): TechniqueChoice {
  const { session } = analysis;
  const codebook = session.codebook;
  const offset = document.offsetAt(position);
  const insertion = tagInsertion(session, offset);
  const insertAt = insertion ? document.positionAt(insertion.offset) : null;
  if (!codebook) return { insertAt, techniques: [] };
  const index = session.turnAt(offset);
  const turn = index === undefined ? undefined : session.turns[index]!;
  const namespaces = namespace ? [namespace] : turn ? suggestedNamespaces(session, codebook, turn) : [...codebook.namespaces.keys()];
  const techniques: RankedTechnique[] = [];
  const none: Array<{ namespace: string; reasons: string[] }> = [];
  for (const ns of namespaces) {
    const ranked = turn ? rankForTurn(codebook, { session, turn: turn.index, namespace: ns }).items : [];
    const reasons = new Map<string, string[]>();
    const order = new Map<string, number>();
    ranked.forEach((item, i) => {
      if (item.kind === 'none') {
        if (i < SUGGESTIONS_PER_NAMESPACE) none.push({ namespace: ns, reasons: item.reasons });
        return;
      }
      order.set(item.entry.id, i);
      // Reasons for the first few, as in the light bulb.
      if (i < SUGGESTIONS_PER_NAMESPACE + 2) reasons.set(item.entry.id, item.reasons);
    });
    const entries = [...codebook.entries(ns)].sort((a, b) => (order.get(a.id) ?? 999) - (order.get(b.id) ?? 999) || a.label.localeCompare(b.label));
    for (const entry of entries) {
      techniques.push({
        namespace: entry.namespace,
        id: entry.id,
        label: entry.label,
        ...(entry.ctrs ? { ctrs: entry.ctrs } : {}),
        definition: entry.definition,
        reasons: reasons.get(entry.id) ?? [],
      });
    }
  }
  return { insertAt, techniques, ...(none.length ? { none } : {}) };
}
