/**
 * What a user sees, checked through the `vscode` API in a real VS Code: the
 * language, the grammar's scopes, diagnostics, the Outline, code actions,
 * hover and completion, the session report and two coders compared.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { scopeOf, tokenize } from '../../helpers/grammar.ts';
import { formatRatio } from '../../../server/src/core/stats.ts';
import type { SessionReport } from '../../../server/src/core/report.ts';
import type { AgreementReport } from '../../../server/src/core/agreement.ts';
import type { TermReport } from '../../../server/src/core/report.ts';
import type { TranscriptApi } from '../../../client/src/extension.ts';

/** A diagnostic's rule id: its code, or the code's value where the code links to the rule's page. */
const codeOf = (d: vscode.Diagnostic): string => (typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code));

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

/** The extension's API (its `activate` result). */
const api = () => vscode.extensions.all.find((e) => e.packageJSON?.name === 'therapy-transcript')!.exports as TranscriptApi;

/** Every tab of the workbench. */
const allTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);

/** The webview tabs of one of the extension's views (VS Code may prefix the view type). */
const webviewTabs = (viewType: string) => allTabs().filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType));

/** Resolve once `accept` holds for the tabs of the workbench (tabs change a moment after a panel is made or closed). */
function tabsWhen(accept: () => boolean): Promise<void> {
  if (accept()) return Promise.resolve();
  return new Promise((resolve) => {
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
      if (!accept()) return;
      subscription.dispose();
      resolve();
    });
  });
}

/** What the tabs are, for messages. */
const describeTabs = () => allTabs().map((t) => `${t.label} (${t.input instanceof vscode.TabInputWebview ? `webview ${t.input.viewType}` : t.input instanceof vscode.TabInputText ? 'text' : typeof t.input})`).join(', ');

/** The documents that are untitled or have unsaved changes: what a "Save changes?" prompt would ask about. */
const unsaved = () => vscode.workspace.textDocuments.filter((d) => d.isUntitled || d.isDirty).map((d) => d.uri.toString());

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
    const diagnostics = await diagnosticsFor(editor.document.uri, (d) => d.some((x) => codeOf(x) === 'repeated-turn'));
    const codes = new Set(diagnostics.map((d) => codeOf(d)));
    for (const code of ['repeated-turn', 'unanswered-question', 'canned-refusal', 'outdated-crisis-line', 'mojibake', 'truncated-turn']) {
      assert.ok(codes.has(code), `missing ${code}`);
    }
    assert.ok(diagnostics.every((d) => d.source === 'transcript-lint'));
    // The code links to the rule's packaged page.
    const linked = diagnostics.find((d) => codeOf(d) === 'repeated-turn')!.code as { target: vscode.Uri };
    assert.match(linked.target.toString(), /docs\/rules\/repeated-turn\.md$/);
    // Show a looping stretch and the Problems panel, for the README screenshot.
    const loop = diagnostics.find((d) => codeOf(d) === 'canned-refusal')!.range;
    const lineStart = new vscode.Position(Math.max(0, loop.start.line - 2), 0);
    editor.revealRange(new vscode.Range(lineStart, lineStart), vscode.TextEditorRevealType.AtTop);
    editor.selection = new vscode.Selection(lineStart, lineStart);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const shot = process.env.VSCODE_TEST_SCREENSHOT_URL;
    if (shot) await fetch(`${shot}?name=seed-problems`, { method: 'POST' });
  });

  test('a quick fix repairs the mojibake', async () => {
    const editor = await open('seed-session.transcript');
    const diagnostics = await diagnosticsFor(editor.document.uri, (d) => d.some((x) => codeOf(x) === 'mojibake'));
    const mojibake = diagnostics.find((d) => codeOf(d) === 'mojibake')!;
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
    assert.match(editor.document.lineAt(32).text, /^Therapist: \[(?:cbt|mi):[a-z-]+\] Welcome back/);
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

  test('semantic tokens colour configured speakers (Nova, Sam from .transcriptrc.json) like their roles', async () => {
    const editor = await open('named-speakers.transcript');
    const uri = editor.document.uri;
    const legend = await vscode.commands.executeCommand<vscode.SemanticTokensLegend>('vscode.provideDocumentSemanticTokensLegend', uri);
    const tokens = await vscode.commands.executeCommand<vscode.SemanticTokens>('vscode.provideDocumentSemanticTokens', uri);
    assert.ok(legend && tokens, 'the server provides semantic tokens');
    const decoded: Array<{ line: number; char: number; length: number; type: string; modifiers: string[] }> = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [dl, dc, length, type, mods] = Array.from(tokens.data.slice(i, i + 5)) as [number, number, number, number, number];
      line += dl;
      char = dl === 0 ? char + dc : dc;
      decoded.push({ line, char, length, type: legend.tokenTypes[type]!, modifiers: legend.tokenModifiers.filter((_, bit) => mods & (1 << bit)) });
    }
    const novaLine = editor.document.getText().split('\n').findIndex((l) => l.startsWith('Nova:'));
    const samLine = editor.document.getText().split('\n').findIndex((l) => l.startsWith('Sam:'));
    const at = (n: number) => decoded.find((t) => t.line === n && t.char === 0)!;
    assert.deepEqual([at(novaLine).type, at(novaLine).modifiers], ['function', ['therapist', 'speaker']]);
    assert.deepEqual([at(samLine).type, at(samLine).modifiers], ['type', ['patient', 'speaker']]);
    const shot = process.env.VSCODE_TEST_SCREENSHOT_URL;
    if (shot) await fetch(`${shot}?name=named-speakers`, { method: 'POST' });
  });

  test('VS Code gets its client commands: the summary lens, suggestions after a namespace', async () => {
    const editor = await open('seed-session.transcript');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    assert.equal(lenses[0]?.command?.command, 'therapyTranscript.showSummary');
    const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: 'Therapist: [ What is the evidence?\n' });
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(0, 12));
    const cbt = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'cbt:');
    assert.equal(cbt?.command?.command, 'editor.action.triggerSuggest');
  });

  test('the session report opens in a webview beside the transcript: no document, nothing to save; the lens says the same R:Q', async () => {
    const editor = await open('seed-session.transcript');
    const unsavedBefore = unsaved();
    const documentsBefore = vscode.workspace.textDocuments.length;
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const lens = lenses[0]!.command!;
    const loaded = api().reports.nextLoad();
    // The lens's own command and arguments, as a click runs them.
    const report = await vscode.commands.executeCommand<SessionReport | undefined>(lens.command, ...(lens.arguments ?? []));
    assert.ok(report, 'the command resolves with the report it shows');
    await tabsWhen(() => webviewTabs('therapyTranscript.report').length === 1);
    const tabs = webviewTabs('therapyTranscript.report');
    assert.equal(tabs.length, 1, describeTabs());
    assert.equal(tabs[0]!.label, 'Report: seed-session.transcript');
    // The same figure in the lens and in the report (the issue: 0.3 against 0.25).
    assert.ok(lens.title.includes(`R:Q ${formatRatio(report.reflectionToQuestion)}`), `${lens.title} / ${formatRatio(report.reflectionToQuestion)}`);
    // What the report is of: the seed's problems, its untagged therapist turns and every turn on the timeline.
    assert.ok(report.problems.total > 50, String(report.problems.total));
    assert.ok(report.problems.byRule.some((r) => r.ruleId === 'canned-refusal'));
    assert.ok(report.untagged.length > 0);
    assert.equal(report.timeline.length, 48);
    assert.equal(report.source, editor.document.uri.toString());
    // Nothing new to save and no new document (the old summary left a dirty Untitled-1 behind).
    assert.deepEqual(unsaved(), unsavedBefore);
    assert.equal(vscode.workspace.textDocuments.length, documentsBefore);
    const shot = process.env.VSCODE_TEST_SCREENSHOT_URL;
    if (shot) {
      // For the README: the report wide, beside a narrow transcript.
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
      await vscode.commands.executeCommand('workbench.action.minimizeOtherEditors');
      await loaded;
      await fetch(`${shot}?name=session-report`, { method: 'POST' });
      await vscode.commands.executeCommand('workbench.action.evenEditorWidths');
    }
    // A link to an untagged turn reveals it in the editor (what the webview's postMessage asks for).
    const untagged = report.untagged[0]!;
    const revealed = await vscode.commands.executeCommand<vscode.TextEditor>('therapyTranscript.revealLine', report.source, untagged.line);
    assert.equal(revealed.document.uri.toString(), editor.document.uri.toString());
    assert.equal(revealed.selection.active.line, untagged.line - 1);
    assert.ok(revealed.document.lineAt(untagged.line - 1).text.startsWith(`${untagged.speaker}:`));
    // Again: the same panel, not a second one.
    await vscode.commands.executeCommand('therapyTranscript.showSummary', editor.document.uri);
    assert.equal(webviewTabs('therapyTranscript.report').length, 1, describeTabs());
    // Closing it asks nothing and leaves nothing behind.
    assert.ok(await vscode.window.tabGroups.close(webviewTabs('therapyTranscript.report')));
    await tabsWhen(() => webviewTabs('therapyTranscript.report').length === 0);
    assert.deepEqual(unsaved(), unsavedBefore);
  });

  test('the report follows the transcript as it is edited; a supervisor comment is listed, in the outline too, and counts no words', async () => {
    const editor = await open('tagged-cbt-session.transcript');
    const original = editor.document.getText();
    const first = await vscode.commands.executeCommand<SessionReport>('therapyTranscript.showSummary', editor.document.uri);
    assert.ok(first.stats.ctrsCoverage, 'a CBT session has CTRS coverage');
    assert.equal(first.stats.mi, undefined, 'and no MITI figures');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(editor.document.uri, new vscode.Position(6, 0), '%% Supervisor: good rapport before the agenda\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const second = await vscode.commands.executeCommand<SessionReport>('therapyTranscript.showSummary', editor.document.uri);
    assert.deepEqual(
      second.comments.map((c) => [c.author, c.text]),
      [...first.comments.map((c) => [c.author, c.text]), ['Supervisor', 'good rapport before the agenda']],
    );
    // A comment is not a turn and has no words.
    assert.equal(second.timeline.length, first.timeline.length);
    assert.deepEqual(second.stats.speakers.map((sp) => sp.words), first.stats.speakers.map((sp) => sp.words));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
    const names = symbols.flatMap((sym) => [sym, ...sym.children]).map((sym) => sym.name);
    assert.ok(names.some((n) => n.includes('good rapport before the agenda')), names.join(' | '));
    // The comment out again, saved (whether or not the workbench saves by itself), so the file is as it was.
    const undo = new vscode.WorkspaceEdit();
    undo.delete(editor.document.uri, new vscode.Range(6, 0, 7, 0));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await editor.document.save();
    assert.equal(editor.document.getText(), original);
    await tabsWhen(() => webviewTabs('therapyTranscript.report').length === 1);
    assert.ok(await vscode.window.tabGroups.close(webviewTabs('therapyTranscript.report')));
  });

  test('two coders compared: the second file picked from the workspace, kappa and the disagreeing turns in a webview', async () => {
    const a = sampleUri('tagged-cbt-session.transcript');
    const b = sampleUri('tagged-cbt-session.coder-b.transcript');
    const text = (await vscode.workspace.openTextDocument(a)).getText();
    assert.ok(text.includes('[cbt:validation] That makes'), `${a.toString()}: ${text.length} characters`);
    // Coder B: one tag left out, one changed, one added; the words are the same.
    const coderB = text
      .replace('Therapist: Hi Dana', 'Therapist: [cbt:validation] Hi Dana')
      .replace('[cbt:agenda-setting] Okay', 'Okay')
      .replace('[cbt:validation] That makes', '[cbt:reflection] That makes');
    assert.ok(!text.includes('%%'), 'the sample has no comments (the previous test took its own out again)');
    assert.notEqual(coderB, text);
    await vscode.workspace.fs.writeFile(b, new TextEncoder().encode(coderB));
    await open('tagged-cbt-session.transcript');
    const unsavedBefore = unsaved();
    // Through the quick picks, as a user runs it: B comes first (the same name), then "Every turn".
    const running = vscode.commands.executeCommand<AgreementReport | undefined>('therapyTranscript.compareCoders');
    let done = false;
    void running.then(
      () => (done = true),
      () => (done = true),
    );
    for (let i = 0; i < 1200 && !done; i++) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const report = await running;
    assert.ok(report, 'the comparison ran');
    assert.equal(report.b, 'tagged-cbt-session.coder-b.transcript');
    assert.equal(report.excludeUncoded, false);
    assert.equal(report.units, report.turns);
    assert.deepEqual(
      report.disagreements.map((d) => [d.a, d.b]),
      [
        [[], ['cbt:validation']],
        [['cbt:agenda-setting'], []],
        [['cbt:validation'], ['cbt:reflection']],
      ],
    );
    assert.ok(report.kappa !== undefined && report.kappa > 0 && report.kappa < 1, String(report.kappa));
    const validation = report.techniques.find((t) => t.tag === 'cbt:validation')!;
    assert.deepEqual([validation.onlyA, validation.onlyB], [1, 1]);
    await tabsWhen(() => webviewTabs('therapyTranscript.agreement').length === 1);
    // Uncoded turns left out: fewer turns compared, the same disagreements, the same panel.
    const without = await vscode.commands.executeCommand<AgreementReport>('therapyTranscript.compareCoders', a, undefined, b, { excludeUncoded: true });
    assert.equal(without.excludeUncoded, true);
    assert.ok(without.units < without.turns, `${without.units} of ${without.turns}`);
    assert.equal(without.disagreements.length, 3);
    assert.equal(webviewTabs('therapyTranscript.agreement').length, 1, describeTabs());
    // Two files selected in the Explorer.
    const selected = await vscode.commands.executeCommand<AgreementReport>('therapyTranscript.compareCoders', a, [a, b], undefined, { excludeUncoded: false });
    assert.equal(selected.kappa, report.kappa);
    const shot = process.env.VSCODE_TEST_SCREENSHOT_URL;
    if (shot) {
      // For the README: in a dark theme (the page follows it).
      const workbench = vscode.workspace.getConfiguration('workbench');
      await workbench.update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
      const loaded = api().agreement.nextLoad();
      await vscode.commands.executeCommand('therapyTranscript.compareCoders', a, undefined, b, { excludeUncoded: false });
      await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
      await vscode.commands.executeCommand('workbench.action.minimizeOtherEditors');
      await loaded;
      await fetch(`${shot}?name=two-coders`, { method: 'POST' });
      await vscode.commands.executeCommand('workbench.action.evenEditorWidths');
      await workbench.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.deepEqual(unsaved(), unsavedBefore);
    assert.ok(await vscode.window.tabGroups.close(webviewTabs('therapyTranscript.agreement')));
    await vscode.workspace.fs.delete(b);
  });

  test('a report across the sessions of a folder: the table, the trends and each session, in a webview', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const files = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.transcript'));
    assert.ok(files.length >= 4, String(files.length));
    const unsavedBefore = unsaved();
    const loaded = api().term.nextLoad();
    const term = await vscode.commands.executeCommand<TermReport | undefined>('therapyTranscript.showFolderReport', folder);
    assert.ok(term, 'the report was made');
    assert.equal(term.sessions.length, files.length);
    assert.deepEqual(term.skipped, []);
    const seed = term.rows.find((r) => r.name === 'seed-session.transcript');
    const cbt = term.rows.find((r) => r.name === 'tagged-cbt-session.transcript');
    assert.ok(seed && seed.problems > 50, JSON.stringify(seed));
    assert.ok(cbt && cbt.ctrsCovered !== undefined && cbt.tags > 0, JSON.stringify(cbt));
    assert.equal(term.trends.problems.length, files.length);
    // Each session's links go to its own file.
    assert.deepEqual(term.sessions.map((s) => s.source).sort(), files.map((f) => f.toString()).sort());
    await tabsWhen(() => webviewTabs('therapyTranscript.termReport').length === 1);
    assert.deepEqual(unsaved(), unsavedBefore);
    const shot = process.env.VSCODE_TEST_SCREENSHOT_URL;
    if (shot) {
      await vscode.commands.executeCommand('workbench.action.closeSidebar');
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('workbench.action.minimizeOtherEditors');
      await loaded;
      await fetch(`${shot}?name=folder-report`, { method: 'POST' });
      await vscode.commands.executeCommand('workbench.action.evenEditorWidths');
    }
    assert.ok(await vscode.window.tabGroups.close(webviewTabs('therapyTranscript.termReport')));
  });

  test('the picker offers nothing for a patient turn and says why', async () => {
    const editor = await open('seed-session.transcript');
    const patientLine = editor.document.getText().split('\n').findIndex((l) => l.startsWith('Patient:'));
    const choice = await vscode.commands.executeCommand<{ techniques: unknown[]; message?: string }>('therapyTranscript.server.rankTechniques', editor.document.uri.toString(), { line: patientLine, character: 12 });
    assert.deepEqual(choice.techniques, []);
    assert.match(choice.message ?? '', /patient turn .*no techniques for patient turns/);
  });

  test('workspace diagnostics: a transcript that was never opened shows its problems', async () => {
    const uri = sampleUri('never-opened.transcript');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('Therapist: Call 1-800-273-8255 tonight.\nClient: Okay.\n'));
    await vscode.commands.executeCommand('therapyTranscript.lintWorkspace');
    const diagnostics = await diagnosticsFor(uri, (d) => d.some((x) => codeOf(x) === 'outdated-crisis-line'));
    assert.ok(vscode.workspace.textDocuments.every((d) => d.uri.toString() !== uri.toString()), 'the file is not open');
    assert.equal(diagnostics.filter((d) => codeOf(d) === 'outdated-crisis-line').length, 1);
  });

  test('a file with more problems than VS Code shows: at most 1,000, and a line per rule says what was left out', async () => {
    const turns: string[] = [];
    for (let i = 0; i < 600; i++) turns.push(`Therapsit: Question ${i}: call 1-800-273-8255.`, 'Client:', `Client: Reply ${i}.`);
    const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: `${turns.join('\n')}\n` });
    await vscode.window.showTextDocument(document);
    const diagnostics = await diagnosticsFor(document.uri, (d) => d.some((x) => /not listed/.test(x.message)));
    assert.ok(diagnostics.length <= 1000, String(diagnostics.length));
    assert.ok(diagnostics.every((d) => !/Not showing/.test(d.message)), 'VS Code cut nothing itself');
    assert.equal(diagnostics.filter((d) => codeOf(d) === 'unknown-speaker').length, 600);
    const left = diagnostics.filter((d) => /not listed/.test(d.message)).map((d) => codeOf(d)).sort();
    assert.deepEqual(left, ['consecutive-turns', 'empty-turn', 'outdated-crisis-line']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('an edit to .transcriptrc.json applies at once (the server registered a file watcher with VS Code)', async () => {
    const editor = await open('seed-session.transcript');
    const uri = editor.document.uri;
    await diagnosticsFor(uri, (d) => d.some((x) => codeOf(x) === 'mojibake'));
    const rc = sampleUri('.transcriptrc.json');
    const original = await vscode.workspace.fs.readFile(rc);
    const config = JSON.parse(new TextDecoder().decode(original)) as Record<string, unknown>;
    await vscode.workspace.fs.writeFile(rc, new TextEncoder().encode(JSON.stringify({ ...config, rules: { mojibake: 'off' } })));
    const without = await diagnosticsFor(uri, (d) => d.length > 0 && !d.some((x) => codeOf(x) === 'mojibake'));
    assert.ok(without.some((d) => codeOf(d) === 'repeated-turn'));
    await vscode.workspace.fs.writeFile(rc, original);
    await diagnosticsFor(uri, (d) => d.some((x) => codeOf(x) === 'mojibake'));
  });
});
