/**
 * `npm run train -- --dev`: figures for choosing the settings, on data the
 * shipped figures are not measured on: AnnoMI's development sessions (NNN 1
 * modulo 4, left out of this fit) and the CBT training sessions by
 * leave-sessions-out (three folds). Never reads a held-out session.
 */
import type { Codebook } from '../server/src/core/codebook.ts';
import { detectQuestion, looksLikeReflection } from '../server/src/core/detect/question.ts';
import { decodeModels, encodeModels, type DenseModel } from '../server/src/core/model/format.ts';
import { useModels } from '../server/src/core/model/load.ts';
import { entryProbabilities, FORM_THRESHOLDS, modelForm, voiceOf } from '../server/src/core/model/predict.ts';
import { annomiDev, annomiHeldOut, cbtHeldOut, type AnnomiLabels } from './data.ts';
import { addRanking, auc, constantGuess, counts, macroF1, prf, rate, topK, type TopK } from './metrics.ts';
import { BEHAVIOUR_CLASSES, BEHAVIOUR_ENTRIES, behaviourTarget, trainModels, type FeatureStore, type Settings, type TrainingData } from './models.ts';

/** The four behaviours AnnoMI's experts code, from the `mi` entries. */
export const BEHAVIOUR_OF_ENTRY: Record<string, string> = {
  question: 'question',
  'simple-reflection': 'reflection',
  'complex-reflection': 'reflection',
  'giving-information': 'therapist_input',
  persuade: 'therapist_input',
  'persuade-with-permission': 'therapist_input',
  'seeking-collaboration': 'therapist_input',
  'emphasizing-autonomy': 'therapist_input',
};
export const BEHAVIOURS = ['question', 'reflection', 'therapist_input', 'other'] as const;

/** The `mi` entry (null: none) AnnoMI's labels give a therapist turn. */
export function miEntryOf(l: AnnomiLabels): string | null | undefined {
  const t = behaviourTarget(l);
  if (!t) return undefined;
  return BEHAVIOUR_ENTRIES[BEHAVIOUR_CLASSES.indexOf(t[0] as (typeof BEHAVIOUR_CLASSES)[number])]!;
}

/** The predicted behaviour: the one whose entries have the most probability. */
export function predictedBehaviour(ranked: Array<{ id: string | null; probability: number }>): string {
  const sums = new Map<string, number>();
  for (const r of ranked) {
    const b = r.id === null ? 'other' : (BEHAVIOUR_OF_ENTRY[r.id] ?? 'other');
    sums.set(b, (sums.get(b) ?? 0) + r.probability);
  }
  return [...sums].sort((a, b) => b[1] - a[1])[0]![0];
}

/** The issue's ESConv mapping read from AnnoMI's codes: the cbt ids that fit a turn. */
export function cbtIdsForAnnomi(l: AnnomiLabels): Set<string> | undefined {
  switch (l.behaviour) {
    case 'question':
      return new Set(['socratic-questioning']);
    case 'reflection':
      return new Set(l.reflection_type === 'complex' ? ['reflection', 'validation'] : ['reflection', 'summarizing']);
    case 'therapist_input':
      if (l.input_type === 'information') return new Set(['psychoeducation']);
      if (l.input_type === 'advice') return new Set(['problem-solving', 'behavioral-activation', 'activity-scheduling', 'relaxation', 'mindfulness', 'homework-assignment', 'goal-setting']);
      return undefined;
    default:
      return undefined;
  }
}

const pct = (x: number) => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);
const f3 = (x: number) => x.toFixed(3);

function fitAndUse(data: TrainingData, codebook: Codebook, settings: Settings, features: FeatureStore, log: (line: string) => void, reuse: DenseModel[] = []): DenseModel[] {
  const models = trainModels(data, codebook, settings, features, log, reuse);
  useModels(decodeModels(encodeModels(models, {})));
  return models;
}

export function devReport(data: TrainingData, codebook: Codebook, settings: Settings, features: FeatureStore, log: (line: string) => void): void {
  const annomiTrain = data.annomi.filter((t) => !annomiHeldOut(t.session) && !annomiDev(t.session));
  const annomiDevTurns = data.annomi.filter((t) => annomiDev(t.session));
  const cbtTrain = data.cbt.filter((t) => !cbtHeldOut(t.session));
  log(`dev: fitting on ${annomiTrain.length} AnnoMI turns, measuring on ${annomiDevTurns.length}`);
  const fitted = fitAndUse({ annomi: annomiTrain, cbt: cbtTrain }, codebook, settings, features, log);

  // AnnoMI development sessions.
  const therapist = annomiDevTurns.filter((t) => t.role === 'therapist' && t.labels.behaviour !== null);
  const behaviourPairs: Array<[string, string]> = [];
  const qModel: Array<[boolean, boolean]> = [];
  const qOld: Array<[boolean, boolean]> = [];
  const rModel: Array<[boolean, boolean]> = [];
  const rOld: Array<[boolean, boolean]> = [];
  const qScores: Array<[number, boolean]> = [];
  const rScores: Array<[number, boolean]> = [];
  const mi = topK();
  const miPer = new Map<string, TopK>();
  const miAccepted: Array<Set<string | null>> = [];
  const cross = topK();
  const crossAccepted: Array<Set<string | null>> = [];
  let typeRight = 0;
  let typeAll = 0;
  for (const t of therapist) {
    const ranked = entryProbabilities(codebook, 'mi', t.context)!;
    behaviourPairs.push([predictedBehaviour(ranked), t.labels.behaviour!]);
    const form = modelForm(t.context);
    const q = detectQuestion(t.context.text);
    if (t.labels.question !== null) {
      qModel.push([form.question >= FORM_THRESHOLDS.question, t.labels.question]);
      qScores.push([form.question, t.labels.question]);
      qOld.push([q !== undefined, t.labels.question]);
      if (t.labels.question && form.question >= FORM_THRESHOLDS.question && t.labels.question_type) {
        typeAll++;
        if (form.questionType === t.labels.question_type) typeRight++;
      }
    }
    if (t.labels.reflection !== null) {
      rModel.push([form.reflection >= FORM_THRESHOLDS.reflection, t.labels.reflection]);
      rScores.push([form.reflection, t.labels.reflection]);
      rOld.push([looksLikeReflection(t.context.text), t.labels.reflection]);
    }
    const gold = miEntryOf(t.labels);
    if (gold !== undefined) {
      const accepted = new Set([gold]);
      addRanking(mi, ranked.map((r) => r.id), accepted);
      const key = gold ?? '(none)';
      if (!miPer.has(key)) miPer.set(key, topK());
      addRanking(miPer.get(key)!, ranked.map((r) => r.id), accepted);
      miAccepted.push(accepted);
    }
    const cbtIds = cbtIdsForAnnomi(t.labels);
    if (cbtIds) {
      const rankedCbt = entryProbabilities(codebook, 'cbt', t.context)!;
      addRanking(cross, rankedCbt.map((r) => r.id), cbtIds);
      crossAccepted.push(cbtIds);
    }
  }
  const macro = macroF1(behaviourPairs, BEHAVIOURS);
  console.log(`AnnoMI dev: ${therapist.length} therapist turns`);
  console.log(`  behaviour macro-F1 ${f3(macro.macro)} (${[...macro.perClass].map(([c, f]) => `${c} ${f3(f)}`).join(', ')})`);
  // The thresholds that would maximise F1 on these sessions (what FORM_THRESHOLDS should say).
  const best = (scores: Array<[number, boolean]>) => {
    let top = { threshold: 0.5, f1: 0 };
    for (let th = 0.2; th <= 0.8 + 1e-9; th += 0.05) {
      const f1 = prf(counts(scores.map(([p, g]) => [p >= th, g]))).f1;
      if (f1 > top.f1 + 1e-9) top = { threshold: Number(th.toFixed(2)), f1 };
    }
    return `best threshold ${top.threshold.toFixed(2)} (F1 ${f3(top.f1)})`;
  };
  console.log(`  question ${best(qScores)}; reflection ${best(rScores)}`);
  const line = (name: string, pairs: Array<[boolean, boolean]>) => {
    const m = prf(counts(pairs));
    return `${name} P ${f3(m.precision)} R ${f3(m.recall)} F1 ${f3(m.f1)}`;
  };
  console.log(`  question   model ${line('', qModel)} | old ${line('', qOld)} | open/closed ${pct(rate(typeRight, typeAll))}`);
  console.log(`  reflection model ${line('', rModel)} | old ${line('', rOld)}`);
  const miConst = constantGuess(miAccepted, [...new Set(BEHAVIOUR_ENTRIES)]);
  console.log(`  mi top-1 ${pct(rate(mi.top1, mi.n))} top-3 ${pct(rate(mi.top3, mi.n))} (constant ${pct(miConst.top1)} / ${pct(miConst.top3)})`);
  for (const [id, s] of miPer) console.log(`    ${id.padEnd(22)} ${String(s.n).padStart(4)} ${pct(rate(s.top1, s.n)).padStart(6)} ${pct(rate(s.top3, s.n)).padStart(6)}`);
  const crossConst = constantGuess(crossAccepted, codebookIds(codebook, 'cbt'));
  console.log(`  cbt on AnnoMI (mapping read backwards): top-1 ${pct(rate(cross.top1, cross.n))} top-3 ${pct(rate(cross.top3, cross.n))} (constant ${pct(crossConst.top1)} / ${pct(crossConst.top3)})`);
  const voiceScores: Array<[number, boolean]> = annomiDevTurns.filter((t) => t.role !== 'other').map((t) => [voiceOf(t.context.text)!.therapist, t.role === 'therapist']);
  const voiceAcc = voiceScores.filter(([s, th]) => s >= 0.5 === th).length / voiceScores.length;
  console.log(`  voice accuracy ${pct(voiceAcc)} AUC ${f3(auc(voiceScores))}`);

  // CBT training sessions, three folds by session.
  const numbers = [...new Set(cbtTrain.map((t) => t.session))].sort((a, b) => a - b);
  const cbt = topK();
  const cbtPer = new Map<string, TopK>();
  let noneRight = 0;
  let noneAll = 0;
  // Sessions with MI codes (43 on) teach `mi` too: it is refitted per fold, and measured on their codes.
  const miCoded = cbtTrain.some((t) => t.mi !== undefined);
  const teamMi = topK();
  const teamMiPer = new Map<string, TopK>();
  for (let fold = 0; fold < 3; fold++) {
    const test = new Set(numbers.filter((_, i) => i % 3 === fold));
    const refit = new Set(['cbt', ...(miCoded ? ['mi'] : [])]);
    fitAndUse({ annomi: annomiTrain, cbt: cbtTrain.filter((t) => !test.has(t.session)) }, codebook, settings, features, () => {}, fitted.filter((m) => !refit.has(m.spec.name)));
    for (const t of cbtTrain.filter((x) => test.has(x.session))) {
      if (t.mi) {
        const ranked = entryProbabilities(codebook, 'mi', t.context)!.map((r) => r.id);
        const accepted = new Set(miCodesAccepted(t.mi));
        addRanking(teamMi, ranked, accepted);
        if (!teamMiPer.has(t.mi)) teamMiPer.set(t.mi, topK());
        addRanking(teamMiPer.get(t.mi)!, ranked, accepted);
      }
      const ranked = entryProbabilities(codebook, 'cbt', t.context)!.map((r) => r.id);
      if (t.technique === null) {
        noneAll++;
        if (ranked[0] === null) noneRight++;
        continue;
      }
      addRanking(cbt, ranked, new Set([t.technique]));
      if (!cbtPer.has(t.technique)) cbtPer.set(t.technique, topK());
      addRanking(cbtPer.get(t.technique)!, ranked, new Set([t.technique]));
    }
  }
  console.log(`CBT training sessions, leave-sessions-out: ${cbt.n} tagged turns: top-1 ${pct(rate(cbt.top1, cbt.n))} top-3 ${pct(rate(cbt.top3, cbt.n))}; untagged ranked "none" first ${noneRight}/${noneAll}`);
  const worst = [...cbtPer].sort((a, b) => rate(a[1].top3, a[1].n) - rate(b[1].top3, b[1].n)).slice(0, 8);
  console.log(`  weakest: ${worst.map(([id, s]) => `${id} ${s.top3}/${s.n}`).join(', ')}`);
  if (teamMi.n) {
    console.log(`Team sessions with MI codes, leave-sessions-out: ${teamMi.n} coded turns: mi top-1 ${pct(rate(teamMi.top1, teamMi.n))} top-3 ${pct(rate(teamMi.top3, teamMi.n))}`);
    for (const [id, s] of [...teamMiPer].sort((a, b) => b[1].n - a[1].n)) console.log(`    ${id.padEnd(26)} ${String(s.n).padStart(4)} ${pct(rate(s.top1, s.n)).padStart(6)} ${pct(rate(s.top3, s.n)).padStart(6)}`);
  }
  useModels(undefined);
}

/** The mi codes that count as right for a turn's own code: the model does not tell persuasion with and without permission apart. */
export function miCodesAccepted(code: string): string[] {
  return code === 'persuade' || code === 'persuade-with-permission' ? ['persuade', 'persuade-with-permission'] : [code];
}

function codebookIds(codebook: Codebook, namespace: string): Array<string | null> {
  return [...(codebook.namespaces.get(namespace)?.entries.keys() ?? []), null];
}
