/**
 * Commands the server executes for the client (`workspace/executeCommand`):
 * the untagged text of a document, the whole codebook ranked for a turn (the
 * technique picker), the session summary; and, for clients other than VS
 * Code, the same picker and summary shown through the protocol itself
 * (`window/showMessageRequest`, `workspace/applyEdit`, `window/showMessage`).
 */
import type { Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis, SessionView } from './analysis.ts';
import type { Role } from '../core/types.ts';
import { stripTags } from '../core/tags.ts';
import { rankTechniques as rankForTurn } from '../core/suggest.ts';
import { SUGGESTIONS_PER_NAMESPACE } from './tagActions.ts';
import { tagInsertion } from './locate.ts';
import { sessionReport, type SessionReport } from '../core/report.ts';
import { sessionMarkdown } from '../core/report-render.ts';
import { allComments, commentAuthor } from '../core/comments.ts';

export const STRIP_TAGS_COMMAND = 'therapyTranscript.server.stripTags';
export const RANK_TECHNIQUES_COMMAND = 'therapyTranscript.server.rankTechniques';
export const SUMMARY_COMMAND = 'therapyTranscript.server.summary';
/** The session report as data (report.ts), for the VS Code webview; args: uri. */
export const REPORT_COMMAND = 'therapyTranscript.server.report';
/** The supervisor comments of a document ({ line, endCharacter, author?, text }[]); args: uri. */
export const COMMENTS_COMMAND = 'therapyTranscript.server.comments';
/** Two coders compared (agreement.ts), open or on disk; args: uri of copy A, uri of copy B, { excludeUncoded? }. */
export const AGREEMENT_COMMAND = 'therapyTranscript.server.agreement';
/** Shows the summary in any client (`window/showMessage`); args: uri. */
export const SHOW_SUMMARY_SERVER_COMMAND = 'therapyTranscript.server.showSummary';
/** The technique picker in any client (`window/showMessageRequest`, then `workspace/applyEdit`); args: uri, position. */
export const PICK_TECHNIQUE_SERVER_COMMAND = 'therapyTranscript.server.pickTechnique';
/** Applies a workspace edit (`workspace/applyEdit`): code actions for clients without code action literals; args: title, edit. */
export const APPLY_EDIT_COMMAND = 'therapyTranscript.server.applyEdit';
/** Lints every transcript of the workspace; args: none. */
export const LINT_WORKSPACE_COMMAND = 'therapyTranscript.server.lintWorkspace';
/** Applies every safe fix in every transcript of the workspace; args: none. */
export const FIX_WORKSPACE_COMMAND = 'therapyTranscript.server.fixAllInWorkspace';
export const SERVER_COMMANDS = [
  STRIP_TAGS_COMMAND,
  RANK_TECHNIQUES_COMMAND,
  SUMMARY_COMMAND,
  REPORT_COMMAND,
  COMMENTS_COMMAND,
  AGREEMENT_COMMAND,
  SHOW_SUMMARY_SERVER_COMMAND,
  PICK_TECHNIQUE_SERVER_COMMAND,
  APPLY_EDIT_COMMAND,
  LINT_WORKSPACE_COMMAND,
  FIX_WORKSPACE_COMMAND,
];

/** The session report of an open document (the same the CLI writes for the file). */
export function reportOf(analysis: DocumentAnalysis): SessionReport {
  const name = decodeURIComponent(analysis.uri.split('/').pop() ?? analysis.uri);
  return sessionReport(name, analysis, analysis.uri);
}

/** The supervisor's report of a session, as Markdown. */
export function summaryMarkdown(analysis: DocumentAnalysis): string {
  return sessionMarkdown(reportOf(analysis));
}

export interface CommentInfo {
  /** 0-based line and the comment's range on it. */
  line: number;
  character: number;
  endCharacter: number;
  author?: string;
  text: string;
}

/** The supervisor comments of a document, for the editor's Comments view. */
export function commentsOf(analysis: SessionView): CommentInfo[] {
  return allComments(analysis.session.tree).map((comment) => {
    const { author, body } = commentAuthor(comment);
    return { line: comment.position.start.line - 1, character: comment.position.start.column - 1, endCharacter: comment.position.end.column - 1, ...(author ? { author } : {}), text: body };
  });
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
  /** Where the chosen tag goes (the start of the paragraph's text), or null when nothing can be tagged here. */
  insertAt: Position | null;
  /** The role of the turn at the position, if any. */
  role?: Role;
  /** Every technique the codebook allows on this turn's role, the suggestions first. */
  techniques: RankedTechnique[];
  /** Why there is nothing to choose, in plain words (on the header, a role no namespace applies to …). */
  message?: string;
  /** The namespaces in which the model finds no technique likely for this turn, with its reasons. */
  none?: Array<{ namespace: string; reasons: string[] }>;
}

/**
 * Every technique the codebook allows for the role of the turn at `position`
 * (the namespaces whose `appliesTo` names it), the suggestions for the turn first.
 */
export function rankTechniques(document: TextDocument, analysis: SessionView, position: Position): TechniqueChoice {
  const { session } = analysis;
  const codebook = session.codebook;
  const offset = document.offsetAt(position);
  const index = session.turnAt(offset);
  if (index === undefined) {
    const where = session.header && offset <= session.header.position.end.offset! ? "the session's header" : 'not in a turn';
    return { insertAt: null, techniques: [], message: `The cursor is on ${where === 'not in a turn' ? 'no turn' : where}: put it in a turn to tag it.` };
  }
  const turn = session.turns[index]!;
  const role = turn.role;
  const insertion = tagInsertion(session, offset);
  if (!insertion) return { insertAt: null, role, techniques: [], message: `Turn ${index + 1} has no text to tag.` };
  const insertAt = document.positionAt(insertion.offset);
  const namespaces = codebook ? [...codebook.namespaces.values()].filter((ns) => ns.appliesTo.includes(role)) : [];
  if (!codebook || namespaces.length === 0) {
    const labels = codebook ? [...codebook.namespaces.values()].map((ns) => `${ns.label} (${ns.appliesTo.join(', ')})`).join('; ') : '';
    return {
      insertAt: null,
      role,
      techniques: [],
      message: `Turn ${index + 1} is a ${role} turn (${turn.node.speaker}), and the codebook has no techniques for ${role} turns${labels ? `: ${labels}` : ''}.`,
    };
  }
  const techniques: RankedTechnique[] = [];
  const none: Array<{ namespace: string; reasons: string[] }> = [];
  for (const namespace of namespaces) {
    // The model's ranking, as in the light bulb: its first few are the suggestions (with reasons).
    const ranked = rankForTurn(codebook, { session, turn: index, namespace: namespace.id }).items;
    const order = new Map<string, number>();
    const reasons = new Map<string, string[]>();
    let shown = 0;
    ranked.forEach((item, i) => {
      if (item.kind === 'none') {
        if (i === 0) none.push({ namespace: namespace.id, reasons: item.reasons });
        return;
      }
      order.set(item.entry.id, i);
      if (shown++ < SUGGESTIONS_PER_NAMESPACE) reasons.set(item.entry.id, item.reasons.length ? item.reasons : ['suggested']);
    });
    techniques.push(
      ...[...namespace.entries.values()]
        .sort((a, b) => (order.get(a.id) ?? 999) - (order.get(b.id) ?? 999) || a.label.localeCompare(b.label))
        .map((entry) => ({
          namespace: entry.namespace,
          id: entry.id,
          label: entry.label,
          ...(entry.ctrs ? { ctrs: entry.ctrs } : {}),
          definition: entry.definition,
          reasons: reasons.get(entry.id) ?? [],
        })),
    );
  }
  // Suggestions of every namespace first (in their namespace's order), then the rest.
  const suggestedFirst = [...techniques.filter((t) => t.reasons.length > 0), ...techniques.filter((t) => t.reasons.length === 0)];
  return { insertAt, role, techniques: suggestedFirst, ...(none.length ? { none } : {}) };
}
