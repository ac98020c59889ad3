/**
 * Code actions for annotation: "Tag as <Technique>" for the best few
 * suggestions (best first, the first preferred), a picker with the whole
 * codebook, "Remove tag" and "Remove all tags in this turn".
 *
 * On the turn's first paragraph (or the label line) a tag goes right after
 * the label and tags the turn; on a later paragraph it tags that paragraph;
 * a selection is scored on the selected text and tagged where it starts.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from './analysis.ts';
import { toLspEdit } from './convert.ts';
import { locate, tagInsertion } from './locate.ts';
import { suggestTechniques } from '../core/suggest.ts';
import { removeTagEdit } from '../core/tags.ts';

/** A client command (VS Code: a quick pick) to choose any technique; args: uri, insert offset position, ranked ids. */
export const PICK_TECHNIQUE_COMMAND = 'therapyTranscript.pickTechnique';
export const TAG_KIND = `${CodeActionKind.Refactor}.tag`;

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

  // Suggestions: only for the roles the namespace applies to.
  const namespace = codebook.namespaces.get('cbt');
  if (!namespace || !namespace.appliesTo.includes(turn.role) || !here.paragraph) return actions;
  const paragraph = here.paragraph;
  const textNode = paragraph.node.children.find((c) => c.type === 'text');
  const insertion = tagInsertion(session, offset);
  if (!textNode || !insertion) return actions;
  const insertAt = insertion.offset;
  // Score a selection on its own; a turn tag on the whole turn; a paragraph tag on its paragraph.
  const selected = document.getText(params.range);
  const scored = selected.trim().length > 20 ? selected : paragraph.first ? turn.features.text : textNode.value;
  const existing = new Set((paragraph.first ? turn.tags : paragraph.node.children.filter((c) => c.type === 'tag')).map((t) => `${t.namespace}:${t.id}`));
  const suggestions = suggestTechniques(codebook, { session, turn: turn.index, text: scored }, 5).filter((s) => !existing.has(`cbt:${s.entry.id}`)).slice(0, 3);
  const where = paragraph.first ? 'turn' : 'paragraph';
  suggestions.forEach((s, i) => {
    const action: CodeAction = {
      title: `Tag ${where} as ${s.entry.label} (${s.reasons.join('; ')})`,
      kind: TAG_KIND,
      edit: { changes: { [uri]: [toLspEdit(document, { start: insertAt, end: insertAt, text: `[cbt:${s.entry.id}] ` })] } },
    };
    if (i === 0) action.isPreferred = true;
    actions.push(action);
  });
  if (picker) {
    actions.push({
      title: `Tag ${where} with a technique from the codebook…`,
      kind: TAG_KIND,
      command: { title: 'Choose a technique', command: picker, arguments: [uri, document.positionAt(insertAt), suggestions.map((s) => s.entry.id)] },
    });
  }
  return actions;
}
