import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultCodebook, loadCodebook, CODEBOOK_FILE_NAME } from '../../server/src/core/codebook.ts';
import { suggestTechniques, rankTechniques, normalizeForCues } from '../../server/src/core/suggest.ts';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { Session } from '../../server/src/core/session.ts';
import { ROOT } from '../helpers/paths.ts';

const REQUIRED_CBT = `agenda-setting mood-check homework-review homework-assignment psychoeducation socratic-questioning thought-record
cognitive-distortion cognitive-restructuring decatastrophizing behavioral-activation behavioral-experiment exposure problem-solving role-play
relaxation mindfulness values-clarification self-compassion safety-planning validation reflection summarizing eliciting-feedback`.split(/\s+/);
const REQUIRED_MI = `giving-information persuade persuade-with-permission question simple-reflection complex-reflection affirm seeking-collaboration
emphasizing-autonomy confront`.split(/\s+/);
const CTRS = new Set([
  'Agenda', 'Feedback', 'Understanding', 'Interpersonal effectiveness', 'Collaboration', 'Pacing and efficient use of time',
  'Guided discovery', 'Focus on key cognitions or behaviours', 'Strategy for change', 'Application of CBT techniques', 'Homework',
]);

test('the default codebook: versioned, every required technique, a CTRS item, cues and an example each', () => {
  const codebook = defaultCodebook();
  assert.match(codebook.version, /^\d+\.\d+\.\d+$/);
  for (const id of REQUIRED_CBT) {
    const entry = codebook.get('cbt', id);
    assert.ok(entry, `cbt:${id}`);
    assert.ok(CTRS.has(entry.ctrs!), `${id}: ${entry.ctrs}`);
    assert.ok(entry.definition.length > 80 && entry.cues.length >= 8 && entry.example, id);
  }
  for (const id of REQUIRED_MI) assert.ok(codebook.get('mi', id)?.miti, `mi:${id}`);
  // The package contributes the schema for users' codebooks.
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const validation = pkg.contributes.jsonValidation.find((v: { url: string }) => v.url.includes('codebook.schema.json'));
  assert.ok(validation.fileMatch.includes(CODEBOOK_FILE_NAME));
  assert.ok(fs.existsSync(path.join(ROOT, validation.url)));
});

test('a workspace codebook overrides fields, adds entries and namespaces, and reports problems', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'codebook-'));
  fs.mkdirSync(path.join(dir, 'sessions'));
  fs.writeFileSync(
    path.join(dir, CODEBOOK_FILE_NAME),
    JSON.stringify({
      namespaces: {
        cbt: { entries: [{ id: 'validation', label: 'Validating' }, { id: 'imagery-rescripting', label: 'Imagery rescripting', definition: 'Changing a memory image.', cues: ['imagine the scene'] }, { label: 'no id' }] },
        dbt: { label: 'DBT skills', entries: [{ id: 'distress-tolerance', definition: 'Getting through a crisis.' }] },
      },
    }),
  );
  const { codebook, problems } = loadCodebook({ dir: path.join(dir, 'sessions') });
  assert.equal(codebook.get('cbt', 'validation')!.label, 'Validating');
  assert.ok(codebook.get('cbt', 'validation')!.definition.length > 50, 'fields not given are kept');
  assert.equal(codebook.get('cbt', 'imagery-rescripting')!.cues[0], 'imagine the scene');
  assert.equal(codebook.get('dbt', 'distress-tolerance')!.label, 'Distress tolerance');
  assert.deepEqual(problems, [`${CODEBOOK_FILE_NAME}: an entry of "cbt" has no valid "id" (lower-case words joined by "-").`]);
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{ nope');
  assert.match(loadCodebook({ file: broken }).problems[0]!, /Cannot read the codebook/);
});

test('nearest ids for a misspelt tag', () => {
  const codebook = defaultCodebook();
  assert.equal(codebook.nearest('cbt', 'socratic-questionning')[0]!.id, 'socratic-questioning');
  assert.equal(codebook.nearest('cbt', 'socratic')[0]!.id, 'socratic-questioning');
  assert.equal(codebook.nearest('cbt', 'homework-asignment')[0]!.id, 'homework-assignment');
});

function suggest(lines: string[], turn: number, namespace = 'cbt') {
  const text = lines.join('\n\n');
  const session = new Session(text, parseTranscript(text));
  return suggestTechniques(defaultCodebook(), { session, turn, text: session.turns[turn]!.features.text, namespace });
}

test('suggestions come ranked by probability with reasons a person can check', () => {
  const thoughtRecord = suggest(['Client: I felt like a failure all week.', 'Therapist: Let’s write it in your thought record: what is the evidence for that thought, and the evidence against it?'], 1);
  assert.ok(thoughtRecord.slice(0, 3).some((s) => s.entry.id === 'thought-record'), JSON.stringify(thoughtRecord.map((s) => s.entry.id)));
  const record = thoughtRecord.find((s) => s.entry.id === 'thought-record')!;
  assert.match(record.reasons.join('; '), /the codebook's cues? .*'thought record'/);
  for (let i = 1; i < thoughtRecord.length; i++) assert.ok(thoughtRecord[i - 1]!.probability >= thoughtRecord[i]!.probability);

  const mi = suggest(['Client: I drink to unwind.', 'Therapist: What else do you enjoy in the evenings?'], 1, 'mi');
  assert.equal(mi[0]!.entry.id, 'question');
  assert.match(mi[0]!.reasons.join(' '), /an open question/);
  // Reasons are words, never scores.
  for (const s of [...thoughtRecord, ...mi]) for (const r of s.reasons) assert.doesNotMatch(r, /\d\.\d|score|%/);
  assert.equal(normalizeForCues("It’s a “Thought-Record”, isn't it?"), " it's a thought-record isn't it ");
});

test('every entry and "no technique" are ranked; a backchannel ranks "no technique" first', () => {
  const text = 'Client: And then my sister called again.\n\nTherapist: Mm-hmm.';
  const session = new Session(text, parseTranscript(text));
  for (const namespace of ['cbt', 'mi']) {
    const ranking = rankTechniques(defaultCodebook(), { session, turn: 1, namespace });
    assert.equal(ranking.model, true);
    assert.equal(ranking.items.length, [...defaultCodebook().entries(namespace)].length + 1);
    assert.equal(ranking.items[0]!.kind, 'none', `${namespace}: ${ranking.items.slice(0, 3).map((i) => (i.kind === 'none' ? 'none' : i.entry.id)).join(', ')}`);
    const total = ranking.items.reduce((sum, i) => sum + i.probability, 0);
    assert.ok(Math.abs(total - 1) < 1e-9);
  }
});

test('a namespace no model ranks (a workspace codebook adds it) is ranked by its cues', () => {
  const codebook = defaultCodebook();
  codebook.merge({ namespaces: { dbt: { entries: [{ id: 'chain-analysis', label: 'Chain analysis', cues: ['chain analysis', 'what happened right before'] }] } } }, 'extra.codebook.json');
  const text = 'Client: I lost it again.\n\nTherapist: Let us do a chain analysis: what happened right before?';
  const session = new Session(text, parseTranscript(text));
  const ranking = rankTechniques(codebook, { session, turn: 1, namespace: 'dbt' });
  assert.equal(ranking.model, false);
  assert.equal(ranking.items[0]!.kind === 'technique' && ranking.items[0]!.entry.id, 'chain-analysis');
});

test('unknown-tag and tag-on-patient-turn', () => {
  const text = 'Therapist: [cbt:socratic-questionning] What makes you sure?\nClient: [cbt:reflection] I just know.\nTherapist: [cbd:validation] [ignore:repeated-turns] Okay. [cbt:not-a-tag]\n';
  const { messages } = analyze(text, { config: emptyConfig() });
  const found = messages.filter((m) => m.ruleId === 'unknown-tag' || m.ruleId === 'tag-on-patient-turn');
  assert.deepEqual(
    found.map((m) => [m.ruleId, text.slice(m.start.offset, m.end.offset), m.fixes[0]?.title]),
    [
      ['unknown-tag', '[cbt:socratic-questionning]', 'Change to [cbt:socratic-questioning]'],
      ['tag-on-patient-turn', '[cbt:reflection]', 'Remove this tag'],
      ['unknown-tag', '[cbd:validation]', 'Change to [cbt:validation]'],
      ['unknown-tag', '[ignore:repeated-turns]', 'Change to [ignore:repeated-turn]'],
    ],
  );
  assert.match(found[0]!.reason, /did you mean "socratic-questioning"\?/);
  // A misspelt-tag fix edits only the id.
  const edit = found[0]!.fixes[0]!.edits[0]!;
  assert.equal(text.slice(edit.start, edit.end), 'socratic-questionning');
});
