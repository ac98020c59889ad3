/**
 * `npm run eval -- suggestions`: the technique suggestions, the question and
 * reflection detectors and the voice model, measured on data the shipped
 * models were not trained on (see train/data.ts for the split rules):
 *
 * - AnnoMI's held-out sessions (NNN 3 modulo 4): `mi` (and `cbt`, under the
 *   ESConv mapping read from AnnoMI's codes) top-1/top-3 from the light bulb;
 *   the four behaviours' macro-F1; question and reflection F1, open/closed and
 *   simple/complex accuracy; each beside the old rule-based detectors.
 * - ESConv (never trained on) with the issue's mapping: `cbt` from the light
 *   bulb (code actions), `mi` from completion with `[mi:` typed right after
 *   the label and at the end of the turn.
 * - The team's held-out CBT sessions (numbers that are multiples of 4), their
 *   tags removed: `cbt` (and `mi`) from the light bulb.
 * - The voice model on AnnoMI held-out, ESConv, mibot and counsel-chat, by
 *   role, and the score that flags fewer than 1 in 1,000 real turns.
 * - The latency of one code-action and one completion computation.
 *
 * Every ranking is read from the real code paths (`tagActions`,
 * `completion`), in process, each next to the best constant guess computed
 * on the same turns.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CodeAction, CompletionItem } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultCodebook } from '../../server/src/core/codebook.ts';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { detectQuestion, looksLikeReflection } from '../../server/src/core/detect/question.ts';
import { SettingsResolver } from '../../server/src/core/resolve.ts';
import { stripTags } from '../../server/src/core/tags.ts';
import { models } from '../../server/src/core/model/load.ts';
import { FORM_THRESHOLDS, modelForm, voiceOf } from '../../server/src/core/model/predict.ts';
import { MODEL_FILE_NAME, modelFileCandidates } from '../../server/src/core/model/load.ts';
import { AnalysisStore, type DocumentAnalysis } from '../../server/src/features/analysis.ts';
import { completion } from '../../server/src/features/completion.ts';
import { tagActions } from '../../server/src/features/tagActions.ts';
import { annomiHeldOut, CBT_SESSIONS_DIR, cbtHeldOut, CORPORA, loadAnnomi, loadCbtSessions, loadStrategyCorpus, type AnnomiLabels } from '../../train/data.ts';
import { BEHAVIOURS, cbtIdsForAnnomi, miCodesAccepted, miEntryOf } from '../../train/dev.ts';
import { addRanking, auc, constantGuess, counts, macroF1, median, prf, quantile, rate, topK, type TopK } from '../../train/metrics.ts';
import { fixed, pct, table, type EvalContext, type EvalSection } from './section.ts';

/** The issue's mapping of ESConv's strategies (Self-disclosure and Others left out). */
export const ESCONV_MAPPING: Record<string, { mi: string[]; cbt: string[] }> = {
  Question: { mi: ['question'], cbt: ['socratic-questioning'] },
  'Restatement or Paraphrasing': { mi: ['simple-reflection'], cbt: ['reflection', 'summarizing'] },
  'Reflection of feelings': { mi: ['complex-reflection'], cbt: ['reflection', 'validation'] },
  'Affirmation and Reassurance': { mi: ['affirm'], cbt: ['validation', 'self-compassion'] },
  'Providing Suggestions': {
    mi: ['persuade', 'persuade-with-permission'],
    cbt: ['problem-solving', 'behavioral-activation', 'activity-scheduling', 'relaxation', 'mindfulness', 'homework-assignment', 'goal-setting'],
  },
  Information: { mi: ['giving-information'], cbt: ['psychoeducation'] },
};

type Ranked = Array<string | null>;

/** One document in the editor: its analysis, as the server has it. */
class Editor {
  private readonly store = new AnalysisStore(new SettingsResolver({ noConfig: true }));
  private version = 0;
  private readonly uri: string;
  document!: TextDocument;
  analysis!: DocumentAnalysis;
  constructor(name: string) {
    this.uri = `file:///eval/${name}`;
  }
  open(text: string): this {
    this.document = TextDocument.create(this.uri, 'therapy-transcript', ++this.version, text);
    this.store.replaced(this.uri);
    this.analysis = this.store.get(this.document);
    return this;
  }
  /** The light bulb at `offset`: the entries offered for each namespace, in order (null: "no technique likely"). */
  codeActions(offset: number): { cbt: Ranked; mi: Ranked } {
    const position = this.document.positionAt(offset);
    const actions = tagActions(this.document, this.analysis, { textDocument: { uri: this.uri }, range: { start: position, end: position }, context: { diagnostics: [] } });
    return { cbt: lightBulbRanking(actions, 'cbt'), mi: lightBulbRanking(actions, 'mi') };
  }
  /** Completion at `offset` (a partial tag typed there): the ids in the order shown (null: "(no technique)"). */
  completion(offset: number): Ranked {
    const items = completion(this.document, this.analysis, { textDocument: { uri: this.uri }, position: this.document.positionAt(offset) });
    return completionRanking(items);
  }
}

export function lightBulbRanking(actions: CodeAction[], namespace: string): Ranked {
  const out: Ranked = [];
  for (const a of actions) {
    const inserted = a.edit?.changes ? Object.values(a.edit.changes)[0]?.[0]?.newText : undefined;
    const m = inserted ? /^\[([\w-]+):([\w-]+)\] $/.exec(inserted) : null;
    if (m && a.title.startsWith('Tag ')) {
      if (m[1] === namespace) out.push(m[2]!);
    } else if (a.title.startsWith(`No ${namespace} technique likely`)) out.push(null);
  }
  return out;
}

export function completionRanking(items: CompletionItem[]): Ranked {
  return [...items].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((i) => (i.label === '(no technique)' ? null : i.label));
}

interface Scored {
  all: TopK;
  perLabel: Map<string, TopK>;
  accepted: Array<Set<string | null>>;
  /** The first suggestion for each gold label (for the confusion of the worst labels). */
  firsts: Map<string, Map<string, number>>;
}

const scored = (): Scored => ({ all: topK(), perLabel: new Map(), accepted: [], firsts: new Map() });

function score(into: Scored, label: string, ranked: Ranked, accepted: Set<string | null>): void {
  addRanking(into.all, ranked, accepted);
  if (!into.perLabel.has(label)) into.perLabel.set(label, topK());
  addRanking(into.perLabel.get(label)!, ranked, accepted);
  into.accepted.push(accepted);
  if (!into.firsts.has(label)) into.firsts.set(label, new Map());
  const first = ranked[0] === undefined ? '(nothing)' : (ranked[0] ?? '(no technique)');
  const f = into.firsts.get(label)!;
  f.set(first, (f.get(first) ?? 0) + 1);
}

/** The rows of a top-k table: all turns, then per label, each with the constant guess on the same turns. */
function report(context: EvalContext, title: string, s: Scored, candidates: Array<string | null>): Record<string, unknown> {
  const constant = constantGuess(s.accepted, candidates);
  const perLabel: Record<string, unknown> = {};
  const rows: Array<Array<string | number>> = [['all', s.all.n, pct(rate(s.all.top1, s.all.n)), pct(rate(s.all.top3, s.all.n)), pct(constant.top1), pct(constant.top3)]];
  for (const [label, t] of [...s.perLabel].sort((a, b) => b[1].n - a[1].n)) {
    rows.push([`  ${label}`, t.n, pct(rate(t.top1, t.n)), pct(rate(t.top3, t.n)), '', '']);
    perLabel[label] = { n: t.n, top1: rate(t.top1, t.n), top3: rate(t.top3, t.n) };
  }
  context.print(`${title}`);
  context.print('');
  for (const line of table(['label', 'turns', 'top-1', 'top-3', 'constant top-1', 'constant top-3'], rows)) context.print(line);
  context.print(`(constant guess: ${constant.best.map((b) => b ?? 'no technique').join(', ')})`);
  // The worst labels: what comes first instead.
  const worst = [...s.perLabel].filter(([, t]) => t.n >= 5).sort((a, b) => rate(a[1].top1, a[1].n) - rate(b[1].top1, b[1].n)).slice(0, 3);
  for (const [label, t] of worst) {
    const firsts = [...(s.firsts.get(label) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 4);
    context.print(`  worst: ${label} (top-1 ${pct(rate(t.top1, t.n))}) comes first as ${firsts.map(([id, n]) => `${id} ${pct(n / t.n)}`).join(', ')}`);
  }
  context.print('');
  return { n: s.all.n, top1: rate(s.all.top1, s.all.n), top3: rate(s.all.top3, s.all.n), constantTop1: constant.top1, constantTop3: constant.top3, perLabel };
}

const firstTextOffset = (analysis: DocumentAnalysis, turn: number): number | undefined => analysis.session.turns[turn]?.texts[0]?.position.start.offset;
const lastTextEnd = (analysis: DocumentAnalysis, turn: number): number | undefined => {
  const texts = analysis.session.turns[turn]?.texts;
  return texts?.[texts.length - 1]?.position.end.offset;
};

const ids = (namespace: string): Array<string | null> => [...defaultCodebook().namespaces.get(namespace)!.entries.keys(), null];

function f1Row(name: string, pairs: Array<[boolean, boolean]>): Array<string | number> {
  const m = prf(counts(pairs));
  return [name, fixed(m.precision, 3), fixed(m.recall, 3), fixed(m.f1, 3)];
}

/** The old detectors' reading of the four behaviours: a question, else a reflection, else a long statement is information, else other. */
function oldBehaviour(text: string): string {
  if (detectQuestion(text)) return 'question';
  if (looksLikeReflection(text)) return 'reflection';
  return text.trim().split(/\s+/).length > 25 ? 'therapist_input' : 'other';
}

function modelBehaviour(light: { mi: Ranked }): string {
  const first = light.mi[0];
  if (first === null || first === undefined) return 'other';
  if (first === 'question') return 'question';
  if (first === 'simple-reflection' || first === 'complex-reflection') return 'reflection';
  if (first === 'affirm' || first === 'confront') return 'other';
  return 'therapist_input';
}

async function run(context: EvalContext): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const started = performance.now();
  const file = models();
  const loadMs = performance.now() - started;
  const weights = modelFileCandidates().find((f) => fs.existsSync(f));
  context.print(`Models: ${weights ? path.relative(context.root, weights) : MODEL_FILE_NAME}, ${weights ? (fs.statSync(weights).size / 1024).toFixed(0) : '?'} KiB, loaded in ${loadMs.toFixed(0)} ms`);
  context.print(`Trained on: ${JSON.stringify({ annomi: (file.header.trainedOn as { annomi?: unknown }).annomi, cbt: (file.header.trainedOn as { cbt?: { sessions?: unknown[] } }).cbt?.sessions?.length })}`);
  context.print('');
  out.model = { kib: weights ? Math.round(fs.statSync(weights).size / 1024) : undefined, loadMs };
  const latency = { codeAction: [] as number[], completion: [] as number[] };
  const timed = <T>(into: number[], f: () => T): T => {
    const t0 = performance.now();
    const value = f();
    into.push(performance.now() - t0);
    return value;
  };

  // ---- AnnoMI held-out
  const annomiDir = path.join(CORPORA, 'annomi');
  if (fs.existsSync(path.join(annomiDir, 'labels.jsonl'))) {
    context.log('suggestions: AnnoMI held-out sessions');
    const annomi = loadAnnomi().turns.filter((t) => annomiHeldOut(t.session));
    const mi = scored();
    const cbt = scored();
    const behaviourModel: Array<[string, string]> = [];
    const behaviourOld: Array<[string, string]> = [];
    const q = { model: [] as Array<[boolean, boolean]>, old: [] as Array<[boolean, boolean]>, mark: [] as Array<[boolean, boolean]> };
    const r = { model: [] as Array<[boolean, boolean]>, old: [] as Array<[boolean, boolean]> };
    const qType = { model: 0, old: 0, n: 0 };
    const rType = { model: 0, complex: 0, n: 0 };
    const byFile = new Map<string, typeof annomi>();
    for (const t of annomi) (byFile.get(t.file) ?? byFile.set(t.file, []).get(t.file)!).push(t);
    for (const [name, turns] of byFile) {
      const editor = new Editor(name).open(fs.readFileSync(path.join(annomiDir, name), 'utf8'));
      for (const t of turns) {
        if (t.role !== 'therapist' || t.labels.behaviour === null) continue;
        const at = firstTextOffset(editor.analysis, t.turn);
        if (at === undefined) continue;
        const light = timed(latency.codeAction, () => editor.codeActions(at));
        const gold = miEntryOf(t.labels);
        if (gold !== undefined) score(mi, gold ?? 'no technique (other)', light.mi, new Set([gold]));
        const cbtIds = cbtIdsForAnnomi(t.labels);
        if (cbtIds) score(cbt, annomiName(t.labels), light.cbt, cbtIds);
        behaviourModel.push([modelBehaviour(light), t.labels.behaviour]);
        behaviourOld.push([oldBehaviour(t.context.text), t.labels.behaviour]);
        const form = modelForm(t.context);
        const old = detectQuestion(t.context.text);
        if (t.labels.question !== null) {
          q.model.push([form.question >= FORM_THRESHOLDS.question, t.labels.question]);
          q.old.push([old !== undefined, t.labels.question]);
          q.mark.push([t.context.text.includes('?'), t.labels.question]);
          if (t.labels.question && t.labels.question_type) {
            qType.n++;
            if (form.questionType === t.labels.question_type) qType.model++;
            if ((old?.type ?? 'closed') === t.labels.question_type) qType.old++;
          }
        }
        if (t.labels.reflection !== null) {
          r.model.push([form.reflection >= FORM_THRESHOLDS.reflection, t.labels.reflection]);
          r.old.push([looksLikeReflection(t.context.text), t.labels.reflection]);
          if (t.labels.reflection && t.labels.reflection_type) {
            rType.n++;
            if (form.reflectionType === t.labels.reflection_type) rType.model++;
            if (t.labels.reflection_type === 'complex') rType.complex++;
          }
        }
      }
    }
    context.print(`### AnnoMI, ${byFile.size} held-out sessions (NNN % 4 == 3)\n`);
    const miFigures = report(context, 'mi suggestions (light bulb), gold = the expert code', mi, ids('mi'));
    const cbtFigures = report(context, 'cbt suggestions (light bulb), gold = the ESConv mapping read from AnnoMI codes', cbt, ids('cbt'));
    const macroModel = macroF1(behaviourModel, BEHAVIOURS);
    const macroOld = macroF1(behaviourOld, BEHAVIOURS);
    const constantBehaviour = macroF1(behaviourModel.map(([, g]) => ['other', g] as [string, string]), BEHAVIOURS);
    context.print('Four behaviours (question / reflection / therapist input / other), macro-F1');
    context.print('');
    for (const line of table(
      ['method', 'macro-F1', ...BEHAVIOURS],
      [
        ['model (first mi suggestion)', fixed(macroModel.macro, 3), ...BEHAVIOURS.map((b) => fixed(macroModel.perClass.get(b), 3))],
        ['old detectors (+ long statement = input)', fixed(macroOld.macro, 3), ...BEHAVIOURS.map((b) => fixed(macroOld.perClass.get(b), 3))],
        ['constant (other)', fixed(constantBehaviour.macro, 3), ...BEHAVIOURS.map((b) => fixed(constantBehaviour.perClass.get(b), 3))],
      ],
    ))
      context.print(line);
    context.print('');
    context.print('Question and reflection detection (AnnoMI codes both where a turn does both)');
    context.print('');
    for (const line of table(['detector', 'P', 'R', 'F1'], [f1Row('question: model (isQuestion)', q.model), f1Row('question: old detectQuestion', q.old), f1Row("question: contains '?'", q.mark), f1Row('reflection: model', r.model), f1Row('reflection: old looksLikeReflection', r.old)])) context.print(line);
    context.print(`open/closed right on true questions: model ${pct(rate(qType.model, qType.n))}, old ${pct(rate(qType.old, qType.n))} (${qType.n}); simple/complex right on true reflections: model ${pct(rate(rType.model, rType.n))}, constant ${pct(rate(Math.max(rType.complex, rType.n - rType.complex), rType.n))} (${rType.n})`);
    context.print('');
    out.annomi = {
      mi: miFigures,
      cbt: cbtFigures,
      behaviourMacroF1: { model: macroModel.macro, old: macroOld.macro, constant: constantBehaviour.macro },
      question: { model: prf(counts(q.model)), old: prf(counts(q.old)), mark: prf(counts(q.mark)), typeModel: rate(qType.model, qType.n), typeOld: rate(qType.old, qType.n) },
      reflection: { model: prf(counts(r.model)), old: prf(counts(r.old)), typeModel: rate(rType.model, rType.n) },
    };
  } else context.print('AnnoMI not found: skipped.\n');

  // ---- ESConv
  if (fs.existsSync(path.join(CORPORA, 'esconv', 'labels.jsonl'))) {
    context.log('suggestions: ESConv');
    const esconv = loadStrategyCorpus('esconv').turns.filter((t) => ESCONV_MAPPING[t.label]);
    const cbt = scored();
    const miStart = scored();
    const miEnd = scored();
    const miBulb = scored();
    const byFile = new Map<string, typeof esconv>();
    for (const t of esconv) (byFile.get(t.file) ?? byFile.set(t.file, []).get(t.file)!).push(t);
    for (const [name, turns] of byFile) {
      const text = fs.readFileSync(path.join(CORPORA, 'esconv', name), 'utf8');
      const editor = new Editor(name).open(text);
      const typing = new Editor(name);
      for (const t of turns) {
        const at = firstTextOffset(editor.analysis, t.turn);
        const end = lastTextEnd(editor.analysis, t.turn);
        if (at === undefined || end === undefined) continue;
        const map = ESCONV_MAPPING[t.label]!;
        const light = timed(latency.codeAction, () => editor.codeActions(at));
        score(cbt, t.label, light.cbt, new Set(map.cbt));
        score(miBulb, t.label, light.mi, new Set(map.mi));
        // `[mi:` typed right after the label, then at the end of the turn: one edit at a time.
        typing.open(`${text.slice(0, at)}[mi:${text.slice(at)}`);
        score(miStart, t.label, timed(latency.completion, () => typing.completion(at + 4)), new Set(map.mi));
        typing.open(`${text.slice(0, end)} [mi:${text.slice(end)}`);
        score(miEnd, t.label, timed(latency.completion, () => typing.completion(end + 5)), new Set(map.mi));
      }
    }
    context.print(`### ESConv (measuring only), ${esconv.length} supporter turns whose strategy maps, ${byFile.size} sessions\n`);
    out.esconv = {
      cbtCodeActions: report(context, 'cbt, light bulb ("Tag turn as …")', cbt, ids('cbt')),
      miCompletionAfterLabel: report(context, 'mi, completion with [mi: typed right after the label', miStart, ids('mi')),
      miCompletionAtEnd: report(context, 'mi, completion with [mi: typed at the end of the turn', miEnd, ids('mi')),
      miCodeActions: report(context, 'mi, light bulb', miBulb, ids('mi')),
    };
  } else context.print('ESConv not found: skipped.\n');

  // ---- CBT held-out sessions
  context.log('suggestions: CBT held-out sessions');
  const cbtSessions = loadCbtSessions();
  const heldOut = cbtSessions.turns.filter((t) => cbtHeldOut(t.session));
  const cbt = scored();
  const mi = scored();
  let noneFirst = 0;
  let untagged = 0;
  let miNoneFirst = 0;
  let miUncoded = 0;
  const heldFiles = [...new Set(heldOut.map((t) => t.file))];
  for (const name of heldFiles) {
    const source = fs.readFileSync(path.join(CBT_SESSIONS_DIR, name), 'utf8');
    // Cold: every tag removed (a trainee tagging an untagged session).
    const editor = new Editor(name).open(stripTags(source, parseTranscript(source)));
    for (const t of heldOut.filter((x) => x.file === name)) {
      const at = firstTextOffset(editor.analysis, t.turn);
      if (at === undefined) continue;
      const light = timed(latency.codeAction, () => editor.codeActions(at));
      const ranked = light.cbt;
      if (t.mi === null) {
        miUncoded++;
        if (light.mi[0] === null) miNoneFirst++;
      } else if (t.mi !== undefined) {
        score(mi, t.mi, light.mi, new Set(miCodesAccepted(t.mi)));
      }
      if (t.technique === null) {
        untagged++;
        if (ranked[0] === null) noneFirst++;
        continue;
      }
      score(cbt, t.technique, ranked, new Set([t.technique]));
    }
  }
  context.print(`### The team's CBT sessions, ${heldFiles.length} held out (${heldFiles.join(', ')}), tags removed\n`);
  const cbtFigures = report(context, 'cbt, light bulb', cbt, ids('cbt'));
  context.print(`Untagged therapist turns with "no technique likely" first: ${noneFirst} of ${untagged}\n`);
  out.cbtSessions = { ...cbtFigures, untaggedNoneFirst: rate(noneFirst, untagged), heldOut: heldFiles };
  if (mi.all.n > 0) {
    const miFiles = [...new Set(heldOut.filter((t) => t.mi !== undefined).map((t) => t.file))];
    context.print(`### The team's held-out sessions with MI codes (${miFiles.join(', ')}), tags removed\n`);
    const miFigures = report(context, 'mi, light bulb', mi, ids('mi'));
    context.print(`Therapist turns without an MI code with "no technique likely" first: ${miNoneFirst} of ${miUncoded}\n`);
    out.miSessions = { ...miFigures, uncodedNoneFirst: rate(miNoneFirst, miUncoded), heldOut: miFiles };
  }

  // ---- Voice
  context.log('suggestions: voice');
  const voice: Record<string, unknown> = {};
  const voiceRows: Array<Array<string | number>> = [];
  const tails: Array<Array<string | number>> = [];
  const allOther: number[] = [];
  const corpora: Array<[string, Array<{ role: string; text: string }>]> = [];
  if (fs.existsSync(path.join(annomiDir, 'labels.jsonl'))) corpora.push(['annomi (held-out)', loadAnnomi().turns.filter((t) => annomiHeldOut(t.session)).map((t) => ({ role: t.role, text: t.context.text }))]);
  for (const name of ['esconv', 'mibot', 'counsel-chat']) {
    if (!fs.existsSync(path.join(CORPORA, name, 'labels.jsonl'))) continue;
    corpora.push([name, loadStrategyCorpus(name, ['therapist', 'patient']).turns.map((t) => ({ role: t.role, text: t.context.text }))]);
  }
  for (const [name, turns] of corpora) {
    const scores = turns.filter((t) => t.role === 'therapist' || t.role === 'patient').map((t) => ({ role: t.role, p: voiceOf(t.text)!.therapist }));
    const accuracy = scores.filter((s) => s.p >= 0.5 === (s.role === 'therapist')).length / scores.length;
    const area = auc(scores.map((s) => [s.p, s.role === 'therapist']));
    const clientP = scores.filter((s) => s.role === 'patient').map((s) => s.p);
    const therapistOther = scores.filter((s) => s.role === 'therapist').map((s) => 1 - s.p);
    const accTherapist = scores.filter((s) => s.role === 'therapist' && s.p >= 0.5).length / Math.max(1, scores.filter((s) => s.role === 'therapist').length);
    const accClient = scores.filter((s) => s.role === 'patient' && s.p < 0.5).length / Math.max(1, clientP.length);
    voiceRows.push([name, scores.length, pct(accuracy), fixed(area, 3), pct(accTherapist), pct(accClient)]);
    // mibot's counsellor is a model: its turns are not "real" therapist turns; its clients are real.
    const realOther = name === 'mibot' ? clientP : [...clientP, ...therapistOther];
    allOther.push(...realOther);
    tails.push([name, realOther.length, fixed(median(realOther), 3), fixed(quantile(realOther, 0.99), 3), fixed(quantile(realOther, 0.999), 3), fixed(Math.max(...realOther), 3)]);
    voice[name] = { turns: scores.length, accuracy, auc: area, therapistRight: accTherapist, clientRight: accClient, otherVoice999: quantile(realOther, 0.999) };
  }
  context.print('### Voice: P(therapist | the turn\'s text), trained on AnnoMI\'s roles\n');
  for (const line of table(['corpus', 'turns', 'accuracy', 'AUC', 'therapist turns right', 'client turns right'], voiceRows)) context.print(line);
  context.print('');
  context.print("Scores for the other role's voice on real turns (a client turn's P(therapist); a therapist turn's P(client); mibot: its real clients only)");
  context.print('');
  tails.push(['all', allOther.length, fixed(median(allOther), 3), fixed(quantile(allOther, 0.99), 3), fixed(quantile(allOther, 0.999), 3), fixed(Math.max(...allOther), 3)]);
  for (const line of table(['corpus', 'turns', 'median', 'p99', 'p99.9', 'max'], tails)) context.print(line);
  const threshold = quantile(allOther, 0.999);
  context.print(`\nA role-confusion threshold above ${fixed(threshold, 3)} flags fewer than 1 in 1,000 of these real turns.\n`);
  voice.threshold999 = threshold;
  out.voice = voice;

  // ---- Latency
  const lat = (xs: number[]) => ({ n: xs.length, median: median(xs), p95: quantile(xs, 0.95), max: Math.max(...xs) });
  out.latency = { codeAction: lat(latency.codeAction), completion: lat(latency.completion), modelLoadMs: loadMs };
  context.print('### Latency (in process, the analysis already done)\n');
  for (const line of table(
    ['request', 'calls', 'median ms', 'p95 ms', 'max ms'],
    [
      ['code actions (cbt and mi)', latency.codeAction.length, fixed(median(latency.codeAction)), fixed(quantile(latency.codeAction, 0.95)), fixed(Math.max(...latency.codeAction))],
      ['completion after [mi:', latency.completion.length, fixed(median(latency.completion)), fixed(quantile(latency.completion, 0.95)), fixed(Math.max(...latency.completion))],
    ],
  ))
    context.print(line);
  context.print(`(the first request also loads the models: ${loadMs.toFixed(0)} ms, once)`);
  return out;
}

function annomiName(l: AnnomiLabels): string {
  if (l.behaviour === 'reflection') return `${l.reflection_type ?? ''} reflection`.trim();
  if (l.behaviour === 'therapist_input') return l.input_type ?? 'input';
  return l.behaviour ?? '?';
}

export const suggestionsSection: EvalSection = {
  id: 'suggestions',
  title: 'Technique suggestions, question and reflection detectors, voice',
  run,
};
