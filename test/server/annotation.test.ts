/**
 * Annotation over a real LSP connection: tag suggestions in code actions,
 * completion and hover on tags, misspelt-tag fixes, references, rename and
 * workspace symbols across files, and the untagged text.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CompletionItem, CompletionList, Hover, Location, SymbolInformation, TextEdit, WorkspaceEdit, Range, Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { startClient, type TestClient } from '../helpers/lsp-client.ts';
import { SEED } from '../helpers/data.ts';
import { parseTranscript } from '../../server/src/core/parser.ts';

const seed = fs.readFileSync(SEED, 'utf8');
let client: TestClient;
let workspace: string;
let seedUri: string;

before(async () => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-annotation-'));
  fs.writeFileSync(path.join(workspace, 'a.transcript'), 'Therapist: [cbt:agenda-setting] What shall we cover today?\nClient: Sleep.\nTherapist: [cbt:socratic-questioning] What makes you sure?\n');
  fs.mkdirSync(path.join(workspace, 'week2'));
  fs.writeFileSync(path.join(workspace, 'week2/b.transcript'), 'Therapist: [cbt:socratic-questioning] How do you know that?\nClient: I guess I do not.\n');
  fs.copyFileSync(SEED, path.join(workspace, 'seed.transcript'));
  seedUri = pathToFileURL(path.join(workspace, 'seed.transcript')).href;
  client = await startClient({ rootDir: workspace });
  client.open(seedUri, seed, 1);
  await client.diagnostics(seedUri, 1);
});
after(async () => {
  await client.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

const applyEdits = (text: string, edits: TextEdit[]) => TextDocument.applyEdits(TextDocument.create('x', 'x', 1, text), edits);
const request = <T>(method: string, params: unknown) => client.connection.sendRequest(method, params) as Promise<T>;
const codeActions = (uri: string, range: Range, diagnostics: Diagnostic[] = []) =>
  request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics } });

test('every therapist turn of the seed gets technique suggestions for both namespaces in the light bulb, best first', async () => {
  const turns = parseTranscript(seed).children.filter((c) => c.type === 'turn' && c.role === 'therapist');
  assert.equal(turns.length, 24);
  let preferredSeen = 0;
  for (const turn of turns) {
    const at = { line: turn.position.start.line - 1, character: 20 };
    const actions = await codeActions(seedUri, { start: at, end: at });
    // The seed has no tags yet: both namespaces apply to the therapist, three entries each
    // (a technique, or "no technique likely" where the model ranks that among the first three).
    for (const ns of ['cbt', 'mi']) {
      const entries = actions.filter((a) => a.title.startsWith(`Tag turn as ${ns}: `) || a.title.startsWith(`No ${ns} technique likely`));
      assert.equal(entries.length, 3, `line ${at.line + 1} ${ns}: ${actions.map((a) => a.title).join(' | ')}`);
      for (const a of entries.filter((e) => e.title.startsWith('Tag turn'))) assert.match(a.title, /\(.+\)$/, 'each suggestion says why');
    }
    const preferred = actions.filter((a) => a.isPreferred && (a.title.startsWith('Tag turn') || a.title.startsWith('No ')));
    assert.ok(preferred.length <= 1);
    if (preferred.length === 1) {
      preferredSeen++;
      assert.ok(preferred[0]!.title.startsWith('Tag turn as '));
    }
    assert.ok(actions.some((a) => a.command?.command === 'therapyTranscript.server.pickTechnique'));
  }
  assert.ok(preferredSeen >= 20, `${preferredSeen} of 24 turns have a preferred suggestion`);
  // The first turn: applying the preferred action inserts the tag right after "Therapist: ".
  const first = turns[0]!;
  const actions = await codeActions(seedUri, { start: { line: first.position.start.line - 1, character: 30 }, end: { line: first.position.start.line - 1, character: 30 } });
  const preferred = actions.find((a) => a.isPreferred && a.title.startsWith('Tag turn as'))!;
  const tagged = applyEdits(seed, preferred.edit!.changes![seedUri]!);
  assert.match(tagged.split('\n')[32]!, /^Therapist: \[(cbt|mi):[a-z-]+\] Welcome back to our session, Naomi\./);
});

test('suggestions only for the namespaces the document uses and the roles they apply to', async () => {
  const uri = 'file:///virtual/namespaces.transcript';
  const text = 'Therapist: [cbt:mood-check] How has your mood been this week, from 0 to 10?\nClient: I keep thinking I will fail at work.\nTherapist: What is the evidence that you will fail?\n';
  client.open(uri, text, 1);
  await client.diagnostics(uri, 1);
  const onTherapist = await codeActions(uri, { start: { line: 2, character: 15 }, end: { line: 2, character: 15 } });
  const tags = onTherapist.filter((a) => a.title.startsWith('Tag turn as '));
  assert.ok(tags.length >= 1 && tags.length <= 3, onTherapist.map((a) => a.title).join(' | '));
  assert.ok(tags.every((a) => /^Tag turn as [A-Z]/.test(a.title) && !a.title.includes('mi:')), 'only cbt, the namespace in use');
  assert.match(tags[0]!.title, /^Tag turn as Socratic questioning \(.*question.*\)$/);
  const edit = tags[0]!.edit!.changes![uri]![0]!;
  assert.equal(applyEdits(text, [edit]).split('\n')[2], 'Therapist: [cbt:socratic-questioning] What is the evidence that you will fail?');
  // The codebook's namespaces apply to the therapist only: nothing to suggest on a client turn.
  const onClient = await codeActions(uri, { start: { line: 1, character: 12 }, end: { line: 1, character: 12 } });
  assert.deepEqual(onClient.filter((a) => a.title.startsWith('Tag turn') || a.title.startsWith('No ')), []);
});

test('a backchannel gets a "no technique" entry in the light bulb and in completion', async () => {
  const uri = 'file:///virtual/none.transcript';
  const text = 'Client: And then my sister called and we argued again about the house.\nTherapist: [mi:Mm-hmm.\nClient: Yeah.\n';
  client.open(uri, text, 1);
  await client.diagnostics(uri, 1);
  const result = await request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 15 } });
  const items = (Array.isArray(result) ? result : result.items).sort((a, b) => a.sortText!.localeCompare(b.sortText!));
  assert.equal(items[0]!.label, '(no technique)');
  assert.equal(items[0]!.preselect, true);
  // Accepting it takes the typed tag away again.
  assert.equal(applyEdits(text, [items[0]!.textEdit as TextEdit]).split('\n')[1], 'Therapist: Mm-hmm.');
  const actions = await codeActions(uri, { start: { line: 1, character: 16 }, end: { line: 1, character: 16 } });
  // The document uses no tags yet: both namespaces are offered, each with its "no technique" entry.
  const none = actions.find((a) => a.title.startsWith('No cbt technique likely in this turn'))!;
  assert.ok(none, actions.map((a) => a.title).join(' | '));
  assert.equal(none.command?.command, 'therapyTranscript.server.pickTechnique');
  assert.ok(!actions.some((a) => a.isPreferred), 'nothing is preferred when no technique is likely');
});

test('[mi: typed right after the label ranks the turn as if the tag were not there', async () => {
  const uri = 'file:///virtual/partial.transcript';
  const start = 'Client: I have been so tired lately.\nTherapist: [mi:How are you feeling today?\n';
  const end = 'Client: I have been so tired lately.\nTherapist: How are you feeling today? [mi:\n';
  client.open(uri, start, 1);
  await client.diagnostics(uri, 1);
  const ranked = async (at: number) => {
    const result = await request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: at } });
    return (Array.isArray(result) ? result : result.items).sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label);
  };
  const afterLabel = await ranked(15);
  assert.equal(afterLabel[0], 'question');
  assert.equal(afterLabel.length, 11, 'every mi entry and "(no technique)" is ranked');
  client.change(uri, 2, [{ text: end }]);
  await client.diagnostics(uri, 2);
  assert.deepEqual(await ranked(end.split('\n')[1]!.length), afterLabel);
});

test('a later paragraph is tagged on its own; a tag can be removed', async () => {
  const text = 'Therapist: How was the week?\n\nLet us look at your thought record together.\nClient: [cbt:reflection] Sure.\n';
  const uri = 'file:///virtual/paragraphs.transcript';
  client.open(uri, text, 1);
  await client.diagnostics(uri, 1);
  const actions = await codeActions(uri, { start: { line: 2, character: 5 }, end: { line: 2, character: 5 } });
  const paragraph = actions.find((a) => a.title.startsWith('Tag paragraph as Thought record'))!;
  assert.ok(paragraph, actions.map((a) => a.title).join(' | '));
  assert.equal(applyEdits(text, paragraph.edit!.changes![uri]!).split('\n')[2], '[cbt:thought-record] Let us look at your thought record together.');
  const onTag = await codeActions(uri, { start: { line: 3, character: 12 }, end: { line: 3, character: 12 } });
  const remove = onTag.find((a) => a.title === 'Remove tag [cbt:reflection]')!;
  assert.equal(applyEdits(text, remove.edit!.changes![uri]!), 'Therapist: How was the week?\n\nLet us look at your thought record together.\nClient: Sure.\n');
});

test('completion after [cbt: lists the codebook with definitions; after [ the namespaces', async () => {
  const uri = 'file:///virtual/complete.transcript';
  const text = 'Client: I keep thinking I will fail.\nTherapist: [cbt:] What is the evidence for that thought?\n';
  client.open(uri, text, 1);
  await client.diagnostics(uri, 1);
  const result = await request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 16 } });
  const items = Array.isArray(result) ? result : result.items;
  const socratic = items.find((i) => i.label === 'socratic-questioning')!;
  assert.ok(items.length >= 24);
  assert.match(JSON.stringify(socratic.documentation), /Guided discovery/);
  // Accepting it replaces the auto-closed bracket and leaves one space before the text.
  const edit = socratic.textEdit as TextEdit;
  assert.equal(applyEdits(text, [edit]).split('\n')[1], 'Therapist: [cbt:socratic-questioning] What is the evidence for that thought?');
  const best = [...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!))[0]!;
  assert.equal(best.preselect, true);
  const namespaces = await request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 12 } });
  assert.deepEqual(namespaces.map((i) => i.label).sort(), ['cbt:', 'ignore:', 'mi:']);
});

test('hover on a tag shows label, CTRS item and definition', async () => {
  const hover = await request<Hover | null>('textDocument/hover', { textDocument: { uri: pathToFileURL(path.join(workspace, 'a.transcript')).href }, position: { line: 0, character: 15 } });
  // a.transcript is not open: hover answers only for open documents.
  assert.equal(hover, null);
  const uri = 'file:///virtual/hover.transcript';
  client.open(uri, 'Therapist: [cbt:decatastrophizing] And if that happened, how would you cope?\n', 1);
  await client.diagnostics(uri, 1);
  const result = await request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 20 } });
  const value = (result.contents as { value: string }).value;
  assert.match(value, /^\*\*Decatastrophizing\*\* `\[cbt:decatastrophizing\]`/);
  assert.match(value, /CTRS item: \*Application of CBT techniques\*/);
  assert.deepEqual(result.range, { start: { line: 0, character: 11 }, end: { line: 0, character: 34 } });
});

test('a misspelt tag is reported with a fix to the nearest id', async () => {
  const uri = 'file:///virtual/misspelt.transcript';
  const text = 'Therapist: [cbt:socratic-questionning] What makes you sure?\n';
  client.open(uri, text, 1);
  const { diagnostics } = await client.diagnostics(uri, 1);
  const unknown = diagnostics.filter((d) => d.code === 'unknown-tag');
  assert.equal(unknown.length, 1);
  const actions = await codeActions(uri, unknown[0]!.range, unknown);
  const fix = actions.find((a) => a.title === 'Change to [cbt:socratic-questioning]')!;
  assert.equal(fix.isPreferred, true);
  assert.equal(applyEdits(text, fix.edit!.changes![uri]!), 'Therapist: [cbt:socratic-questioning] What makes you sure?\n');
});

test('references, rename and workspace symbols span the workspace', async () => {
  const aUri = pathToFileURL(path.join(workspace, 'a.transcript')).href;
  const aText = fs.readFileSync(path.join(workspace, 'a.transcript'), 'utf8');
  client.open(aUri, aText, 1);
  await client.diagnostics(aUri, 1);
  const position = { line: 2, character: 20 };
  const refs = await request<Location[]>('textDocument/references', { textDocument: { uri: aUri }, position, context: { includeDeclaration: true } });
  assert.deepEqual(refs.map((r) => path.relative(workspace, new URL(r.uri).pathname)).sort(), ['a.transcript', 'week2/b.transcript']);

  const prepared = await request<{ range: Range; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri: aUri }, position });
  assert.equal(prepared.placeholder, 'socratic-questioning');
  const edit = await request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: aUri }, position, newName: 'guided-discovery' });
  const bUri = pathToFileURL(path.join(workspace, 'week2/b.transcript')).href;
  const bText = fs.readFileSync(path.join(workspace, 'week2/b.transcript'), 'utf8');
  assert.equal(applyEdits(bText, edit.changes![bUri]!), bText.replace('[cbt:socratic-questioning]', '[cbt:guided-discovery]'));
  assert.equal(applyEdits(aText, edit.changes![aUri]!), aText.replace('[cbt:socratic-questioning]', '[cbt:guided-discovery]'));
  await assert.rejects(request('textDocument/rename', { textDocument: { uri: aUri }, position, newName: 'Not An Id' }), /not a valid tag id/);

  const symbols = await request<SymbolInformation[]>('workspace/symbol', { query: 'agenda' });
  assert.deepEqual(symbols.map((s) => [s.name, s.containerName]), [['[cbt:agenda-setting] Agenda setting', 'a.transcript · turn 1 (Therapist)']]);
});

test('the untagged text, from a command, restores the transcript byte for byte', async () => {
  const uri = 'file:///virtual/strip.transcript';
  const original = 'Therapist: What shall we cover?\r\n\r\nYou sound tired.\r\nClient: Yes.';
  const tagged = 'Therapist: [cbt:agenda-setting] [mi:question] What shall we cover?\r\n\r\n[cbt:reflection] You sound tired.\r\nClient: [ignore:all] Yes.';
  client.open(uri, tagged, 1);
  const stripped = await request<string>('workspace/executeCommand', { command: 'therapyTranscript.server.stripTags', arguments: [uri] });
  assert.equal(stripped, original);
  const choice = await request<{ insertAt: { line: number; character: number }; techniques: Array<{ id: string }> }>('workspace/executeCommand', {
    command: 'therapyTranscript.server.rankTechniques',
    arguments: [uri, { line: 2, character: 3 }],
  });
  assert.deepEqual(choice.insertAt, { line: 2, character: 17 });
  assert.ok(choice.techniques.length >= 24);
});

test('a code lens above the session summarises it; the summary command gives the full Markdown', async () => {
  const lenses = await request<Array<{ range: Range; command: { title: string; command: string; arguments: unknown[] } }>>('textDocument/codeLens', { textDocument: { uri: seedUri } });
  assert.equal(lenses.length, 1);
  assert.equal(lenses[0]!.range.start.line, 32);
  assert.match(lenses[0]!.command.title, /^48 turns · therapist \d+% of words · \d+ questions \(\d+ open\) · \d+ reflections?/);
  // A client other than VS Code gets the server's command (it shows the summary as a message).
  assert.equal(lenses[0]!.command.command, 'therapyTranscript.server.showSummary');
  const markdown = await request<string>('workspace/executeCommand', { command: 'therapyTranscript.server.summary', arguments: [seedUri] });
  assert.match(markdown, /^# Session report — seed\.transcript/);
  assert.match(markdown, /## Problems \(\d+\)/);
});
