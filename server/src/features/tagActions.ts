/**
 * Code actions for annotation: "Tag turn as …" for the likeliest techniques
 * of each namespace that applies to the turn's speaker (best first, the best
 * of all preferred), a "no technique likely" entry where the model ranks that
 * among the first, a picker with the whole codebook, "Remove tag" and
 * "Remove all tags in this turn".
 *
 * On the turn's first paragraph (or the label line) a tag goes right after
 * the label and tags the turn; on a later paragraph it tags that paragraph;
 * a selection is scored on the selected text and tagged where it starts.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Codebook } from '../core/codebook.ts';
import type { Session } from '../core/session.ts';
import type { SessionTurn } from '../core/turn.ts';
import type { DocumentAnalysis } from './analysis.ts';
import { toLspEdit } from './convert.ts';
import { locate, partialTagBefore, tagInsertion } from './locate.ts';
import { rankTechniques, type RankedItem } from '../core/suggest.ts';
import { removeTagEdit } from '../core/tags.ts';
import { turnTextWithout } from '../core/model/context.ts';

/** A client command (VS Code: a quick pick) to choose any technique; args: uri, insert position, ranked `namespace:id`s. */
export const PICK_TECHNIQUE_COMMAND = 'therapyTranscript.pickTechnique';
export const TAG_KIND = `${CodeActionKind.Refactor}.tag`;
/** Suggestions shown per namespace. */
export const SUGGESTIONS_PER_NAMESPACE = 3;

/**
 * The namespaces to suggest for a turn: those whose `appliesTo` includes its
 * role; of those, the ones the document already uses, if it uses any.
 */
export function suggestedNamespaces(session: Session, codebook: Codebook, turn: SessionTurn): string[] {
  const applicable = [...codebook.namespaces.values()].filter((ns) => ns.appliesTo.includes(turn.role)).map((ns) => ns.id);
  const used = new Set<string>();
  for (const t of session.turns) for (const tag of t.tags) used.add(tag.namespace);
  const inUse = applicable.filter((ns) => used.has(ns));
  return inUse.length > 0 ? inUse : applicable;
}

/**
 * `picker`: the command that opens the technique picker in this client (VS Code's
 * quick pick, or the server's own through `window/showMessageRequest`), if any.
 */
export function tagActions(document: TextDocument, analysis: DocumentAnalysis, params: CodeActionParams, picker: string | undefined = PICK_TECHNIQUE_COMMAND): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((kind) => TAG_KIND === kind || TAG_KIND.startsWith(`${kind}.`))) return [];
  const { session } = analysis;
  const codebook = session.codebook;
  const offset = document.offsetAt(params.range.start);
  const here = locate(session, offset);
  const turn = here.turn;
  if (!turn || !codebook) return [];
  const actions: CodeAction[] = [];
  const uri = document.uri;

  // Removing tags.
  if (here.tag) {
    actions.push({
      title: `Remove tag [${here.tag.namespace}:${here.tag.id}]`,
      kind: TAG_KIND,
      edit: { changes: { [uri]: [toLspEdit(document, removeTagEdit(session.text, here.tag))] } },
    });
  }
  if (turn.tags.length > 1 || (turn.tags.length === 1 && !here.tag)) {
    const only = turn.tags.length === 1 ? turn.tags[0]! : undefined;
    actions.push({
      title: only ? `Remove tag [${only.namespace}:${only.id}] from this turn` : `Remove all ${turn.tags.length} tags in this turn`,
      kind: TAG_KIND,
      edit: { changes: { [uri]: turn.tags.map((tag) => toLspEdit(document, removeTagEdit(session.text, tag))) } },
    });
  }

  // Suggestions: only for the namespaces that apply to the speaker.
  const namespaces = suggestedNamespaces(session, codebook, turn);
  if (namespaces.length === 0 || !here.paragraph) return actions;
  const paragraph = here.paragraph;
  const textNode = paragraph.node.children.find((c) => c.type === 'text');
  const insertion = tagInsertion(session, offset);
  if (!textNode || !insertion) return actions;
  const insertAt = insertion.offset;
  // Score a selection on its own; a turn tag on the whole turn; a paragraph tag on its paragraph.
  // A tag being typed at the cursor is not part of the turn.
  const selected = document.getText(params.range);
  const partial = partialTagBefore(session.text, offset);
  const scored =
    selected.trim().length > 20
      ? selected
      : paragraph.first
        ? partial
          ? turnTextWithout(session, turn.index, partial.start, offset)
          : undefined
        : textNode.value;
  const existing = new Set((paragraph.first ? turn.tags : paragraph.node.children.filter((c) => c.type === 'tag')).map((t) => `${t.namespace}:${t.id}`));
  const where = paragraph.first ? 'turn' : 'paragraph';
  const several = namespaces.length > 1;
  let preferred = false;
  let offeredNone = false;
  const allRanked: string[] = [];
  for (const namespace of namespaces) {
    const ranking = rankTechniques(codebook, { session, turn: turn.index, ...(scored !== undefined ? { text: scored } : {}), namespace });
    const shown: RankedItem[] = ranking.items.filter((item) => item.kind === 'none' || !existing.has(`${namespace}:${item.entry.id}`)).slice(0, SUGGESTIONS_PER_NAMESPACE);
    const ranked = ranking.items.flatMap((item) => (item.kind === 'technique' ? [`${namespace}:${item.entry.id}`] : []));
    allRanked.push(...ranked);
    for (const item of shown) {
      if (item.kind === 'none') {
        // The entry opens the picker; a client without one gets none.
        if (!picker) continue;
        offeredNone = true;
        actions.push({
          title: `No ${several ? `${namespace} ` : ''}technique likely in this ${where}${item.reasons.length ? ` (${item.reasons.join('; ')})` : ''}: choose one from the codebook…`,
          kind: TAG_KIND,
          command: { title: 'Choose a technique', command: picker, arguments: [uri, document.positionAt(insertAt), ranked] },
        });
        continue;
      }
      const action: CodeAction = {
        title: `Tag ${where} as ${several ? `${namespace}: ` : ''}${item.entry.label}${item.reasons.length ? ` (${item.reasons.join('; ')})` : ''}`,
        kind: TAG_KIND,
        edit: { changes: { [uri]: [toLspEdit(document, { start: insertAt, end: insertAt, text: `[${namespace}:${item.entry.id}] ` })] } },
      };
      // The best suggestion of all is preferred, when a technique (not "none") comes first.
      if (!preferred && item === ranking.items.find((i) => i.kind === 'none' || !existing.has(`${namespace}:${i.entry.id}`))) {
        action.isPreferred = true;
        preferred = true;
      }
      actions.push(action);
    }
  }
  if (!offeredNone && picker) {
    actions.push({
      title: `Tag ${where} with a technique from the codebook…`,
      kind: TAG_KIND,
      command: { title: 'Choose a technique', command: picker, arguments: [uri, document.positionAt(insertAt), allRanked] },
    });
  }
  return actions;
}
