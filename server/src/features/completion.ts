/**
 * Completion of tags: namespaces after `[`, technique ids after `[cbt:` (any
 * namespace), rule ids after `[ignore:`. Techniques carry their definition as
 * documentation and are ordered by how well they fit the turn.
 */
import { CompletionItemKind, type CompletionItem, type CompletionParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SessionView } from './analysis.ts';
import { entryMarkdown } from './hover.ts';
import { partialTagBefore } from './locate.ts';
import { allRules } from '../core/rules/index.ts';
import { suggestTechniques } from '../core/suggest.ts';

export function completion(document: TextDocument, analysis: SessionView, params: CompletionParams): CompletionItem[] {
  const text = document.getText();
  const offset = document.offsetAt(params.position);
  const partial = partialTagBefore(text, offset);
  if (!partial) return [];
  const codebook = analysis.session.codebook;
  if (!codebook) return [];
  // Replace what was typed, and a closing "]" the editor may have inserted.
  const end = text[offset] === ']' ? offset + 1 : offset;
  const replace = (from: number) => ({ start: document.positionAt(from), end: document.positionAt(end) });
  // A tag is followed by exactly one space (so stripping tags restores the text).
  const space = text[end] === ' ' ? '' : ' ';

  if (partial.namespace === undefined) {
    const namespaces = [...codebook.namespaces.values()].map((ns) => ({ id: ns.id, detail: ns.label, doc: ns.description ?? '' }));
    namespaces.push({ id: 'ignore', detail: 'Silence a lint rule for this turn', doc: 'For example `[ignore:repeated-turn]`.' });
    return namespaces.map((ns) => ({
      label: `${ns.id}:`,
      kind: CompletionItemKind.Module,
      detail: ns.detail,
      documentation: { kind: 'markdown', value: ns.doc },
      textEdit: { range: replace(partial.start + 1), newText: `${ns.id}:` },
      command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
    }));
  }

  const idStart = offset - partial.typed.length;
  if (partial.namespace === 'ignore') {
    return ['all', ...allRules.map((r) => r.id)].map((id) => ({
      label: id,
      kind: CompletionItemKind.Event,
      detail: id === 'all' ? 'every rule' : allRules.find((r) => r.id === id)!.description,
      textEdit: { range: replace(idStart), newText: `${id}]${space}` },
    }));
  }
  const namespace = codebook.namespaces.get(partial.namespace);
  if (!namespace) return [];
  // Rank by fit when the cursor is in a turn.
  const index = analysis.session.turnAt(offset);
  const ranked = new Map<string, number>();
  if (index !== undefined) {
    const turn = analysis.session.turns[index]!;
    suggestTechniques(codebook, { session: analysis.session, turn: index, text: turn.features.text, namespace: namespace.id }, 5).forEach((s, i) =>
      ranked.set(s.entry.id, i),
    );
  }
  return [...namespace.entries.values()].map((entry) => {
    const rank = ranked.get(entry.id);
    const item: CompletionItem = {
      label: entry.id,
      kind: CompletionItemKind.EnumMember,
      detail: entry.ctrs ? `${entry.label} — ${entry.ctrs}` : entry.miti ? `${entry.label} — ${entry.miti}` : entry.label,
      documentation: { kind: 'markdown', value: entryMarkdown(entry) },
      filterText: `${entry.id} ${entry.label}`,
      sortText: rank === undefined ? `1-${entry.id}` : `0-${rank}`,
      textEdit: { range: replace(idStart), newText: `${entry.id}]${space}` },
    };
    if (rank === 0) item.preselect = true;
    return item;
  });
}
