/**
 * Two coders, one session: agreement between two tagged copies of the same
 * transcript (the same turns and words, different tags), at turn level.
 *
 * Each turn is a unit; a coder's code for a turn is the set of technique tags
 * on it (turn and paragraph tags; `[ignore:…]` is not a code). For every
 * technique either coder used, a 2×2 table over the turns (both, only A,
 * only B, neither) gives the percentage agreement and Cohen's kappa of its
 * presence. Overall: Cohen's kappa over the turns with each turn's set of
 * codes as its category ("none" for an uncoded turn), and the pooled kappa of
 * the per-technique tables (De Vries et al. 2008).
 *
 * Uncoded turns: a transcript has many turns nobody codes (most client turns),
 * and counting them as agreement inflates every figure — what QualCoder users
 * asked to leave out (ccbogel/QualCoder#667). `excludeUncoded` leaves out the
 * turns neither coder coded.
 */
import type { Root } from './types.ts';
import { Session } from './session.ts';
import { excerpt } from './text.ts';

export interface AgreementOptions {
  /** Leave out the turns neither coder tagged. */
  excludeUncoded?: boolean;
}

export interface TechniqueAgreement {
  tag: string;
  /** Turns both coders gave this tag, only A, only B, neither. */
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
  /** Share of turns on which the coders agree about this tag (0–1). */
  agreement: number;
  /** Cohen's kappa of this tag's presence; undefined when chance agreement is 1 (one category only). */
  kappa?: number;
}

export interface Disagreement {
  turn: number;
  line: number;
  speaker: string;
  excerpt: string;
  a: string[];
  b: string[];
}

export interface AgreementReport {
  a: string;
  b: string;
  /** Turns in the session, and turns compared (fewer with `excludeUncoded`). */
  turns: number;
  units: number;
  excludeUncoded: boolean;
  /** Turns on which the two sets of codes are equal. */
  agreed: number;
  /** Share of compared turns with equal sets of codes. */
  agreement: number;
  /** Cohen's kappa over turns, each turn's set of codes as its category. */
  kappa?: number;
  /** Kappa of the per-technique tables pooled. */
  pooledKappa?: number;
  techniques: TechniqueAgreement[];
  disagreements: Disagreement[];
}

/** Two copies whose text differs cannot be compared: which turn, and how. */
export class DifferentTextError extends Error {}

/** Cohen's kappa from observed and chance agreement; undefined when chance agreement is 1. */
export function kappaOf(observed: number, chance: number): number | undefined {
  if (chance >= 1) return undefined;
  return (observed - chance) / (1 - chance);
}

function codesOf(session: Session): string[][] {
  return session.turns.map((turn) => [...new Set(turn.tags.filter((t) => t.namespace !== 'ignore').map((t) => `${t.namespace}:${t.id}`))].sort());
}

/** The turns of the two copies must be the same speakers saying the same words. */
function checkSameText(a: Session, b: Session, names: [string, string]): void {
  if (a.turns.length !== b.turns.length) {
    throw new DifferentTextError(`${names[0]} has ${a.turns.length} turns and ${names[1]} has ${b.turns.length}: compare two tagged copies of the same transcript.`);
  }
  for (let i = 0; i < a.turns.length; i++) {
    const x = a.turns[i]!;
    const y = b.turns[i]!;
    if (x.node.speaker !== y.node.speaker || x.features.text !== y.features.text) {
      throw new DifferentTextError(
        `Turn ${i + 1} differs (line ${x.node.position.start.line} of ${names[0]}, line ${y.node.position.start.line} of ${names[1]}): ` +
          `"${excerpt(`${x.node.speaker}: ${x.features.text}`, 60)}" vs "${excerpt(`${y.node.speaker}: ${y.features.text}`, 60)}". The two copies must have the same text and differ only in their tags.`,
      );
    }
  }
}

export function agreement(a: { name: string; text: string; tree: Root }, b: { name: string; text: string; tree: Root }, options: AgreementOptions = {}): AgreementReport {
  const sa = new Session(a.text, a.tree);
  const sb = new Session(b.text, b.tree);
  checkSameText(sa, sb, [a.name, b.name]);
  const codesA = codesOf(sa);
  const codesB = codesOf(sb);
  const excludeUncoded = options.excludeUncoded === true;
  const units: number[] = [];
  for (let i = 0; i < sa.turns.length; i++) if (!excludeUncoded || codesA[i]!.length > 0 || codesB[i]!.length > 0) units.push(i);
  const n = units.length;

  // Overall: the set of codes of a turn is its category.
  const key = (codes: string[]) => (codes.length ? codes.join(' + ') : 'none');
  const marginA = new Map<string, number>();
  const marginB = new Map<string, number>();
  let agreed = 0;
  const disagreements: Disagreement[] = [];
  for (const i of units) {
    const ka = key(codesA[i]!);
    const kb = key(codesB[i]!);
    marginA.set(ka, (marginA.get(ka) ?? 0) + 1);
    marginB.set(kb, (marginB.get(kb) ?? 0) + 1);
    if (ka === kb) agreed++;
    else {
      const turn = sa.turns[i]!;
      disagreements.push({ turn: i, line: turn.node.position.start.line, speaker: turn.node.speaker, excerpt: excerpt(turn.features.text, 100), a: codesA[i]!, b: codesB[i]! });
    }
  }
  let chance = 0;
  for (const [category, count] of marginA) chance += (count / n) * ((marginB.get(category) ?? 0) / n);

  // Per technique: presence in each turn.
  const tags = [...new Set([...codesA.flat(), ...codesB.flat()])].sort();
  const pooled = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  const techniques = tags.map((tag): TechniqueAgreement => {
    const t = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
    for (const i of units) {
      const inA = codesA[i]!.includes(tag);
      const inB = codesB[i]!.includes(tag);
      if (inA && inB) t.both++;
      else if (inA) t.onlyA++;
      else if (inB) t.onlyB++;
      else t.neither++;
    }
    pooled.both += t.both;
    pooled.onlyA += t.onlyA;
    pooled.onlyB += t.onlyB;
    pooled.neither += t.neither;
    return { tag, ...t, ...tableFigures(t) };
  });
  const pooledFigures = tableFigures(pooled);
  const overall = n ? kappaOf(agreed / n, chance) : undefined;
  return {
    a: a.name,
    b: b.name,
    turns: sa.turns.length,
    units: n,
    excludeUncoded,
    agreed,
    agreement: n ? agreed / n : 0,
    ...(overall !== undefined ? { kappa: overall } : {}),
    ...(tags.length && pooledFigures.kappa !== undefined ? { pooledKappa: pooledFigures.kappa } : {}),
    techniques,
    disagreements,
  };
}

/** Agreement and kappa of a 2×2 table. */
function tableFigures(t: { both: number; onlyA: number; onlyB: number; neither: number }): { agreement: number; kappa?: number } {
  const n = t.both + t.onlyA + t.onlyB + t.neither;
  if (n === 0) return { agreement: 0 };
  const observed = (t.both + t.neither) / n;
  const yesA = (t.both + t.onlyA) / n;
  const yesB = (t.both + t.onlyB) / n;
  const chance = yesA * yesB + (1 - yesA) * (1 - yesB);
  const kappa = kappaOf(observed, chance);
  return { agreement: observed, ...(kappa !== undefined ? { kappa } : {}) };
}

/** Landis & Koch's words for a kappa, as supervisors quote them. */
export function kappaWords(kappa: number | undefined): string {
  if (kappa === undefined) return 'undefined (one category only)';
  if (kappa < 0) return 'poor (below chance)';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almost perfect';
}

const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(2));
const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The agreement as plain text for a terminal. */
export function agreementText(report: AgreementReport): string {
  const out = [
    `Agreement: ${report.a} vs ${report.b}`,
    `${report.units} of ${report.turns} turns compared${report.excludeUncoded ? ' (turns neither coder tagged left out)' : ''}; the same codes on ${report.agreed} (${pct(report.agreement)}).`,
    `Cohen's kappa (turn level, each turn's codes as one category): ${fmt(report.kappa)} — ${kappaWords(report.kappa)}`,
    `Pooled kappa over techniques: ${fmt(report.pooledKappa)}`,
    '',
  ];
  if (report.techniques.length) {
    const rows = report.techniques.map((t) => [t.tag, String(t.both), String(t.onlyA), String(t.onlyB), String(t.neither), pct(t.agreement), fmt(t.kappa)]);
    const header = ['technique', 'both', 'only A', 'only B', 'neither', 'agree', 'kappa'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    out.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), '');
  } else out.push('Neither copy has technique tags.', '');
  if (report.disagreements.length) {
    out.push(`Disagreements (${report.disagreements.length}):`);
    for (const d of report.disagreements) {
      out.push(`  turn ${d.turn + 1}, line ${d.line} — ${d.speaker}: ${d.excerpt}`);
      out.push(`    A: ${d.a.length ? d.a.map((t) => `[${t}]`).join(' ') : '(none)'}`);
      out.push(`    B: ${d.b.length ? d.b.map((t) => `[${t}]`).join(' ') : '(none)'}`);
    }
  } else out.push('No disagreements.');
  return `${out.join('\n')}\n`;
}
