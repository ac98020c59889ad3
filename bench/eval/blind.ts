/**
 * `npm run eval -- blind`: recall on phrasings written blind (test/data/blind/README.md) and false
 * alarms on their look-alike traps, now and at the baseline commit. Each phrasing is planted into one
 * short session in the place its family lives; a hit is a finding of the family's rule on the planted
 * lines. Odd items were read while improving the detectors (dev), even ones never (check).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EvalContext, EvalSection } from './section.ts';
import { baselineLinter, currentLinter, type Linter } from './linters.ts';

type Family = string;
interface Trap {
  text: string;
  looksLike: Family;
}

/** The rules that find each family (a heading may also be a persona label's line). */
const RULES: Record<Family, string[]> = {
  'canned-refusal': ['canned-refusal'],
  'ai-disclaimer': ['ai-disclaimer'],
  preamble: ['generation-artifact'],
  'header-preamble': ['generation-artifact'],
  'meta-note': ['generation-artifact'],
  'end-sentinel': ['generation-artifact'],
  heading: ['generation-artifact', 'leaked-label'],
  'stray-number': ['generation-artifact'],
  'persona-label': ['leaked-label'],
  placeholder: ['generation-artifact'],
  truncation: ['truncated-turn'],
};

const T1 = 'Therapist: Hi, thanks for coming in today. How have things been since we last met?';
const P1 = "Patient: Honestly, it's been a rough couple of weeks. I haven't been sleeping well and work has been really stressful.";
const P2 = "Patient: Yeah, I guess that's true. I just don't know where to start with all of it.";
const T3 = "Therapist: That's okay. We can start wherever feels right to you, and we can go slowly.";
const P3 = 'Patient: Okay. I think I want to talk about my sister first.';
const REPLY = "It sounds like you've been carrying a lot on your own lately.";
/** The rest of the session after the planted place: more turns of both speakers, as a session has. */
const LATER = [
  P2,
  T3,
  P3,
  'Therapist: Of course. What happened with your sister that you would like us to look at?',
  'Patient: She stopped answering my calls after the wedding, and I keep wondering what I did wrong.',
  'Therapist: That silence sounds painful. What goes through your mind when you think about it?',
  "Patient: Mostly that I'm the problem. That I always say the wrong thing.",
  "Therapist: That's a heavy conclusion to carry. Let's look at the evidence for it together.",
  'Patient: Okay. I can try that.',
];

/** A session with `x` planted where `family` lives, and the lines (1-based, inclusive) it takes. */
export function plant(family: Family, x: string): { text: string; lines: [number, number] } {
  const join = (before: string[], mid: string, after: string[]) => {
    const pre = before.join('\n\n');
    const start = pre ? pre.split('\n').length + 2 : 1;
    const text = [pre, mid, after.join('\n\n')].filter(Boolean).join('\n\n') + '\n';
    return { text, lines: [start, start + mid.split('\n').length - 1] as [number, number] };
  };
  switch (family) {
    case 'header-preamble':
      return join([], x, [T1, P1, `Therapist: ${REPLY}`, ...LATER]);
    case 'preamble':
      return join([T1, P1], `Therapist: ${x} ${REPLY}`, LATER);
    case 'meta-note':
      return join([T1, P1, `Therapist: ${REPLY} What feels hardest right now?`], x, LATER);
    case 'end-sentinel':
      return join([T1, P1, `Therapist: ${REPLY}`, ...LATER, "Therapist: Let's pick that up next week, then. Take care."], x, []);
    case 'heading':
      return join([T1, P1], x, [`Therapist: ${REPLY}`, ...LATER]);
    case 'stray-number':
      // A marker alone is followed by the reply on the next line.
      return join([T1, P1], `Therapist: ${/[A-Za-z]{3}/.test(x) ? x : `${x}\n${REPLY}`}`, LATER);
    default:
      return join([T1, P1], `Therapist: ${x}`, LATER);
  }
}

function measure(linter: Linter, data: Record<string, unknown>) {
  const families: Record<Family, { dev: [number, number]; check: [number, number] }> = {};
  for (const [family, items] of Object.entries(data)) {
    if (family === 'traps' || !RULES[family]) continue;
    const figures = { dev: [0, 0] as [number, number], check: [0, 0] as [number, number] };
    (items as string[]).forEach((x, i) => {
      const { text, lines } = plant(family, x);
      const hit = linter.lint(text).some((f) => f.line >= lines[0] && f.line <= lines[1] && RULES[family]!.includes(f.ruleId));
      const half = i % 2 === 1 ? figures.dev : figures.check;
      half[1]++;
      if (hit) half[0]++;
    });
    families[family] = figures;
  }
  let trapsFlagged = 0;
  const traps = (data.traps ?? []) as Trap[];
  for (const trap of traps) {
    const { text, lines } = plant(trap.looksLike, trap.text);
    if (linter.lint(text).some((f) => f.ruleId !== 'consecutive-turns' && f.line >= lines[0] && f.line <= lines[1])) trapsFlagged++;
  }
  return { families, traps: { cases: traps.length, flagged: trapsFlagged } };
}

export const blindSection: EvalSection = {
  id: 'blind',
  title: 'Rules: phrasings written blind (recall: dev = read by the rules’ author, check = never read) and their traps',
  async run(context: EvalContext) {
    const data = JSON.parse(fs.readFileSync(path.join(context.root, 'test/data/blind/phrasings.json'), 'utf8')) as Record<string, unknown>;
    const baseline = await baselineLinter(context.root);
    const linters = [currentLinter(), ...(typeof baseline === 'string' ? [] : [baseline])];
    if (typeof baseline === 'string') context.print(`(${baseline})`);
    const results = Object.fromEntries(linters.map((l) => [l.name, measure(l, data)]));
    const names = linters.map((l) => l.name);
    const rate = ([hit, n]: [number, number]) => (n ? (hit / n).toFixed(2) : '—');
    context.print(['family'.padEnd(18), ...names.flatMap((n) => [`dev ${n}`.padStart(12), `check ${n}`.padStart(14)])].join(''));
    for (const family of Object.keys(results[names[0]!]!.families)) {
      context.print([family.padEnd(18), ...names.flatMap((n) => [rate(results[n]!.families[family]!.dev).padStart(12), rate(results[n]!.families[family]!.check).padStart(14)])].join(''));
    }
    context.print('');
    context.print(`Traps with a finding (goal 0): ${names.map((n) => `${n} ${results[n]!.traps.flagged} of ${results[n]!.traps.cases}`).join(', ')}`);
    return results;
  },
};
