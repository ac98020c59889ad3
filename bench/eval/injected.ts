/**
 * `npm run eval` — injected defects: real, clean sessions with one planted
 * defect each, in many phrasings per family (test/data/inject). Recall per
 * family on the phrasings the rules' author read (`dev`) and on those held
 * out from them (`heldout`, read only here: the report gives counts, never
 * text); false alarms on traps, ordinary sentences that resemble defects.
 * A finding the base session already had (on the same line, same rule) is
 * not counted either way.
 */
import { parseTranscript } from '../../server/src/core/parser.ts';
import { NOT_DEFECTS } from './corpora.ts';
import { baseText, FAMILY_RULE, injectedCases, trapCases, type Split } from './inject.ts';
import { baselineLinter, currentLinter, type Linter } from './linters.ts';
import { Units, unitsOf, type Found } from './score.ts';
import { fixed, table, type EvalContext, type EvalSection } from './section.ts';

interface FamilyFigures {
  cases: number;
  gold: number;
  matched: number;
  /** Findings on planted lines that the gold does not expect. */
  extra: number;
  extraByRule: Record<string, number>;
}

/** Findings of the case that its base did not already have on the same (mapped) line. */
function newFindings(found: Found[], base: Found[], lineMap: number[]): Found[] {
  const had = new Set(base.map((f) => `${f.ruleId}:${f.line}`));
  return found.filter((f) => !NOT_DEFECTS.has(f.ruleId) && !had.has(`${f.ruleId}:${lineMap[f.line - 1] ?? 0}`));
}

export const injectedSection: EvalSection = {
  id: 'injected',
  title: 'Rules: injected defects (recall per family, dev and held-out phrasings) and traps',
  async run(context: EvalContext) {
    const baseline = await baselineLinter(context.root);
    const linters: Linter[] = [currentLinter(), ...(typeof baseline === 'string' ? [] : [baseline])];
    const names = linters.map((l) => l.name);
    const baseCache = new Map<string, Map<string, Found[]>>();
    const baseFindings = (linter: Linter, source: string) => {
      let byLinter = baseCache.get(source);
      if (!byLinter) baseCache.set(source, (byLinter = new Map()));
      let found = byLinter.get(linter.name);
      if (!found) byLinter.set(linter.name, (found = linter.lint(baseText(context.shared, source))));
      return found;
    };

    const figures: Record<string, Record<string, Record<string, FamilyFigures>>> = {};
    for (const split of ['dev', 'heldout'] as Split[]) {
      const cases = injectedCases({ shared: context.shared, split });
      context.log(`  ${split}: ${cases.length} cases`);
      const bySplit: Record<string, Record<string, FamilyFigures>> = (figures[split] = {});
      for (const l of linters) bySplit[l.name] = {};
      for (const c of cases) {
        const units = new Units(parseTranscript(c.text));
        const goldUnits = new Set(c.gold.map((g) => `${g.rule}:${units.of(g.line)}`));
        const doubtful = new Set(c.doubtful.map((d) => `${d.rule}:${units.of(d.line)}`));
        const plantedUnits = new Set(c.planted.map((line) => units.of(line)));
        for (const l of linters) {
          const fam = (bySplit[l.name]![c.family] ??= { cases: 0, gold: 0, matched: 0, extra: 0, extraByRule: {} });
          fam.cases++;
          const found = newFindings(l.lint(c.text), baseFindings(l, c.source), c.lineMap);
          const covered = new Set(found.flatMap((f) => unitsOf(f, units).map((u) => `${f.ruleId}:${u}`)));
          fam.gold += goldUnits.size;
          for (const key of goldUnits) if (covered.has(key)) fam.matched++;
          for (const key of covered) {
            if (goldUnits.has(key) || doubtful.has(key)) continue;
            if (!plantedUnits.has(key.slice(key.indexOf(':') + 1))) continue;
            fam.extra++;
            const rule = key.slice(0, key.indexOf(':'));
            fam.extraByRule[rule] = (fam.extraByRule[rule] ?? 0) + 1;
          }
        }
      }
      context.print(`### ${split === 'dev' ? 'Dev phrasings (read while writing the rules)' : 'Held-out phrasings (never read by the rules\u2019 author)'}: recall per family (goal ≥ 0.95 held out)`);
      context.print('');
      const families = Object.keys(bySplit.now!).sort();
      const rows = families.map((family) => [
        family,
        FAMILY_RULE[family] ?? '',
        bySplit.now![family]!.cases,
        ...names.flatMap((n) => {
          const f = bySplit[n]![family]!;
          return [fixed(f.gold ? f.matched / f.gold : undefined), f.extra];
        }),
      ]);
      for (const line of table(['family', 'rule', 'cases', ...names.flatMap((n) => [`recall ${n}`, `extra ${n}`])], rows)) context.print(line);
      const extras = families.filter((f) => bySplit.now![f]!.extra > 0).map((f) => `${f}: ${Object.entries(bySplit.now![f]!.extraByRule).map(([r, n]) => `${r} ${n}`).join(', ')}`);
      if (extras.length) context.print(`Unexpected findings on planted lines (now): ${extras.join('; ')}`);
      context.print('');
    }

    // Traps: ordinary text that resembles a defect.
    const traps = trapCases({ shared: context.shared });
    const trapFigures: Record<string, Record<string, { cases: number; flagged: number; byRule: Record<string, number> }>> = {};
    for (const l of linters) trapFigures[l.name] = {};
    for (const t of traps) {
      const units = new Units(parseTranscript(t.text));
      const trapUnits = new Set(t.trapLines.map((line) => units.of(line)));
      for (const l of linters) {
        const fam = (trapFigures[l.name]![t.family] ??= { cases: 0, flagged: 0, byRule: {} });
        fam.cases++;
        const found = newFindings(l.lint(t.text), baseFindings(l, t.source), t.lineMap).filter((f) => unitsOf(f, units).some((u) => trapUnits.has(u)));
        if (found.length > 0) fam.flagged++;
        for (const f of found) fam.byRule[f.ruleId] = (fam.byRule[f.ruleId] ?? 0) + 1;
      }
    }
    context.print('### Traps: cases with a finding on the trap (goal 0)');
    context.print('');
    const trapRows = Object.keys(trapFigures.now!)
      .sort()
      .map((family) => [family, trapFigures.now![family]!.cases, ...names.map((n) => trapFigures[n]![family]!.flagged)]);
    for (const line of table(['family', 'cases', ...names.map((n) => `flagged ${n}`)], trapRows)) context.print(line);
    const flagged = Object.entries(trapFigures.now!).filter(([, f]) => f.flagged > 0);
    if (flagged.length) context.print(`Rules on traps (now): ${flagged.map(([family, f]) => `${family}: ${Object.entries(f.byRule).map(([r, n]) => `${r} ${n}`).join(', ')}`).join('; ')}`);
    return { splits: figures, traps: trapFigures };
  },
};
