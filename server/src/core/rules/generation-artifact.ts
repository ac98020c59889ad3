/**
 * `generation-artifact`: text about the transcript rather than in it —
 * "Here's a continuation of the therapy session:", "Sure! Here is…",
 * "As an AI language model…", "[End of conversation]", end-of-text tokens,
 * placeholders such as "[Client's name]", and a speaker label leaked inside
 * a turn ("T: Counselor: …").
 */
import { defineRule } from '../rule.ts';
import type { Fix } from '../fixes.ts';
import type { Session } from '../session.ts';
import { findArtifacts, type ArtifactMatch } from '../detect/artifacts.ts';
import { matchesPerText } from '../text.ts';
import { removalSpan } from '../detect/sentence.ts';

/** Artifacts of a turn, offsets relative to each text node, memoised per turn text. */
export function turnArtifacts(session: Session, index: number): Array<ArtifactMatch & { textIndex: number }> {
  const turn = session.turns[index]!;
  return (turn.features.slots.artifacts ??= matchesPerText(turn.texts, (value) => findArtifacts(value, session.speakers))) as Array<
    ArtifactMatch & { textIndex: number }
  >;
}

const WORD = /[\p{L}\p{N}]/u;

const DESCRIBE: Record<ArtifactMatch['kind'], string> = {
  preamble: 'a generator’s preamble',
  'ai-disclaimer': 'an AI disclaimer',
  'end-marker': 'an end-of-conversation marker',
  'special-token': 'a model’s special token',
  'stage-note': 'a note about the transcript',
  placeholder: 'an unfilled placeholder',
  'leaked-label': 'a speaker label',
};

export default defineRule({
  id: 'generation-artifact',
  description: 'Text about the transcript rather than in it (generator preambles, AI disclaimers, end markers, leaked labels).',
  defaultSeverity: 'warn',
  defaultOptions: {},
  checkTurn({ session, report }, turn) {
    const artifacts = turnArtifacts(session, turn.index);
    if (artifacts.length === 0) return;
    // Does removing every artifact leave the turn without words? (One pass over the texts and
    // their artifacts, which come in order: a paragraph of thousands of artifacts stays linear.)
    let nothingLeft = true;
    let next = 0;
    for (let i = 0; i < turn.texts.length && nothingLeft; i++) {
      const value = turn.texts[i]!.value;
      let cursor = 0;
      for (; next < artifacts.length && artifacts[next]!.textIndex === i; next++) {
        if (WORD.test(value.slice(cursor, artifacts[next]!.start))) nothingLeft = false;
        cursor = Math.max(cursor, artifacts[next]!.end);
      }
      if (WORD.test(value.slice(cursor))) nothingLeft = false;
    }
    for (const artifact of artifacts) {
      const text = turn.texts[artifact.textIndex]!;
      const base = text.position.start.offset!;
      const start = base + artifact.start;
      const end = base + artifact.end;
      let reason: string;
      const fixes: Fix[] = [];
      if (artifact.kind === 'leaked-label') {
        const leading = artifact.start === 0 && artifact.textIndex === 0;
        reason = leading
          ? `"${artifact.label}:" is a second speaker label inside this turn: the generator leaked a label into the text.`
          : `"${artifact.label}:" inside this turn starts another speaker's turn: two turns were run together.`;
        fixes.push(
          leading
            ? { title: `Remove the leaked "${artifact.label}:" label`, edits: [{ start, end, text: '' }], safe: true, preferred: true }
            : { title: `Start a new turn at "${artifact.label}:"`, edits: [splitBefore(session, start)], safe: false, preferred: true },
        );
      } else {
        reason = `This is ${DESCRIBE[artifact.kind]} ("${excerptOf(text.value.slice(artifact.start, artifact.end))}"), not part of the session: remove it before the transcript is used.`;
        const edit = nothingLeft ? { ...session.turnRemovalRange(turn.index), text: '' } : { ...removalSpan(session.text, { start, end }), text: '' };
        fixes.push({ title: nothingLeft ? 'Remove the turn (it holds only the artifact)' : 'Remove the artifact', edits: [edit], safe: true, preferred: true });
      }
      report({ reason, start, end, turn: turn.index, fixes });
    }
  },
});

/** Replace the spaces before `offset` with a blank line, so a new turn starts there. */
function splitBefore(session: Session, offset: number) {
  const text = session.text;
  let start = offset;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  // Once per session, not per finding (a scan of the whole text each time made many leaked labels quadratic).
  const eol = session.get('eol', (s) => (s.text.includes('\r\n') ? '\r\n' : '\n'));
  return { start, end: offset, text: eol + eol };
}

function excerptOf(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}
