/**
 * The server's analysis store: incremental reparses, sliced analysis that
 * gives up when the document moves on, and results identical to a fresh
 * analysis of the same text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisStore } from '../../server/src/features/analysis.ts';
import { SettingsResolver } from '../../server/src/core/resolve.ts';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { SEED } from '../helpers/data.ts';

const seed = fs.readFileSync(SEED, 'utf8');
const view = (messages: Array<{ ruleId: string; start: { offset?: number }; reason: string }>) => messages.map((m) => `${m.start.offset} ${m.ruleId} ${m.reason}`);

function edit(store: AnalysisStore, document: TextDocument, offset: number, text: string) {
  store.changed(document.uri, offset, offset, text.length);
  TextDocument.update(document, [{ range: { start: document.positionAt(offset), end: document.positionAt(offset) }, text }], document.version + 1);
}

test('edits are reparsed incrementally and give the findings of a fresh analysis', () => {
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }));
  const document = TextDocument.create('file:///virtual/seed.transcript', 'therapy-transcript', 1, seed);
  assert.equal(store.get(document).incremental, false);
  for (const where of [(t: string) => t.indexOf('Thank you for sharing that'), (t: string) => t.indexOf('I cannot continue'), (t: string) => t.length - 10]) {
    edit(store, document, where(document.getText()), 'really ');
    const analysis = store.get(document);
    assert.equal(analysis.incremental, true);
    assert.deepEqual(view(analysis.messages), view(analyze(document.getText(), { config: emptyConfig() }).messages));
  }
});

test('a sliced analysis gives up when the document changes, and the next one is right', async () => {
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }));
  // Large enough to take several slices.
  const big = Array.from({ length: 12 }, () => seed).join('\n\n');
  const document = TextDocument.create('file:///virtual/big.transcript', 'therapy-transcript', 1, big);
  let version1Wanted = true;
  const first = store.getInSlices(document, () => version1Wanted);
  // The editor moves on while the first analysis runs.
  version1Wanted = false;
  edit(store, document, big.indexOf('Welcome back'), 'Hello. ');
  assert.equal(await first, undefined);
  const second = await store.getInSlices(document, () => true);
  assert.ok(second);
  assert.equal(second.version, 2);
  assert.deepEqual(view(second.messages), view(analyze(document.getText(), { config: emptyConfig() }).messages));
});

test('edits that overtake each other mid-analysis (turns still being moved) end in the findings of a fresh analysis', async () => {
  // One step per slice: an edit comes while the turns after the previous one are still moving.
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }), { sliceMs: 0 });
  // Enough turns that moving those after an edit takes several steps.
  const big = Array.from({ length: 200 }, () => seed).join('\n\n');
  const document = TextDocument.create('file:///virtual/year.transcript', 'therapy-transcript', 1, big);
  store.get(document);
  const pending: Array<Promise<unknown>> = [];
  let overtookAMove = false;
  for (const [i, text] of ['x', '\n\n', 'Client: Okay.\n\n', 'y'].entries()) {
    overtookAMove ||= store.hasPendingMove(document.uri);
    // Each edit lands early in the session (most turns move), and the next one comes
    // while its analysis is still under way.
    const at = document.getText().indexOf('Welcome back', 1000 * i);
    edit(store, document, at, text);
    const version = document.version;
    pending.push(store.getInSlices(document, () => document.version === version));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const results = await Promise.all(pending);
  assert.ok(results.slice(0, -1).some((r) => r === undefined), 'some analyses were overtaken');
  assert.ok(overtookAMove, 'an edit came while the turns after the previous one were still moving');
  const last = store.get(document);
  assert.equal(last.version, 5);
  assert.equal(last.incremental, true);
  // (The editor lists fewer findings per rule than the CLI.)
  assert.deepEqual(view(last.messages), view(analyze(document.getText(), { config: emptyConfig(), maxFindingsPerRule: store.maxFindingsPerRule }).messages));
});

test('an analysis a request finishes meanwhile is still the one the slices resolve with', async () => {
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }), { sliceMs: 0 });
  const big = Array.from({ length: 12 }, () => seed).join('\n\n');
  const document = TextDocument.create('file:///virtual/big.transcript', 'therapy-transcript', 1, big);
  const sliced = store.getInSlices(document, () => true);
  await new Promise((resolve) => setImmediate(resolve));
  // A request (symbols, code actions) needs the analysis now and finishes it.
  const now = store.get(document);
  assert.equal(await sliced, now);
});

test('a rule that throws costs only its own findings (one rule-error); an analysis that fails is not left behind', async () => {
  const { allRules } = await import('../../server/src/core/rules/index.ts');
  const { Session } = await import('../../server/src/core/session.ts');
  const rule = allRules.find((r) => r.id === 'consecutive-turns')!;
  const check = rule.check!;
  const store = new AnalysisStore(new SettingsResolver({ noConfig: true }));
  const fresh = view(analyze(seed, { config: emptyConfig(), maxFindingsPerRule: store.maxFindingsPerRule }).messages);
  let document = TextDocument.create('file:///virtual/seed.transcript', 'therapy-transcript', 1, seed);
  rule.check = () => {
    throw new Error('a broken rule');
  };
  try {
    const contained = await store.getInSlices(document, () => true);
    const errors = contained!.messages.filter((m) => m.ruleId === 'rule-error');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.reason, /"consecutive-turns" failed on this transcript \(a broken rule\)/);
    assert.deepEqual(view(contained!.messages.filter((m) => m.ruleId !== 'rule-error')), fresh.filter((m) => !m.includes(' consecutive-turns ')));
  } finally {
    rule.check = check;
  }
  // A failure outside the rules fails the analysis; the next one starts afresh.
  const steps = Session.steps;
  Session.steps = function* () {
    throw new Error('a broken session');
  };
  document = TextDocument.create(document.uri, 'therapy-transcript', 2, seed);
  try {
    await assert.rejects(store.getInSlices(document, () => true), /a broken session/);
    assert.throws(() => store.get(document), /a broken session/);
  } finally {
    Session.steps = steps;
  }
  assert.deepEqual(view(store.get(document).messages), fresh);
});
