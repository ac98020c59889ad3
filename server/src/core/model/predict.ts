/**
 * What the shipped models say about one turn: the technique probabilities of
 * a namespace (`cbt`, `mi`), whether it asks a question or reflects, and
 * whose voice it sounds like. Every function is pure and local.
 */
import { sharedDefaultCodebook, type Codebook } from '../codebook.ts';
import { detectQuestion, looksLikeReflection } from '../detect/question.ts';
import { matchCues, type CueMatch } from './cues.ts';
import { featurize, stackFeatures, type Features, type FormFacts, type ModelInput, type TurnContext } from './featurize.ts';
import { softmax, type LinearModel } from './linear.ts';
import { models } from './load.ts';

function model(name: string): LinearModel {
  const m = models().models.get(name);
  if (!m) throw new Error(`the technique model file has no "${name}" model; run \`npm run train\``);
  return m;
}

/** The technique model of a namespace (the model named after it), if one ships. */
export function techniqueModel(namespace: string): LinearModel | undefined {
  const m = models().models.get(namespace);
  return m?.spec.namespace === namespace && m.spec.entries ? m : undefined;
}

/**
 * The per-class inputs of a technique model (`count` of them): the cue score
 * of each class's codebook entry in the turn, then in the speaker's own turn
 * before (a technique often runs over several turns). `inTurn` may be given
 * when already matched.
 */
export function cueInputs(
  codebook: Codebook,
  namespace: string,
  entries: ReadonlyArray<string | null>,
  context: Pick<TurnContext, 'text' | 'own'>,
  count: number,
  inTurn?: Map<string, CueMatch>,
): Float64Array {
  const k = entries.length;
  const out = new Float64Array(k * count);
  const sources = [inTurn ?? matchCues(codebook, namespace, context.text)];
  if (count > 1) sources.push(context.own ? matchCues(codebook, namespace, context.own) : new Map());
  for (let t = 0; t < count; t++) {
    for (let c = 0; c < k; c++) {
      const id = entries[c];
      out[t * k + c] = id === null || id === undefined ? 0 : (sources[t]!.get(id)?.score ?? 0);
    }
  }
  return out;
}

/** A model's input: the turn's features, with the probabilities of the model it stacks on. */
export function inputFor(m: LinearModel, features: Features, codebook: Codebook, context: TurnContext): ModelInput {
  if (!m.spec.stack) return features;
  const base = model(m.spec.stack);
  const p = base.probabilities(features, base.spec.namespace ? cueInputs(codebook, base.spec.namespace, base.spec.entries ?? [], context, base.betas.length) : undefined);
  return { ...features, stack: stackFeatures(base.classes, p) };
}

export interface EntryProbability {
  /** Codebook entry id, or null for "no technique". */
  id: string | null;
  probability: number;
  /** The origins that raised it most (see `LinearModel.explain`), with the codebook cues it matched. */
  because: Array<{ origin: string; weight: number; value: number }>;
  cues: string[];
}

/**
 * The probability of each entry of `namespace` (and of no technique) for a
 * turn, best first. Entries the model was not trained on (rare ones, or ones
 * a workspace codebook adds) are scored by their cues through the model's
 * shared cue weight, from the lowest trained prior. Undefined when no model
 * ranks this namespace.
 */
export function entryProbabilities(codebook: Codebook, namespace: string, context: TurnContext, options: { explain?: number; features?: Features } = {}): EntryProbability[] | undefined {
  const m = techniqueModel(namespace);
  const ns = codebook.namespaces.get(namespace);
  if (!m || !ns) return undefined;
  const features = options.features ?? featuresOf(context);
  const input = inputFor(m, features, codebook, context);
  const cues = matchCues(codebook, namespace, context.text);
  const ownCues = m.betas.length > 1 && context.own ? matchCues(codebook, namespace, context.own) : undefined;
  const entries = m.spec.entries!;
  const logits = m.logits(input, cueInputs(codebook, namespace, entries, context, m.betas.length, cues));
  // Classes whose entry the codebook lacks (a workspace override removed it) drop out.
  const kept: number[] = [];
  for (let c = 0; c < entries.length; c++) if (entries[c] === null || ns.entries.has(entries[c]!)) kept.push(c);
  const known = new Set(entries);
  const extra = [...ns.entries.keys()].filter((id) => !known.has(id));
  let floor = Infinity;
  for (const b of m.bias) floor = Math.min(floor, b);
  const extraLogit = (id: string) => floor + (m.betas[0] ?? 0) * (cues.get(id)?.score ?? 0) + (m.betas[1] ?? 0) * (ownCues?.get(id)?.score ?? 0);
  const p = softmax([...kept.map((c) => logits[c]!), ...extra.map(extraLogit)]);
  // Sum classes that share an entry (open and closed questions are both `mi:question`).
  const byId = new Map<string | null, { probability: number; best: number; bestP: number }>();
  kept.forEach((c, i) => {
    const id = entries[c]!;
    const known = byId.get(id);
    if (!known) byId.set(id, { probability: p[i]!, best: c, bestP: p[i]! });
    else {
      known.probability += p[i]!;
      if (p[i]! > known.bestP) (known.best = c), (known.bestP = p[i]!);
    }
  });
  const out: Array<EntryProbability & { best?: number }> = [];
  for (const [id, v] of byId) out.push({ id, probability: v.probability, because: [], cues: id === null ? [] : (cues.get(id)?.matched ?? []), best: v.best });
  extra.forEach((id, i) => out.push({ id, probability: p[kept.length + i]!, because: [], cues: cues.get(id)?.matched ?? [] }));
  out.sort((a, b) => b.probability - a.probability || ((a.id ?? '') < (b.id ?? '') ? -1 : 1));
  // Explain the first few: what raised each above the model's expectation.
  const explain = options.explain ?? 0;
  if (explain > 0) {
    const all = softmax(logits);
    for (const r of out.slice(0, explain)) if (r.best !== undefined) r.because = m.explain(input, r.best, all).slice(0, 8);
  }
  for (const r of out) delete r.best;
  return out;
}

/** Features of a turn in context, kept for the last few contexts asked (a light bulb asks again on every cursor move). */
const recent = new Map<string, Features>();
const RECENT = 64;

export function featuresOf(context: TurnContext): Features {
  const key = `${context.index}\u0000${context.count}\u0000${context.text}\u0000${context.previous ?? '\u0001'}\u0000${context.next ?? '\u0001'}\u0000${context.own ?? '\u0001'}`;
  const known = recent.get(key);
  if (known) {
    recent.delete(key);
    recent.set(key, known);
    return known;
  }
  const features = featurize(context);
  recent.set(key, features);
  if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  return features;
}

// ---------------------------------------------------------------------------
// Form: questions and reflections, as AnnoMI's coders would code them

export interface ModelForm {
  /** P(the turn asks a question). */
  question: number;
  /** Open or closed, when it asks. */
  questionType: 'open' | 'closed';
  /** P(the turn is a reflection). */
  reflection: number;
  /** Simple or complex, when it reflects. */
  reflectionType: 'simple' | 'complex';
}

/**
 * The probabilities from which a turn counts as a question / a reflection:
 * the F1-best thresholds on AnnoMI's development sessions (`npm run train --
 * --dev` prints them), not on the held-out ones.
 */
export const FORM_THRESHOLDS = { question: 0.3, reflection: 0.25 };

/** A text alone, or a turn in its session (`turnContext`): the models read the turns around it when given. */
export type FormInput = string | TurnContext;

const contextOf = (input: FormInput): TurnContext => (typeof input === 'string' ? { text: input, index: 0, count: 1 } : input);

function formFeatures(input: FormInput, facts?: FormFacts): Features {
  const context = contextOf(input);
  return facts ? featurize(context, facts) : featuresOf(context);
}

/** Two of the behaviour model's probabilities (it reads the default codebook's `mi` cues, as in training). */
function behaviourAt(input: FormInput, features: Features, a: string, b: string): [number, number] {
  const behaviour = model('behaviour');
  const cues = cueInputs(sharedDefaultCodebook(), 'mi', behaviour.spec.entries ?? [], contextOf(input), behaviour.betas.length);
  const p = behaviour.probabilities(features, cues);
  return [p[behaviour.classes.indexOf(a)] ?? 0, p[behaviour.classes.indexOf(b)] ?? 0];
}

/**
 * The model's reading of a therapist turn's form, as AnnoMI's coders would
 * code it: the probability that it asks a question and that it reflects.
 */
export function modelForm(input: FormInput, facts?: FormFacts): ModelForm {
  const features = formFeatures(input, facts);
  const [open, closed] = behaviourAt(input, features, 'question-open', 'question-closed');
  const [simple, complex] = behaviourAt(input, features, 'simple-reflection', 'complex-reflection');
  return {
    question: model('question').probabilities(features)[1]!,
    questionType: open >= closed ? 'open' : 'closed',
    reflection: model('reflection').probabilities(features)[1]!,
    reflectionType: complex > simple ? 'complex' : 'simple',
  };
}

/** Can the shipped models be read? (False when the weight file is missing or damaged.) */
export function modelsAvailable(): boolean {
  try {
    models();
    return true;
  } catch {
    return false;
  }
}

/**
 * Does this therapist turn ask a question? The model trained on AnnoMI's
 * expert codes; give the turn in its session (`turnContext`) where known.
 * Without the weight file, the rule-based `detectQuestion` answers.
 */
export function isQuestion(input: FormInput): boolean {
  return questionOf(input) !== undefined;
}

/** The question the turn asks, open or closed, or undefined when it asks none (`detectQuestion` without the weight file). */
export function questionOf(input: FormInput): { probability: number; type: 'open' | 'closed' } | undefined {
  if (!modelsAvailable()) {
    const q = detectQuestion(contextOf(input).text);
    return q ? { probability: 1, type: q.type } : undefined;
  }
  const features = formFeatures(input);
  const probability = model('question').probabilities(features)[1]!;
  if (probability < FORM_THRESHOLDS.question) return undefined;
  const [open, closed] = behaviourAt(input, features, 'question-open', 'question-closed');
  return { probability, type: open >= closed ? 'open' : 'closed' };
}

/** The reflection the turn makes, simple or complex, or undefined when it makes none (without the weight file: `looksLikeReflection`, simple). */
export function reflectionOf(input: FormInput): { probability: number; type: 'simple' | 'complex' } | undefined {
  if (!modelsAvailable()) return looksLikeReflection(contextOf(input).text) ? { probability: 1, type: 'simple' } : undefined;
  const features = formFeatures(input);
  const probability = model('reflection').probabilities(features)[1]!;
  if (probability < FORM_THRESHOLDS.reflection) return undefined;
  const [simple, complex] = behaviourAt(input, features, 'simple-reflection', 'complex-reflection');
  return { probability, type: complex > simple ? 'complex' : 'simple' };
}

// ---------------------------------------------------------------------------
// Voice

/**
 * How much a turn's text sounds like a therapist rather than a client
 * (trained on AnnoMI's roles; the text alone, not its label or position):
 * `therapist` is P(therapist | text). Undefined when the weight file cannot
 * be read.
 */
export function voiceOf(text: string): { therapist: number } | undefined {
  if (!modelsAvailable()) return undefined;
  const voice = model('voice');
  // The groups it reads, without origins: the same figures as all of `featurize`, for a fraction of the work.
  const features = featurize({ text, index: 0, count: 1 }, undefined, { groups: voice.groupNames, origins: false });
  return { therapist: voice.probabilities(features)[1]! };
}
