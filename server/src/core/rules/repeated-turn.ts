/**
 * `repeated-turn`: a turn that repeats an earlier turn of the same speaker,
 * exactly or nearly (case, punctuation, whitespace, contractions, a few
 * changed words). The signature of a generation loop.
 *
 * Reported on each repeat, pointing at the first occurrence. Short turns
 * (backchannels such as "Mm-hmm." or "Yeah, right.") are never repeats.
 */
import { defineRule } from '../rule.ts';
import type { Session } from '../session.ts';
import { findRepeats, repeatSteps, type Repeat, type RepeatOptions } from '../detect/repeats.ts';
import { ordinal } from '../text.ts';
import type { Fix } from '../fixes.ts';

export const DEFAULT_REPEAT_OPTIONS: RepeatOptions = { minWords: 12, similarity: 0.8 };

const repeatsKey = (options: RepeatOptions) => `repeats:${options.minWords}:${options.similarity}`;

/** Repeats for the given options, computed once per session and shared with other rules. */
export function sessionRepeats(session: Session, options: RepeatOptions = DEFAULT_REPEAT_OPTIONS): Repeat[] {
  return session.get(repeatsKey(options), (s) => findRepeats(s, options));
}

/** Compute the session's repeats in steps, ahead of the rules that read them. */
export function* prepareRepeats(session: Session, options: RepeatOptions = DEFAULT_REPEAT_OPTIONS): Generator<void, void> {
  if (session.has(repeatsKey(options))) return;
  const repeats = yield* repeatSteps(session, options);
  session.get(repeatsKey(options), () => repeats);
}

const optionsOf = (options: object): RepeatOptions => {
  const o = options as Partial<RepeatOptions>;
  return { minWords: Number(o.minWords), similarity: Number(o.similarity) };
};

export default defineRule({
  id: 'repeated-turn',
  description: 'A turn that repeats an earlier turn of the same speaker, exactly or nearly.',
  defaultSeverity: 'warn',
  defaultOptions: DEFAULT_REPEAT_OPTIONS,
  prepare: (session, options) => prepareRepeats(session, optionsOf(options)),
  *check(context) {
    const { session, options, report } = context;
    const repeats = sessionRepeats(session, optionsOf(options));
    const byCluster = new Map<number, Repeat[]>();
    for (const r of repeats) {
      const list = byCluster.get(r.first);
      if (list) list.push(r);
      else byCluster.set(r.first, [r]);
    }
    // One "remove every repeat" fix per loop, shared by its messages (a loop may repeat thousands of times).
    const loopFixes = new Map<number, Fix>();
    let step = 0;
    for (const r of repeats) {
      if (++step % 2048 === 0) yield;
      if (context.capped) {
        // Counted, not listed: the turn is enough.
        report({ reason: '', start: -1, end: -1, turn: r.turn });
        continue;
      }
      const turn = session.turns[r.turn]!;
      const who = turn.role === 'other' ? turn.node.speaker : turn.role;
      const firstLine = session.lineOfTurn(r.first);
      const what = r.exact
        ? `repeats line ${firstLine} word for word (${ordinal(r.occurrence)} time)`
        : `nearly repeats line ${firstLine} (${Math.round(r.similarity * 100)}% the same words; ${ordinal(r.occurrence)} time)`;
      const loop = byCluster.get(r.first)!;
      const fixes: Fix[] = [
        { title: 'Remove this repeat', edits: [{ ...session.turnRemovalRange(r.turn), text: '' }], safe: true, preferred: true },
      ];
      if (loop.length > 1) {
        let all = loopFixes.get(r.first);
        if (!all) {
          all = {
            title: `Remove all ${loop.length} repeats of this turn (keep line ${firstLine})`,
            edits: loop.map((other) => ({ ...session.turnRemovalRange(other.turn), text: '' })),
            safe: true,
            preferred: false,
          };
          loopFixes.set(r.first, all);
        }
        fixes.push(all);
      }
      report({
        reason: `This ${who} turn ${what}: the session is looping.`,
        ...session.turnHead(r.turn),
        turn: r.turn,
        related: [{ ...session.turnHead(r.first), message: `First occurrence of this ${who} turn` }],
        fixes,
      });
    }
  },
});
