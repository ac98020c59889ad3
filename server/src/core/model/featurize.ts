/**
 * Features of a turn for the technique, form and voice models: hashed word
 * unigrams and bigrams, character n-grams inside words, the turn's form (the
 * question and reflection detectors, '?', length), the turn it answers (the
 * nearest earlier turn of the other speaker: word overlap, feelings, a
 * question) and its position in the session.
 *
 * A pure function of the text and its context, shared by training
 * (`train/`) and prediction, so both see exactly the same features. Every
 * feature remembers where it came from (a word, "an open question", "the
 * client spoke of feelings") so that a prediction can say why.
 */
import { questionAndReflection } from '../detect/question.ts';

/** The groups a model may use; each is scaled on its own (see `featurize`). */
export type FeatureGroup = 'word' | 'char' | 'form' | 'context' | 'reply' | 'own' | 'position';
export const FEATURE_GROUPS: readonly FeatureGroup[] = ['word', 'char', 'form', 'context', 'reply', 'own', 'position'];

/** What the featurizer needs to know about a turn. */
export interface TurnContext {
  /** The turn's text, tags excluded. */
  text: string;
  /** The nearest earlier turn of another speaker (what this turn answers), if any. */
  previous?: string | undefined;
  /** The nearest later turn of another speaker (the reply), if any. */
  next?: string | undefined;
  /** The speaker's own turn before this one, if any. */
  own?: string | undefined;
  /** 0-based index of the turn in the session, and the number of turns. */
  index: number;
  count: number;
}

/** One group's features: 32-bit keys, values, and the origin of each (for reasons). */
export interface GroupFeatures {
  keys: number[];
  values: number[];
  origins: string[];
}

export type Features = Record<FeatureGroup, GroupFeatures>;

/** What a model reads: the turn's features, and for a stacked model another model's probabilities. */
export type ModelInput = Partial<Record<FeatureGroup | 'stack', GroupFeatures>>;

/** At most this many words of a turn are read (a long explanation says what it is early on). */
const MAX_WORDS = 300;
/** Character n-grams of these lengths, inside words padded with '<' and '>'. */
const CHAR_NGRAMS = [3, 4];

/** Words too common to count as overlap with the previous turn. */
const STOPWORDS = new Set(
  (
    "a an the and or but so if then of to in on at for with about from by as is are was were be been being am it it's this that these those " +
    "i me my we us our you your he him his she her they them their there here what how why when where who which do does did doing have has had " +
    "not no yes yeah okay ok um uh mm hmm mhm just like really very can could would should will gonna wanna know think right well oh all get got go going"
  ).split(' '),
);

const FEELINGS = new Set(
  (
    'feel feeling feelings felt scared afraid anxious anxiety panic sad depressed down angry upset hurt overwhelmed ashamed guilty lonely ' +
    'hopeless worried worry terrified embarrassed frustrated exhausted cry crying cried stressed stress nervous miserable awful terrible'
  ).split(' '),
);

/**
 * FNV-1a of a string, continued from `h`: the same function as text.ts's `hashString` (a test holds them equal),
 * kept here because it is the featurizer's hottest call (through `hashString`, the CLI took 2–3 % more time).
 */
function fnv(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The key of a feature: its group's prefix and its text. */
export function featureKey(prefix: string, text: string): number {
  return fnv(text, fnv(prefix));
}

/** A partial tag left in the text (`[mi:` being typed, an auto-closed `[cbt:]`): never part of the turn. */
const PARTIAL_TAG = /\[[a-z][a-z0-9_-]*:[a-z0-9-]*\](?=\s|$)|\[[a-z][a-z0-9_-]*:/g;

export interface Token {
  w: string;
  /** Index of the sentence the token is in. */
  s: number;
}

/**
 * Lower-cased words, with '?' and '!' kept as tokens; sentences end at
 * . ! ? … and line breaks. Curly apostrophes are straightened.
 */
export function tokens(text: string): Token[] {
  const out: Token[] = [];
  const clean = text.replace(PARTIAL_TAG, ' ').toLowerCase().replace(/[’‘`´]/g, "'");
  const re = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*|[?!]|[.…;\n]+/gu;
  let sentence = 0;
  let last = '';
  for (let m = re.exec(clean); m && out.length < MAX_WORDS; m = re.exec(clean)) {
    const w = m[0];
    const c = w.charCodeAt(0);
    if (c === 46 || c === 0x2026 || c === 59 || c === 10) {
      if (last !== '' && last !== '?' && last !== '!') sentence++;
      last = '';
      continue;
    }
    out.push({ w, s: sentence });
    if (w === '?' || w === '!') sentence++;
    last = w;
  }
  return out;
}

function bucket(n: number, limits: readonly number[]): number {
  let i = 0;
  while (i < limits.length && n > limits[i]!) i++;
  return i;
}
const LENGTH_LIMITS = [1, 2, 4, 8, 16, 32, 64, 128];

function group(): GroupFeatures {
  return { keys: [], values: [], origins: [] };
}

/** Scale a group to unit length (each feature present once counts 1 before scaling). */
function normalise(g: GroupFeatures, weight: number): void {
  let sum = 0;
  for (const v of g.values) sum += v * v;
  if (sum === 0) return;
  const k = weight / Math.sqrt(sum);
  for (let i = 0; i < g.values.length; i++) g.values[i]! *= k;
}

/**
 * The keys a group already holds, for `adder`: one open-addressing table
 * reused by every group (a `Set` of 32-bit keys would box most of them), its
 * slots valid only while they carry the current group's stamp.
 */
const seenKeys = { keys: new Uint32Array(1024), stamps: new Uint32Array(1024), stamp: 0, count: 0 };

/** Start a new group in `seenKeys`. */
function newSeenGroup(): void {
  if (++seenKeys.stamp === 0xffffffff) {
    seenKeys.stamps.fill(0);
    seenKeys.stamp = 1;
  }
  seenKeys.count = 0;
}

/** Add `key` to the current group of `seenKeys`; false when it was there already. */
function addSeen(key: number): boolean {
  const table = seenKeys;
  if (2 * (table.count + 1) > table.keys.length) {
    // Grow, keeping the current group's keys.
    const { keys, stamps, stamp } = table;
    table.keys = new Uint32Array(keys.length * 2);
    table.stamps = new Uint32Array(keys.length * 2);
    table.count = 0;
    for (let i = 0; i < keys.length; i++) if (stamps[i] === stamp) addSeen(keys[i]!);
  }
  const mask = table.keys.length - 1;
  let slot = Math.imul(key, 0x9e3779b1) & mask;
  while (table.stamps[slot] === table.stamp) {
    if (table.keys[slot] === key) return false;
    slot = (slot + 1) & mask;
  }
  table.stamps[slot] = table.stamp;
  table.keys[slot] = key;
  table.count++;
  return true;
}

/**
 * Add features to a group, each once (repeats keep the first origin; values
 * stay 1). `add` takes the feature's text (hashed after the group's prefix);
 * `addKey` a key already hashed from `seed` (see `fnv`), so that a feature
 * made of parts needs no string. An origin is a function of the feature's text,
 * built only when origins are kept (`origins`).
 */
interface Adder {
  seed: number;
  origins: boolean;
  add(text: string, origin: string, value?: number): void;
  addKey(key: number, origin: string, value?: number): void;
}

function adder(g: GroupFeatures, prefix: string, origins: boolean): Adder {
  newSeenGroup();
  const addKey = (key: number, origin: string, value = 1) => {
    if (!addSeen(key)) return;
    g.keys.push(key);
    g.values.push(value);
    if (origins) g.origins.push(origin);
  };
  const seed = fnv(prefix);
  return { seed, origins, addKey, add: (text, origin, value) => addKey(fnv(text, seed), origin, value) };
}

export interface FormFacts {
  question: 'open' | 'closed' | undefined;
  /** The reflection heuristic's verdict, whether or not the turn also asks. */
  reflection: boolean;
}

/** The rule-based detectors' verdict on a text (the old detectors, now one input of the models). */
export function formFacts(text: string): FormFacts {
  const both = questionAndReflection(text);
  return { question: both.question?.type, reflection: both.reflection };
}

/** What to compute (the default: every group, with origins, as training and explanations need). */
export interface FeaturizeOptions {
  /** Only these groups; the others stay empty (a model that reads three groups need not pay for seven). */
  groups?: ReadonlyArray<FeatureGroup | 'stack'>;
  /** Keep each feature's origin (false: `origins` stay empty, for a prediction that is never explained). */
  origins?: boolean;
}

/** The FNV hash of `a b` (two words and a space) from `seed`, without making the string. */
function pairKey(seed: number, a: string, b: string): number {
  return fnv(b, fnv(' ', fnv(a, seed)));
}

/**
 * The FNV hash from `seed` of the `n` characters from `i` of `<word>` (the
 * word padded with '<' and '>'), without making the string.
 */
function charGramKey(seed: number, word: string, i: number, n: number): number {
  let h = seed;
  for (let j = i; j < i + n; j++) {
    const c = j === 0 ? 60 : j === word.length + 1 ? 62 : word.charCodeAt(j - 1);
    h = Math.imul(h ^ c, 0x01000193);
  }
  return h >>> 0;
}

/** All feature groups of a turn. `form` may be given when already known (the detectors are the costliest part). */
export function featurize(context: TurnContext, form?: FormFacts, options: FeaturizeOptions = {}): Features {
  const text = context.text;
  const toks = tokens(text);
  const words = toks.filter((t) => t.w !== '?' && t.w !== '!');
  const features: Features = { word: group(), char: group(), form: group(), context: group(), reply: group(), own: group(), position: group() };
  const wanted = (name: FeatureGroup) => !options.groups || options.groups.includes(name);
  const o = options.origins ?? true;

  // Words: unigrams, and bigrams within a sentence with its start and end marked.
  if (wanted('word')) {
    const word = adder(features.word, 'w', o);
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.w !== '?' && t.w !== '!') word.add(t.w, o ? `w:${t.w}` : '');
      const before = i > 0 && toks[i - 1]!.s === t.s ? toks[i - 1]!.w : '<s>';
      word.addKey(pairKey(word.seed, before, t.w), o ? (before === '<s>' ? `s:${t.w}` : `w:${before} ${t.w}`) : '');
      const next = toks[i + 1];
      if ((!next || next.s !== t.s) && t.w !== '?' && t.w !== '!') word.addKey(pairKey(word.seed, t.w, '</s>'), o ? `w:${t.w}` : '');
    }
    // The turn's first two words and its last sentence's first two words: how it opens.
    const first = words.slice(0, 2).map((t) => t.w);
    if (first.length > 0) word.add(`^${first.join(' ')}`, `s:${first.join(' ')}`);
    if (words.length > 0) {
      const lastSentence = words[words.length - 1]!.s;
      const opening = words.filter((t) => t.s === lastSentence).slice(0, 2).map((t) => t.w);
      if (lastSentence > 0) word.add(`$${opening.join(' ')}`, `s:${opening.join(' ')}`);
    }
    // The last sentence on its own: what the turn leaves the other to answer.
    if (words.length > 0 && words[words.length - 1]!.s > 0) {
      const lastSentence = toks[toks.length - 1]!.w === '?' || toks[toks.length - 1]!.w === '!' ? toks[toks.length - 1]!.s : words[words.length - 1]!.s;
      let before = '<s>';
      const seed = fnv('L ', word.seed);
      for (const t of toks) {
        if (t.s !== lastSentence) continue;
        word.addKey(pairKey(seed, before, t.w), o ? (before === '<s>' ? `s:${t.w}` : `w:${before} ${t.w}`) : '');
        before = t.w;
      }
    }
    normalise(features.word, 1);
  }

  // Character n-grams: spelling variants and word parts ("overwhelm…", "gonna").
  if (wanted('char')) {
    const char = adder(features.char, 'c', o);
    for (const t of words) {
      if (t.w.length < 2) continue;
      const origin = o ? `w:${t.w}` : '';
      const padded = t.w.length + 2;
      for (const n of CHAR_NGRAMS) {
        for (let i = 0; i + n <= padded; i++) char.addKey(charGramKey(char.seed, t.w, i, n), origin);
      }
    }
    normalise(features.char, 1);
  }

  // Form.
  if (wanted('form')) {
    const f = form ?? formFacts(text);
    const formAdd = adder(features.form, 'f', o);
    formAdd.add(f.question ? `q-${f.question}` : 'q-none', f.question ? `f:q-${f.question}` : 'f:statement');
    if (f.reflection) formAdd.add(f.question ? 'reflection+q' : 'reflection', 'f:reflection');
    let marks = 0;
    for (const t of toks) if (t.w === '?') marks++;
    formAdd.add(`qm${Math.min(marks, 3)}`, marks > 0 ? 'f:qmark' : 'f:statement');
    if (toks.length > 0 && toks[toks.length - 1]!.w === '?') formAdd.add('ends?', 'f:qmark');
    formAdd.add(`len${bucket(words.length, LENGTH_LIMITS)}`, words.length > 60 ? 'f:long' : words.length <= 2 ? 'f:short' : 'f:length');
    const sentences = words.length > 0 ? words[words.length - 1]!.s + 1 : 0;
    formAdd.add(`sent${Math.min(sentences, 6)}`, 'f:length');
    // Who the turn is about: the speaker, the other, both.
    let you = 0;
    let me = 0;
    for (const t of words) {
      if (t.w === 'you' || t.w === 'your' || t.w.startsWith("you'") || t.w === 'yourself') you++;
      else if (t.w === 'i' || t.w === 'me' || t.w === 'my' || t.w.startsWith("i'") || t.w === 'myself') me++;
    }
    formAdd.add(`you${bucket(you, [0, 1, 3])}`, you > 0 ? 'f:you' : 'f:length');
    formAdd.add(`me${bucket(me, [0, 1, 3])}`, me > 0 ? 'f:me' : 'f:length');
    normalise(features.form, 1);
  }

  // The turn it answers.
  if (wanted('context')) {
    const ctx = adder(features.context, 'x', o);
    const previous = context.previous;
    if (previous === undefined) ctx.add('none', 'x:first');
    else {
      const prev = tokens(previous);
      const prevWords = prev.filter((t) => t.w !== '?' && t.w !== '!');
      const content = new Set(prevWords.map((t) => t.w).filter((w) => !STOPWORDS.has(w)));
      let shared = 0;
      let own = 0;
      const counted = new Set<string>();
      for (const t of words) {
        if (STOPWORDS.has(t.w) || counted.has(t.w)) continue;
        counted.add(t.w);
        own++;
        if (content.has(t.w)) shared++;
      }
      const overlap = own === 0 ? 0 : shared / own;
      ctx.add(`ov${bucket(overlap, [0, 0.15, 0.3, 0.5])}`, overlap >= 0.3 ? 'x:overlap' : 'x:new');
      if (prev.some((t) => t.w === '?')) ctx.add('asked', 'x:asked');
      if (prevWords.some((t) => FEELINGS.has(t.w))) ctx.add('feelings', 'x:feelings');
      ctx.add(`plen${bucket(prevWords.length, LENGTH_LIMITS)}`, prevWords.length <= 2 ? 'x:short' : 'x:length');
      const seen = new Set<string>();
      const seed = fnv('p:', ctx.seed);
      for (const t of prevWords) {
        if (STOPWORDS.has(t.w) || seen.has(t.w)) continue;
        seen.add(t.w);
        ctx.addKey(fnv(t.w, seed), o ? `c:${t.w}` : '', 0.5);
      }
    }
    normalise(features.context, 1);
  }

  // The reply: how the other speaker took it ("Yes." after a closed question, "Exactly." after a reflection).
  if (wanted('reply')) {
    const reply = adder(features.reply, 'r', o);
    if (context.next === undefined) reply.add('none', 'r:none');
    else {
      const next = tokens(context.next).filter((t) => t.w !== '?' && t.w !== '!');
      reply.add(`len${bucket(next.length, LENGTH_LIMITS)}`, next.length <= 2 ? 'r:short' : 'r:length');
      const head = next.slice(0, 2).map((t) => t.w);
      if (head.length > 0) reply.add(`^${head[0]}`, `r:${head[0]}`);
      if (head.length > 1) reply.add(`^${head.join(' ')}`, `r:${head.join(' ')}`);
    }
    normalise(features.reply, 1);
  }

  // The speaker's own turn before: a technique often runs over several turns.
  if (wanted('own')) {
    const own = adder(features.own, 'o', o);
    if (context.own === undefined) own.add('none', 'o:none');
    else {
      const seen = new Set<string>();
      for (const t of tokens(context.own)) {
        if (t.w === '?' || t.w === '!' || STOPWORDS.has(t.w) || seen.has(t.w)) continue;
        seen.add(t.w);
        own.add(t.w, o ? `o:${t.w}` : '');
      }
    }
    normalise(features.own, 1);
  }

  // Position in the session.
  if (wanted('position')) {
    const pos = adder(features.position, 'p', o);
    const at = context.count > 1 ? context.index / (context.count - 1) : 0.5;
    pos.add(`rel${Math.min(4, Math.floor(at * 5))}`, at < 0.2 ? 'p:early' : at >= 0.8 ? 'p:late' : 'p:middle');
    if (context.index < 3) pos.add('start', 'p:start');
    if (context.count - context.index <= 3) pos.add('end', 'p:end');
    normalise(features.position, 1);
  }
  return features;
}

/** Another model's probabilities as the `stack` group of a model that reads them. */
export function stackFeatures(classes: readonly string[], probabilities: ArrayLike<number>): GroupFeatures {
  const g = group();
  for (let c = 0; c < classes.length; c++) {
    g.keys.push(featureKey('k', classes[c]!));
    g.values.push(probabilities[c]!);
    g.origins.push(`k:${classes[c]!}`);
  }
  return g;
}
