/**
 * What a user sees, checked through the `vscode` API in a real VS Code: the
 * language, the grammar's scopes, diagnostics, the Outline, code actions,
 * hover and completion.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { scopeOf, tokenize } from '../../helpers/grammar.ts';

const LANGUAGE_ID = 'therapy-transcript';

function sampleUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the samples folder is open');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Resolve with the diagnostics of `uri` once `accept` holds, waiting on onDidChangeDiagnostics. */
function diagnosticsFor(uri: vscode.Uri, accept: (d: readonly vscode.Diagnostic[]) => boolean): Promise<readonly vscode.Diagnostic[]> {
  const now = vscode.languages.getDiagnostics(uri);
  if (accept(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((u) => u.toString() === uri.toString())) return;
      const current = vscode.languages.getDiagnostics(uri);
      if (accept(current)) {
        subscription.dispose();
        resolve(current);
      }
    });
  });
}

async function open(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(sampleUri(name));
  return vscode.window.showTextDocument(document);
}

suite('Therapy transcripts in VS Code', () => {
  suiteSetup(async () => {
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'therapy-transcript');
    assert.ok(extension, 'the extension is installed');
    await extension.activate();
  });

  test('a .transcript file gets the therapy-transcript language', async () => {
    const editor = await open('seed-session.transcript');
    assert.equal(editor.document.languageId, LANGUAGE_ID);
  });

  test('the grammar the extension contributes gives therapist and patient labels different scopes', async () => {
    // VS Code has no public API for token scopes: tokenise the open document with the grammar
    // the installed extension contributes, using VS Code's own TextMate engine (vscode-textmate).
    const extension = vscode.extensions.all.find((e) => e.packageJSON?.name === 'therapy-transcript')!;
    const grammars = extension.packageJSON.contributes.grammars as Array<{ language: string; scopeName: string }>;
    assert.deepEqual(grammars.map((g) => [g.language, g.scopeName]), [[LANGUAGE_ID, 'text.therapy-transcript']]);
    const editor = await open('seed-session.transcript');
    const lines = await tokenize(extension.extensionPath, editor.document.getText());
    assert.match(scopeOf(lines, 'Therapist'), /speaker\.therapist/);
    assert.match(scopeOf(lines, 'Patient'), /speaker\.patient/);
    assert.match(scopeOf(lines, 'Session Summary:'), /markup\.heading/);
  });

  test('diagnostics appear for the seed: loops, refusals, the old hotline', async () => {
    const editor = await open('seed-session.transcript');
    const diagnostics = await diagnosticsFor(editor.document.uri, (d) => d.some((x) => x.code === 'repeated-turn'));
    const codes = new Set(diagnostics.map((d) => String(d.code)));
    for (const code of ['repeated-turn', 'unanswered-question', 'canned-refusal', 'outdated-crisis-line', 'mojibake', 'truncated-turn']) {
      assert.ok(codes.has(code), `missing ${code}`);
    }
    assert.ok(diagnostics.every((d) => d.source === 'transcript-lint'));
    // Show a looping stretch and the Problems panel, for the README screenshot.
    const loop = diagnostics.find((d) => d.code === 'canned-refusal')!.range;
    const lineStart = new vscode.Position(Math.max(0, loop.start.line - 2), 0);
    editor.revealRange(new vscode.Range(lineStart, lineStart), vscode.TextEditorRevealType.AtTop);
    editor.selection = new vscode.Selection(lineStart, lineStart);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const shot = process.env.VSCODE_TEST_SCREENSHOT_URL;
    if (shot) await fetch(`${shot}?name=seed-problems`, { method: 'POST' });
  });

  test('a quick fix repairs the mojibake', async () => {
    const editor = await open('seed-session.transcript');
    const diagnostics = await diagnosticsFor(editor.document.uri, (d) => d.some((x) => x.code === 'mojibake'));
    const mojibake = diagnostics.find((d) => d.code === 'mojibake')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, mojibake.range, vscode.CodeActionKind.QuickFix.value);
    const repair = actions.find((a) => a.title.startsWith('Repair'));
    assert.ok(repair?.edit, 'a repair action with an edit');
    assert.ok(await vscode.workspace.applyEdit(repair.edit));
    assert.equal(editor.document.getText(mojibake.range.with({ end: mojibake.range.start.translate(0, 1) })), '—');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('the Outline lists the header and every turn', async () => {
    const editor = await open('seed-session.transcript');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
    assert.equal(symbols.length, 49);
    assert.equal(symbols[0]!.name, 'Session Summary');
    assert.match(symbols[1]!.name, /^1 · Therapist — Welcome back to our session, Naomi\./);
  });

  test('the light bulb tags a therapist turn with the suggested technique', async () => {
    const editor = await open('seed-session.transcript');
    const line = editor.document.lineAt(32);
    assert.match(line.text, /^Therapist: Welcome back/);
    const range = new vscode.Range(32, 20, 32, 20);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, range);
    const preferred = actions.find((a) => a.isPreferred && a.title.startsWith('Tag turn as'));
    assert.ok(preferred?.edit, actions.map((a) => a.title).join(' | '));
    // For the README: the light bulb's menu on another therapist turn.
    const shot = process.env.VSCODE_TEST_SCREENSHOT_URL;
    if (shot) {
      await vscode.commands.executeCommand('workbench.action.closePanel');
      const at = new vscode.Position(58, 30);
      assert.match(editor.document.lineAt(58).text, /^Therapist: Thank you for sharing your thoughts/);
      editor.selection = new vscode.Selection(at, at);
      editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
      await vscode.commands.executeCommand('editor.action.quickFix');
      await fetch(`${shot}?name=tag-suggestions&waitFor=${encodeURIComponent('.action-widget')}`, { method: 'POST' });
      await vscode.commands.executeCommand('hideCodeActionWidget');
    }
    assert.ok(await vscode.workspace.applyEdit(preferred.edit));
    assert.match(editor.document.lineAt(32).text, /^Therapist: \[cbt:[a-z-]+\] Welcome back/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('completion after [cbt: and hover on a tag answer', async () => {
    const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: 'Client: I will fail.\nTherapist: [cbt:] What is the evidence for that?\n' });
    await vscode.window.showTextDocument(document);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(1, 16));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('socratic-questioning') && labels.includes('thought-record'));
    const tagged = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: 'Therapist: [cbt:thought-record] Let us fill it in.\n' });
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', tagged.uri, new vscode.Position(0, 18));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    assert.match(text, /Thought record/);
    assert.match(text, /CTRS item/);
  });
});
