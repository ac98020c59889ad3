/**
 * Injected defects over real sessions: a seeded, deterministic generator that
 * takes clean sessions from ../shared/corpora (AnnoMI: transcribed speech;
 * ESConv: chat; mibot: a GPT-4o counsellor with real clients) and plants one
 * known defect in each, in many phrasings per defect family, with a held-out
 * half of the phrasings that the rules' author never reads. See
 * test/data/inject/README.md.
 *
 *   injectedCases({ shared, split: 'dev' })      one planted defect per case, with its gold lines
 *   trapCases({ shared })                        one look-alike that is not a defect per case
 *
 * Everything is a pure function of (corpora, data files, seed): no clock, no
 * Math.random. Each case draws from its own PRNG seeded by (seed, family,
 * split, index), so adding a family or a phrasing does not move the others.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const INJECT_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/data/inject');

export type Split = 'dev' | 'heldout';
export type Role = 'therapist' | 'patient';

/** A finding a curator would expect in the case. */
export interface GoldFinding {
  /** 1-based line (for a defect of a whole turn, the line of its label). */
  line: number;
  rule: string;
  family: string;
  /** A consequence of the planted defect elsewhere (e.g. the question a refusal leaves unanswered). */
  consequence?: boolean;
  note?: string;
}

export interface InjectedCase {
  id: string;
  family: string;
  split: Split;
  /** `<corpus>/<file>` of the base session under ../shared/corpora. */
  source: string;
  text: string;
  gold: GoldFinding[];
  /** Findings that are neither expected nor false alarms (not counted either way, like the gold set's "doubtful"). */
  doubtful: Array<{ line: number; rule: string }>;
  /** How the defect was placed (`replace`, `start`, `before-label`, `mid-word`, …). */
  placement: string;
  /** Index of the phrasing in its split's list (phrased families only). */
  phrasing?: number;
  /** Lines (1-based) of the case that hold planted or changed text. */
  planted: number[];
  /** For each line of the case: the base line (1-based) it is an unchanged copy of, or 0. */
  lineMap: number[];
}

export interface TrapCase {
  id: string;
  family: string;
  source: string;
  text: string;
  /** Lines of the trap text: a linter that reports anything there has a false alarm. */
  trapLines: number[];
  placement: string;
  /** Index of the item in the trap file. */
  item: number;
  lineMap: number[];
}

// ---------------------------------------------------------------------------
// Families

interface FamilySpec {
  rule: string;
  /** Default role of the turn the phrasing goes into ('any': either). */
  role: Role | 'any';
  /** Share of cases put into a patient turn instead (when role is therapist). */
  patientShare?: number;
  placements: Array<[Placement, number]>;
}

type Placement =
  | 'replace'
  | 'start'
  | 'end'
  | 'middle'
  | 'para-before'
  | 'line-before'
  | 'para-after'
  | 'line-after'
  | 'before-label'
  | 'session-end'
  | 'mid-end'
  | 'header';

const PHRASED: Record<string, FamilySpec> = {
  'canned-refusal': {
    rule: 'canned-refusal',
    role: 'therapist',
    placements: [['replace', 11], ['start', 3], ['end', 2], ['para-after', 2], ['para-before', 2]],
  },
  'ai-disclaimer': {
    rule: 'ai-disclaimer',
    role: 'therapist',
    placements: [['start', 9], ['end', 3], ['middle', 2], ['para-before', 3], ['para-after', 3]],
  },
  preamble: {
    rule: 'generation-artifact',
    role: 'therapist',
    placements: [['start', 9], ['line-before', 4], ['para-before', 4], ['before-label', 3]],
  },
  'header-preamble': { rule: 'generation-artifact', role: 'therapist', placements: [['header', 1]] },
  'meta-note': {
    rule: 'generation-artifact',
    role: 'therapist',
    patientShare: 0.2,
    placements: [['end', 6], ['para-after', 6], ['line-after', 2], ['middle', 2], ['session-end', 4]],
  },
  'special-token': {
    rule: 'generation-artifact',
    role: 'therapist',
    patientShare: 0.25,
    placements: [['end', 7], ['line-after', 4], ['start', 2], ['before-label', 3], ['session-end', 2]],
  },
  'end-sentinel': { rule: 'generation-artifact', role: 'any', placements: [['session-end', 17], ['mid-end', 3]] },
  heading: {
    rule: 'generation-artifact',
    role: 'therapist',
    placements: [['before-label', 9], ['line-before', 5], ['start', 6]],
  },
  'stray-number': { rule: 'generation-artifact', role: 'therapist', placements: [['start', 1]] },
  placeholder: {
    rule: 'generation-artifact',
    role: 'therapist',
    placements: [['start', 7], ['end', 7], ['middle', 3], ['para-after', 3]],
  },
  'persona-label': { rule: 'leaked-label', role: 'therapist', placements: [['start', 1]] },
  'crisis-line': {
    rule: 'outdated-crisis-line',
    role: 'therapist',
    placements: [['end', 8], ['para-after', 7], ['middle', 2], ['start', 1]],
  },
};

const STRUCTURAL: Record<string, string> = {
  truncation: 'truncated-turn',
  loop: 'repeated-turn',
  'paragraph-repeat': 'repeated-turn',
  'double-post': 'repeated-turn',
  'role-swap': 'role-confusion',
  mojibake: 'mojibake',
  'misspelt-label': 'unknown-speaker',
  'empty-turn': 'empty-turn',
};

export const PHRASED_FAMILIES = Object.keys(PHRASED);
export const STRUCTURAL_FAMILIES = Object.keys(STRUCTURAL);
export const FAMILIES = [...PHRASED_FAMILIES, ...STRUCTURAL_FAMILIES];
/** The rule each family's planted defect is for (consequences have their own rules). */
export const FAMILY_RULE: Record<string, string> = {
  ...Object.fromEntries(Object.entries(PHRASED).map(([f, s]) => [f, s.rule])),
  ...STRUCTURAL,
};

// ---------------------------------------------------------------------------
// Data files

export interface Phrasing {
  text: string;
  role?: Role | 'any';
}

export interface PhrasingFile {
  family: string;
  rule: string;
  where: string;
  dev: Phrasing[];
  heldout: Phrasing[];
}

export interface TrapFile {
  family: string;
  role: Role;
  /** `sentence` (default), `start`, `end` or `header`. */
  where: string;
  items: Phrasing[];
}

const VARIABLE = /\$\{(turn|self|other|n)\}/g;

function normalisePhrasing(entry: unknown, where: string): Phrasing {
  if (typeof entry === 'string') return { text: entry };
  if (entry && typeof entry === 'object' && typeof (entry as Phrasing).text === 'string') {
    const { text, role } = entry as Phrasing;
    if (role !== undefined && role !== 'therapist' && role !== 'patient' && role !== 'any') {
      throw new Error(`${where}: unknown role ${JSON.stringify(role)}`);
    }
    return role ? { text, role } : { text };
  }
  throw new Error(`${where}: an entry must be a string or { "text", "role"? }`);
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`inject: cannot read ${file}: ${(error as Error).message}`);
  }
}

/** The phrasings of one family (both splits: only `npm run eval` and the inject test may read `heldout`). */
export function loadPhrasings(family: string, dir = INJECT_DATA): PhrasingFile {
  const file = path.join(dir, 'phrasings', `${family}.json`);
  const json = readJson(file);
  const list = (split: Split) => {
    const value = json[split];
    if (!Array.isArray(value)) throw new Error(`${file}: "${split}" must be a list`);
    return value.map((entry, i) => normalisePhrasing(entry, `${file} ${split}[${i}]`));
  };
  if (json.family !== family) throw new Error(`${file}: "family" is ${JSON.stringify(json.family)}, expected "${family}"`);
  return { family, rule: String(json.rule), where: String(json.where ?? ''), dev: list('dev'), heldout: list('heldout') };
}

export function trapFamilies(dir = INJECT_DATA): string[] {
  return fs
    .readdirSync(path.join(dir, 'traps'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadTraps(family: string, dir = INJECT_DATA): TrapFile {
  const file = path.join(dir, 'traps', `${family}.json`);
  const json = readJson(file);
  if (json.role !== 'therapist' && json.role !== 'patient') throw new Error(`${file}: "role" must be therapist or patient`);
  if (!Array.isArray(json.items)) throw new Error(`${file}: "items" must be a list`);
  return {
    family,
    role: json.role,
    where: typeof json.where === 'string' ? json.where : 'sentence',
    items: json.items.map((entry, i) => normalisePhrasing(entry, `${file} items[${i}]`)),
  };
}

// ---------------------------------------------------------------------------
// Seeded randomness

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, good enough for placing test cases. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

const rngFor = (...parts: Array<string | number>) => new Rng(fnv1a(parts.join('|')));

// ---------------------------------------------------------------------------
// Base sessions

interface BaseTurn {
  index: number;
  label: string;
  role: Role;
  /** 0-based line of the label. */
  start: number;
  /** 0-based line after the turn's last non-blank line. */
  end: number;
  /** The turn's text without its label (lines joined with \n). */
  text: string;
}

interface Base {
  corpus: string;
  name: string;
  source: string;
  split: Split;
  lines: string[];
  turns: BaseTurn[];
  labels: Record<Role, string>;
}

const CORPORA: Array<[string, number]> = [
  ['annomi', 40],
  ['esconv', 35],
  ['mibot', 25],
];
const ROLE_OF_LABEL: Record<string, Role> = { Therapist: 'therapist', Client: 'patient' };
const LABEL_LINE = /^([A-Z][A-Za-z]*):(?: (.*))?$/;

function readBase(corpus: string, name: string, text: string): Base | undefined {
  const lines = text.replace(/\n$/, '').split('\n');
  const turns: BaseTurn[] = [];
  const labels: Partial<Record<Role, string>> = {};
  for (let i = 0; i < lines.length; i++) {
    const m = LABEL_LINE.exec(lines[i]!);
    const role = m ? ROLE_OF_LABEL[m[1]!] : undefined;
    if (!m || !role) {
      if (i === 0 && lines[i]!.trim()) return undefined; // a header: not a plain base
      continue;
    }
    labels[role] ??= m[1]!;
    turns.push({ index: turns.length, label: m[1]!, role, start: i, end: i + 1, text: m[2] ?? '' });
  }
  for (let t = 0; t < turns.length; t++) {
    const turn = turns[t]!;
    const limit = t + 1 < turns.length ? turns[t + 1]!.start : lines.length;
    let end = turn.start + 1;
    for (let i = turn.start + 1; i < limit; i++) if (lines[i]!.trim()) end = i + 1;
    turn.end = end;
    if (end > turn.start + 1) turn.text = [turn.text, ...lines.slice(turn.start + 1, end)].join('\n');
  }
  if (turns.length < 8 || !labels.therapist || !labels.patient) return undefined;
  if (turns.some((t) => !t.text.trim())) return undefined; // a real empty turn: not clean
  const split: Split = fnv1a(name) % 2 === 0 ? 'dev' : 'heldout';
  return { corpus, name, source: `${corpus}/${name}`, split, lines, turns, labels: labels as Record<Role, string> };
}

const baseCache = new Map<string, Base[]>();

function loadBases(shared: string): Base[] {
  const key = path.resolve(shared);
  const cached = baseCache.get(key);
  if (cached) return cached;
  const bases: Base[] = [];
  for (const [corpus] of CORPORA) {
    const dir = path.join(key, 'corpora', corpus);
    if (!fs.existsSync(dir)) throw new Error(`inject: no corpus at ${dir}`);
    for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.transcript')).sort()) {
      const base = readBase(corpus, name, fs.readFileSync(path.join(dir, name), 'utf8'));
      if (base) bases.push(base);
    }
  }
  baseCache.set(key, bases);
  return bases;
}

/** The text of a base session, by its `source` (`<corpus>/<file>`). */
export function baseText(shared: string, source: string): string {
  return fs.readFileSync(path.join(shared, 'corpora', source), 'utf8');
}

function pickBase(rng: Rng, bases: Base[]): Base {
  const corpus = rng.weighted(CORPORA);
  const pool = bases.filter((b) => b.corpus === corpus);
  return rng.pick(pool.length ? pool : bases);
}

// ---------------------------------------------------------------------------
// Text helpers

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Sentences with their trailing spaces (so that joining them gives the text back). */
function sentences(text: string): string[] {
  return text.match(/[^.!?…]+(?:[.!?…]+["”’')\]]*|$)\s*/g) ?? [text];
}

const TAG_QUESTION =
  /(?:,\s*|^)(?:right|okay|ok|mmkay|mm-?hmm|yeah|huh|eh|yes|no|you know|isn't it|aren't you|don't you|didn't you|wasn't it|isn't that|correct|see)\s*\?$/i;
const QUESTION_START =
  /^(?:what|how|why|when|where|who|which|do|does|did|can|could|should|would|will|is|are|am|was|were|have|has)\b/i;

function lastSentence(text: string): string {
  const parts = sentences(text.trim()).map((s) => s.trim()).filter(Boolean);
  return parts[parts.length - 1] ?? '';
}

/** A turn whose last sentence is a real question (not a tag question, not a one- or two-word "Really?"). */
function asksQuestion(text: string): boolean {
  const last = lastSentence(text).replace(/["”’')\]]+$/, '');
  return last.endsWith('?') && words(last) >= 4 && !TAG_QUESTION.test(last) && !/anything else/i.test(last);
}

/** A turn that may be asking something (a question mark anywhere, or a last sentence shaped like a question). */
function mayAsk(text: string): boolean {
  return text.includes('?') || QUESTION_START.test(lastSentence(text));
}

const endsPunctuated = (text: string) => /[.!?…]["”’')\]]*$/.test(text.trim());

const INTERJECTION = /^(?:and|but|or|because|cause|that|like|then|also|well|okay|ok|so|um|uh|yeah|yes|no|mm-hmm|mhm|oh|right|alright|all right|hi|hello|hey|thanks|thank you|sure|great|good)\b/i;

/** A text a lead-in ("I'm not a doctor, but …") can run into: a first sentence of some length, not an interjection or a name. */
function leadsInto(text: string): boolean {
  const first = sentences(text)[0]!;
  return words(first) >= 6 && !INTERJECTION.test(text.trim()) && !hasNames(first) && /^[A-Za-z]/.test(text.trim());
}

function lowerFirst(text: string): string {
  const m = /^([A-Z])([a-z])/.exec(text);
  if (!m) return text;
  const first = text.split(/[\s,]/)[0]!;
  if (/^I(?:'|’|$)/.test(first)) return text;
  return text[0]!.toLowerCase() + text.slice(1);
}

/** Capitalised words that are not at a sentence start (names, places): a donor turn must have none. */
function hasNames(text: string): boolean {
  const allowed = /^(?:I|I'm|I've|I'd|I'll|I’m|I’ve|I’d|I’ll|OK|Okay|Ok|Mm-hmm|Um|Uh|Oh|God|TV|Yeah)$/;
  for (const sentence of sentences(text)) {
    const tokens = sentence.trim().split(/\s+/).slice(1);
    for (const token of tokens) {
      const word = token.replace(/^[^A-Za-z]+|[^A-Za-z'’-]+$/g, '');
      if (/^[A-Z]/.test(word) && !allowed.test(word)) return true;
    }
  }
  return false;
}

// Windows-1252 for the bytes 0x80–0x9F (undefined ones stay as the C1 control, as sloppy decoders do).
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d, 0x017e, 0x0178,
];

/** UTF-8 bytes read as Windows-1252. */
export function mojibake(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += String.fromCodePoint(byte >= 0x80 && byte < 0xa0 ? CP1252_HIGH[byte - 0x80]! : byte);
  }
  return out;
}

/** What a word processor makes of plain punctuation: curly apostrophes and quotes, dashes, ellipses. */
function typographic(text: string): string {
  return text
    .replace(/(\w)'(\w)/g, '$1’$2')
    .replace(/(^|\s)"(\S)/g, '$1“$2')
    .replace(/(\S)"/g, '$1”')
    .replace(/\s?--\s?/g, '—')
    .replace(/ - /g, ' – ')
    .replace(/\.\.\./g, '…');
}

// ---------------------------------------------------------------------------
// Building a case: one splice of the base's lines

interface Seg {
  text: string;
  planted: boolean;
}

interface Plan {
  /** Replace base lines [start, end) (0-based) with `lines`. */
  start: number;
  end: number;
  lines: string[];
  /** Per new line: does it hold planted (or changed) text? */
  planted: boolean[];
  /** Gold lines as 1-based lines of the case. */
  gold: Array<Omit<GoldFinding, 'family'>>;
  doubtful: Array<{ line: number; rule: string }>;
  placement: string;
}

/** The lines of a turn `label: content`, and which of them hold planted text. */
function renderTurn(label: string, content: Seg[]): { lines: string[]; planted: boolean[] } {
  const body = content.map((s) => s.text).join('');
  const head = body === '' || body.startsWith('\n') ? `${label}:` : `${label}: `;
  const text = head + body;
  const lines = text.split('\n');
  const planted = lines.map(() => false);
  let offset = head.length;
  const lineStarts: number[] = [];
  let at = 0;
  for (const line of lines) {
    lineStarts.push(at);
    at += line.length + 1;
  }
  const lineOf = (o: number) => {
    let l = 0;
    while (l + 1 < lineStarts.length && lineStarts[l + 1]! <= o) l++;
    return l;
  };
  for (const seg of content) {
    if (seg.planted) {
      for (let i = 0; i < seg.text.length; i++) if (!/\s/.test(seg.text[i]!)) planted[lineOf(offset + i)] = true;
    }
    offset += seg.text.length;
  }
  return { lines, planted };
}

const P = (text: string): Seg => ({ text, planted: true });
const K = (text: string): Seg => ({ text, planted: false });

/** A plan that rewrites one turn's lines. */
function rewriteTurn(turn: BaseTurn, content: Seg[], label = turn.label) {
  const { lines, planted } = renderTurn(label, content);
  return { start: turn.start, end: turn.end, lines, planted };
}

/** 1-based case line of the first planted line of a splice. */
function firstPlanted(splice: { start: number; planted: boolean[] }): number {
  const i = splice.planted.indexOf(true);
  return splice.start + (i < 0 ? 0 : i) + 1;
}

function applyPlan(base: Base, plan: Plan): { text: string; lineMap: number[]; planted: number[] } {
  const lines = [...base.lines.slice(0, plan.start), ...plan.lines, ...base.lines.slice(plan.end)];
  const lineMap: number[] = [];
  for (let i = 0; i < plan.start; i++) lineMap.push(i + 1);
  let p = plan.start;
  plan.lines.forEach((line, i) => {
    // Planted lines and the new region's blank lines are not copies of a base line.
    if (plan.planted[i] || !line.trim()) return lineMap.push(0);
    let q = p;
    while (q < plan.end && base.lines[q] !== line) q++;
    if (q < plan.end) {
      lineMap.push(q + 1);
      p = q + 1;
    } else lineMap.push(0);
  });
  for (let i = plan.end; i < base.lines.length; i++) lineMap.push(i + 1);
  const planted: number[] = [];
  plan.planted.forEach((b, i) => b && planted.push(plan.start + i + 1));
  return { text: `${lines.join('\n')}\n`, lineMap, planted };
}

type Position = 'first' | 'middle' | 'last';

function chooseTurn(rng: Rng, base: Base, ok: (t: BaseTurn) => boolean, position?: Position): BaseTurn | undefined {
  const candidates = base.turns.filter(ok);
  if (!candidates.length) return undefined;
  const where = position ?? rng.weighted<Position>([['first', 1], ['middle', 3], ['last', 1]]);
  if (where === 'first') return candidates[0];
  if (where === 'last') return candidates[candidates.length - 1];
  if (candidates.length <= 2) return rng.pick(candidates);
  return candidates[1 + rng.int(candidates.length - 2)];
}

// ---------------------------------------------------------------------------
// Phrased families

/** Expand ${turn}, ${self}, ${other}, ${n} into segments; the turn's own text is the only unplanted part. */
function expandTemplate(template: string, base: Base, turn: BaseTurn): Seg[] {
  const other = base.labels[turn.role === 'therapist' ? 'patient' : 'therapist'];
  const segs: Seg[] = [];
  let last = 0;
  for (const m of template.matchAll(VARIABLE)) {
    if (m.index! > last) segs.push(P(template.slice(last, m.index)));
    const name = m[1]!;
    if (name === 'turn') {
      const before = template.slice(0, m.index).trimEnd();
      const text = /[,;—–\p{L}]$/u.test(before) ? lowerFirst(turn.text) : turn.text;
      segs.push(K(text));
    } else {
      segs.push(P(name === 'self' ? turn.label : name === 'other' ? other : String(Math.floor(turn.index / 2) + 1)));
    }
    last = m.index! + m[0].length;
  }
  if (last < template.length) segs.push(P(template.slice(last)));
  return segs;
}

/** ${self}, ${other} and ${n} of a phrase that is placed by the generator (no ${turn}). */
function fill(text: string, base: Base, turn: BaseTurn): string {
  return expandTemplate(text, base, turn)
    .map((s) => s.text)
    .join('');
}

/** Put a phrase into a turn's content by placement (not header, before-label or the session-end forms). */
function placeInTurn(rng: Rng, placement: Placement, turn: BaseTurn, phrase: string, family = ''): Seg[] | undefined {
  const text = turn.text;
  // Special tokens are mostly glued to the text they end.
  const gap = family === 'special-token' && rng.chance(0.6) ? '' : ' ';
  switch (placement) {
    case 'replace':
      return [P(phrase)];
    case 'start':
      return [P(phrase), K(' '), K(text)];
    case 'end':
      return [K(text), K(gap), P(phrase)];
    case 'para-before':
      return [P(phrase), K('\n\n'), K(text)];
    case 'line-before':
      return [P(phrase), K('\n'), K(text)];
    case 'para-after':
      return [K(text), K('\n\n'), P(phrase)];
    case 'line-after':
      return [K(text), K('\n'), P(phrase)];
    case 'middle': {
      const parts = sentences(text);
      if (parts.length < 2 || text.includes('\n')) return undefined;
      const cut = 1 + rng.int(parts.length - 1);
      const left = parts.slice(0, cut).join('').trimEnd();
      const right = parts.slice(cut).join('');
      return [K(left), K(' '), P(phrase), K(' '), K(right)];
    }
    default:
      return undefined;
  }
}

/**
 * An artifact that reads as a speaker label ("ASSISTANT:", "### Response:", "**Therapist's response:**",
 * "Therapist reply (empathetic):") may also be reported as a leaked label: neither expected nor a false alarm.
 */
const LABEL_LIKE = /^[^\p{L}]*(?:the |gpt4 correct )?(?:therapist|counsel+or|client|patient|assistant|user|human|model|ai|response|answer|output)\b[^.!?]*:[^\p{L}\p{N}]*$/iu;

function planPhrased(rng: Rng, family: string, base: Base, phrasing: Phrasing): Plan | undefined {
  const plan = planPhrasedIn(rng, family, base, phrasing);
  const first = phrasing.text.split('\n').find((l) => l.trim() && !l.includes('${turn}'));
  if (plan && PHRASED[family]!.rule === 'generation-artifact' && first && LABEL_LIKE.test(first.trim())) {
    plan.doubtful.push({ line: plan.gold[0]!.line, rule: 'leaked-label' });
  }
  return plan;
}

function planPhrasedIn(rng: Rng, family: string, base: Base, phrasing: Phrasing): Plan | undefined {
  const spec = PHRASED[family]!;
  const rule = spec.rule;
  const template = phrasing.text.includes('${turn}');
  let role: Role;
  const wanted = phrasing.role ?? spec.role;
  if (wanted === 'any') role = rng.chance(0.5) ? 'therapist' : 'patient';
  else if (!phrasing.role && spec.patientShare && rng.chance(spec.patientShare)) role = 'patient';
  else role = wanted;
  let placement: Placement | 'template' = template ? 'template' : rng.weighted(spec.placements);
  // A heading inline before the text only when it reads as a label ("**Therapist's response:**"); else on its own line.
  if (family === 'heading' && placement === 'start' && !/(?::|\*\*)$/.test(phrasing.text)) placement = 'line-before';

  if (placement === 'header') {
    const lines = phrasing.text.split('\n');
    const layout = rng.weighted([['blank', 6], ['glued', 2], ['rule', 2]] as const);
    const after = layout === 'blank' ? [''] : layout === 'rule' ? ['---', ''] : [];
    const all = [...lines, ...after];
    return {
      start: 0,
      end: 0,
      lines: all,
      planted: all.map((l) => l.trim() !== ''),
      gold: [{ line: 1, rule }],
      doubtful: [],
      placement: `header-${layout}`,
    };
  }

  if (placement === 'session-end' || placement === 'mid-end') {
    const last = base.turns[base.turns.length - 1]!;
    // After the last turn, whoever spoke it.
    const turn =
      placement === 'session-end'
        ? last
        : chooseTurn(rng, base, (t) => t.index >= 2 && t.index < base.turns.length - 2 && words(t.text) >= 3, 'middle');
    if (!turn) return undefined;
    const how = rng.weighted<Placement>([['line-after', 5], ['para-after', 3], ['end', 2]]);
    const content = placeInTurn(rng, how, turn, fill(phrasing.text, base, turn), family)!;
    const splice = rewriteTurn(turn, content);
    return { ...splice, gold: [{ line: firstPlanted(splice), rule }], doubtful: [], placement: `${placement}:${how}` };
  }

  if (placement === 'before-label') {
    const turn = chooseTurn(rng, base, (t) => t.role === role && t.index >= 1);
    if (!turn) return undefined;
    const prev = base.turns[turn.index - 1]!;
    const layout = rng.weighted([['own-line', 5], ['own-paragraph', 3], ['glued', 2]] as const);
    const phraseLines = fill(phrasing.text, base, turn).split('\n');
    // own-line: "…prev\n\nPHRASE\nTherapist: …"; own-paragraph: "…prev\n\nPHRASE\n\nTherapist: …"; glued: "…prev\nPHRASE\n\nTherapist: …"
    const at = layout === 'glued' ? prev.end : turn.start;
    const lines = layout === 'own-paragraph' ? [...phraseLines, ''] : phraseLines;
    const planted = lines.map((l) => l.trim() !== '');
    return {
      start: at,
      end: at,
      lines,
      planted,
      gold: [{ line: at + 1, rule }],
      doubtful: [],
      placement: `before-label:${layout}`,
    };
  }

  // Inside one turn.
  const leadIn = template && !phrasing.text.trimStart().startsWith('${turn}');
  const minWords = placement === 'replace' ? 1 : 3;
  // Half the whole-turn refusals answer a client's question, when the session has one: that is where they happen.
  const answersQuestion = (t: BaseTurn) => {
    const prev = base.turns[t.index - 1];
    return prev !== undefined && prev.role !== t.role && asksQuestion(prev.text);
  };
  const refusalAfterQuestion = placement === 'replace' && rng.chance(0.5) && base.turns.some((t) => t.role === role && answersQuestion(t));
  const turn = chooseTurn(rng, base, (t) => {
    if (t.role !== role || words(t.text) < minWords) return false;
    if (refusalAfterQuestion && !answersQuestion(t)) return false;
    if (placement === 'replace' && t.index === 0) return false;
    if (placement === 'middle' && sentences(t.text).length < 2) return false;
    // A lead-in ("I'm not a doctor, but ${turn}") needs a first sentence it can lead into.
    if (leadIn && !leadsInto(t.text)) return false;
    return true;
  }, refusalAfterQuestion ? 'middle' : undefined);
  if (!turn) return undefined;
  const content =
    placement === 'template'
      ? expandTemplate(phrasing.text, base, turn)
      : placeInTurn(rng, placement, turn, fill(phrasing.text, base, turn), family);
  if (!content) return undefined;
  const splice = rewriteTurn(turn, content);
  const gold: Plan['gold'] = [{ line: firstPlanted(splice), rule }];
  const doubtful: Plan['doubtful'] = [];
  if (placement === 'replace' && turn.index > 0) {
    // The refusal is the whole reply: the question before it is left unanswered.
    const prev = base.turns[turn.index - 1]!;
    if (prev.role !== turn.role) {
      if (asksQuestion(prev.text)) {
        gold.push({ line: prev.start + 1, rule: 'unanswered-question', consequence: true, note: 'the reply is a refusal' });
      } else if (mayAsk(prev.text)) doubtful.push({ line: prev.start + 1, rule: 'unanswered-question' });
    }
  }
  return { ...splice, gold, doubtful, placement };
}

// ---------------------------------------------------------------------------
// Structural families

/** Does this speaker end (almost) every turn of the session with punctuation? */
function punctuatesCarefully(base: Base, role: Role): boolean {
  const turns = base.turns.filter((t) => t.role === role && words(t.text) >= 5);
  if (turns.length < 3) return false;
  return turns.filter((t) => endsPunctuated(t.text)).length >= 0.85 * turns.length;
}

function planTruncation(rng: Rng, base: Base): Plan | undefined {
  const role: Role = rng.chance(0.6) ? 'therapist' : 'patient';
  if (!punctuatesCarefully(base, role)) return undefined;
  const turn = chooseTurn(
    rng,
    base,
    (t) =>
      t.role === role &&
      !t.text.includes('\n') &&
      words(t.text) >= 25 &&
      sentences(t.text).length >= 2 &&
      endsPunctuated(t.text) &&
      !/[-—–]\s*$/.test(t.text),
  );
  if (!turn) return undefined;
  const parts = sentences(turn.text);
  const midWord = rng.chance(0.4);
  for (let attempt = 0; attempt < 12; attempt++) {
    const s = rng.int(parts.length);
    const before = parts.slice(0, s).join('');
    const tokens = parts[s]!.trimEnd().split(' ');
    if (tokens.length < 4) continue;
    let kept: string;
    if (midWord) {
      const choices = tokens
        .map((tok, i) => ({ tok, i }))
        .filter(({ tok, i }) => i >= 1 && /^[A-Za-z]{6,}$/.test(tok));
      if (!choices.length) continue;
      const { tok, i } = rng.pick(choices);
      kept = `${before}${tokens.slice(0, i).join(' ')} ${tok.slice(0, rng.between(2, tok.length - 3))}`;
    } else {
      const w = rng.between(2, tokens.length - 2); // keep w tokens of the sentence: never all of it
      kept = `${before}${tokens.slice(0, w).join(' ')}`.replace(/[\s,;:—–-]+$/, '');
    }
    if (words(kept) < 6 || /[.!?…"”’')\]]$/.test(kept)) continue;
    const splice = rewriteTurn(turn, [P(kept)]);
    return { ...splice, gold: [{ line: turn.start + 1, rule: 'truncated-turn' }], doubtful: [], placement: midWord ? 'mid-word' : 'mid-sentence' };
  }
  return undefined;
}

function planLoop(rng: Rng, base: Base): Plan | undefined {
  const k = rng.weighted([[1, 4], [2, 4], [3, 2]] as const);
  const n = rng.weighted([[1, 4], [2, 3], [3, 2], [4, 1]] as const);
  const count = base.turns.length;
  const atEnd = rng.chance(0.5);
  const c = atEnd ? count : rng.between(Math.max(2 * k, Math.ceil(count / 2)), count - 1);
  if (c < 2 * k) return undefined;
  const block = base.turns.slice(c - 2 * k, c);
  const roles = new Set(block.map((t) => t.role));
  if (roles.size < 2 || !block.some((t) => words(t.text) >= 12)) return undefined;
  if (mayAsk(block[block.length - 1]!.text)) return undefined; // the copy after it would leave it unanswered
  const last = block[block.length - 1]!;
  const lines: string[] = [];
  const gold: Plan['gold'] = [];
  const doubtful: Plan['doubtful'] = [];
  for (let copy = 0; copy < n; copy++) {
    for (const turn of block) {
      lines.push('');
      const line = last.end + lines.length + 1;
      lines.push(...base.lines.slice(turn.start, turn.end));
      const size = words(turn.text);
      if (size >= 12) gold.push({ line, rule: 'repeated-turn', note: `copy ${copy + 1} of the last ${k} exchange(s)` });
      else if (size >= 6) doubtful.push({ line, rule: 'repeated-turn' });
      if (mayAsk(turn.text)) doubtful.push({ line, rule: 'unanswered-question' });
    }
  }
  return {
    start: last.end,
    end: base.lines.length,
    lines,
    planted: lines.map((l) => l.trim() !== ''),
    gold,
    doubtful,
    placement: `${atEnd ? 'end' : 'middle'}:k${k}:n${n}`,
  };
}

function planParagraphRepeat(rng: Rng, base: Base): Plan | undefined {
  const role: Role = rng.chance(0.7) ? 'therapist' : 'patient';
  const long = (t: BaseTurn) => words(t.text) >= 30 && sentences(t.text).length >= 3;
  const preferLong = rng.chance(0.5) && base.turns.some((t) => t.role === role && long(t));
  const turn = chooseTurn(
    rng,
    base,
    (t) => t.role === role && !t.text.includes('\n') && words(t.text) >= 12 && (!preferLong || long(t)),
  );
  if (!turn) return undefined;
  const total = rng.between(2, 6);
  const parts = sentences(turn.text);
  let paragraphs: string[];
  let repeated: number;
  let layout = 'whole';
  if (parts.length >= 3 && words(turn.text) >= 30 && rng.chance(0.6)) {
    // Split at a sentence boundary that reads as one: "….| Capital…".
    const cuts = parts.map((_, i) => i).filter((i) => i >= 1 && /[.!?…]["”’')\]]*\s*$/.test(parts[i - 1]!) && /^["“'‘]?[A-Z]/.test(parts[i]!));
    const cut = cuts.length ? rng.pick(cuts) : 0;
    const p1 = parts.slice(0, cut).join('').trim();
    const p2 = parts.slice(cut).join('').trim();
    const candidates = [p1, p2].map((p, i) => ({ p, i })).filter(({ p }) => words(p) >= 12);
    if (cut > 0 && candidates.length) {
      const { i } = rng.pick(candidates);
      paragraphs = i === 0 ? [...Array(total).fill(p1), p2] : [p1, ...Array(total).fill(p2)];
      repeated = i === 0 ? 1 : 2;
      layout = i === 0 ? 'first-of-two' : 'second-of-two';
    } else {
      paragraphs = Array(total).fill(turn.text.trim());
      repeated = 1;
    }
  } else {
    paragraphs = Array(total).fill(turn.text.trim());
    repeated = 1;
  }
  const content = paragraphs.flatMap((p, i) => (i === 0 ? [P(p)] : [K('\n\n'), P(p)]));
  const splice = rewriteTurn(turn, content);
  // Paragraph i starts on line 2i of the turn (one blank line between paragraphs).
  const line = turn.start + 2 * repeated + 1;
  // The first paragraph is the base's own text when the whole turn is repeated: not planted.
  if (layout !== 'first-of-two' && layout !== 'second-of-two') splice.planted[0] = false;
  return { ...splice, gold: [{ line, rule: 'repeated-turn' }], doubtful: [], placement: `${layout}:x${total}` };
}

function planDoublePost(rng: Rng, base: Base): Plan | undefined {
  const role: Role = rng.chance(0.5) ? 'therapist' : 'patient';
  // A message, not a fragment cut off by an interruption ("…I have them-").
  const turn = chooseTurn(rng, base, (t) => t.role === role && words(t.text) >= 12 && !/[-—–]\s*$/.test(t.text));
  if (!turn) return undefined;
  const lines = ['', ...base.lines.slice(turn.start, turn.end)];
  return {
    start: turn.end,
    end: turn.end,
    lines,
    planted: lines.map((l) => l.trim() !== ''),
    gold: [{ line: turn.end + 2, rule: 'repeated-turn', note: 'the same message posted twice in a row' }],
    doubtful: [],
    placement: role,
  };
}

const SECOND_PERSON = /\byou(?:'re|’re|'ve|’ve|r)?\b/i;
const REFLECTION_START = /^(?:it sounds like|it seems|so you|so,? it sounds|you're|you’re|you've|you’ve|you feel|you said|you mentioned|i hear)/i;
const FIRST_PERSON = /\b(?:I|I'm|I’m|I've|I’ve|I'd|my|me|myself)\b/g;

function therapistVoice(text: string): boolean {
  const n = words(text);
  if (n < 15 || n > 90 || text.includes('\n') || hasNames(text)) return false;
  if (!SECOND_PERSON.test(text)) return false;
  return asksQuestion(text) || REFLECTION_START.test(text.trim());
}

function clientVoice(text: string): boolean {
  const n = words(text);
  if (n < 15 || n > 90 || text.includes('\n') || text.includes('?') || hasNames(text)) return false;
  if (SECOND_PERSON.test(text.replace(/\byou know\b/gi, ''))) return false;
  return (text.match(FIRST_PERSON) ?? []).length >= 3;
}

function planRoleSwap(rng: Rng, base: Base, pool: Base[]): Plan | undefined {
  // therapist-as-client: a therapist's turn from another session under the client's label (and the reverse).
  const therapistAsClient = rng.chance(0.5);
  const labelRole: Role = therapistAsClient ? 'patient' : 'therapist';
  const turn = chooseTurn(rng, base, (t) => t.role === labelRole && t.index >= 2 && t.index <= base.turns.length - 3, 'middle');
  if (!turn) return undefined;
  const donors = pool.filter((b) => b.corpus === base.corpus && b.name !== base.name);
  if (!donors.length) return undefined;
  const donor = rng.pick(donors);
  const voice = therapistAsClient ? therapistVoice : clientVoice;
  const candidates = donor.turns.filter((t) => t.role !== labelRole && voice(t.text));
  if (!candidates.length) return undefined;
  const taken = rng.pick(candidates);
  const splice = rewriteTurn(turn, [P(taken.text)]);
  const doubtful: Plan['doubtful'] = [];
  const prev = base.turns[turn.index - 1]!;
  if (prev.role !== turn.role && mayAsk(prev.text)) doubtful.push({ line: prev.start + 1, rule: 'unanswered-question' });
  return {
    ...splice,
    gold: [{ line: turn.start + 1, rule: 'role-confusion', note: `${donor.name} line ${taken.start + 1}` }],
    doubtful,
    placement: therapistAsClient ? 'therapist-as-client' : 'client-as-therapist',
  };
}

function planMojibake(rng: Rng, base: Base): Plan | undefined {
  const convertible = (s: string) => typographic(s) !== s || /[^\x00-\x7f]/.test(s);
  const turn = chooseTurn(rng, base, (t) => !t.text.includes('\n') && convertible(t.text));
  if (!turn) return undefined;
  const whole = rng.chance(0.3);
  let text: string;
  if (whole) text = mojibake(typographic(turn.text));
  else {
    const parts = sentences(turn.text);
    const candidates = parts.map((s, i) => ({ s, i })).filter(({ s }) => convertible(s));
    if (!candidates.length) return undefined;
    const { s, i } = rng.pick(candidates);
    parts[i] = mojibake(typographic(s));
    text = parts.join('');
  }
  if (text === turn.text) return undefined;
  const splice = rewriteTurn(turn, [P(text)]);
  return { ...splice, gold: [{ line: turn.start + 1, rule: 'mojibake' }], doubtful: [], placement: whole ? 'turn' : 'sentence' };
}

/** Near misses of the corpora's labels; the two splits use different ones. */
const MISSPELLINGS: Record<Split, Record<string, string[]>> = {
  dev: { Therapist: ['Therapsit', 'Therpist', 'Theraptist', 'Therapis'], Client: ['Clinet', 'Cleint', 'Cliet'] },
  heldout: { Therapist: ['Thearpist', 'Terapist', 'Therapst', 'Therapistt'], Client: ['Clent', 'Cliient', 'Clientt'] },
};

function planMisspeltLabel(rng: Rng, base: Base, split: Split): Plan | undefined {
  const turn = chooseTurn(rng, base, (t) => t.index >= 1);
  if (!turn) return undefined;
  const options = MISSPELLINGS[split][turn.label];
  if (!options) return undefined;
  const label = rng.pick(options);
  const lines = base.lines.slice(turn.start, turn.end);
  lines[0] = label + lines[0]!.slice(turn.label.length);
  return {
    start: turn.start,
    end: turn.end,
    lines,
    planted: lines.map((_, i) => i === 0),
    gold: [{ line: turn.start + 1, rule: 'unknown-speaker', note: label }],
    doubtful: [],
    placement: turn.role,
  };
}

function planEmptyTurn(rng: Rng, base: Base): Plan | undefined {
  const mode = rng.weighted([['emptied', 5], ['inserted', 3], ['final', 2]] as const);
  if (mode === 'final') {
    const last = base.turns[base.turns.length - 1]!;
    const label = base.labels[last.role === 'therapist' ? 'patient' : 'therapist'];
    const doubtful = mayAsk(last.text) ? [{ line: last.start + 1, rule: 'unanswered-question' }] : [];
    return {
      start: last.end,
      end: last.end,
      lines: ['', `${label}:`],
      planted: [false, true],
      gold: [{ line: last.end + 2, rule: 'empty-turn' }],
      doubtful,
      placement: 'final',
    };
  }
  const turn = chooseTurn(rng, base, (t) => t.index >= 1);
  if (!turn) return undefined;
  const prev = base.turns[turn.index - 1]!;
  if (mode === 'emptied') {
    const lines = [rng.chance(0.3) ? `${turn.label}: ` : `${turn.label}:`];
    const doubtful = prev.role !== turn.role && mayAsk(prev.text) ? [{ line: prev.start + 1, rule: 'unanswered-question' }] : [];
    return { start: turn.start, end: turn.end, lines, planted: [true], gold: [{ line: turn.start + 1, rule: 'empty-turn' }], doubtful, placement: 'emptied' };
  }
  const emptyRole: Role = turn.role === 'therapist' ? 'patient' : 'therapist';
  const label = base.labels[emptyRole];
  return {
    start: turn.start,
    end: turn.start,
    lines: [`${label}:`, ''],
    planted: [true, false],
    gold: [{ line: turn.start + 1, rule: 'empty-turn' }],
    doubtful: prev.role !== emptyRole && mayAsk(prev.text) ? [{ line: prev.start + 1, rule: 'unanswered-question' }] : [],
    placement: 'inserted',
  };
}

// ---------------------------------------------------------------------------
// Cases

export interface InjectOptions {
  /** The shared data directory (holding corpora/). */
  shared: string;
  split: Split;
  seed?: number;
  /** Cases per family (default: 30, or the number of phrasings when a split has more). */
  perFamily?: number;
  /** Only these families (default: all). */
  families?: string[];
  /** The data directory (default: test/data/inject). */
  data?: string;
}

const ATTEMPTS = 200;

export function injectedCases(options: InjectOptions): InjectedCase[] {
  const { shared, split } = options;
  const seed = options.seed ?? 1;
  const bases = loadBases(shared).filter((b) => b.split === split);
  const cases: InjectedCase[] = [];
  for (const family of options.families ?? FAMILIES) {
    if (!FAMILY_RULE[family]) throw new Error(`inject: unknown family ${family}`);
    const phrasings = PHRASED[family] ? loadPhrasings(family, options.data)[split] : undefined;
    const perFamily = options.perFamily ?? Math.max(30, phrasings?.length ?? 0);
    const order = phrasings ? rngFor(seed, family, split, 'order').shuffle(phrasings.map((_, i) => i)) : [];
    for (let i = 0; i < perFamily; i++) {
      const phrasingIndex = phrasings ? order[i % order.length]! : undefined;
      let plan: Plan | undefined;
      let base: Base | undefined;
      for (let attempt = 0; attempt < ATTEMPTS && !plan; attempt++) {
        const rng = rngFor(seed, family, split, i, attempt);
        base = pickBase(rng, bases);
        plan = planFor(family, rng, base, split, bases, phrasingIndex === undefined ? undefined : phrasings![phrasingIndex]!);
      }
      if (!plan || !base) throw new Error(`inject: no base session fits ${family} case ${i} (${split})`);
      const { text, lineMap, planted } = applyPlan(base, plan);
      cases.push({
        id: `${family}:${split}:${String(i).padStart(3, '0')}`,
        family,
        split,
        source: base.source,
        text,
        gold: plan.gold.map((g) => ({ ...g, family })),
        doubtful: plan.doubtful,
        placement: plan.placement,
        ...(phrasingIndex === undefined ? {} : { phrasing: phrasingIndex }),
        planted,
        lineMap,
      });
    }
  }
  return cases;
}

function planFor(family: string, rng: Rng, base: Base, split: Split, pool: Base[], phrasing?: Phrasing): Plan | undefined {
  if (phrasing) return planPhrased(rng, family, base, phrasing);
  switch (family) {
    case 'truncation':
      return planTruncation(rng, base);
    case 'loop':
      return planLoop(rng, base);
    case 'paragraph-repeat':
      return planParagraphRepeat(rng, base);
    case 'double-post':
      return planDoublePost(rng, base);
    case 'role-swap':
      return planRoleSwap(rng, base, pool);
    case 'mojibake':
      return planMojibake(rng, base);
    case 'misspelt-label':
      return planMisspeltLabel(rng, base, split);
    case 'empty-turn':
      return planEmptyTurn(rng, base);
    default:
      throw new Error(`inject: family ${family} has no phrasings and no generator`);
  }
}

// ---------------------------------------------------------------------------
// Traps

export interface TrapOptions {
  shared: string;
  seed?: number;
  /** Cases per trap family (default: one per item). */
  perFamily?: number;
  families?: string[];
  data?: string;
}

function planTrap(rng: Rng, base: Base, file: TrapFile, item: Phrasing): Plan | undefined {
  const role: Role = item.role === 'therapist' || item.role === 'patient' ? item.role : file.role;
  const multiline = item.text.includes('\n');
  if (file.where === 'header') {
    const lines = [...item.text.split('\n'), ''];
    return { start: 0, end: 0, lines, planted: lines.map((l) => l.trim() !== ''), gold: [], doubtful: [], placement: 'header' };
  }
  let placement: Placement;
  if (file.where === 'start') placement = 'start';
  else if (file.where === 'end') placement = multiline ? rng.pick<Placement>(['line-after', 'para-after']) : rng.weighted<Placement>([['end', 6], ['line-after', 2], ['para-after', 2]]);
  else if (multiline) placement = rng.weighted<Placement>([['para-after', 7], ['line-after', 3]]);
  else placement = rng.weighted<Placement>([['start', 3], ['end', 4], ['para-after', 2], ['middle', 1]]);
  const turn = chooseTurn(rng, base, (t) => t.role === role && words(t.text) >= 3 && (placement !== 'middle' || sentences(t.text).length >= 2));
  if (!turn) return undefined;
  const content = placeInTurn(rng, placement, turn, item.text);
  if (!content) return undefined;
  return { ...rewriteTurn(turn, content), gold: [], doubtful: [], placement };
}

export function trapCases(options: TrapOptions): TrapCase[] {
  const seed = options.seed ?? 1;
  const bases = loadBases(options.shared);
  const cases: TrapCase[] = [];
  for (const family of options.families ?? trapFamilies(options.data)) {
    const file = loadTraps(family, options.data);
    const perFamily = options.perFamily ?? file.items.length;
    const order = rngFor(seed, 'trap', family, 'order').shuffle(file.items.map((_, i) => i));
    for (let i = 0; i < perFamily; i++) {
      const itemIndex = order[i % order.length]!;
      let plan: Plan | undefined;
      let base: Base | undefined;
      for (let attempt = 0; attempt < ATTEMPTS && !plan; attempt++) {
        const rng = rngFor(seed, 'trap', family, i, attempt);
        base = pickBase(rng, bases);
        plan = planTrap(rng, base, file, file.items[itemIndex]!);
      }
      if (!plan || !base) throw new Error(`inject: no base session fits trap ${family} case ${i}`);
      const { text, lineMap, planted } = applyPlan(base, plan);
      cases.push({
        id: `trap:${family}:${String(i).padStart(3, '0')}`,
        family,
        source: base.source,
        text,
        trapLines: planted,
        placement: plan.placement,
        item: itemIndex,
        lineMap,
      });
    }
  }
  return cases;
}
