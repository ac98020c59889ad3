/**
 * The editor's answers equal those of a fresh open (issue 13): a misspelt
 * label on line 1 that a later edit makes recur, the line endings of "Start a
 * new turn" after an edit elsewhere adds the first CRLF, and a document
 * closed mid-analysis and opened again at version 1 with other text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisStore } from '../../server/src/features/analysis.ts';
import { SettingsResolver } from '../../server/src/core/resolve.ts';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { documentSymbols } from '../../server/src/features/symbols.ts';
import { foldingRanges } from '../../server/src/features/folding.ts';
import { codeLenses } from '../../server/src/features/codeLens.ts';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { addChange, reparse } from '../../server/src/core/incremental/reparse.ts';
import { SpeakerTable } from '../../server/src/core/speakers.ts';
import { SEED } from '../helpers/data.ts';

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));
const view = (messages: Array<{ ruleId: string; start: { offset?: number }; reason: string; fixes: unknown[] }>) =>
  messages.map((m) => `${m.start.offset} ${m.ruleId} ${m.reason} ${JSON.stringify(m.fixes)}`);

function replace(store: AnalysisStore, document: TextDocument, start: number, end: number, text: string) {
  store.changed(document.uri, start, end, text.length);
  TextDocument.update(document, [{ range: { start: document.positionAt(start), end: document.positionAt(end) }, text }], document.version + 1);
}

/** Every view the store's analysis feeds, as plain data. */
function views(store: AnalysisStore, document: TextDocument) {
  const analysis = store.get(document);
  return plain({ messages: view(analysis.messages), symbols: documentSymbols(analysis), folding: foldingRanges(analysis), lenses: codeLenses(analysis) });
}

function fresh(document: TextDocument) {
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }));
  return views(store, TextDocument.create(document.uri, document.languageId, document.version, document.getText()));
}

test('a misspelt label on line 1 becomes a turn when a second one is typed, as in a fresh parse (and back when it is deleted)', () => {
  const source = 'Therapsit: Hello, how have you been this week?\n\nPatient: Not great, to be honest.\n\nTherapist: Tell me more about that.\n';
  // The parser's own view: line 1 is header text until the label recurs.
  assert.equal(parseTranscript(source).children[0]!.type, 'header');
  const typed = `${source}\nTherapsit: What made it hard?\n`;
  assert.equal(parseTranscript(typed).children[0]!.type, 'turn');
  const speakers = new SpeakerTable();
  const tree = parseTranscript(source, { speakers });
  const reparsed = reparse({ text: source, tree }, typed, addChange(undefined, source.length, source.length, typed.length - source.length), speakers);
  assert.deepEqual(plain(reparsed ?? parseTranscript(typed, { speakers })), plain(parseTranscript(typed, { speakers })));

  // Through the editor's store: diagnostics (the unknown-speaker error), outline, folding and code lens.
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }));
  const document = TextDocument.create('file:///virtual/typo.transcript', 'therapy-transcript', 1, source);
  store.get(document);
  replace(store, document, source.length, source.length, '\nTherapsit: What made it hard?\n');
  assert.deepEqual(views(store, document), fresh(document));
  assert.ok(store.get(document).messages.filter((m) => m.ruleId === 'unknown-speaker').length === 2);
  // Deleting the second one makes line 1 header text again.
  replace(store, document, source.length, document.getText().length, '');
  assert.deepEqual(views(store, document), fresh(document));
  assert.equal(store.get(document).session.turns.length, 2);
});

test('"Start a new turn" inserts the line ending the document uses now, after an edit elsewhere adds its first CRLF', () => {
  // Enough turns that an edit at the end re-makes only a few of them (the rest keep their findings).
  const later = Array.from({ length: 20 }, (_, i) => `Patient: I slept well on night ${i + 1}.\n\nTherapist: Good to hear, number ${i + 1}.\n`).join('\n');
  const source = `Therapist: How are you? Patient: Fine, thanks.\n\n${later}`;
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }));
  const document = TextDocument.create('file:///virtual/eol.transcript', 'therapy-transcript', 1, source);
  const split = (analysis: ReturnType<AnalysisStore['get']>) =>
    analysis.messages.flatMap((m) => m.fixes).find((f) => f.title.startsWith('Start a new turn'))!.edits[0]!.text;
  assert.equal(split(store.get(document)), '\n\n');
  // An edit at the end (another turn, far from the leaked label) brings the first CRLF.
  replace(store, document, source.length, source.length, '\r\nPatient: Thanks.\r\n');
  assert.equal(split(store.get(document)), '\r\n\r\n');
  assert.deepEqual(views(store, document), fresh(document));
  // And back: the CRLF removed, the fix inserts LF again.
  replace(store, document, source.length, document.getText().length, '');
  assert.equal(split(store.get(document)), '\n\n');
});

test('a document closed while its diagnostics are computed and opened again at version 1 with other text: the new text is analysed', async () => {
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }));
  const seed = fs.readFileSync(SEED, 'utf8');
  const big = Array.from({ length: 12 }, () => seed).join('\n\n');
  const uri = 'file:///virtual/reopened.transcript';
  const closed = TextDocument.create(uri, 'therapy-transcript', 1, big);
  let open = true;
  const pending = store.getInSlices(closed, () => open);
  // Closed mid-analysis; the old request's caller may still ask for the closed document.
  open = false;
  store.forget(uri);
  const reopened = TextDocument.create(uri, 'therapy-transcript', 1, 'Therapist: Call 1-800-273-8255.\n\nPatient:\n');
  const expected = view(analyze(reopened.getText(), { config: emptyConfig() }).messages);
  // A request that finishes the closed document's analysis (as the old pull handler did) …
  const stale = store.get(closed);
  assert.equal(stale.session.text, big);
  // … must not be taken for the new document's.
  assert.deepEqual(view(store.get(reopened).messages), expected);
  assert.deepEqual(view((await store.getInSlices(reopened, () => true))!.messages), expected);
  await pending;
});

test('requests that need only the session (hover, outline, folding …) are answered before the rules run, and from the same session', async () => {
  // One step per slice: every request waits in steps, so the order of events is the order of the work.
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }), { sliceMs: 0 });
  const seed = fs.readFileSync(SEED, 'utf8');
  const big = Array.from({ length: 20 }, () => seed).join('\n\n');
  const document = TextDocument.create('file:///virtual/first-open.transcript', 'therapy-transcript', 1, big);
  const order: string[] = [];
  const diagnostics = store.getInSlices(document, () => true).then((analysis) => {
    order.push('analysis');
    return analysis!;
  });
  const view = await store.sessionInSlices(document, () => true);
  order.push('session');
  assert.ok(view);
  assert.equal('messages' in view, false, 'the session alone, not a finished analysis');
  const analysis = await diagnostics;
  assert.deepEqual(order, ['session', 'analysis']);
  // The analysis is of that very session, and the views built from either are equal.
  assert.equal(analysis.session, view.session);
  assert.deepEqual(plain(documentSymbols(view)), plain(documentSymbols(analysis)));
  assert.deepEqual(plain(foldingRanges(view)), plain(foldingRanges(analysis)));
});
