/**
 * The technique model: the shipped weights load and predict
 * deterministically; training is reproducible (the same examples give the
 * same bytes); the split never trains on held-out sessions; the detectors
 * and the voice model read what they should.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/paths.ts';
import { defaultCodebook } from '../../server/src/core/codebook.ts';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { Session } from '../../server/src/core/session.ts';
import { turnContext } from '../../server/src/core/model/context.ts';
import { featurize } from '../../server/src/core/model/featurize.ts';
import { decodeModels, encodeModels } from '../../server/src/core/model/format.ts';
import { models } from '../../server/src/core/model/load.ts';
import { entryProbabilities, isQuestion, modelForm, questionOf, reflectionOf, voiceOf } from '../../server/src/core/model/predict.ts';
import { cbtHeldOut, type AnnomiLabels, type AnnomiTurn, type CbtTurn } from '../../train/data.ts';
import { DEFAULT_SETTINGS, FeatureStore, trainModels } from '../../train/models.ts';

const codebook = defaultCodebook();

test('the shipped models load once and predict the same probabilities every time', () => {
  const file = models();
  assert.deepEqual([...file.models.keys()].sort(), ['behaviour', 'cbt', 'mi', 'question', 'reflection', 'voice']);
  assert.equal(models(), file, 'loaded once');
  const text = 'Client: I keep thinking I will fail.\n\nTherapist: What is the evidence for that thought?';
  const session = new Session(text, parseTranscript(text));
  const first = entryProbabilities(codebook, 'cbt', turnContext(session, 1))!;
  const again = entryProbabilities(codebook, 'cbt', turnContext(new Session(text, parseTranscript(text)), 1))!;
  assert.deepEqual(again, first);
  assert.equal(first.length, [...codebook.entries('cbt')].length + 1);
});

test('the shipped cbt model was not trained on a held-out session', () => {
  const trainedOn = models().header.trainedOn as { cbt: { sessions: string[] }; annomi: { heldOut: string } };
  assert.ok(trainedOn.cbt.sessions.length > 0);
  for (const name of trainedOn.cbt.sessions) assert.equal(cbtHeldOut(Number(/\d+/.exec(name)![0])), false, name);
  assert.match(trainedOn.annomi.heldOut, /% 4 == 3/);
});

test('a partial tag is not part of the turn the features read', () => {
  const typed = featurize({ text: '[mi: How are you feeling today?', index: 0, count: 1 });
  const clean = featurize({ text: 'How are you feeling today?', index: 0, count: 1 });
  assert.deepEqual(typed.word.keys, clean.word.keys);
  assert.deepEqual(typed.char.keys, clean.char.keys);
});

test('question and reflection detectors and the voice model', () => {
  assert.equal(isQuestion('What brings you in today?'), true);
  assert.equal(questionOf('What brings you in today?')?.type, 'open');
  assert.equal(questionOf('Did you drink last night?')?.type, 'closed');
  assert.equal(isQuestion('I went to the store and bought some milk.'), false);
  assert.ok(reflectionOf('So you feel nobody at home really listens to you.'));
  assert.equal(reflectionOf('What brings you in today?'), undefined);
  const form = modelForm('Mm-hmm.');
  assert.ok(form.question < 0.5 && form.reflection < 0.5);
  assert.ok(voiceOf('It sounds like you have been carrying a lot on your own. What would help most right now?')!.therapist > 0.8);
  assert.ok(voiceOf('My husband drinks every night and I just do not know what to do anymore.')!.therapist < 0.2);
});

// A small fixture: two kinds of turn that any model must tell apart.
function fixture(flip = false): { annomi: AnnomiTurn[]; cbt: CbtTurn[] } {
  const annomi: AnnomiTurn[] = [];
  const cbt: CbtTurn[] = [];
  const labels = (behaviour: AnnomiLabels['behaviour']): AnnomiLabels => ({
    behaviour,
    question: behaviour === 'question',
    question_type: behaviour === 'question' ? 'open' : null,
    reflection: behaviour === 'reflection',
    reflection_type: behaviour === 'reflection' ? 'simple' : null,
    input: false,
    input_type: null,
  });
  for (let n = 0; n < 16; n++) {
    const text = [
      `Therapist: What brings you here today, ${n}?`,
      `Client: I have been drinking too much since ${n} weeks.`,
      `Therapist: So you have been drinking more lately.`,
      `Client: Yes, and my wife is upset.`,
      `Therapist: [cbt:socratic-questioning] What makes you sure she is upset?`,
      `Client: She told me.`,
    ].join('\n\n');
    const session = new Session(text, parseTranscript(text));
    session.turns.forEach((t, i) => {
      const context = turnContext(session, i);
      const behaviour = t.role !== 'therapist' ? null : i === 2 ? (flip && n === 0 ? 'question' : 'reflection') : 'question';
      annomi.push({ file: `f-${n}`, session: n, turn: i, role: t.role, context, labels: labels(behaviour) });
      if (t.role === 'therapist') cbt.push({ file: `s-${n}`, session: n, turn: i, role: t.role, context, technique: i === 4 ? 'socratic-questioning' : i === 2 ? 'reflection' : null });
    });
  }
  return { annomi, cbt };
}

test('training is reproducible: the same examples give the same bytes, other labels other bytes', () => {
  const settings = { ...structuredClone(DEFAULT_SETTINGS), iterations: 20 };
  const hash = (flip: boolean) => {
    const models = trainModels(fixture(flip), codebook, settings, new FeatureStore(), () => {});
    const bytes = encodeModels(models, { fixture: true });
    // What is written reads back as the same models.
    assert.deepEqual([...decodeModels(bytes).models.keys()], models.map((m) => m.spec.name));
    return crypto.createHash('sha256').update(bytes).digest('hex');
  };
  const a = hash(false);
  assert.equal(hash(false), a);
  assert.notEqual(hash(true), a);
});

test('a damaged weight file: suggestions fall back to the cues, the detectors to the rules, with a readable reason', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'technique-model-'));
  const damaged = path.join(dir, 'technique-model.bin');
  fs.writeFileSync(damaged, 'not a model');
  const script = path.join(dir, 'probe.ts');
  const src = (file: string) => JSON.stringify(pathToFileURL(path.join(ROOT, file)).href);
  fs.writeFileSync(
    script,
    [
      `import { parseTranscript } from ${src('server/src/core/parser.ts')};`,
      `import { Session } from ${src('server/src/core/session.ts')};`,
      `import { defaultCodebook } from ${src('server/src/core/codebook.ts')};`,
      `import { rankTechniques } from ${src('server/src/core/suggest.ts')};`,
      `import { isQuestion, voiceOf, modelsAvailable } from ${src('server/src/core/model/predict.ts')};`,
      `const text = 'Therapist: Let us fill in your thought record. What went through your mind?';`,
      `const ranking = rankTechniques(defaultCodebook(), { session: new Session(text, parseTranscript(text)), turn: 0 });`,
      `console.log(JSON.stringify({ available: modelsAvailable(), model: ranking.model, problem: ranking.problem, first: ranking.items[0]?.kind === 'technique' ? ranking.items[0].entry.id : null, question: isQuestion('What went through your mind?'), voice: voiceOf('Hello') ?? null }));`,
    ].join('\n'),
  );
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, TRANSCRIPT_MODEL_FILE: damaged }, encoding: 'utf8' });
  const result = JSON.parse(out.trim().split('\n').pop()!);
  fs.rmSync(dir, { recursive: true, force: true });
  assert.equal(result.available, false);
  assert.equal(result.model, false);
  assert.match(result.problem, /^the technique model file .*technique-model\.bin cannot be read \(.+\); run `npm run train`$/);
  assert.equal(result.first, 'thought-record');
  assert.equal(result.question, true);
  assert.equal(result.voice, null);
});
