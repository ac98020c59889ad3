/**
 * `mojibake`: UTF-8 text that was decoded as Windows-1252 (or Latin-1) and
 * saved again: "â€”" for "—", "â€™" for "’", "Ã©" for "é", "Â " for a
 * no-break space. The fix re-encodes the run as Windows-1252 bytes and
 * decodes them as UTF-8; only runs that decode cleanly are reported.
 */
import { defineRule, transcript } from '../rule.ts';
import type { TextEdit } from '../fixes.ts';
import { turnResultList, perTurnResults } from '../incremental/turn-results.ts';
import { resultsPerText } from '../text.ts';
import type { SessionTurn } from '../turn.ts';
import { findMojibake } from '../detect/mojibake.ts';

export default defineRule({
  id: 'mojibake',
  description: 'UTF-8 text that was decoded as Windows-1252 and saved again ("â€”", "â€™", "Ã©").',
  defaultSeverity: 'warn',
  options: {},
  docs: 'docs/rules/mojibake.md',
  fixes: [
    { title: 'Repair the garbled run', safe: true },
    { title: 'Repair every garbled run in the file', safe: true, when: 'a file with more than one' },
  ],
  examples: {
    ok: [{ text: transcript('Therapist: It sounds like that week was hard — what helped?', 'Patient: Honestly? My friend’s café shifts kept me going.') }],
    notOk: [
      {
        text: transcript('Therapist: It sounds like that week was hard â€” what helped?', 'Patient: Honestly? My friendâ€™s cafÃ© shifts kept me going.'),
        findings: ['"â€”" is garbled text', '"â€™" is garbled text', '"Ã©" is garbled text'],
        fixed: transcript('Therapist: It sounds like that week was hard — what helped?', 'Patient: Honestly? My friend’s café shifts kept me going.'),
      },
    ],
  },
  *check({ session, report }) {
    // Runs in the header, the labels and every turn's text; a turn's runs are found once and kept.
    const runs: Array<TextEdit & { run: string }> = [];
    const scan = (value: string, base: number) => {
      for (const r of findMojibake(value)) runs.push({ ...r, start: r.start + base, end: r.end + base });
    };
    for (const line of session.header?.children ?? []) scan(line.value, line.position.start.offset!);
    const garbled = yield* turnResultList(session, garbledTurns, '', turnMojibake);
    for (const { turn, value } of garbled) {
      for (const r of value.label) runs.push({ ...r, start: r.start + turn.node.position.start.offset!, end: r.end + turn.node.position.start.offset! });
      value.texts.forEach((list, i) => {
        const base = turn.texts[i]!.position.start.offset!;
        for (const r of list) runs.push({ ...r, start: r.start + base, end: r.end + base });
      });
    }
    const all = runs.map(({ start, end, text }) => ({ start, end, text }));
    for (const run of runs) {
      const fixes = [{ title: `Repair "${run.run}" → "${run.text}"`, edits: [{ start: run.start, end: run.end, text: run.text }], safe: true, preferred: true }];
      if (runs.length > 1) fixes.push({ title: `Repair all ${runs.length} garbled characters in this file`, edits: all, safe: true, preferred: false });
      report({
        reason: `"${run.run}" is garbled text (UTF-8 read as Windows-1252); it should read "${run.text}".`,
        start: run.start,
        end: run.end,
        fixes,
      });
    }
  },
});

type Runs = Array<TextEdit & { run: string }>;

/** The turns with garbled text, kept per turn in an editor. */
const garbledTurns = perTurnResults<{ label: Runs; texts: Runs[] }>('mojibake');

/** A turn's runs, relative to its label and to each of its texts; undefined when there are none. */
function turnMojibake(turn: SessionTurn): { label: Runs; texts: Runs[] } | undefined {
  const texts = (turn.features.detected.mojibake ??= resultsPerText(turn.texts, findMojibake));
  const label = findMojibake(turn.node.speaker);
  if (label.length === 0 && texts.every((list) => list.length === 0)) return undefined;
  return { label, texts };
}
