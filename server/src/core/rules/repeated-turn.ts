/**
 * `repeated-turn`: the same speaker saying again what they said before,
 * exactly or nearly (case, punctuation, whitespace, contractions, a few
 * changed words) — the signature of a generation loop.
 *
 * - A loop: one finding per repeated turn, on its first repeat, naming every
 *   repeat as related information. Its safe fix removes the loop's
 *   *exchanges* — each repeat with the other speaker's repeat next to it — so
 *   the session still alternates; a repeat that cannot go without leaving two
 *   turns of one speaker in a row stays. A second choice ends the session
 *   before the loop (a quick fix: it also takes out what comes after).
 * - A double post: a message sent twice in a row by one speaker; the copy
 *   can go (safe).
 * - A passage repeated inside one turn ("…face this alone., I'm here to
 *   support you. It's understandable…" five times over): whole repeated
 *   paragraphs go with a safe fix, repeated sentences with a quick fix.
 * Short turns and sentences (backchannels such as "Mm-hmm." or "Yeah,
 * right.") are never repeats.
 */
import { defineRule, transcript } from '../rule.ts';
import type { Fix, TextEdit } from '../fixes.ts';
import type { Session } from '../session.ts';
import type { SessionTurn } from '../turn.ts';
import { DEFAULT_REPEAT_OPTIONS, repeatOptionsOf, repeats as repeatsFor, type Repeat, type RepeatOptions } from '../detect/repeats.ts';
import { repeatedPassages } from '../detect/passages.ts';
import { defineAnalyses } from '../incremental/analysis.ts';
import { ordinal } from '../text.ts';

/** Passages repeated inside a turn, for a `minWords`. */
const passages = defineAnalyses({
  id: 'passages',
  per: 'turn',
  key: String,
  compute: (turn, minWords: number) => repeatedPassages(turn.texts.map((t) => t.value), minWords || DEFAULT_REPEAT_OPTIONS.minWords),
});

const whoOf = (turn: SessionTurn) => (turn.role === 'other' ? turn.node.speaker : turn.role);

export default defineRule<RepeatOptions>({
  id: 'repeated-turn',
  description: 'A turn (or a passage of one) that repeats what the same speaker said before, exactly or nearly.',
  defaultSeverity: 'warn',
  options: {
    minWords: { type: 'integer', default: DEFAULT_REPEAT_OPTIONS.minWords, minimum: 1, description: 'Turns (and passages) with fewer words are never repeats (backchannels: "Mm-hmm.", "Okay.").' },
    similarity: { type: 'number', default: DEFAULT_REPEAT_OPTIONS.similarity, minimum: 0, maximum: 1, description: 'Jaccard similarity of words and word pairs at which a turn is a near repeat (0–1).' },
  },
  docs: 'docs/rules/repeated-turn.md',
  fixes: [
    { title: "Remove the loop's repeated turns, in whole exchanges", safe: true, when: 'a loop' },
    { title: 'End the session before the loop', safe: false, when: 'a loop' },
    { title: 'Remove the copy', safe: true, when: 'a message posted twice in a row' },
    { title: 'Remove the repeated copies', safe: 'for copies that are whole paragraphs', when: 'a passage repeated inside a turn' },
  ],
  examples: {
    ok: [
      {
        text: transcript(
          "Therapist: It sounds like the deadline at work has been weighing on you all week, and that you have barely slept.",
          'Patient: Yes.',
          "Therapist: What would a good night's sleep look like for you this week, with the deadline still there?",
          'Patient: Yes.',
        ),
      },
      {
        text: transcript(
          'Therapist: It sounds like the deadline at work has been weighing on you all week, and that you have barely slept.',
          'Patient: Yes, I keep lying awake thinking that I will let the whole team down again.',
          'Therapist: It sounds like the deadline at work has been weighing on you all week, and that you have barely slept.',
          'Patient: Yes, I keep lying awake thinking that I will let the whole team down again.',
        ),
        options: { minWords: 30 },
      },
    ],
    notOk: [
      {
        text: transcript(
          'Therapist: It sounds like the deadline at work has been weighing on you all week, and that you have barely slept.',
          'Patient: Yes, I keep lying awake thinking that I will let the whole team down again.',
          'Therapist: It sounds like the deadline at work has been weighing on you all week, and that you have barely slept.',
          'Patient: Yes, I keep lying awake thinking that I will let the whole team down again.',
          'Therapist: What would you say to a friend who felt that way?',
        ),
        findings: ['This therapist turn repeats line 1 word for word', 'This patient turn repeats line 3 word for word'],
        fixed: transcript(
          'Therapist: It sounds like the deadline at work has been weighing on you all week, and that you have barely slept.',
          'Patient: Yes, I keep lying awake thinking that I will let the whole team down again.',
          'Therapist: What would you say to a friend who felt that way?',
        ),
      },
      {
        text: transcript(
          'Therapist: What would help you feel a little more prepared before the meeting with your manager on Friday?',
          'Patient: Maybe writing down what I want to say, so I do not freeze up when she asks me questions.',
          'Patient: Maybe writing down what I want to say, so I do not freeze up when she asks me questions.',
          'Therapist: That sounds like a good plan.',
        ),
        findings: ['This patient message is posted twice'],
        fixed: transcript(
          'Therapist: What would help you feel a little more prepared before the meeting with your manager on Friday?',
          'Patient: Maybe writing down what I want to say, so I do not freeze up when she asks me questions.',
          'Therapist: That sounds like a good plan.',
        ),
      },
      {
        text: transcript(
          'Therapist: I hear how tired you are.',
          'You do not have to face this alone, and we can work on it together, one step at a time.',
          'You do not have to face this alone, and we can work on it together, one step at a time.',
          'Patient: Thank you.',
        ),
        findings: ['A passage of this therapist turn (20 words) is repeated once more inside it'],
        fixed: transcript(
          'Therapist: I hear how tired you are.',
          'You do not have to face this alone, and we can work on it together, one step at a time.',
          'Patient: Thank you.',
        ),
      },
    ],
  },
  prepare: ({ session, ruleOptions }) => session.getInSteps(repeatsFor(repeatOptionsOf(ruleOptions))),
  // A passage repeated inside one turn.
  checkTurn({ session, options, report }, turn) {
    for (const passage of turn.get(passages(Number((options as Partial<RepeatOptions>).minWords)))) {
      const at = (textIndex: number, offset: number) => turn.texts[textIndex]!.position.start.offset! + offset;
      const range = (c: (typeof passage.copies)[number]) => ({ start: at(c.textIndex, c.start), end: at(c.endTextIndex, c.end) });
      const first = passage.copies[0]!;
      const copies = passage.copies.slice(1);
      const edits: TextEdit[] = passage.wholeParagraphs
        ? copies.map((c) => paragraphsRemoval(session, turn, c.textIndex, c.endTextIndex))
        : copies.map((c) => ({ ...range(c), text: '' }));
      report({
        reason: `A passage of this ${whoOf(turn)} turn (${passage.words} words) is repeated ${copies.length === 1 ? 'once more' : `${copies.length} more times`} inside it: the generation looped.`,
        ...range(copies[0]!),
        turn: turn.index,
        // Every copy the fix removes is named (the first one is the finding's place).
        related: [{ ...range(first), message: 'The passage, first written here' }, ...copies.slice(1).map((c, i) => ({ ...range(c), message: `Copy ${i + 3} of the passage` }))],
        fixes: [{ title: `Remove the ${copies.length === 1 ? 'repeated copy' : `${copies.length} repeated copies`}`, edits, safe: passage.wholeParagraphs, preferred: true }],
      });
    }
  },
  *check(context) {
    const { session, ruleOptions, report } = context;
    const repeats = session.get(repeatsFor(repeatOptionsOf(ruleOptions)));
    if (repeats.length === 0) return;
    const turns = session.turns;
    // A copy of the message right before it, by the same speaker: a double post, not a loop.
    const clusterOf = new Map<number, number>();
    for (const r of repeats) clusterOf.set(r.turn, r.first);
    const isDouble = (r: Repeat) => {
      const before = turns[r.turn - 1];
      return before !== undefined && before.speakerKey === turns[r.turn]!.speakerKey && (before.index === r.first || clusterOf.get(before.index) === r.first);
    };
    // A repeat its turn silences with `[ignore:repeated-turn]` is reported by no one, and heads no loop:
    // the loop's finding goes on its first repeat left, and no fix takes the silenced turn out.
    const silenced = (index: number) => turns[index]!.tags.some((t) => t.namespace === 'ignore' && (t.id === 'repeated-turn' || t.id === 'all'));
    const loops = new Map<number, Repeat[]>();
    let step = 0;
    for (const r of repeats) {
      if (++step % 2048 === 0) yield;
      if (silenced(r.turn)) continue;
      if (isDouble(r)) {
        if (context.capped) {
          report({ reason: '', start: -1, end: -1, turn: r.turn });
          continue;
        }
        const turn = turns[r.turn]!;
        report({
          reason: `This ${whoOf(turn)} message is posted twice: it ${r.exact ? 'is a copy of' : `nearly repeats (${Math.round(r.similarity * 100)}% the same words)`} the one on line ${session.lineOfTurn(r.turn - 1)}, right before it.`,
          ...session.turnHead(r.turn),
          turn: r.turn,
          related: [{ ...session.turnHead(r.turn - 1), message: 'The first post' }],
          fixes: [{ title: 'Remove the copy', edits: [{ ...session.turnRemovalRange(r.turn), text: '' }], safe: true, preferred: true }],
        });
        continue;
      }
      const list = loops.get(r.first);
      if (list) list.push(r);
      else loops.set(r.first, [r]);
    }
    if (loops.size === 0) return;
    // What removing the loops takes out: whole exchanges, keeping the session alternating.
    const removable = removableLoopTurns(
      session,
      [...loops.values()].flat().map((r) => r.turn),
    );
    for (const [first, loop] of loops) {
      if (++step % 2048 === 0) yield;
      const head = loop[0]!;
      if (context.capped) {
        report({ reason: '', start: -1, end: -1, turn: head.turn });
        continue;
      }
      const turn = turns[head.turn]!;
      const who = whoOf(turn);
      const firstLine = session.lineOfTurn(first);
      const allExact = loop.every((r) => r.exact);
      const how = allExact ? 'word for word' : loop.some((r) => r.exact) ? 'word for word or nearly' : `nearly (${Math.round(Math.min(...loop.map((r) => r.similarity)) * 100)}% or more of the same words)`;
      const times = loop.length === 1 ? 'once' : `${loop.length} times`;
      const fixes: Fix[] = [];
      const removed = runsAround(removable, loop.map((r) => r.turn));
      if (removed.length > 0) {
        const edits = removed.map((range) => ({ ...turnsRemovalRange(session, range.from, range.to), text: '' }));
        const count = removed.reduce((n, range) => n + range.to - range.from + 1, 0);
        // "Its N repeated turns" only when exactly the loop's own repeats go; else the exchanges around them do.
        const ownOnly = count === loop.length && loop.every((r) => removed.some((range) => r.turn >= range.from && r.turn <= range.to));
        fixes.push({
          title: ownOnly ? `Remove the loop: ${count === 1 ? 'the repeat' : `its ${count} repeated turns`} (keep line ${firstLine})` : `Remove the loop: ${count} repeated turns, in whole exchanges (keep line ${firstLine})`,
          edits,
          safe: true,
          preferred: true,
        });
      }
      const start = runStart(removable, head.turn);
      fixes.push({
        title: `End the session before the loop (remove line ${session.lineOfTurn(start)} to the end)`,
        edits: [{ ...turnsRemovalRange(session, start, turns.length - 1), text: '' }],
        safe: false,
      });
      report({
        reason: `This ${who} turn repeats line ${firstLine} ${how}, ${times} (${ordinal(head.occurrence)} time here): the session is looping.`,
        ...session.turnHead(head.turn),
        turn: head.turn,
        related: [
          { ...session.turnHead(first), message: `First occurrence of this ${who} turn` },
          ...loop.slice(1).map((r) => ({ ...session.turnHead(r.turn), message: `Repeat ${r.occurrence - 1} of line ${firstLine}${r.exact ? '' : ` (${Math.round(r.similarity * 100)}% the same words)`}` })),
        ],
        fixes,
      });
    }
  },
});

/**
 * Of the loops' repeated turns, those that can go: every run of consecutive
 * repeated turns, less its last turn when removing it all would leave two
 * turns of one speaker side by side (or two of one speaker already in the run).
 */
function removableLoopTurns(session: Session, repeated: number[]): Set<number> {
  const turns = session.turns;
  const set = new Set(repeated);
  const removable = new Set<number>();
  const sorted = [...set].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const from = sorted[i]!;
    let to = sorted[j]!;
    const before = turns[from - 1];
    const stacks = (end: number) => {
      const after = turns[end + 1];
      return before !== undefined && after !== undefined && before.speakerKey === after.speakerKey;
    };
    while (to >= from && stacks(to)) to--;
    for (let t = from; t <= to; t++) removable.add(t);
    i = j + 1;
  }
  return removable;
}

/** The runs of removable turns that hold any of `members`, as [from, to] ranges. */
function runsAround(removable: ReadonlySet<number>, members: number[]): Array<{ from: number; to: number }> {
  const runs: Array<{ from: number; to: number }> = [];
  const seen = new Set<number>();
  for (const m of members) {
    if (!removable.has(m) || seen.has(m)) continue;
    let from = m;
    let to = m;
    while (removable.has(from - 1)) from--;
    while (removable.has(to + 1)) to++;
    for (let t = from; t <= to; t++) seen.add(t);
    runs.push({ from, to });
  }
  return runs.sort((a, b) => a.from - b.from);
}

/** Where the run of repeated turns around `turn` starts (the turn itself when it cannot go). */
function runStart(removable: ReadonlySet<number>, turn: number): number {
  let from = turn;
  while (removable.has(from - 1)) from--;
  return from;
}

/**
 * The range that removes turns `from`…`to`: from the first's line start to
 * the next turn's; when they are the last turns, from the end of what comes
 * before them to their end (the file's final line break stays).
 */
function turnsRemovalRange(session: Session, from: number, to: number): { start: number; end: number } {
  const last = session.turnRemovalRange(to);
  if (to + 1 < session.turns.length) return { start: session.turnRemovalRange(from).start, end: last.end };
  const before = session.turns[from - 1];
  // From the end of the line the turn before ends on (an empty label ends at its name: its colon stays).
  const start = before ? session.lineEndAfter(before.node.position.end.offset!) : session.header ? session.header.position.end.offset! : 0;
  return { start, end: last.end };
}

/** The range that removes paragraphs `from`…`to` of a turn with the blank line before them. */
function paragraphsRemoval(session: Session, turn: SessionTurn, from: number, to: number): TextEdit {
  const previous = turn.texts[from - 1];
  const end = session.lineEndAfter(turn.texts[to]!.position.end.offset!);
  const start = previous ? session.lineEndAfter(previous.position.end.offset!) : turn.texts[from]!.position.start.offset!;
  return { start, end, text: '' };
}
