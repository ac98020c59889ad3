/**
 * `npm run eval` — the rules, on every corpus in ../shared/corpora and the seed:
 *
 * - real sessions (and the real side of mixed ones): findings of the defect
 *   rules per 1,000 real turns, the genuine ones (labelled in the gold, or
 *   judged genuine on review) listed and excepted: the rest are false alarms;
 * - the labelled development set (test/data/gold): precision and recall per
 *   rule and corpus, compared per turn;
 * each next to the baseline (the rules of the last release) in the same run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { corpora, readGold, NOT_DEFECTS, type Corpus, type Gold } from './corpora.ts';
import { add, compare, emptyTally, precision, recall, Units, unitsOf, type Found, type Tally } from './score.ts';
import { baselineLinter, currentLinter, type Linter } from './linters.ts';
import { fixed, pct, table, type EvalContext, type EvalSection } from './section.ts';

interface FileRun {
  name: string;
  units: Units;
  roles: string[];
  byLinter: Map<string, Found[]>;
}

interface CorpusFigures {
  turns: number;
  realTurns: number;
  /** Per linter: findings of the defect rules on real turns, and those judged genuine. */
  real: Record<string, { findings: number; genuine: number; falseByRule: Record<string, number>; falseAlarms: Array<{ file: string; line: number; ruleId: string }> }>;
  /** Per linter and rule, against the gold of the reviewed sessions. */
  gold?: Record<string, Record<string, Tally>>;
  /** Per linter and rule: every finding in the corpus. */
  counts: Record<string, Record<string, number>>;
}

function runCorpus(corpus: Corpus, linters: Linter[], gold: Gold | undefined): CorpusFigures {
  const figures: CorpusFigures = { turns: 0, realTurns: 0, real: {}, counts: {} };
  for (const l of linters) {
    figures.real[l.name] = { findings: 0, genuine: 0, falseByRule: {}, falseAlarms: [] };
    figures.counts[l.name] = {};
  }
  const goldTallies: Record<string, Record<string, Tally>> = Object.fromEntries(linters.map((l) => [l.name, {}]));
  const genuineByFile = new Map<string, Array<{ unit: string; ruleId: string }>>();
  const runs: FileRun[] = [];
  for (const file of corpus.files) {
    const text = fs.readFileSync(file, 'utf8');
    const tree = parseTranscript(text);
    const units = new Units(tree);
    const roles = tree.children.filter((c) => c.type === 'turn').map((t) => t.role);
    const run: FileRun = { name: path.basename(file), units, roles, byLinter: new Map() };
    for (const l of linters) run.byLinter.set(l.name, l.lint(text));
    runs.push(run);
  }
  for (const g of [...(gold?.findings ?? []), ...(gold?.genuine ?? [])]) {
    const run = runs.find((r) => r.name === g.file);
    if (!run) continue;
    (genuineByFile.get(g.file) ?? genuineByFile.set(g.file, []).get(g.file)!).push({ unit: run.units.of(g.line), ruleId: g.rule });
  }
  const isReal = (role: string | undefined) => (role === 'therapist' ? corpus.therapist : corpus.patient) === 'real';
  for (const run of runs) {
    figures.turns += run.roles.length;
    figures.realTurns += run.roles.filter((r) => isReal(r)).length;
    const genuine = genuineByFile.get(run.name) ?? [];
    for (const l of linters) {
      const found = run.byLinter.get(l.name)!;
      const counts = figures.counts[l.name]!;
      for (const f of found) counts[f.ruleId] = (counts[f.ruleId] ?? 0) + 1;
      // Real turns: every defect finding is a false alarm unless it is labelled genuine.
      const real = figures.real[l.name]!;
      for (const f of found) {
        if (NOT_DEFECTS.has(f.ruleId)) continue;
        const unit = run.units.of(f.line);
        if (!isReal(run.roles[Units.index(unit)])) continue;
        real.findings++;
        if (genuine.some((g) => g.ruleId === f.ruleId && g.unit === unit)) real.genuine++;
        else {
          real.falseByRule[f.ruleId] = (real.falseByRule[f.ruleId] ?? 0) + 1;
          real.falseAlarms.push({ file: run.name, line: f.line, ruleId: f.ruleId });
        }
      }
      // The reviewed sessions: precision and recall against the gold.
      if (gold?.reviewed.has(run.name)) {
        const goldHere = gold.findings.filter((g) => g.file === run.name).map((g) => ({ ruleId: g.rule, unit: run.units.of(g.line) }));
        const foundHere = found.filter((f) => !NOT_DEFECTS.has(f.ruleId)).map((f) => ({ ruleId: f.ruleId, units: unitsOf(f, run.units) }));
        for (const [rule, t] of compare(goldHere, foundHere)) add((goldTallies[l.name]![rule] ??= emptyTally()), t);
      }
    }
  }
  if (gold) figures.gold = goldTallies;
  return figures;
}

const perThousand = (n: number, turns: number) => (turns ? (1000 * n) / turns : 0);

export const rulesSection: EvalSection = {
  id: 'rules',
  title: 'Rules: false alarms on real sessions, precision and recall on the labelled set',
  async run(context: EvalContext) {
    const baseline = await baselineLinter(context.root);
    const linters = [currentLinter(), ...(typeof baseline === 'string' ? [] : [baseline])];
    if (typeof baseline === 'string') context.print(`(${baseline})`);
    const names = linters.map((l) => l.name);
    const results: Record<string, CorpusFigures> = {};
    for (const corpus of corpora(context.shared)) {
      context.log(`  ${corpus.id}: ${corpus.files.length} files`);
      results[corpus.id] = runCorpus(corpus, linters, readGold(context.root, corpus.id));
    }

    context.print('### Real sessions: findings of the defect rules per 1,000 real turns (goal ≤ 1; genuine ones excepted)');
    context.print('');
    const realRows = Object.entries(results)
      .filter(([, f]) => f.realTurns > 0)
      .map(([id, f]) => [
        id,
        f.realTurns,
        ...names.flatMap((n) => [f.real[n]!.findings, f.real[n]!.genuine, fixed(perThousand(f.real[n]!.findings - f.real[n]!.genuine, f.realTurns))]),
      ]);
    for (const line of table(['corpus', 'real turns', ...names.flatMap((n) => [`findings ${n}`, `genuine ${n}`, `false/1k ${n}`])], realRows)) context.print(line);
    context.print('');
    context.print('False alarms by rule (now):');
    for (const [id, f] of Object.entries(results)) {
      const byRule = f.real.now!.falseByRule;
      if (Object.keys(byRule).length) context.print(`  ${id}: ${Object.entries(byRule).map(([r, n]) => `${r} ${n}`).join(', ')}`);
    }

    context.print('');
    context.print('### Labelled set: precision / recall per rule (goal ≥ 0.9 / 0.9 on generated sessions), per turn');
    for (const [id, f] of Object.entries(results)) {
      if (!f.gold) continue;
      const rules = [...new Set(names.flatMap((n) => Object.keys(f.gold![n]!)))].sort();
      const rows = rules.map((rule) => {
        const now = f.gold!.now![rule] ?? emptyTally();
        return [
          rule,
          now.gold,
          ...names.flatMap((n) => {
            const t = f.gold![n]![rule] ?? emptyTally();
            return [t.found, fixed(precision(t)), fixed(recall(t))];
          }),
        ].concat(now.gold === 0 && now.found === 0 ? [] : []);
      });
      context.print('');
      context.print(`${id} (${(readGold(context.root, id)?.reviewed.size ?? 0)} sessions reviewed):`);
      for (const line of table(['rule', 'gold', ...names.flatMap((n) => [`found ${n}`, `P ${n}`, `R ${n}`])], rows)) context.print(`  ${line}`);
    }

    context.print('');
    context.print('All findings per 1,000 turns (every turn, every rule), now:');
    for (const [id, f] of Object.entries(results)) {
      context.print(`  ${id} (${f.turns} turns): ${Object.entries(f.counts.now!).sort().map(([r, n]) => `${r} ${fixed(perThousand(n, f.turns), 1)}`).join(', ') || 'none'}`);
    }
    void pct;
    return results as unknown as Record<string, unknown>;
  },
};
