/**
 * The models `npm run train` fits, what each learns from, and how a labelled
 * turn becomes a training example.
 *
 * - `behaviour` (AnnoMI therapist turns): the expert's primary behaviour,
 *   refined by its subtype: open / closed question, simple / complex
 *   reflection, information / advice / negotiation / options, or other (no
 *   technique). Gives the `mi` suggestions and the four-behaviour figures.
 * - `question`, `reflection` (AnnoMI therapist turns): does the turn ask a
 *   question / reflect (AnnoMI codes both where a turn does both).
 * - `cbt` (the team's CBT sessions): the turn's cbt tag, or none; it also
 *   reads `behaviour`'s probabilities (the turn's form as AnnoMI's experts
 *   would code it).
 * - `voice` (AnnoMI, both roles): does the text sound like the therapist or
 *   the client.
 */
import type { Codebook } from '../server/src/core/codebook.ts';
import { cueInputs } from '../server/src/core/model/predict.ts';
import { featurize, formFacts, stackFeatures, type FeatureGroup, type Features, type FormFacts, type ModelInput, type TurnContext } from '../server/src/core/model/featurize.ts';
import { decodeModels, encodeModels, type DenseModel } from '../server/src/core/model/format.ts';
import type { LinearModel, LinearModelSpec } from '../server/src/core/model/linear.ts';
import type { AnnomiLabels, AnnomiTurn, CbtTurn } from './data.ts';
import { fit, type Example } from './logreg.ts';

export const BEHAVIOUR_CLASSES = [
  'question-open',
  'question-closed',
  'simple-reflection',
  'complex-reflection',
  'giving-information',
  'persuade',
  'seeking-collaboration',
  'emphasizing-autonomy',
  'none',
] as const;
/** The `mi` codebook entry of each behaviour class. */
export const BEHAVIOUR_ENTRIES: Array<string | null> = [
  'question',
  'question',
  'simple-reflection',
  'complex-reflection',
  'giving-information',
  'persuade',
  'seeking-collaboration',
  'emphasizing-autonomy',
  null,
];

/** The `mi` model's classes: the behaviours, and affirm (which AnnoMI does not code; it learns it from the CBT sessions). */
export const MI_CLASSES = [...BEHAVIOUR_CLASSES, 'affirm'] as const;
export const MI_ENTRIES: Array<string | null> = [...BEHAVIOUR_ENTRIES, 'affirm'];

/**
 * The behaviour classes AnnoMI's labels allow for a therapist turn (one, or
 * several when the subtype is missing), or undefined when unlabelled.
 */
export function behaviourTarget(l: AnnomiLabels): string[] | undefined {
  switch (l.behaviour) {
    case 'question':
      return l.question_type ? [`question-${l.question_type}`] : ['question-open', 'question-closed'];
    case 'reflection':
      return l.reflection_type ? [`${l.reflection_type}-reflection`] : ['simple-reflection', 'complex-reflection'];
    case 'therapist_input':
      return [({ advice: 'persuade', negotiation: 'seeking-collaboration', options: 'emphasizing-autonomy' } as Record<string, string>)[l.input_type ?? ''] ?? 'giving-information'];
    case 'other':
      return ['none'];
    default:
      return undefined;
  }
}

/**
 * The `mi` classes AnnoMI's labels allow: as `behaviourTarget`, except that
 * AnnoMI's "other" may be an affirmation as well as no technique (AnnoMI
 * does not code affirmations apart): a partial label the model resolves
 * from the examples that do tell them apart (the CBT sessions) and the cues.
 */
export function miTargetOfAnnomi(l: AnnomiLabels): string[] | undefined {
  return l.behaviour === 'other' ? ['none', 'affirm'] : behaviourTarget(l);
}

/** A target as the trainer reads it: 1 for each class that may be right. */
function mask(classes: readonly string[], allowed: readonly string[]): Float64Array {
  const t = new Float64Array(classes.length);
  for (const name of allowed) {
    const c = classes.indexOf(name);
    if (c >= 0) t[c] = 1;
  }
  return t;
}

export interface Settings {
  seed: number;
  /** Features seen in fewer training examples are dropped. */
  minCount: number;
  l2: Record<string, number>;
  iterations: number;
  groups: Record<string, Partial<Record<FeatureGroup | 'stack', number>>>;
  /** Shared weights on the codebook's cues (models with codebook entries): 0 none, 1 the turn's, 2 also the speaker's previous turn's. */
  cues: number;
  /** AnnoMI's turns in the cbt model, under the mapping (`cbtTargetOfAnnomi`): their total weight relative to the CBT sessions' (0: none). */
  crosswalk: number;
  /** The codebook's examples and cue phrases as training examples: their total weight relative to the CBT sessions' (mi: to a tenth of AnnoMI's); 0: none. */
  codebook: number;
  /** How much AnnoMI's "other" turns (mostly backchannels) teach the cbt model "no technique", relative to its other mapped turns. */
  crosswalkNone: number;
  /** The weight in the `mi` model of a team session's turn with its own mi code (the only examples that tell an affirmation apart), relative to an AnnoMI turn's. */
  teamMi: number;
}

export const DEFAULT_SETTINGS: Settings = {
  seed: 11,
  minCount: 2,
  l2: { behaviour: 1, mi: 1, question: 1, reflection: 1, cbt: 0.3, voice: 1 },
  iterations: 250,
  groups: {
    behaviour: { word: 1, char: 1, form: 1, context: 1, position: 1 },
    mi: { word: 1, char: 1, form: 1, context: 1, position: 1 },
    question: { word: 1, char: 1, form: 1, context: 1 },
    reflection: { word: 1, char: 1, form: 1, context: 1 },
    cbt: { word: 1, char: 1, form: 1, context: 1, position: 1, stack: 1 },
    voice: { word: 1, char: 1, form: 1 },
  },
  cues: 2,
  crosswalk: 0.5,
  crosswalkNone: 0.3,
  codebook: 0.5,
  teamMi: 3,
};

/** Features of a context, computed once per turn (the detectors are not cheap). */
export class FeatureStore {
  private readonly cache = new Map<TurnContext, Features>();
  get(context: TurnContext): Features {
    let f = this.cache.get(context);
    if (!f) this.cache.set(context, (f = featurize(context, formFacts(context.text))));
    return f;
  }
}

/** Feature keys → column numbers, for the keys seen in at least `minCount` examples (in first-seen order). */
class Dictionary {
  readonly columns = new Map<number, number>();
  readonly keys: number[] = [];
  constructor(inputs: ModelInput[], groups: Array<FeatureGroup | 'stack'>, minCount: number) {
    const counts = new Map<number, number>();
    const order: number[] = [];
    for (const input of inputs) {
      for (const g of groups) {
        for (const key of input[g]?.keys ?? []) {
          const n = counts.get(key);
          if (n === undefined) order.push(key);
          counts.set(key, (n ?? 0) + 1);
        }
      }
    }
    for (const key of order) {
      if (counts.get(key)! < minCount) continue;
      this.columns.set(key, this.keys.length);
      this.keys.push(key);
    }
  }
}

function example(input: ModelInput, groups: Array<[FeatureGroup | 'stack', number]>, dict: Dictionary, target: Float64Array, weight = 1, perClass?: Float64Array): Example {
  const sums = new Map<number, number>();
  for (const [g, w] of groups) {
    const f = input[g];
    if (!f) continue;
    for (let i = 0; i < f.keys.length; i++) {
      const column = dict.columns.get(f.keys[i]!);
      if (column === undefined) continue;
      sums.set(column, (sums.get(column) ?? 0) + f.values[i]! * w);
    }
  }
  const columns = [...sums.keys()].sort((a, b) => a - b);
  return { index: Int32Array.from(columns), value: Float64Array.from(columns.map((c) => sums.get(c)!)), target, weight, perClass };
}

export interface Job {
  name: string;
  classes: string[];
  inputs: ModelInput[];
  targets: Float64Array[];
  weights?: number[];
  perClass?: Float64Array[];
  extra?: Partial<LinearModelSpec>;
}

export function train(job: Job, settings: Settings, log: (line: string) => void): DenseModel {
  const groups = Object.entries(settings.groups[job.name]!) as Array<[FeatureGroup | 'stack', number]>;
  const dict = new Dictionary(job.inputs, groups.map(([g]) => g), settings.minCount);
  const examples = job.inputs.map((input, i) => ({ ...example(input, groups, dict, job.targets[i]!, job.weights?.[i] ?? 1, job.perClass?.[i]), partial: true }));
  const started = performance.now();
  const fitted = fit(examples, dict.keys.length, job.classes.length, { l2: settings.l2[job.name]!, iterations: settings.iterations, tied: job.perClass ? settings.cues : 0 });
  log(`  ${job.name}: ${examples.length} examples, ${job.classes.length} classes, ${dict.keys.length} features, ${fitted.iterations} iterations, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const spec: LinearModelSpec = { name: job.name, classes: job.classes, groups: Object.fromEntries(groups), bias: [...fitted.bias], betas: fitted.betas, ...job.extra };
  return { spec, keys: Uint32Array.from(dict.keys), weights: fitted.weights };
}

/** The shipped form of a model (quantised), to read its predictions exactly as the product will. */
export function asShipped(model: DenseModel): LinearModel {
  return decodeModels(encodeModels([model], {})).models.get(model.spec.name)!;
}


export interface TrainingData {
  annomi: AnnomiTurn[];
  cbt: CbtTurn[];
}

export function trainModels(
  data: TrainingData,
  codebook: Codebook,
  settings: Settings,
  features: FeatureStore,
  log: (line: string) => void,
  reuse: DenseModel[] = [],
): DenseModel[] {
  const models: DenseModel[] = [];
  const reused = (name: string) => {
    const m = reuse.find((r) => r.spec.name === name);
    if (m) models.push(m);
    return m;
  };
  // behaviour
  const behaviour = reused('behaviour') ?? trainBehaviour(data, codebook, settings, features, log, models);
  if (!reused('mi')) models.push(trainMi(data, codebook, settings, features, log));
  // question, reflection
  for (const name of ['question', 'reflection'] as const) {
    if (reused(name)) continue;
    const turns = data.annomi.filter((t) => t.role === 'therapist' && t.labels[name] !== null);
    models.push(
      train(
        { name, classes: ['no', 'yes'], inputs: turns.map((t) => features.get(t.context)), targets: turns.map((t) => mask(['no', 'yes'], [t.labels[name] ? 'yes' : 'no'])) },
        settings,
        log,
      ),
    );
  }
  models.push(trainCbt(data, codebook, settings, features, log, behaviour));
  // voice
  if (!reused('voice')) {
    // AnnoMI only: with the team sessions' turns too (tried), the scores of real turns in the other role's
    // voice reached further (role-confusion: false alarms on ESConv 4 → 6, MentalChat16K 0 → 2).
    const spoken = data.annomi.filter((t) => t.role === 'therapist' || t.role === 'patient');
    models.push(
      train(
        { name: 'voice', classes: ['client', 'therapist'], inputs: spoken.map((t) => features.get(t.context)), targets: spoken.map((t) => mask(['client', 'therapist'], [t.role === 'therapist' ? 'therapist' : 'client'])) },
        settings,
        log,
      ),
    );
  }
  return models;
}

export function trainBehaviour(data: TrainingData, codebook: Codebook, settings: Settings, features: FeatureStore, log: (line: string) => void, models: DenseModel[]): DenseModel {
  const labelled = data.annomi.filter((t) => t.role === 'therapist' && behaviourTarget(t.labels));
  const behaviourInputs = labelled.map((t) => features.get(t.context));
  const behaviour = train(
    {
      name: 'behaviour',
      classes: [...BEHAVIOUR_CLASSES],
      inputs: behaviourInputs,
      targets: labelled.map((t) => mask(BEHAVIOUR_CLASSES, behaviourTarget(t.labels)!)),
      ...(settings.cues ? { perClass: labelled.map((t) => cueInputs(codebook, 'mi', BEHAVIOUR_ENTRIES, t.context, settings.cues)) } : {}),
      extra: { namespace: 'mi', entries: BEHAVIOUR_ENTRIES },
    },
    settings,
    log,
  );
  models.push(behaviour);
  return behaviour;
}

/**
 * The cbt techniques an AnnoMI code corresponds to: the mapping of
 * ESConv's strategies read from AnnoMI's side (a question is Socratic
 * questioning; a simple reflection a reflection; a complex one a reflection
 * or validation; information psychoeducation; advice problem solving; other
 * no technique). Negotiation and options have no counterpart.
 */
export function cbtTargetOfAnnomi(l: AnnomiLabels): string[] | undefined {
  switch (l.behaviour) {
    case 'question':
      return ['socratic-questioning'];
    case 'reflection':
      return l.reflection_type === 'complex' ? ['reflection', 'validation'] : ['reflection'];
    case 'therapist_input':
      return l.input_type === 'information' ? ['psychoeducation'] : l.input_type === 'advice' ? ['problem-solving'] : undefined;
    case 'other':
      return ['none'];
    default:
      return undefined;
  }
}

const SUGGESTING = new Set(['problem-solving', 'behavioral-activation', 'activity-scheduling', 'relaxation', 'mindfulness', 'homework-assignment', 'goal-setting']);

/**
 * The `mi` classes a cbt tag corresponds to, the same mapping read from the
 * CBT sessions' side (Socratic questioning is a question, open or closed by
 * its form; a reflection simple or complex; validation a complex reflection
 * or an affirmation; self-compassion an affirmation; psychoeducation
 * information; the suggesting techniques persuasion; an untagged turn no
 * technique). Tags without a counterpart (agenda setting, exposure …) are
 * left out.
 */
export function miTargetOfCbt(technique: string | null, facts: FormFacts): string[] | undefined {
  if (technique === null) return ['none'];
  if (technique === 'socratic-questioning') return [facts.question === 'closed' ? 'question-closed' : 'question-open'];
  if (technique === 'reflection') return ['simple-reflection', 'complex-reflection'];
  if (technique === 'summarizing') return ['simple-reflection'];
  if (technique === 'validation') return ['complex-reflection', 'affirm'];
  if (technique === 'self-compassion') return ['affirm'];
  if (technique === 'psychoeducation') return ['giving-information'];
  if (SUGGESTING.has(technique)) return ['persuade'];
  return undefined;
}

/**
 * The `mi` classes of a turn's own mi code (sessions whose writer coded MI
 * too): a question open or closed by its form, persuasion with or without
 * permission alike, no code no technique. Confront has no class (left out).
 */
export function miTargetOfCode(code: string | null, facts: FormFacts): string[] | undefined {
  if (code === null) return ['none'];
  if (code === 'question') return [facts.question === 'closed' ? 'question-closed' : 'question-open'];
  if (code === 'persuade-with-permission') return ['persuade'];
  return (MI_CLASSES as readonly string[]).includes(code) ? [code] : undefined;
}

/** The `mi` classes of a team session's turn: its own mi code where the session has them, else its cbt tag under the mapping. */
export function miTargetOfTeamTurn(t: CbtTurn): string[] | undefined {
  const facts = formFacts(t.context.text);
  return t.mi !== undefined ? miTargetOfCode(t.mi, facts) : miTargetOfCbt(t.technique, facts);
}

/**
 * The codebook's own words as examples of its entries: each entry's example
 * and each cue phrase, read as a turn of its own (words and character
 * n-grams only: a phrase has no form, context or position). The codebook
 * defines the labels; this lets every entry, also one no session shows,
 * be learned a little from its definition.
 */
function codebookExamples(codebook: Codebook, namespace: string, classOf: (id: string) => string | undefined, features: FeatureStore): Array<{ input: ModelInput; target: string; context: TurnContext }> {
  const out: Array<{ input: ModelInput; target: string; context: TurnContext }> = [];
  for (const entry of codebook.entries(namespace)) {
    const target = classOf(entry.id);
    if (!target) continue;
    for (const text of [...(entry.example ? [entry.example] : []), ...entry.cues.map((c) => c.replace(/\*$/, ''))]) {
      const context: TurnContext = { text, index: 0, count: 1 };
      const f = features.get(context);
      out.push({ input: { word: f.word, char: f.char }, target, context });
    }
  }
  return out;
}

/**
 * Behaviour probabilities of AnnoMI turns from models that did not see their
 * session (four folds by session number), so that the cbt model learns how
 * far to trust them from honest values.
 */
function outOfFoldStacks(turns: AnnomiTurn[], data: TrainingData, codebook: Codebook, settings: Settings, features: FeatureStore): ModelInput[] {
  const out = new Map<AnnomiTurn, ModelInput>();
  for (let fold = 0; fold < 4; fold++) {
    const inFold = (t: AnnomiTurn) => Math.floor(t.session / 4) % 4 === fold;
    const model = asShipped(trainBehaviour({ annomi: data.annomi.filter((t) => !inFold(t)), cbt: [] }, codebook, settings, features, () => {}, []));
    for (const t of turns) if (inFold(t)) out.set(t, withStack(features.get(t.context), model, codebook, t.context));
  }
  return turns.map((t) => out.get(t)!);
}

/** The `mi` model: AnnoMI's codes, and the CBT sessions' tags under the mapping (`miTargetOfCbt`). */
export function trainMi(data: TrainingData, codebook: Codebook, settings: Settings, features: FeatureStore, log: (line: string) => void): DenseModel {
  const labelled = data.annomi.filter((t) => t.role === 'therapist' && behaviourTarget(t.labels));
  const inputs: ModelInput[] = labelled.map((t) => features.get(t.context));
  const targets: Float64Array[] = labelled.map((t) => mask(MI_CLASSES, miTargetOfAnnomi(t.labels)!));
  const contexts = labelled.map((t) => t.context);
  const weights = labelled.map(() => 1);
  if (settings.crosswalk > 0) {
    for (const t of data.cbt) {
      const target = miTargetOfTeamTurn(t);
      if (!target) continue;
      inputs.push(features.get(t.context));
      targets.push(mask(MI_CLASSES, target));
      contexts.push(t.context);
      weights.push(t.mi !== undefined ? settings.teamMi : 1);
    }
  }
  if (settings.codebook > 0) {
    const classOf = (id: string) => MI_CLASSES[MI_ENTRIES.indexOf(id)];
    const extra = codebookExamples(codebook, 'mi', classOf, features);
    for (const e of extra) {
      inputs.push(e.input);
      targets.push(mask(MI_CLASSES, e.target === 'question-open' ? ['question-open', 'question-closed'] : [e.target]));
      contexts.push(e.context);
      weights.push((settings.codebook * labelled.length) / Math.max(1, extra.length) / 10);
    }
  }
  return train(
    {
      name: 'mi',
      classes: [...MI_CLASSES],
      inputs,
      targets,
      weights,
      ...(settings.cues ? { perClass: contexts.map((c) => cueInputs(codebook, 'mi', MI_ENTRIES, c, settings.cues)) } : {}),
      extra: { namespace: 'mi', entries: MI_ENTRIES },
    },
    settings,
    log,
  );
}

export function trainCbt(data: TrainingData, codebook: Codebook, settings: Settings, features: FeatureStore, log: (line: string) => void, behaviour: DenseModel): DenseModel {
  // cbt reads the shipped behaviour model's probabilities
  const shippedBehaviour = asShipped(behaviour);
  const classes = [...new Set(data.cbt.map((t) => t.technique ?? 'none'))].sort((a, b) => (a === 'none' ? 1 : b === 'none' ? -1 : a < b ? -1 : 1));
  const entries = classes.map((c) => (c === 'none' ? null : c));
  const inputs = data.cbt.map((t) => withStack(features.get(t.context), shippedBehaviour, codebook, t.context));
  const targets = data.cbt.map((t) => mask(classes, [t.technique ?? 'none']));
  const weights = data.cbt.map(() => 1);
  const contexts = data.cbt.map((t) => t.context);
  if (settings.crosswalk > 0) {
    // AnnoMI's turns under the mapping, all together weighing `crosswalk` times the CBT sessions.
    const mapped = data.annomi.filter((t) => {
      if (t.role !== 'therapist') return false;
      const target = cbtTargetOfAnnomi(t.labels);
      if (target === undefined || (target[0] === 'none' && settings.crosswalkNone === 0)) return false;
      return target.every((c) => classes.includes(c));
    });
    const w = (settings.crosswalk * data.cbt.length) / Math.max(1, mapped.length);
    inputs.push(...outOfFoldStacks(mapped, data, codebook, settings, features));
    for (const t of mapped) {
      const target = cbtTargetOfAnnomi(t.labels)!;
      targets.push(mask(classes, target));
      weights.push(target[0] === 'none' ? w * settings.crosswalkNone : w);
      contexts.push(t.context);
    }
  }
  if (settings.codebook > 0) {
    const extra = codebookExamples(codebook, 'cbt', (id) => (classes.includes(id) ? id : undefined), features);
    const stacked = asShipped(behaviour);
    for (const e of extra) {
      inputs.push({ ...e.input, stack: withStack(features.get(e.context), stacked, codebook, e.context).stack! });
      targets.push(mask(classes, [e.target]));
      contexts.push(e.context);
      weights.push((settings.codebook * data.cbt.length) / Math.max(1, extra.length));
    }
  }
  return train(
    {
      name: 'cbt',
      classes,
      inputs,
      targets,
      weights,
      ...(settings.cues ? { perClass: contexts.map((c) => cueInputs(codebook, 'cbt', entries, c, settings.cues)) } : {}),
      extra: { namespace: 'cbt', entries, stack: 'behaviour' },
    },
    settings,
    log,
  );
}

/** A turn's features with the behaviour model's probabilities added (what `cbt` reads). */
export function withStack(features: Features, behaviour: LinearModel, codebook: Codebook, context: TurnContext): ModelInput {
  const probabilities = behaviour.probabilities(features, cueInputs(codebook, 'mi', behaviour.spec.entries ?? [], context, behaviour.betas.length));
  return { ...features, stack: stackFeatures(behaviour.classes, probabilities) };
}
