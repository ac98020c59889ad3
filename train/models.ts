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
import { matchCues } from '../server/src/core/model/cues.ts';
import { featurize, formFacts, stackFeatures, type FeatureGroup, type Features, type ModelInput, type TurnContext } from '../server/src/core/model/featurize.ts';
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

/** AnnoMI's labels of a therapist turn as a distribution over the behaviour classes (undefined: unlabelled). */
export function behaviourTarget(l: AnnomiLabels): Float64Array | undefined {
  const t = new Float64Array(BEHAVIOUR_CLASSES.length);
  const at = (name: (typeof BEHAVIOUR_CLASSES)[number], p = 1) => (t[BEHAVIOUR_CLASSES.indexOf(name)]! += p);
  switch (l.behaviour) {
    case 'question':
      if (l.question_type === 'open') at('question-open');
      else if (l.question_type === 'closed') at('question-closed');
      else (at('question-open', 0.5), at('question-closed', 0.5));
      return t;
    case 'reflection':
      if (l.reflection_type === 'simple') at('simple-reflection');
      else if (l.reflection_type === 'complex') at('complex-reflection');
      else (at('simple-reflection', 0.5), at('complex-reflection', 0.5));
      return t;
    case 'therapist_input':
      at(({ advice: 'persuade', negotiation: 'seeking-collaboration', options: 'emphasizing-autonomy' } as const)[l.input_type as 'advice'] ?? 'giving-information');
      return t;
    case 'other':
      at('none');
      return t;
    default:
      return undefined;
  }
}

export interface Settings {
  seed: number;
  /** Features seen in fewer training examples are dropped. */
  minCount: number;
  l2: Record<string, number>;
  iterations: number;
  groups: Record<string, Partial<Record<FeatureGroup | 'stack', number>>>;
  /** Fit a shared weight on the codebook's cues (models with codebook entries). */
  cues: boolean;
  /** AnnoMI's turns in the cbt model, under the mapping (`cbtTargetOfAnnomi`): their total weight relative to the CBT sessions' (0: none). */
  crosswalk: number;
  /** How much AnnoMI's "other" turns (mostly backchannels) teach the cbt model "no technique", relative to its other mapped turns. */
  crosswalkNone: number;
}

export const DEFAULT_SETTINGS: Settings = {
  seed: 11,
  minCount: 2,
  l2: { behaviour: 1, question: 1, reflection: 1, cbt: 0.3, voice: 1 },
  iterations: 250,
  groups: {
    behaviour: { word: 1, char: 1, form: 1, context: 1, position: 1 },
    question: { word: 1, char: 1, form: 1, context: 1 },
    reflection: { word: 1, char: 1, form: 1, context: 1 },
    cbt: { word: 1, char: 1, form: 1, context: 1, position: 1, stack: 1 },
    voice: { word: 1, char: 1, form: 1 },
  },
  cues: true,
  crosswalk: 0.5,
  crosswalkNone: 0.3,
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

/** Cue scores per class of a model with codebook entries (none: 0). */
export function cueInput(codebook: Codebook, namespace: string, entries: Array<string | null>, text: string): Float64Array {
  const matches = matchCues(codebook, namespace, text);
  return Float64Array.from(entries.map((id) => (id === null ? 0 : (matches.get(id)?.score ?? 0))));
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
  const examples = job.inputs.map((input, i) => example(input, groups, dict, job.targets[i]!, job.weights?.[i] ?? 1, job.perClass?.[i]));
  const started = performance.now();
  const fitted = fit(examples, dict.keys.length, job.classes.length, { l2: settings.l2[job.name]!, iterations: settings.iterations, tied: Boolean(job.perClass) });
  log(`  ${job.name}: ${examples.length} examples, ${job.classes.length} classes, ${dict.keys.length} features, ${fitted.iterations} iterations, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const spec: LinearModelSpec = { name: job.name, classes: job.classes, groups: Object.fromEntries(groups), bias: [...fitted.bias], beta: fitted.beta, ...job.extra };
  return { spec, keys: Uint32Array.from(dict.keys), weights: fitted.weights };
}

/** The shipped form of a model (quantised), to read its predictions exactly as the product will. */
export function asShipped(model: DenseModel): LinearModel {
  return decodeModels(encodeModels([model], {})).models.get(model.spec.name)!;
}

const oneHot = (k: number, c: number): Float64Array => {
  const t = new Float64Array(k);
  t[c] = 1;
  return t;
};

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
  // question, reflection
  for (const name of ['question', 'reflection'] as const) {
    if (reused(name)) continue;
    const turns = data.annomi.filter((t) => t.role === 'therapist' && t.labels[name] !== null);
    models.push(
      train(
        { name, classes: ['no', 'yes'], inputs: turns.map((t) => features.get(t.context)), targets: turns.map((t) => oneHot(2, t.labels[name] ? 1 : 0)) },
        settings,
        log,
      ),
    );
  }
  models.push(trainCbt(data, codebook, settings, features, log, behaviour));
  // voice
  if (!reused('voice')) {
    const spoken = data.annomi.filter((t) => t.role === 'therapist' || t.role === 'patient');
    models.push(
      train(
        { name: 'voice', classes: ['client', 'therapist'], inputs: spoken.map((t) => features.get(t.context)), targets: spoken.map((t) => oneHot(2, t.role === 'therapist' ? 1 : 0)) },
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
      targets: labelled.map((t) => behaviourTarget(t.labels)!),
      ...(settings.cues ? { perClass: labelled.map((t) => cueInput(codebook, 'mi', BEHAVIOUR_ENTRIES, t.context.text)) } : {}),
      extra: { namespace: 'mi', entries: BEHAVIOUR_ENTRIES },
    },
    settings,
    log,
  );
  models.push(behaviour);
  return behaviour;
}

/**
 * The cbt technique an AnnoMI code corresponds to: the mapping of
 * ESConv's strategies read from AnnoMI's side (a question is Socratic
 * questioning, a reflection a reflection, information psychoeducation,
 * advice problem solving, other no technique). Negotiation and options have
 * no counterpart and are left out.
 */
export function cbtTargetOfAnnomi(l: AnnomiLabels): string | null | undefined {
  switch (l.behaviour) {
    case 'question':
      return 'socratic-questioning';
    case 'reflection':
      return 'reflection';
    case 'therapist_input':
      return l.input_type === 'information' ? 'psychoeducation' : l.input_type === 'advice' ? 'problem-solving' : undefined;
    case 'other':
      return null;
    default:
      return undefined;
  }
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
    for (const t of turns) if (inFold(t)) out.set(t, withStack(features.get(t.context), model, codebook, t.context.text));
  }
  return turns.map((t) => out.get(t)!);
}

export function trainCbt(data: TrainingData, codebook: Codebook, settings: Settings, features: FeatureStore, log: (line: string) => void, behaviour: DenseModel): DenseModel {
  // cbt reads the shipped behaviour model's probabilities
  const shippedBehaviour = asShipped(behaviour);
  const classes = [...new Set(data.cbt.map((t) => t.technique ?? 'none'))].sort((a, b) => (a === 'none' ? 1 : b === 'none' ? -1 : a < b ? -1 : 1));
  const entries = classes.map((c) => (c === 'none' ? null : c));
  const inputs = data.cbt.map((t) => withStack(features.get(t.context), shippedBehaviour, codebook, t.context.text));
  const targets = data.cbt.map((t) => oneHot(classes.length, classes.indexOf(t.technique ?? 'none')));
  const weights = data.cbt.map(() => 1);
  const texts = data.cbt.map((t) => t.context.text);
  if (settings.crosswalk > 0) {
    // AnnoMI's turns under the mapping, all together weighing `crosswalk` times the CBT sessions.
    const mapped = data.annomi.filter((t) => {
      if (t.role !== 'therapist') return false;
      const target = cbtTargetOfAnnomi(t.labels);
      if (target === undefined || (target === null && settings.crosswalkNone === 0)) return false;
      return classes.includes(target ?? 'none');
    });
    const w = (settings.crosswalk * data.cbt.length) / Math.max(1, mapped.length);
    inputs.push(...outOfFoldStacks(mapped, data, codebook, settings, features));
    for (const t of mapped) {
      targets.push(oneHot(classes.length, classes.indexOf(cbtTargetOfAnnomi(t.labels) ?? 'none')));
      weights.push(cbtTargetOfAnnomi(t.labels) === null ? w * settings.crosswalkNone : w);
      texts.push(t.context.text);
    }
  }
  return train(
    {
      name: 'cbt',
      classes,
      inputs,
      targets,
      weights,
      ...(settings.cues ? { perClass: texts.map((text) => cueInput(codebook, 'cbt', entries, text)) } : {}),
      extra: { namespace: 'cbt', entries, stack: 'behaviour' },
    },
    settings,
    log,
  );
}

/** A turn's features with the behaviour model's probabilities added (what `cbt` reads). */
export function withStack(features: Features, behaviour: LinearModel, codebook: Codebook, text: string): ModelInput {
  const probabilities = behaviour.probabilities(features, cueInput(codebook, 'mi', behaviour.spec.entries ?? [], text));
  return { ...features, stack: stackFeatures(behaviour.classes, probabilities) };
}
