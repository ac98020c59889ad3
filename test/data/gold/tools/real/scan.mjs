#!/usr/bin/env node
/**
 * Candidate finder for labelling the real corpora: lists the places a labeller must look at closely
 * (it decides nothing; every candidate is read and judged by the labelling guide).
 *
 *   node test/data/gold/tools/real/scan.mjs <corpus> [from] [count]
 *
 * Prints, per session: empty turns, labels other than Therapist/Client, mojibake-like byte runs,
 * the retired Lifeline number in any spelling, same-speaker turns that share most of their words with an
 * earlier turn (and the same message twice in a row), a sentence or paragraph repeated inside one turn,
 * label-like "Name:" text inside a turn, and phrases of refusals, AI disclaimers and meta-text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const SHARED = process.env.TRANSCRIPT_SHARED_DIR ?? path.resolve(ROOT, '../shared');
const [corpus, first, count] = process.argv.slice(2);
if (!corpus) {
  process.stderr.write('usage: scan.mjs <corpus> [from] [count]\n');
  process.exit(2);
}
const dir = path.join(SHARED, 'corpora', corpus);
const all = fs.readdirSync(dir).filter((f) => f.endsWith('.transcript')).sort();
const files = all.slice(Number(first ?? 0), Number(first ?? 0) + Number(count ?? all.length));

const LABEL = /^([A-Za-z][A-Za-z .'-]{0,30}):(.*)$/;
const KNOWN = new Set(['Therapist', 'Client']);
const words = (text) => text.toLowerCase().match(/[a-z0-9']+/g) ?? [];

/** Share of the shorter turn's word pairs (as a multiset) found in the longer one, and the length ratio. */
function overlap(a, b) {
  const pairs = (w) => w.slice(1).map((x, i) => `${w[i]} ${x}`);
  const [short, long] = a.length <= b.length ? [pairs(a), pairs(b)] : [pairs(b), pairs(a)];
  const bag = new Map();
  for (const p of long) bag.set(p, (bag.get(p) ?? 0) + 1);
  let hit = 0;
  for (const p of short) {
    const n = bag.get(p) ?? 0;
    if (n > 0) {
      hit += 1;
      bag.set(p, n - 1);
    }
  }
  return { share: hit / Math.max(1, short.length), ratio: (short.length + 1) / Math.max(1, long.length + 1) };
}

const PATTERNS = [
  ['mojibake', /Ã.|â€|Â[^A-Za-z]|ï»¿|\uFFFD/],
  ['outdated-crisis-line', /273[\s.\-)]*(8255|talk)|2738255|800[\s.\-)]*273/i],
  ['ai-disclaimer', /\bas an ai\b|language model|not a (licensed|real|professional|doctor|therapist)|can'?t replace professional|i'?m (just )?an? (ai|bot|chatbot)/i],
  ['canned-refusal', /i'?m sorry,? but i can'?t|i (can(not|'t)|am unable to|'m unable to|'m not able to) (help|assist|provide|continue|discuss|engage)|against my guidelines/i],
  ['generation-artifact', /<\|[^>]*\|>|<\/?s>|\[\/?inst\]|\[end\]|end of (the )?conversation|here('s| is) (a|the|my) (continuation|response|dialogue)|^#+ |\*\*[^*]+\*\*|\((note|disclaimer)[:\s]|\[[A-Z][a-z]+('s)? [a-z]+\]|^\s*\d+\s*$/i],
  ['role-words', /\b(the|my|our|a) (client|patient|therapist|counsel+or|supporter|seeker)s?\b/i],
];

for (const name of files) {
  const lines = fs.readFileSync(path.join(dir, name), 'utf8').split(/\r\n|\r|\n/);
  const turns = [];
  lines.forEach((text, i) => {
    const m = LABEL.exec(text);
    if (m && (KNOWN.has(m[1]) || turns.length === 0 || /^[A-Z][a-z]+$/.test(m[1]) && m[1].length < 12 && /^(Therapist|Client|Patient|Counsel|T|C)/i.test(m[1]))) {
      turns.push({ line: i + 1, speaker: m[1], text: m[2].trim(), rest: [] });
    } else if (turns.length) {
      if (text.trim()) turns.at(-1).rest.push({ line: i + 1, text });
    }
  });
  const out = [];
  for (const [k, t] of turns.entries()) {
    const body = [t.text, ...t.rest.map((r) => r.text)].join('\n');
    if (!KNOWN.has(t.speaker)) out.push(`${t.line} unknown-speaker "${t.speaker}"`);
    if (!body.trim()) out.push(`${t.line} empty-turn`);
    for (const [rule, re] of PATTERNS) {
      for (const [j, piece] of [t.text, ...t.rest.map((r) => r.text)].entries()) {
        const m = re.exec(piece);
        if (m) out.push(`${j ? t.rest[j - 1].line : t.line} ${rule} ${t.speaker}: …${piece.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40)}…`);
      }
    }
    for (const r of t.rest) {
      const m = LABEL.exec(r.text);
      if (m && m[1].split(' ').length <= 3) out.push(`${r.line} label-like line inside turn: ${r.text.slice(0, 80)}`);
    }
    // repeated sentences inside one turn
    const sentences = body.split(/(?<=[.!?])\s+|\n+/).map((s) => words(s)).filter((w) => w.length >= 6);
    const seen = new Set();
    for (const s of sentences) {
      const key = s.join(' ');
      if (seen.has(key)) out.push(`${t.line} sentence repeated inside the turn: "${key.slice(0, 80)}"`);
      seen.add(key);
    }
    // same-speaker near-duplicates
    const w = words(body);
    for (let e = k - 1; e >= 0; e -= 1) {
      const u = turns[e];
      if (u.speaker !== t.speaker) continue;
      const uw = words([u.text, ...u.rest.map((r) => r.text)].join(' '));
      const { share, ratio } = overlap(w, uw);
      const adjacent = turns.slice(e + 1, k).every((x) => x.speaker === t.speaker);
      if (w.join(' ') === uw.join(' ') && w.length > 0 && (adjacent || w.length >= 6)) {
        out.push(`${t.line} same words as line ${u.line} (${w.length} words)${adjacent ? ' [in a row]' : ''}: "${body.slice(0, 70)}"`);
        break;
      }
      if (Math.min(w.length, uw.length) >= 8 && share >= 0.5 && ratio >= 0.3) {
        out.push(`${t.line} near line ${u.line} (share ${share.toFixed(2)}, ${w.length}/${uw.length} words): "${body.slice(0, 70)}"`);
        break;
      }
    }
  }
  if (out.length) process.stdout.write(`=== ${name}\n${out.map((o) => `  ${o}`).join('\n')}\n`);
}
