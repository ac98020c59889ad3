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
