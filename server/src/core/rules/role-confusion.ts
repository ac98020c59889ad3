/**
 * `role-confusion`: a turn written in the other role's voice.
 *
 * - A speaker addresses someone by their own role's name: the patient thanks
 *   "Naomi" when Naomi is the patient (names come from how the speakers
 *   address each other, from the header and from configured speakers).
 * - The therapist speaks of "my therapist".
 * - A turn narrates the session in the third person: "I'm glad to see that
 *   Naomi is making progress", "the client is making progress".
 */
import { defineRule } from '../rule.ts';
import { findNames } from '../detect/names.ts';

const THIRD_PERSON_VERBS =
  `is|was|has|had|seems|seemed|appears|appeared|continues|continued|made|makes|shows|showed|needs|feels|felt|` +
  `demonstrates|demonstrated|expresses|expressed|reports|reported|struggles|acknowledges|acknowledged|` +
  `is making|has been|has made|will continue`;

export default defineRule({
  id: 'role-confusion',
  description: "A turn written in the other role's voice (wrong addressee, \"my therapist\" from the therapist, third-person narration).",
  defaultSeverity: 'warn',
  defaultOptions: {},
  check({ session, report }) {
    const names = session.get('names', findNames);
    const roleOf = (name: string) => names.roles.get(name);

    // 1. Addressing someone by a name of one's own role.
    for (const use of names.vocatives) {
      const turn = session.turns[use.turn]!;
      if (roleOf(use.name) !== turn.role) continue;
      report({
        reason: `This ${turn.role} turn addresses ${use.name}, who is the ${turn.role} in this session: it reads like the other speaker's line, so the label may be wrong.`,
        start: use.start,
        end: use.end,
        turn: use.turn,
      });
    }

    const patientNameList = [...names.roles].filter(([, role]) => role === 'patient').map(([name]) => name);
    const patientNames = patientNameList.map(escape);
    // Only texts that mention a patient's name or "the patient/client" can narrate.
    const mentions = (value: string) => patientNameList.some((name) => value.includes(name)) || /the (?:patient|client)/i.test(value);
    const narration = new RegExp(
      `\\b(?:${[...patientNames, '[Tt]he (?:patient|client)'].join('|')})(?:['’]s)? (?:${THIRD_PERSON_VERBS})\\b`,
      'g',
    );
    for (const turn of session.turns) {
      for (const text of turn.texts) {
        const value = text.value;
        const base = text.position.start.offset!;
        // 2. The therapist with a therapist of their own.
        if (turn.role === 'therapist' && /my (?:therapist|counsel|psychotherapist)/i.test(value)) {
          const mine = /\bmy (?:therapist|counsell?or|psychotherapist)\b/gi;
          for (let m = mine.exec(value); m; m = mine.exec(value)) {
            report({
              reason: `The therapist speaks of "${m[0]}": this line is in the patient's voice, so the label may be wrong.`,
              start: base + m.index,
              end: base + m.index + m[0].length,
              turn: turn.index,
            });
          }
        }
        // 3. Third-person narration of the session.
        if (turn.role === 'other' || !mentions(value)) continue;
        narration.lastIndex = 0;
        for (let m = narration.exec(value); m; m = narration.exec(value)) {
          // "the client" in the patient's own turn is ordinary ("as the client, I…" is rare): only the therapist narrates.
          if (/^the /i.test(m[0]) && turn.role !== 'therapist') continue;
          report({
            reason: `This turn narrates the session in the third person ("${m[0]}") instead of speaking to the other person: it reads like a summary or a generator's note.`,
            start: base + m.index,
            end: base + m.index + m[0].length,
            turn: turn.index,
          });
        }
      }
    }
  },
});

function escape(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
