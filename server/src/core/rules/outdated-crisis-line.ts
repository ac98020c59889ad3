/**
 * `outdated-crisis-line`: the retired US National Suicide Prevention Lifeline
 * number (1-800-273-TALK / 1-800-273-8255, in any spelling). Since 16 July
 * 2022 the line is the 988 Suicide & Crisis Lifeline: call or text 988, or
 * chat at 988lifeline.org. The fix replaces the number (and the old name when
 * it stands right before it) with the 988 wording.
 */
import { defineRule } from '../rule.ts';
import type { TextEdit } from '../fixes.ts';
import type { Finding } from '../rule.ts';

export const CRISIS_LINE_988 = 'call or text 988, or chat at 988lifeline.org';
export const CRISIS_LINE_NAME = '988 Suicide & Crisis Lifeline';

/** 1-800-273-TALK (8255), (800) 273-8255, 800.273.8255, +1 800 273 8255 … */
const NUMBER = /(?:\+?1[\s.-]?)?(?:\(800\)|800)[\s.-]?273[\s.-]?(?:TALK(?:[\s.-]?\(?8255\)?)?|8255)(?![\d])/gi;
const OLD_NAME = /\b(?:the )?National Suicide Prevention (?:Life ?line|Hotline)\b/gi;

/** The retired number in one text, with the fix, offsets relative to the text. */
export function findCrisisLines(value: string, base = 0): Finding[] {
  const found: Finding[] = [];
  if (!value.includes('273')) return found;
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(value); m; m = NUMBER.exec(value)) {
    const start = m.index;
    const end = start + m[0].length;
    // "Call 1-800-273-8255" → "Call or text 988, …": the verb is part of the new wording.
    const verb = /\b(call|dial|phone|ring)(?: them| us| it)?(?: at| on)?[ \t]*$/i.exec(value.slice(Math.max(0, start - 24), start));
    const edits: TextEdit[] = verb
      ? [{ start: base + start - verb[0].length, end: base + end, text: matchCase(verb[1]!, CRISIS_LINE_988) }]
      : [{ start: base + start, end: base + end, text: CRISIS_LINE_988 }];
    // "the National Suicide Prevention Lifeline (1-800-273-…": rename the line too.
    const before = value.slice(Math.max(0, start - 60), start);
    OLD_NAME.lastIndex = 0;
    let name: RegExpExecArray | null = null;
    for (let n = OLD_NAME.exec(before); n; n = OLD_NAME.exec(before)) name = n;
    if (name && /^[\s(:,-]*$/.test(before.slice(name.index + name[0].length))) {
      const nameStart = base + start - before.length + name.index;
      const article = /^the /i.test(name[0]) ? name[0].slice(0, 4) : '';
      edits.unshift({ start: nameStart, end: nameStart + name[0].length, text: `${article}${CRISIS_LINE_NAME}` });
    }
    found.push({
      reason: `"${m[0]}" is the retired National Suicide Prevention Lifeline number: since July 2022 the US line is 988 (call or text 988, or chat at 988lifeline.org).`,
      start: base + start,
      end: base + end,
      fixes: [{ title: 'Replace with the 988 Suicide & Crisis Lifeline', edits, safe: true, preferred: true }],
    });
  }
  return found;
}

export default defineRule({
  id: 'outdated-crisis-line',
  description: 'The retired National Suicide Prevention Lifeline number; the line is now 988.',
  defaultSeverity: 'warn',
  defaultOptions: {},
  checkTurn({ report }, turn) {
    for (const text of turn.texts) for (const finding of findCrisisLines(text.value, text.position.start.offset!)) report(finding);
  },
  // The header (a summary may quote the number too).
  check({ session, report }) {
    for (const line of session.header?.children ?? []) for (const finding of findCrisisLines(line.value, line.position.start.offset!)) report(finding);
  },
});

/** "Call" → "Call or text…", "call" → "call or text…". */
function matchCase(original: string, replacement: string): string {
  return original[0] === original[0]!.toUpperCase() ? replacement[0]!.toUpperCase() + replacement.slice(1) : replacement;
}
