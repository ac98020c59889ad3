/**
 * Quick fixes for diagnostics and `source.fixAll.transcript`, from the fixes
 * the core attaches to each finding.
 */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentAnalysis } from './analysis.ts';
import { rangesEqual, rangesOverlap, toDiagnostic, toLspEdit, toRange } from './convert.ts';
import { fixAll, planFixAll, type Fix } from '../core/fixes.ts';
import { fixCandidatesOf, SOURCE } from '../core/lint.ts';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.transcript`;

/**
 * Quick fixes for the findings under the cursor, and "fix all". When the
 * client can resolve code actions (`lazyEdits`), the quick-fix menu's "fix
 * all" gets its edit only when it is chosen.
 */
export function quickFixes(document: TextDocument, analysis: DocumentAnalysis, params: CodeActionParams, lazyEdits = false): CodeAction[] {
  const actions: CodeAction[] = [];
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
  if (wants(CodeActionKind.QuickFix)) {
    // The findings under the cursor, from our own analysis of this version: the
    // diagnostics a client sends in the context may lag behind or be absent.
    let anySafe = false;
    for (const message of analysis.messages) {
      const range = toRange(message);
      if (!rangesOverlap(range, params.range)) continue;
      const sent = params.context.diagnostics.find((d) => d.source === SOURCE && d.code === message.ruleId && rangesEqual(d.range, range));
      const diagnostic = sent ?? toDiagnostic(document.uri, message);
      for (const fix of message.fixes) {
        anySafe ||= fix.safe;
        actions.push(fixAction(document, fix, diagnostic));
      }
    }
    if (anySafe) {
      const all = lazyEdits ? unresolvedFixAll(document, analysis) : fixAllAction(document, analysis, CodeActionKind.QuickFix);
      if (all) actions.push(all);
    }
  }
  if (only && wants(FIX_ALL_KIND)) {
    const all = fixAllAction(document, analysis, FIX_ALL_KIND);
    if (all) actions.push(all);
  }
  return actions;
}

function fixAction(document: TextDocument, fix: Fix, diagnostic: Diagnostic): CodeAction {
  const action: CodeAction = {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [document.uri]: fix.edits.map((edit) => toLspEdit(document, edit)) } },
  };
  if (fix.preferred) action.isPreferred = true;
  return action;
}

/** The safe fixes of the document's findings (and no others: see the core's `fixAll`), as one minimal edit. */
export function fixAllAction(document: TextDocument, analysis: DocumentAnalysis, kind: string): CodeAction | undefined {
  const edit = fixAllEdit(document, analysis);
  if (!edit) return undefined;
  return { title: `Fix all safe problems in this transcript (${edit.applied})`, kind, edit: edit.edit };
}

/** "Fix all", to be resolved (`resolveFixAll`) when chosen; titled with the fixes found now. */
function unresolvedFixAll(document: TextDocument, analysis: DocumentAnalysis): CodeAction {
  // The number fix-all will apply: the same as the resolved action's and the CLI's.
  const count = planFixAll(document.getText(), fixCandidatesOf(analysis.messages)).applied;
  return {
    title: `Fix all safe problems in this transcript (${count})`,
    kind: CodeActionKind.QuickFix,
    data: { fixAll: { uri: document.uri, version: document.version } },
  };
}

/** Give a "fix all" action its edit, if the document is still the version it was offered for. */
export function resolveFixAll(action: CodeAction, document: TextDocument | undefined, analysis: DocumentAnalysis | undefined): CodeAction {
  const wanted = (action.data as { fixAll?: { uri: string; version: number } } | undefined)?.fixAll;
  if (!wanted || !document || !analysis || document.version !== wanted.version) return action;
  const edit = fixAllEdit(document, analysis);
  return edit ? { ...action, edit: edit.edit } : action;
}

function fixAllEdit(document: TextDocument, analysis: DocumentAnalysis): { edit: WorkspaceEdit; applied: number } | undefined {
  const original = document.getText();
  // The fixes of the findings in hand, and no others.
  const result = fixAll(original, fixCandidatesOf(analysis.messages));
  if (result.text === original) return undefined;
  return { edit: { changes: { [document.uri]: [toLspEdit(document, minimalEdit(original, result.text))] } }, applied: result.applied };
}

/** One edit that turns `before` into `after`, touching only what differs. */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } {
  let prefix = 0;
  const max = Math.min(before.length, after.length);
  while (prefix < max && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  // Never split a surrogate pair.
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  while (
    suffix < max - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isHighSurrogate(before.charCodeAt(before.length - 1 - suffix))) suffix--;
  return { start: prefix, end: before.length - suffix, text: after.slice(prefix, after.length - suffix) };
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
