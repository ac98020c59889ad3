/**
 * Core values → LSP values: unist points (1-based) to LSP positions
 * (0-based, UTF-16 characters, which JavaScript offsets already are).
 */
import type { Diagnostic, DiagnosticSeverity, Position as LspPosition, Range, TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintMessage } from '../core/lint.ts';
import type { TextEdit } from '../core/fixes.ts';
import type { Point, Position } from '../core/types.ts';
import { SOURCE } from '../core/lint.ts';
import { ruleDocsHref } from './rule-docs.ts';

export function toPosition(point: Point): LspPosition {
  return { line: point.line - 1, character: point.column - 1 };
}

export function toRange(position: Position | { start: Point; end: Point }): Range {
  return { start: toPosition(position.start), end: toPosition(position.end) };
}

export function offsetRange(document: TextDocument, start: number, end: number): Range {
  return { start: document.positionAt(start), end: document.positionAt(end) };
}

export function toLspEdit(document: TextDocument, edit: TextEdit): LspTextEdit {
  return { range: offsetRange(document, edit.start, edit.end), newText: edit.text };
}

const SEVERITY: Record<LintMessage['severity'], DiagnosticSeverity> = { error: 1, warn: 2, info: 3 };

export function toDiagnostic(uri: string, message: LintMessage): Diagnostic {
  const diagnostic: Diagnostic = {
    range: toRange(message),
    severity: SEVERITY[message.severity],
    code: message.ruleId,
    source: SOURCE,
    message: message.reason,
  };
  // The rule's page (the code links to it in the Problems view).
  const href = ruleDocsHref(message.ruleId);
  if (href) diagnostic.codeDescription = { href };
  if (message.related.length > 0) {
    diagnostic.relatedInformation = message.related.map((r) => ({
      location: { uri, range: toRange(r) },
      message: r.message,
    }));
  }
  return diagnostic;
}

export function rangesEqual(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

export function rangesOverlap(a: Range, b: Range): boolean {
  return !(
    a.end.line < b.start.line ||
    (a.end.line === b.start.line && a.end.character < b.start.character) ||
    b.end.line < a.start.line ||
    (b.end.line === a.start.line && b.end.character < a.start.character)
  );
}
