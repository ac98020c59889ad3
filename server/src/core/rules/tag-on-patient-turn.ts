/**
 * `tag-on-patient-turn`: a technique tag on a turn whose role the namespace
 * does not apply to — a CBT technique tagged on the patient's turn. It is
 * counted as the therapist's work where it is not.
 */
import { defineRule, transcript } from '../rule.ts';
import { removeTagEdit } from '../tags.ts';

export default defineRule({
  id: 'tag-on-patient-turn',
  description: "A technique tag on a turn of a role the codebook namespace does not apply to (e.g. a CBT tag on the patient's turn).",
  defaultSeverity: 'warn',
  options: {},
  docs: 'docs/rules/tag-on-patient-turn.md',
  fixes: [{ title: 'Remove this tag', safe: false }],
  examples: {
    ok: [{ text: transcript("Therapist: [cbt:socratic-questioning] What evidence do you have that they think you're incompetent?", 'Patient: None, really. I just assume it.') }],
    notOk: [
      {
        text: transcript("Therapist: [cbt:socratic-questioning] What evidence do you have that they think you're incompetent?", 'Patient: [cbt:cognitive-restructuring] None, really. I just assume it.'),
        findings: ['Cognitive restructuring is tagged on a patient turn'],
      },
    ],
  },
  checkTurn({ session, report }, turn) {
    const codebook = session.codebook;
    if (!codebook) return;
    for (const tag of turn.tags) {
      const namespace = codebook.namespaces.get(tag.namespace);
      if (!namespace || namespace.appliesTo.includes(turn.role)) continue;
      const entry = namespace.entries.get(tag.id);
      report({
        reason: `${entry ? entry.label : `[${tag.namespace}:${tag.id}]`} is tagged on a ${turn.role} turn, but ${namespace.label} apply to ${namespace.appliesTo.join(' and ')} turns: it will be counted where it was not used.`,
        start: tag.position.start.offset!,
        end: tag.position.end.offset!,
        turn: turn.index,
        fixes: [{ title: 'Remove this tag', edits: [removeTagEdit(session.text, tag)], safe: false, preferred: true }],
      });
    }
  },
});
