/**
 * The generator of injected defects (bench/eval/inject.ts): deterministic,
 * every gold line holds what was planted, the base session is unchanged
 * outside the one planted place, and the dev and held-out phrasings never
 * meet. This test reads the held-out phrasings only to check them; it never
 * prints them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  FAMILIES,
  FAMILY_RULE,
  PHRASED_FAMILIES,
  STRUCTURAL_FAMILIES,
  baseText,
  injectedCases,
  loadPhrasings,
  loadTraps,
  mojibake,
  trapCases,
  trapFamilies,
  type InjectedCase,
  type Phrasing,
  type Split,
} from '../../bench/eval/inject.ts';
import { parseTranscript } from '../../server/src/core/parser.ts';
import type { Turn } from '../../server/src/core/types.ts';
import { SHARED } from '../helpers/data.ts';

const SPLITS: Split[] = ['dev', 'heldout'];
const RULES = new Set([
  'repeated-turn',
  'unanswered-question',
  'truncated-turn',
  'role-confusion',
  'generation-artifact',
  'leaked-label',
  'canned-refusal',
  'ai-disclaimer',
  'outdated-crisis-line',
  'mojibake',
  'empty-turn',
  'unknown-speaker',
]);

const cases: Record<Split, InjectedCase[]> = {
  dev: injectedCases({ shared: SHARED, split: 'dev' }),
  heldout: injectedCases({ shared: SHARED, split: 'heldout' }),
};
const all = [...cases.dev, ...cases.heldout];
const traps = trapCases({ shared: SHARED });

const baseCache = new Map<string, string[]>();
function baseLines(source: string): string[] {
  let lines = baseCache.get(source);
  if (!lines) {
    lines = baseText(SHARED, source).replace(/\n$/, '').split('\n');
    baseCache.set(source, lines);
  }
  return lines;
}
const caseLines = (text: string) => text.replace(/\n$/, '').split('\n');

/** The same phrasing, whatever its quotes, case and spacing. */
const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[“”]/g, '"')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n');
const prose = (text: string) =>
  normalise(text)
    .replace(/\$\{[a-z]+\}/g, ' ')
    .replace(/[^a-z0-9' ]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
function bigrams(text: string): Set<string> {
  const w = prose(text);
  return new Set(w.slice(1).map((x, i) => `${w[i]} ${x}`));
}
function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return a.size + b.size - shared ? shared / (a.size + b.size - shared) : 0;
}

/** A regular expression for a phrasing as planted: ${turn} is the turn's text, ${self}/${other} a label, ${n} a number. */
function plantedPattern(phrasing: Phrasing): RegExp {
  const escaped = phrasing.text.replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\${c}`);
  const source = escaped
    .replace(/\\\$\\\{turn\\\}/g, '[\\s\\S]*?')
    .replace(/\\\$\\\{(?:self|other)\\\}/g, '(?:Therapist|Client)')
    .replace(/\\\$\\\{n\\\}/g, '\\d+');
  return new RegExp(source);
}

const phrasingOf = (c: InjectedCase) => loadPhrasings(c.family)[c.split][c.phrasing!]!;

test('every phrased family has ≥ 15 phrasings per split, its rule, and only known variables', () => {
  for (const family of PHRASED_FAMILIES) {
    const file = loadPhrasings(family);
    assert.equal(file.rule, FAMILY_RULE[family], family);
    assert.ok(RULES.has(file.rule), `${family}: unknown rule ${file.rule}`);
    assert.ok(file.where.length > 20, `${family}: "where" says how it is placed`);
    for (const split of SPLITS) {
      assert.ok(file[split].length >= 15, `${family} ${split}: ${file[split].length} phrasings`);
      for (const p of file[split]) {
        const variables = [...p.text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]);
        assert.ok(variables.every((v) => ['turn', 'self', 'other', 'n'].includes(v!)), `${family} ${split}: unknown variable`);
        assert.ok(variables.filter((v) => v === 'turn').length <= 1, `${family} ${split}: at most one \${turn}`);
        if (family === 'header-preamble') assert.equal(variables.length, 0, 'a header has no turn to refer to');
      }
    }
    assert.ok(file.dev.length + file.heldout.length >= 30, family);
  }
  assert.deepEqual([...PHRASED_FAMILIES, ...STRUCTURAL_FAMILIES], FAMILIES);
});

test('dev and held-out never share a phrasing, and held-out prose is not a rewording of a dev item', () => {
  for (const family of PHRASED_FAMILIES) {
    const file = loadPhrasings(family);
    // The same layout in another role (a client's duplicated label) is another phrasing.
    const key = (p: Phrasing) => `${p.role ?? ''}|${normalise(p.text)}`;
    const dev = file.dev.map(key);
    const heldout = file.heldout.map(key);
    const devTexts = file.dev.map((p) => normalise(p.text));
    assert.equal(new Set(dev).size, dev.length, `${family}: a dev phrasing is listed twice`);
    assert.equal(new Set(heldout).size, heldout.length, `${family}: a held-out phrasing is listed twice`);
    const shared = file.heldout.filter((h) => devTexts.includes(normalise(h.text)));
    assert.equal(shared.length, 0, `${family}: ${shared.length} phrasing(s) in both splits`);
    // Sentences (four words or more): no held-out item shares most of its word pairs with a dev item.
    for (const [i, h] of file.heldout.entries()) {
      if (prose(h.text).length < 4) continue;
      const closest = Math.max(...file.dev.map((d) => jaccard(bigrams(h.text), bigrams(d.text))));
      assert.ok(closest < 0.6, `${family}: held-out item ${i} shares ${(100 * closest).toFixed(0)}% of its word pairs with a dev item`);
    }
  }
});

test('every trap family has ≥ 20 items, each with a role', () => {
  const families = trapFamilies();
  for (const family of PHRASED_FAMILIES) assert.ok(families.includes(family), `no traps for ${family}`);
  for (const family of families) {
    const file = loadTraps(family);
    assert.ok(file.items.length >= 20, `${family}: ${file.items.length} traps`);
    assert.ok(['sentence', 'start', 'end', 'header'].includes(file.where), `${family}: where ${file.where}`);
    assert.equal(new Set(file.items.map((i) => normalise(i.text))).size, file.items.length, `${family}: a trap is listed twice`);
  }
});

test('the same seed gives the same cases; another seed gives other cases', () => {
  const some = ['canned-refusal', 'truncation', 'loop'];
  const again = injectedCases({ shared: SHARED, split: 'dev', families: some });
  const first = cases.dev.filter((c) => some.includes(c.family));
  assert.equal(again.length, first.length);
  // Compared as JSON: a difference is then one short message, not two sessions printed in full.
  again.forEach((c, i) => assert.ok(JSON.stringify(c) === JSON.stringify(first[i]), `${c.id} differs from the first run`));
  const trapsAgain = trapCases({ shared: SHARED, families: ['crisis-line'] });
  assert.equal(JSON.stringify(trapsAgain), JSON.stringify(traps.filter((t) => t.family === 'crisis-line')));
  const other = injectedCases({ shared: SHARED, split: 'dev', seed: 2, families: some });
  const same = other.filter((c, i) => c.text === first[i]!.text).length;
  assert.ok(same < other.length / 4, `${same} of ${other.length} cases unchanged by the seed`);
});

test('each family has its cases, every phrasing is used, and dev and held-out bases are disjoint', () => {
  for (const split of SPLITS) {
    for (const family of FAMILIES) {
      const mine = cases[split].filter((c) => c.family === family);
      assert.ok(mine.length >= 30, `${family} ${split}: ${mine.length} cases`);
      const corpora = new Set(mine.map((c) => c.source.split('/')[0]));
      assert.ok(corpora.size >= 2, `${family} ${split}: bases from ${[...corpora].join(', ')} only`);
      if (PHRASED_FAMILIES.includes(family)) {
        const used = new Set(mine.map((c) => c.phrasing));
        assert.equal(used.size, loadPhrasings(family)[split].length, `${family} ${split}: a phrasing is never used`);
      }
    }
    const corpora = new Set(cases[split].map((c) => c.source.split('/')[0]));
    assert.deepEqual([...corpora].sort(), ['annomi', 'esconv', 'mibot']);
  }
  const devBases = new Set(cases.dev.map((c) => c.source));
  assert.ok(cases.heldout.every((c) => !devBases.has(c.source)), 'a base session is used by both splits');
  assert.equal(new Set(all.map((c) => c.id)).size, all.length, 'ids are unique');
});

test('every gold line exists and holds the planted text', () => {
  for (const c of all) {
    const lines = caseLines(c.text);
    assert.ok(c.gold.length >= 1, `${c.id}: no gold`);
    for (const g of [...c.gold, ...c.doubtful]) {
      assert.ok(g.line >= 1 && g.line <= lines.length && lines[g.line - 1]!.trim(), `${c.id}: line ${g.line} is not a line of text`);
      assert.ok(RULES.has(g.rule), `${c.id}: unknown rule ${g.rule}`);
    }
    for (const g of c.gold) {
      if (g.consequence) {
        // A consequence is on an unchanged line: the asking turn before the planted reply.
        assert.ok(c.lineMap[g.line - 1]! > 0, `${c.id}: the consequence's line ${g.line} was changed`);
        assert.ok(c.planted.some((p) => p > g.line), `${c.id}: nothing planted after the consequence's line`);
        continue;
      }
      assert.equal(g.rule, FAMILY_RULE[c.family], `${c.id}: gold rule`);
      assert.ok(c.planted.includes(g.line), `${c.id}: gold line ${g.line} holds nothing planted`);
    }
    const defect = c.gold.find((g) => !g.consequence)!;
    const line = lines[defect.line - 1]!;
    if (c.phrasing !== undefined) {
      assert.match(c.text, plantedPattern(phrasingOf(c)), `${c.id}: the phrasing is not in the text as written`);
      const first = phrasingOf(c)
        .text.split(/\$\{[a-z]+\}|\n/)
        .map((s) => s.trim())
        .find((s) => s.length > 0 && s !== ':');
      if (first && !phrasingOf(c).text.startsWith('${')) assert.ok(line.includes(first), `${c.id}: the gold line does not hold the phrasing's start`);
    }
    const base = baseLines(c.source);
    switch (c.family) {
      case 'truncation': {
        const original = base[defect.line - 1]!;
        assert.ok(original.startsWith(line) && original.length > line.length, `${c.id}: not a cut of the base turn`);
        assert.doesNotMatch(line, /[.!?…]$/, `${c.id}: the cut ends a sentence`);
        break;
      }
      case 'loop':
      case 'double-post':
        assert.ok(lines.slice(0, defect.line - 1).includes(line), `${c.id}: the repeat is not a copy of an earlier line`);
        break;
      case 'paragraph-repeat': {
        const paragraph = line;
        const earlier = lines.slice(0, defect.line - 1).map((l) => l.replace(/^(?:Therapist|Client): /, ''));
        assert.ok(earlier.includes(paragraph), `${c.id}: the repeated paragraph is not a copy of one before it`);
        break;
      }
      case 'role-swap': {
        const [, file, donorLine] = /^(\S+) line (\d+)$/.exec(defect.note!)!;
        const donor = baseLines(`${c.source.split('/')[0]}/${file}`)[Number(donorLine) - 1]!;
        const label = /^(\w+): /.exec(line)![1];
        assert.notEqual(/^(\w+): /.exec(donor)![1], label, `${c.id}: the donor turn has the same role`);
        assert.equal(line.slice(label!.length), donor.slice(donor.indexOf(':')), `${c.id}: not the donor turn's text`);
        assert.equal(label, /^(\w+):/.exec(base[defect.line - 1]!)![1], `${c.id}: the label changed`);
        break;
      }
      case 'mojibake':
        assert.match(line, /â€|Ã|Â/, `${c.id}: no mojibake`);
        break;
      case 'misspelt-label':
        assert.match(line, /^(?!Therapist:|Client:)[A-Z][a-z]+:/, `${c.id}: not a misspelt label`);
        break;
      case 'empty-turn':
        assert.match(line, /^(?:Therapist|Client): ?$/, `${c.id}: not an empty turn`);
        break;
      case 'header-preamble':
        assert.equal(defect.line, 1);
        break;
    }
  }
});

test('the base session is unchanged outside the one planted place', () => {
  const check = (id: string, source: string, text: string, lineMap: number[], planted: number[], family: string) => {
    const lines = caseLines(text);
    const base = baseLines(source);
    assert.equal(lineMap.length, lines.length, `${id}: lineMap`);
    let last = 0;
    lineMap.forEach((b, i) => {
      if (!b) return;
      assert.equal(lines[i], base[b - 1], `${id}: line ${i + 1} is mapped to base line ${b} but differs`);
      assert.ok(b > last, `${id}: lineMap goes backwards at line ${i + 1}`);
      last = b;
    });
    for (const p of planted) assert.equal(lineMap[p - 1], 0, `${id}: planted line ${p} is mapped`);
    // Independently of the generator's own record: the common prefix and suffix.
    let prefix = 0;
    while (prefix < lines.length && prefix < base.length && lines[prefix] === base[prefix]) prefix++;
    let suffix = 0;
    while (
      suffix < lines.length - prefix &&
      suffix < base.length - prefix &&
      lines[lines.length - 1 - suffix] === base[base.length - 1 - suffix]
    )
      suffix++;
    for (const p of planted) assert.ok(p > prefix && p <= lines.length - suffix, `${id}: planted line ${p} outside the changed place`);
    // The base lines that changed or went: at most one turn (a loop drops the tail after it).
    const changed = base.slice(prefix, base.length - suffix);
    const labels = changed.filter((l) => /^(?:Therapist|Client):/.test(l)).length;
    if (family === 'loop') assert.equal(suffix, 0, `${id}: a loop ends the session`);
    else assert.ok(labels <= 1, `${id}: ${labels} base turns changed`);
    // And nothing of the base is lost except in the families that replace or cut text.
    if (!['loop', 'truncation', 'role-swap', 'canned-refusal', 'empty-turn', 'mojibake', 'misspelt-label', 'paragraph-repeat'].includes(family)) {
      const kept = lines.slice(prefix, lines.length - suffix).join('\n');
      for (const l of changed) {
        const content = l.replace(/^(?:Therapist|Client):\s*/, '');
        for (const sentence of content.split(/(?<=[.!?])\s+/).filter((s) => s.length > 3)) {
          const lowered = sentence[0]!.toLowerCase() + sentence.slice(1);
          assert.ok(kept.includes(sentence) || kept.includes(lowered), `${id}: base text lost: ${sentence.slice(0, 40)}`);
        }
      }
    }
  };
  for (const c of all) check(c.id, c.source, c.text, c.lineMap, c.planted, c.family);
  for (const t of traps) check(t.id, t.source, t.text, t.lineMap, t.trapLines, t.family);
});

test('the parser sees the planted turns where the gold says', () => {
  for (const c of all) {
    const turns = parseTranscript(c.text).children.filter((n): n is Turn => n.type === 'turn');
    const at = (line: number) => turns.find((t) => t.position.start.line === line);
    for (const g of c.gold) {
      if (['truncated-turn', 'role-confusion', 'empty-turn', 'unknown-speaker'].includes(g.rule) || ['loop', 'double-post'].includes(c.family)) {
        assert.ok(at(g.line), `${c.id}: no turn starts on line ${g.line}`);
      }
    }
    if (c.family === 'misspelt-label') assert.equal(at(c.gold[0]!.line)!.known, false, `${c.id}: the misspelt label is known`);
    if (c.family === 'empty-turn') {
      const turn = at(c.gold[0]!.line)!;
      assert.equal(turn.children.filter((n) => n.type === 'paragraph').length, 0, `${c.id}: the empty turn has text`);
    }
  }
});

test('every trap line holds the trap text, as written', () => {
  for (const t of traps) {
    const item = loadTraps(t.family).items[t.item]!;
    const lines = caseLines(t.text);
    assert.ok(t.text.includes(item.text), `${t.id}: the trap is not in the text as written`);
    const itemLines = item.text.split('\n').filter((l) => l.trim());
    assert.equal(t.trapLines.length, itemLines.length, `${t.id}: trap lines`);
    t.trapLines.forEach((line, i) => assert.ok(lines[line - 1]!.includes(itemLines[i]!), `${t.id}: line ${line}`));
  }
  const families = new Set(traps.map((t) => t.family));
  assert.deepEqual([...families].sort(), trapFamilies());
});

test('mojibake is UTF-8 read as Windows-1252', () => {
  assert.equal(mojibake('don’t — café'), 'donâ€™t â€” cafÃ©');
  assert.equal(mojibake('plain ASCII'), 'plain ASCII');
});
