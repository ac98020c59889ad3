/**
 * References, rename and workspace symbols for tags, across the workspace.
 */
import { ErrorCodes, ResponseError, SymbolKind, type Location, type PrepareRenameParams, type Range, type ReferenceParams, type RenameParams, type SymbolInformation, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import path from 'node:path';
import type { SessionView } from './analysis.ts';
import type { WorkspaceIndex } from './workspaceIndex.ts';
import { locate } from './locate.ts';
import { toRange } from './convert.ts';

function tagAt(document: TextDocument, analysis: SessionView, position: { line: number; character: number }) {
  return locate(analysis.session, document.offsetAt(position)).tag;
}

export async function references(document: TextDocument, analysis: SessionView, params: ReferenceParams, index: WorkspaceIndex): Promise<Location[]> {
  const tag = tagAt(document, analysis, params.position);
  if (!tag) return [];
  return (await index.all()).filter((o) => o.namespace === tag.namespace && o.id === tag.id).map((o) => ({ uri: o.uri, range: o.range }));
}

export function prepareRename(document: TextDocument, analysis: SessionView, params: PrepareRenameParams): { range: Range; placeholder: string } | null {
  const tag = tagAt(document, analysis, params.position);
  if (!tag) return null;
  const end = toRange(tag.position).end;
  return { range: { start: { line: end.line, character: end.character - 1 - tag.id.length }, end: { line: end.line, character: end.character - 1 } }, placeholder: tag.id };
}

export async function rename(document: TextDocument, analysis: SessionView, params: RenameParams, index: WorkspaceIndex): Promise<WorkspaceEdit | null> {
  const tag = tagAt(document, analysis, params.position);
  if (!tag) return null;
  const newId = params.newName.trim();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(newId)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `"${params.newName}" is not a valid tag id: use lower-case words joined by "-", e.g. socratic-questioning.`);
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const o of await index.all()) {
    if (o.namespace !== tag.namespace || o.id !== tag.id) continue;
    (changes[o.uri] ??= []).push({ range: o.idRange, newText: newId });
  }
  return { changes };
}

export async function workspaceSymbols(query: string, index: WorkspaceIndex, label: (ns: string, id: string) => string | undefined): Promise<SymbolInformation[]> {
  // "#agenda" (VS Code strips the "#" of a workspace symbol query itself; other clients send it) or "[cbt:agenda".
  const q = query.trim().toLowerCase().replace(/^#/, '').replace(/^\[/, '');
  const symbols: SymbolInformation[] = [];
  for (const o of await index.all()) {
    if (o.namespace === 'ignore') continue;
    const name = `[${o.namespace}:${o.id}]`;
    const techniqueLabel = label(o.namespace, o.id);
    if (q && !name.toLowerCase().includes(q) && !techniqueLabel?.toLowerCase().includes(q)) continue;
    symbols.push({
      name: techniqueLabel ? `${name} ${techniqueLabel}` : name,
      kind: SymbolKind.Key,
      location: { uri: o.uri, range: o.range },
      containerName: `${path.basename(URI.parse(o.uri).path)} · turn ${o.turn + 1} (${o.speaker})`,
    });
    if (symbols.length >= 1000) break;
  }
  return symbols;
}
