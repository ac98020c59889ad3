/**
 * Completion of tags: namespaces after `[`, technique ids after `[cbt:` (any
 * namespace), rule ids after `[ignore:`. Techniques carry their definition as
 * documentation and are ordered by the model's probability for the turn (the
 * tag being typed left out of its text), with a "(no technique)" entry that
 * removes the typed tag.
 */
import { CompletionItemKind, type CompletionItem, type CompletionParams, type MarkupContent } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SessionView } from './analysis.ts';
import { entryMarkdown } from './hover.ts';
import { partialTagBefore } from './locate.ts';
import { allRules } from '../core/rules/index.ts';
import { rankTechniques } from '../core/suggest.ts';
import { turnTextWithout } from '../core/model/context.ts';
import { markdownToPlain } from './client.ts';

export interface CompletionOptions {
  /** Documentation as Markdown (the client's `documentationFormat` prefers it), else plain text. */
  markdown: boolean;
  /** The client runs `editor.action.triggerSuggest` (VS Code): ask for the ids right after a namespace. */
  triggerSuggest: boolean;
}

export function completion(document: TextDocument, analysis: SessionView, params: CompletionParams, options: CompletionOptions = { markdown: true, triggerSuggest: false }): CompletionItem[] {
  const doc = (markdown: string): MarkupContent => (options.markdown ? { kind: 'markdown', value: markdown } : { kind: 'plaintext', value: markdownToPlain(markdown) });
  const text = document.getText();
  const offset = document.offsetAt(params.position);
  const comment = commentCompletion(document, text, offset, options);
  if (comment) return [comment];
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
      documentation: doc(ns.doc),
      textEdit: { range: replace(partial.start + 1), newText: `${ns.id}:` },
      ...(options.triggerSuggest ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } } : {}),
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
  // Rank by the model when the cursor is in a turn the namespace applies to; the tag
  // being typed is not part of the turn.
  const index = analysis.session.turnAt(offset);
  const turn = index === undefined ? undefined : analysis.session.turns[index]!;
  const ranked = new Map<string | null, { rank: number; reasons: string[] }>();
  if (turn && namespace.appliesTo.includes(turn.role)) {
    const text = turnTextWithout(analysis.session, turn.index, partial.start, end);
    rankTechniques(codebook, { session: analysis.session, turn: turn.index, text, namespace: namespace.id }).items.forEach((item, rank) =>
      ranked.set(item.kind === 'none' ? null : item.entry.id, { rank, reasons: item.reasons }),
    );
  }
  const sortText = (id: string | null) => {
    const r = ranked.get(id);
    return r === undefined ? `1-${id ?? ''}` : `0-${String(r.rank).padStart(3, '0')}`;
  };
  const items = [...namespace.entries.values()].map((entry) => {
    const r = ranked.get(entry.id);
    const why = r && r.reasons.length > 0 ? `\n\n*Suggested for this turn:* ${r.reasons.join('; ')}` : '';
    const item: CompletionItem = {
      label: entry.id,
      kind: CompletionItemKind.EnumMember,
      detail: entry.ctrs ? `${entry.label} — ${entry.ctrs}` : entry.miti ? `${entry.label} — ${entry.miti}` : entry.label,
      documentation: doc(`${entryMarkdown(entry)}${why}`),
      filterText: `${entry.id} ${entry.label}`,
      sortText: sortText(entry.id),
      textEdit: { range: replace(idStart), newText: `${entry.id}]${space}` },
    };
    if (r?.rank === 0) item.preselect = true;
    return item;
  });
  const none = ranked.get(null);
  if (none) {
    // "No technique": accepting it takes the typed tag away again.
    const item: CompletionItem = {
      label: '(no technique)',
      kind: CompletionItemKind.Text,
      detail: 'Leave the turn untagged',
      documentation: doc(`No ${namespace.id} technique is likely in this turn${none.reasons.length ? `: ${none.reasons.join('; ')}` : ''}. Accepting this removes the tag being typed.`),
      filterText: `${partial.typed} none no technique`,
      sortText: sortText(null),
      textEdit: { range: replace(partial.start), newText: '' },
    };
    if (none.rank === 0) item.preselect = true;
    items.push(item);
  }
  return items;
}

/**
 * `%` or `%%` typed at the start of a line: the supervisor comment syntax, so
 * a supervisor need not remember it (`%% ` and the cursor after it).
 */
function commentCompletion(document: TextDocument, text: string, offset: number, options: CompletionOptions): CompletionItem | undefined {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1) + 1, 0);
  const before = text.slice(lineStart, offset);
  const m = /^([ \t]*)(%{1,2})$/.exec(before);
  if (!m) return undefined;
  const start = lineStart + m[1]!.length;
  const end = text[offset] === ' ' ? offset + 1 : offset;
  const doc = 'A line that starts with `%%` is a supervisor comment: it is not part of the session (no turn, word or rule sees it), it survives `--strip-tags`, and `transcript-lint --strip-comments` removes it. Write `%% Name: …` to sign it.';
  return {
    label: '%%',
    kind: CompletionItemKind.Snippet,
    detail: 'Supervisor comment (not part of the session)',
    documentation: options.markdown ? { kind: 'markdown', value: doc } : { kind: 'plaintext', value: markdownToPlain(doc) },
    filterText: m[2]!,
    textEdit: { range: { start: document.positionAt(start), end: document.positionAt(end) }, newText: '%% ' },
  };
}
