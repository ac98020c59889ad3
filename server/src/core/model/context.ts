/** The context the models read for one turn of a session. */
import type { Session } from '../session.ts';
import type { TurnContext } from './featurize.ts';

/**
 * The context of turn `index`: its text (or `text`, e.g. one paragraph or a
 * selection), the nearest earlier and later turns of another speaker (not a
 * narrator), the speaker's own turn before, and its position.
 */
export function turnContext(session: Session, index: number, text?: string): TurnContext {
  const turns = session.turns;
  const self = turns[index];
  let previous: string | undefined;
  let next: string | undefined;
  let own: string | undefined;
  if (self) {
    for (let i = index - 1; i >= 0 && (previous === undefined || own === undefined); i--) {
      const before = turns[i]!;
      if (before.role === 'other') continue;
      if (before.speakerKey === self.speakerKey) own ??= before.features.text;
      else previous ??= before.features.text;
    }
    for (let i = index + 1; i < turns.length; i++) {
      const after = turns[i]!;
      if (after.role === 'other' || after.speakerKey === self.speakerKey) continue;
      next = after.features.text;
      break;
    }
  }
  return { text: text ?? self?.features.text ?? '', previous, next, own, index, count: turns.length };
}

/**
 * The text of turn `index` with the document range [start, end) left out
 * (a tag being typed: `[mi:` and what follows the colon up to the cursor),
 * its paragraphs joined as the turn's own text is.
 */
export function turnTextWithout(session: Session, index: number, start: number, end: number): string {
  const turn = session.turns[index];
  if (!turn) return '';
  const parts: string[] = [];
  for (const node of turn.texts) {
    const from = node.position.start.offset!;
    const to = node.position.end.offset!;
    if (end <= from || start >= to) {
      parts.push(node.value);
      continue;
    }
    const kept = session.text.slice(from, Math.max(from, start)) + session.text.slice(Math.min(to, end), to);
    if (kept.trim()) parts.push(kept.replace(/^\s+/, '').replace(/ {2,}/g, ' '));
  }
  return parts.join('\n\n');
}
