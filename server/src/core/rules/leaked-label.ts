/**
 * `leaked-label`: a speaker or persona label inside a turn — the label
 * written twice (`Therapist: Therapist: …`), a persona's name
 * (`Therapist: **Dr. Ellis:** …`, "Mental health counselling assistant: …"),
 * or the other side of the dialogue written into the turn (`User: …` on a
 * line of its own, "…I see. Patient: Yes", or a turn run on to the previous
 * one without the blank line every other turn has, its speaker speaking again
 * right after).
 *
 * Fixes: a repeated label or a persona of the turn's own speaker is removed
 * (safe); another speaker's turn inside this one is split off (quick fix).
 */
import { defineRule, transcript } from '../rule.ts';
import type { Fix, TextEdit } from '../fixes.ts';
import type { Session } from '../session.ts';
import type { SessionTurn } from '../turn.ts';
import { leadLabel, nameLike, sameSpeaker, turnLabels, type LabelMatch } from '../detect/labels.ts';
import { defineAnalysis } from '../incremental/analysis.ts';

type Match = LabelMatch & { textIndex: number };

export default defineRule({
  id: 'leaked-label',
  description: 'A speaker or persona label inside a turn (a repeated label, a persona name, the other side written into the turn).',
  defaultSeverity: 'warn',
  options: {},
  docs: 'docs/rules/leaked-label.md',
  fixes: [
    { title: 'Remove the label', safe: true, when: "a repeated label, or a persona label of the turn's own speaker" },
    { title: 'Start a new turn at the label', safe: false, when: "the other side of the dialogue written into the turn" },
    { title: 'Remove the label', safe: false, when: "a turn that opens with the other speaker's label, or once with a name the session never uses as a word" },
  ],
  examples: {
    ok: [
      {
        text: transcript(
          'Therapist: What brings you in today?',
          'Patient: My manager wrote "Urgent: call me" on every email, and I froze.',
          'Therapist: That sounds stressful.',
        ),
      },
      {
        // A greeting and an emoticon are not labels; a name that is a word of the session is not a persona.
        text: transcript('Therapist: Hello: thanks for coming in.', 'Patient: Absolutely :) Glad to be here.', 'Therapist: Anxiety: we named it last week. How has it been?', 'Patient: My anxiety is lower.', 'Therapist: Noted: fewer worksheets.'),
      },
    ],
    notOk: [
      {
        text: transcript('Therapist: Therapist: What brings you in today?', "Patient: I've been anxious about my new job."),
        findings: ['"Therapist:" is a second speaker label at the start of this turn'],
        fixed: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job."),
      },
      {
        text: transcript('Therapist: **Dr. Ellis:** What brings you in today?', "Patient: I've been anxious about my new job."),
        findings: ['"Dr. Ellis:" is a persona label inside the therapist’s turn'],
        fixed: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job."),
      },
      {
        text: transcript(
          'Therapist: What brings you in today?',
          "Patient: I've been anxious about my new job.",
          'Therapist: I see. What part of it worries you most? Patient: Mostly the meetings.',
        ),
        findings: ['"Patient:" inside this turn starts another speaker\'s turn'],
      },
      {
        text: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job.", 'Therapist: Mackey: What part of it worries you most?'),
        findings: ['"Mackey:" opens this therapist turn like a speaker\'s label, a name the session never uses as a word'],
      },
      {
        text: transcript('Therapist: Jordan, LMFT: What brings you in today?', "Patient: I've been anxious about my new job."),
        findings: ['"Jordan, LMFT:" is a persona label inside the therapist’s turn'],
        fixed: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job."),
      },
      {
        text: transcript('Therapist: Counselor — What brings you in today?', "Patient: I've been anxious about my new job."),
        findings: ['"Counselor:" is a second speaker label at the start of this turn'],
        fixed: transcript('Therapist: What brings you in today?', "Patient: I've been anxious about my new job."),
      },
    ],
  },
  checkTurn({ session, report }, turn) {
    for (const match of turnLabels(turn, session.speakers)) {
      const text = turn.texts[match.textIndex]!;
      const base = text.position.start.offset!;
      const start = base + match.start;
      const end = base + match.end;
      const who = turn.role === 'other' ? turn.node.speaker : `${turn.role}’s`;
      if (match.where === 'start' && sameSpeaker(turn.node.speaker, turn.role, match, session.speakers)) {
        const duplicate = session.speakers.get(match.label) !== undefined;
        report({
          reason: duplicate
            ? `"${match.label}:" is a second speaker label at the start of this turn: the generator wrote the label twice.`
            : `"${match.label}:" is a persona label inside the ${who} turn: the generator wrote the speaker's name into the text.`,
          start,
          end,
          turn: turn.index,
          fixes: [{ title: `Remove the "${match.label}:" label`, edits: [removeLabel(session.text, start, end)], safe: true, preferred: true }],
        });
        continue;
      }
      const otherLabel = labelFor(session, match.role);
      const fixes: Fix[] = [];
      if (match.where === 'inside') {
        const edits: TextEdit[] = [splitBefore(session.text, start)];
        if (otherLabel && !session.speakers.get(match.label)) edits.push({ start, end, text: `${otherLabel}: ` });
        fixes.push({ title: `Start a new turn at "${match.label}:"`, edits, safe: false, preferred: true });
      } else {
        fixes.push({ title: `Remove the "${match.label}:" label`, edits: [removeLabel(session.text, start, end)], safe: false, preferred: true });
      }
      report({
        reason:
          match.where === 'inside'
            ? `"${match.label}:" inside this turn starts another speaker's turn: the generator wrote the other side into the ${who} turn.`
            : `This ${turn.role} turn starts with the label "${match.label}:": the text may be the other speaker's, under the wrong label.`,
        start,
        end,
        turn: turn.index,
        fixes,
      });
    }
  },
  check({ session, report }) {
    const turns = session.turns;
    // A label a speaker's turns keep opening with, whatever its words ("Mackey: …" in every therapist turn).
    const leads = new Map<string, SessionTurn[]>();
    for (const turn of turns) {
      const first = turn.texts[0];
      if (!first || turnLabels(turn, session.speakers).some(atStart)) continue;
      const lead = turn.get(leadLabels);
      if (!lead) continue;
      const key = `${turn.speakerKey}\u0000${lead.label.toLowerCase()}`;
      const list = leads.get(key);
      if (list) list.push(turn);
      else leads.set(key, [turn]);
    }
    for (const list of leads.values()) {
      // Once: a name, neither an English word nor one the document writes in lower case ("Mackey: …",
      // "ChatGPT: …"), not "Hello: …", "Noted: …" or "Anxiety: …".
      if (list.length === 1) {
        const turn = list[0]!;
        const lead = turn.get(leadLabels)!;
        if (!nameLike(lead.label) || lead.label.split(/\s+/).some((word) => writtenLowerCase(session.text, word))) continue;
        const base = turn.texts[0]!.position.start.offset!;
        report({
          reason: `"${lead.label}:" opens this ${turn.role === 'other' ? turn.node.speaker : turn.role} turn like a speaker's label, a name the session never uses as a word: a persona label (or a lead-in) the generator wrote into the text.`,
          start: base + lead.start,
          end: base + lead.end,
          turn: turn.index,
          fixes: [{ title: `Remove the "${lead.label}:" label`, edits: [{ start: base + lead.start, end: base + lead.end, text: '' }], safe: false, preferred: true }],
        });
        continue;
      }
      // Two turns with the same label and different words (a loop's copies are one turn said again).
      if (new Set(list.map((t) => t.features.exactKey)).size < 2) continue;
      for (const turn of list) {
        const lead = turn.get(leadLabels)!;
        const base = turn.texts[0]!.position.start.offset!;
        report({
          reason: `"${lead.label}:" opens ${list.length} of this speaker's turns: a persona label the generator wrote into the text.`,
          start: base + lead.start,
          end: base + lead.end,
          turn: turn.index,
          fixes: [{ title: `Remove the "${lead.label}:" label`, edits: [{ start: base + lead.start, end: base + lead.end, text: '' }], safe: true, preferred: true }],
        });
      }
    }

    // A turn run on to the previous one (no blank line, where every other turn has one), its speaker speaking again right after.
    if (turns.length < 6) return;
    let separated = 0;
    const runOn: number[] = [];
    for (let i = 1; i < turns.length; i++) {
      if (hasBlankLine(session.text, turns[i - 1]!.node.position.end.offset!, turns[i]!.lineStart)) separated++;
      else runOn.push(i);
    }
    if (separated < 0.9 * (turns.length - 1)) return;
    for (const i of runOn) {
      const turn = turns[i]!;
      const next = turns[i + 1];
      const previous = turns[i - 1]!;
      if (!next || next.speakerKey !== turn.speakerKey || previous.speakerKey === turn.speakerKey) continue;
      const label = turn.node.children[0]!.position;
      report({
        reason: `This ${turn.node.speaker} line follows the previous turn's text with no blank line, unlike every other turn here, and the same speaker speaks again right after: the generator wrote this line into the ${previous.node.speaker} turn.`,
        start: label.start.offset!,
        end: label.end.offset!,
        turn: i,
        related: [{ ...session.turnHead(i + 1), message: `The ${turn.node.speaker} turn that follows` }],
      });
    }
  },
});

const atStart = (m: Match) => m.where === 'start';

/** Does `text` hold `word` in lower case, as a word of its own? */
function writtenLowerCase(text: string, word: string): boolean {
  const lower = word.toLowerCase();
  if (lower === word) return true;
  for (let i = text.indexOf(lower); i !== -1; i = text.indexOf(lower, i + 1)) {
    const before = i > 0 ? text[i - 1]! : ' ';
    const after = text[i + lower.length] ?? ' ';
    if (!/[\p{L}\p{N}]/u.test(before) && !/[\p{L}\p{N}]/u.test(after)) return true;
  }
  return false;
}

/** The label a turn's first text opens with, if any (null: none). */
const leadLabels = defineAnalysis({ id: 'lead-label', per: 'turn', compute: (turn) => leadLabel(turn.texts[0]!.value) ?? null });

/** Remove a label and the spaces after it; a label alone on its line goes with the line break. */
function removeLabel(text: string, start: number, end: number): TextEdit {
  let e = end;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  if (text[e] === '\r' || text[e] === '\n') {
    e += text[e] === '\r' && text[e + 1] === '\n' ? 2 : 1;
    while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  }
  return { start, end: e, text: '' };
}

/** Replace the spaces before `offset` with a blank line (in the document's line endings), so a new turn starts there. */
function splitBefore(text: string, offset: number): TextEdit {
  let start = offset;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t' || text[start - 1] === '\n' || text[start - 1] === '\r')) start--;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { start, end: offset, text: eol + eol };
}

/** The label this session uses for a role (its first turn of that role), if any. */
function labelFor(session: Session, role: string | undefined): string | undefined {
  if (!role) return undefined;
  return session.turns.find((t) => t.role === role)?.node.speaker;
}

/**
 * Is there a blank line in `text[from, to)`: what `/\n[ \t]*(?:\r?\n|\r)|\r[ \t]*\r/`
 * finds in that slice, without making the slice (this runs between every two
 * turns on every analysis).
 */
function hasBlankLine(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    let j = i + 1;
    while (j < to && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    if (j >= to) continue;
    const d = text.charCodeAt(j);
    if (c === 10 ? d === 10 || d === 13 : d === 13) return true;
  }
  return false;
}
