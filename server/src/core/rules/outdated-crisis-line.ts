/**
 * `outdated-crisis-line`: the retired US National Suicide Prevention Lifeline
 * number (1-800-273-TALK / 1-800-273-8255, in any spelling). Since 16 July
 * 2022 the line is the 988 Suicide & Crisis Lifeline: call or text 988, or
 * chat at 988lifeline.org.
 *
 * The fix replaces the number with "988", which reads right wherever a phone
 * number stood ("call 988", "the number is 988", "(988 in the United
 * States)"), and the line's old name, when it stands right next to the number,
 * with the new one. The finding covers everything the fix rewrites.
 */
import { defineRule, transcript } from '../rule.ts';
import type { TextEdit } from '../fixes.ts';
import type { Finding } from '../rule.ts';

export const CRISIS_LINE_NUMBER = '988';
export const CRISIS_LINE_NAME = '988 Suicide & Crisis Lifeline';

/** 1-800-273-TALK (8255), (800) 273-8255, 800.273.8255, +1 800 273 8255 … */
const SEP = String.raw`[\s.\-\u2010-\u2015\u2212/]`;
const NUMBER = new RegExp(String.raw`(?<![\d])(?:\+?1${SEP}{0,2})?(?:\(800\)|800)${SEP}{0,2}273${SEP}{0,2}(?:T${SEP}?A${SEP}?L${SEP}?K(?:${SEP}{0,2}\(?8255\)?)?|8255)(?![\d])`, 'gi');
/** The old name, right before the number: "National Suicide Prevention Lifeline (", "… Lifeline at ", "… Hotline: ". */
const NAME_BEFORE = /\bNational Suicide Prevention (?:Life ?line|Hotline)(?:\s*[(:,–—-]\s*|\s+(?:at|on)\s+|\s+)$/i;
/** …or right after it: "1-800-273-8255 (National Suicide Prevention Lifeline)". */
const NAME_AFTER = /^(?:\s*[(,–—-]\s*|\s+)(?:the\s+)?National Suicide Prevention (?:Life ?line|Hotline)\b/i;
const OLD_NAME = /National Suicide Prevention (?:Life ?line|Hotline)/i;

/** The retired number in one text, with the fix, offsets relative to the text plus `base`. */
export function findCrisisLines(value: string, base = 0): Finding[] {
  const found: Finding[] = [];
  if (!value.includes('273')) return found;
  NUMBER.lastIndex = 0;
  for (let m = NUMBER.exec(value); m; m = NUMBER.exec(value)) {
    let start = m.index;
    let end = start + m[0].length;
    const edits: TextEdit[] = [{ start: base + start, end: base + end, text: CRISIS_LINE_NUMBER }];
    const before = NAME_BEFORE.exec(value.slice(Math.max(0, start - 80), start));
    const after = before ? null : NAME_AFTER.exec(value.slice(end, end + 80));
    if (before) {
      const nameStart = start - before[0].length + before[0].search(OLD_NAME);
      const nameLength = OLD_NAME.exec(before[0])![0].length;
      edits.unshift({ start: base + nameStart, end: base + nameStart + nameLength, text: CRISIS_LINE_NAME });
      start = nameStart;
    } else if (after) {
      const name = OLD_NAME.exec(after[0])!;
      const nameStart = end + name.index;
      edits.push({ start: base + nameStart, end: base + nameStart + name[0].length, text: CRISIS_LINE_NAME });
      end = nameStart + name[0].length;
    }
    found.push({
      reason: `"${m[0]}" is the retired National Suicide Prevention Lifeline number: since July 2022 the US line is 988 (call or text 988, or chat at 988lifeline.org).`,
      start: base + start,
      end: base + end,
      fixes: [{ title: before || after ? 'Replace with the 988 Suicide & Crisis Lifeline' : 'Replace the number with 988', edits, safe: true, preferred: true }],
    });
  }
  return found;
}

export default defineRule({
  id: 'outdated-crisis-line',
  description: 'The retired National Suicide Prevention Lifeline number; the line is now 988.',
  defaultSeverity: 'warn',
  options: {},
  docs: 'docs/rules/outdated-crisis-line.md',
  fixes: [
    { title: 'Replace the number with 988', safe: true },
    { title: 'Replace with the 988 Suicide & Crisis Lifeline', safe: true, when: 'the old name next to the number' },
  ],
  examples: {
    ok: [{ text: transcript('Therapist: If you ever feel unsafe, call or text 988, the Suicide & Crisis Lifeline.', 'Patient: Okay, I will.') }],
    notOk: [
      {
        text: transcript('Therapist: You can call 1-800-273-TALK any time, day or night.', 'Patient: Okay.'),
        findings: ['"1-800-273-TALK" is the retired National Suicide Prevention Lifeline number'],
        fixed: transcript('Therapist: You can call 988 any time, day or night.', 'Patient: Okay.'),
      },
      {
        text: transcript('Therapist: If you ever feel unsafe, call the National Suicide Prevention Lifeline at 1-800-273-8255.', 'Patient: Okay, I will.'),
        findings: ['"1-800-273-8255" is the retired'],
        fixed: transcript('Therapist: If you ever feel unsafe, call the 988 Suicide & Crisis Lifeline at 988.', 'Patient: Okay, I will.'),
      },
    ],
  },
  checkTurn({ report }, turn) {
    for (const text of turn.texts) for (const finding of findCrisisLines(text.value, text.position.start.offset!)) report(finding);
  },
  // The header (a summary may quote the number too).
  check({ session, report }) {
    for (const line of session.header?.children ?? []) for (const finding of findCrisisLines(line.value, line.position.start.offset!)) report(finding);
  },
});
