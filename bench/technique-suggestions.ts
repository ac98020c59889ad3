/**
 * How often the technique the expert named is the first suggestion (top-1)
 * or among the first three (top-3).
 *
 *   npx tsx bench/technique-suggestions.ts [--errors]
 *
 * cbt: the team's labelled sessions (bench/data/technique-sessions), each
 * tagged therapist turn scored on its untagged text, once with every tag
 * removed ("cold") and once with the earlier turns' tags kept, as when a
 * trainee tags a session in order ("in order").
 * mi: AnnoMI's expert labels (question, simple/complex reflection,
 * information, advice …) on all therapist turns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTranscript } from '../server/src/core/parser.ts';
import { Session } from '../server/src/core/session.ts';
import { defaultCodebook } from '../server/src/core/codebook.ts';
import { suggestTechniques } from '../server/src/core/suggest.ts';
import { stripTags, allTags } from '../server/src/core/tags.ts';
import { applyEdits } from '../server/src/core/fixes.ts';
import { removeTagEdit } from '../server/src/core/tags.ts';
import { ANNOMI_DIR, labelsByFile, type LabelRow } from '../test/helpers/data.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const sessionsDir = path.join(here, 'data/technique-sessions');
const annomiDir = ANNOMI_DIR;
const showErrors = process.argv.includes('--errors');
const codebook = defaultCodebook();

interface Score {
  n: number;
  top1: number;
  top3: number;
}
const score = (): Score => ({ n: 0, top1: 0, top3: 0 });
const pct = (a: number, n: number) => (n ? `${((100 * a) / n).toFixed(1)}%` : '—');

/** Score every tagged therapist turn of one labelled file. */
function evaluateFile(source: string, keepEarlierTags: boolean, into: Score, perId: Map<string, Score>, errors: string[]) {
  const tagged = parseTranscript(source);
  const gold: Array<{ turn: number; id: string }> = [];
  let index = 0;
  for (const node of tagged.children) {
    if (node.type !== 'turn') continue;
    const tag = node.children.find((c) => c.type === 'tag' && c.namespace === 'cbt');
    if (tag && tag.type === 'tag' && node.role === 'therapist') gold.push({ turn: index, id: tag.id });
    index++;
  }
  const clean = stripTags(source, tagged);
  for (const { turn, id } of gold) {
    // "in order": the tags of earlier turns stay, this turn's and later ones go.
    let text = clean;
    if (keepEarlierTags) {
      const tags = allTags(tagged);
      const turnStarts = tagged.children.filter((c) => c.type === 'turn').map((c) => c.position.start.offset!);
      const cut = turnStarts[turn]!;
      text = applyEdits(source, tags.filter((t) => t.position.start.offset! >= cut).map((t) => removeTagEdit(source, t)));
    }
    const session = new Session(text, parseTranscript(text));
    const target = session.turns[turn]!;
    const suggestions = suggestTechniques(codebook, { session, turn, text: target.features.text }, 3);
    const ids = suggestions.map((s) => s.entry.id);
    into.n++;
    const stats = perId.get(id) ?? score();
    perId.set(id, stats);
    stats.n++;
    if (ids[0] === id) {
      into.top1++;
      stats.top1++;
    }
    if (ids.includes(id)) {
      into.top3++;
      stats.top3++;
    } else if (!keepEarlierTags) {
      errors.push(`${id.padEnd(24)} → ${ids.join(', ') || '(none)'} | ${target.features.text.slice(0, 110)}`);
    }
  }
}

const files = fs.readdirSync(sessionsDir).filter((f) => f.endsWith('.transcript')).sort();
const cold = score();
const inOrder = score();
const withoutSeen = score();
const perId = new Map<string, Score>();
const errors: string[] = [];
for (const file of files) {
  const source = fs.readFileSync(path.join(sessionsDir, file), 'utf8');
  evaluateFile(source, false, cold, perId, errors);
  evaluateFile(source, true, inOrder, new Map(), []);
  // session-01 was partly seen while the codebook's cues were written: report without it too.
  if (file !== 'session-01.transcript') evaluateFile(source, false, withoutSeen, new Map(), []);
}

console.log(`cbt technique suggestions on ${files.length} labelled sessions (${cold.n} tagged therapist turns, ${codebook.namespaces.get('cbt')!.entries.size} techniques)`);
console.log('');
console.log('| set | turns | top-1 | top-3 |');
console.log('|---|---|---|---|');
console.log(`| cold (no tags anywhere) | ${cold.n} | ${pct(cold.top1, cold.n)} | ${pct(cold.top3, cold.n)} |`);
console.log(`| in order (earlier turns tagged) | ${inOrder.n} | ${pct(inOrder.top1, inOrder.n)} | ${pct(inOrder.top3, inOrder.n)} |`);
console.log(`| cold, without session-01 | ${withoutSeen.n} | ${pct(withoutSeen.top1, withoutSeen.n)} | ${pct(withoutSeen.top3, withoutSeen.n)} |`);
console.log('');
console.log('per technique (cold): id  n  top-1  top-3');
for (const [id, s] of [...perId].sort((a, b) => b[1].n - a[1].n)) {
  console.log(`  ${id.padEnd(24)} ${String(s.n).padStart(3)}  ${pct(s.top1, s.n).padStart(6)}  ${pct(s.top3, s.n).padStart(6)}`);
}

// MI codes against AnnoMI's expert labels.
function miCode(label: LabelRow): string | undefined {
  if (label.behaviour === 'question') return 'question';
  if (label.behaviour === 'reflection') return label.reflection_type === 'complex' ? 'complex-reflection' : 'simple-reflection';
  if (label.behaviour === 'therapist_input') {
    return { information: 'giving-information', advice: 'persuade', negotiation: 'seeking-collaboration', options: 'emphasizing-autonomy' }[label.input_type ?? ''];
  }
  return undefined;
}
if (fs.existsSync(annomiDir)) {
  const byFile = labelsByFile(annomiDir);
  const mi = score();
  const miPer = new Map<string, Score>();
  for (const [file, rows] of byFile) {
    const text = fs.readFileSync(path.join(annomiDir, file), 'utf8');
    const session = new Session(text, parseTranscript(text));
    for (const row of rows) {
      const code = row.speaker === 'therapist' ? miCode(row) : undefined;
      if (!code) continue;
      const turn = session.turns[row.turn]!;
      const ids = suggestTechniques(codebook, { session, turn: row.turn, text: turn.features.text, namespace: 'mi' }, 3).map((s) => s.entry.id);
      mi.n++;
      const s = miPer.get(code) ?? score();
      miPer.set(code, s);
      s.n++;
      if (ids[0] === code) {
        mi.top1++;
        s.top1++;
      }
      if (ids.includes(code)) {
        mi.top3++;
        s.top3++;
      }
    }
  }
  const majority = Math.max(...[...miPer.values()].map((s) => s.n));
  console.log('');
  console.log(`mi codes on AnnoMI therapist turns with a mappable expert label: ${mi.n} turns`);
  console.log(`  top-1 ${pct(mi.top1, mi.n)}, top-3 ${pct(mi.top3, mi.n)} (always guessing the most frequent code: ${pct(majority, mi.n)})`);
  for (const [id, s] of [...miPer].sort((a, b) => b[1].n - a[1].n)) {
    console.log(`  ${id.padEnd(24)} ${String(s.n).padStart(5)}  ${pct(s.top1, s.n).padStart(6)}  ${pct(s.top3, s.n).padStart(6)}`);
  }
}

if (showErrors) {
  console.log('\nmisses (cold, not in top-3): expected → suggested | text');
  for (const e of errors) console.log(`  ${e}`);
}
