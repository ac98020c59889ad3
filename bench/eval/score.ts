/**
 * Matching findings with gold labels. Both are compared per turn (or the
 * header, for lines before the first turn): a finding of rule R in a turn
 * matches a gold label of rule R in that turn, wherever in the turn each
 * points.
 */
import type { Root } from '../../server/src/core/types.ts';

/** A finding as the eval needs it: its rule, the line it starts on, the lines of its related places. */
export interface Found {
  ruleId: string;
  line: number;
  related: Array<{ line: number; message: string }>;
}

/** Maps a line to the turn that holds it ("t3") or the header ("h"). */
export class Units {
  private readonly starts: number[];

  constructor(tree: Root) {
    this.starts = tree.children.filter((c) => c.type === 'turn').map((t) => t.position.start.line);
  }

  of(line: number): string {
    let low = 0;
    let high = this.starts.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.starts[mid]! <= line) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found < 0 ? 'h' : `t${found}`;
  }

  /** The turn index of a unit, or -1 for the header. */
  static index(unit: string): number {
    return unit === 'h' ? -1 : Number(unit.slice(1));
  }
}

/**
 * The units a finding covers: its own, and for a loop (one finding for all
 * the repeats of a turn) the turns its related places name as repeats.
 */
export function unitsOf(found: Found, units: Units): string[] {
  const own = units.of(found.line);
  if (found.ruleId !== 'repeated-turn') return [own];
  const all = new Set([own]);
  for (const r of found.related) if (/^(?:Repeat|Also a repeat)/i.test(r.message)) all.add(units.of(r.line));
  return [...all];
}

export interface Tally {
  gold: number;
  found: number;
  matched: number;
}

export const emptyTally = (): Tally => ({ gold: 0, found: 0, matched: 0 });

export function add(into: Tally, from: Tally): void {
  into.gold += from.gold;
  into.found += from.found;
  into.matched += from.matched;
}

export const precision = (t: Tally) => (t.found ? t.matched / t.found : undefined);
export const recall = (t: Tally) => (t.gold ? t.matched / t.gold : undefined);

/**
 * Per rule, in one file: how many (turn, rule) pairs the gold has, the
 * findings cover, and both.
 */
export function compare(gold: ReadonlyArray<{ ruleId: string; unit: string }>, found: ReadonlyArray<{ ruleId: string; units: string[] }>): Map<string, Tally> {
  const goldKeys = new Map<string, Set<string>>();
  for (const g of gold) (goldKeys.get(g.ruleId) ?? goldKeys.set(g.ruleId, new Set()).get(g.ruleId)!).add(g.unit);
  const foundKeys = new Map<string, Set<string>>();
  for (const f of found) {
    const set = foundKeys.get(f.ruleId) ?? foundKeys.set(f.ruleId, new Set()).get(f.ruleId)!;
    for (const u of f.units) set.add(u);
  }
  const tallies = new Map<string, Tally>();
  for (const rule of new Set([...goldKeys.keys(), ...foundKeys.keys()])) {
    const g = goldKeys.get(rule) ?? new Set<string>();
    const f = foundKeys.get(rule) ?? new Set<string>();
    let matched = 0;
    for (const u of f) if (g.has(u)) matched++;
    tallies.set(rule, { gold: g.size, found: f.size, matched });
  }
  return tallies;
}
