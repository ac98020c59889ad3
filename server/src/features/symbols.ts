/**
 * Document symbols: the header and every turn ("12 · Therapist — Thank you
 * for sharing…"), for the Outline view and breadcrumbs.
 */
import { SymbolKind, type DocumentSymbol, type SymbolInformation } from 'vscode-languageserver';
import type { SessionView } from './analysis.ts';
import { toRange } from './convert.ts';
import { excerpt } from '../core/text.ts';
import { plural } from '../core/stats.ts';
import { allComments, commentAuthor } from '../core/comments.ts';

/**
 * For a client without `hierarchicalDocumentSymbolSupport`: the same symbols as
 * a flat list, each header heading with the header as its container.
 */
export function flatSymbols(uri: string, symbols: DocumentSymbol[]): SymbolInformation[] {
  const flat: SymbolInformation[] = [];
  const add = (symbol: DocumentSymbol, container?: string) => {
    flat.push({ name: symbol.name, kind: symbol.kind, location: { uri, range: symbol.range }, ...(container ? { containerName: container } : {}) });
    for (const child of symbol.children ?? []) add(child, symbol.name);
  };
  for (const symbol of symbols) add(symbol);
  return flat;
}

const KIND = { therapist: SymbolKind.Method, patient: SymbolKind.Field, other: SymbolKind.Constant } as const;

export function documentSymbols(analysis: SessionView): DocumentSymbol[] {
  const symbols: DocumentSymbol[] = [];
  const { session } = analysis;
  const header = session.header;
  if (header) {
    const first = header.children[0]!;
    symbols.push({
      name: excerpt(first.value.replace(/:$/, ''), 40) || 'Header',
      detail: 'header',
      kind: SymbolKind.Namespace,
      range: toRange(header.position),
      selectionRange: toRange(first.position),
      children: header.children
        .filter((line) => line.type === 'heading')
        .slice(first.type === 'heading' ? 1 : 0)
        .map((line) => ({
          name: line.value.replace(/:$/, ''),
          kind: SymbolKind.String,
          range: toRange(line.position),
          selectionRange: toRange(line.position),
        })),
    });
  }
  // Supervisor comments: a symbol each, in document order among the turns (outside them: a comment is no turn's text).
  const comments = allComments(session.tree);
  let nextComment = 0;
  const commentsBefore = (offset: number) => {
    for (; nextComment < comments.length && comments[nextComment]!.position.start.offset! < offset; nextComment++) {
      const comment = comments[nextComment]!;
      const { author, body } = commentAuthor(comment);
      symbols.push({
        name: `%% ${excerpt(body || '(empty comment)', 56)}`,
        detail: author ? `comment by ${author}` : 'supervisor comment',
        kind: SymbolKind.Event,
        range: toRange(comment.position),
        selectionRange: toRange(comment.position),
      });
    }
  };
  for (const turn of session.turns) {
    commentsBefore(turn.node.position.start.offset!);
    const label = turn.node.children[0]!;
    const text = turn.features.text;
    const tags = turn.tags.filter((t) => t.namespace !== 'ignore').map((t) => `[${t.namespace}:${t.id}]`);
    symbols.push({
      name: `${turn.index + 1} · ${turn.node.speaker} — ${text ? excerpt(text, 48) : '(empty)'}`,
      detail: tags.length > 0 ? tags.join(' ') : plural(turn.features.words, 'word'),
      kind: KIND[turn.role],
      range: toRange(turn.node.position),
      selectionRange: toRange(label.position),
    });
  }
  commentsBefore(Number.POSITIVE_INFINITY);
  return symbols;
}
