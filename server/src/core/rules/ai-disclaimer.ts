/**
 * `ai-disclaimer`: the therapist disclaims being an AI or a professional —
 * "As an AI, I don't have feelings…", "I'm not a licensed therapist, but…",
 * "While I can't replace professional help…", "While I'm not an expert, I can
 * offer…" (see `detect/disclaimer.ts`). In a session meant to model a
 * therapist it breaks the frame; a curator usually removes it, a supervisor
 * may only want to know. Information by default.
 */
import { defineRule, transcript } from '../rule.ts';
import { turnDisclaimers, type DisclaimerMatch } from '../detect/disclaimer.ts';

const DESCRIBE: Record<DisclaimerMatch['kind'], string> = {
  ai: 'says it is an AI',
  'not-professional': 'says it is not a professional',
  'no-substitute': 'says it is no substitute for professional help',
};

export default defineRule({
  id: 'ai-disclaimer',
  description: 'The therapist disclaims being an AI or a professional ("As an AI…", "I\'m not a licensed therapist, but…").',
  defaultSeverity: 'info',
  options: {},
  docs: 'docs/rules/ai-disclaimer.md',
  fixes: [],
  examples: {
    ok: [
      {
        text: transcript(
          "Patient: My last counselor said she wasn't an expert in eating disorders.",
          "Therapist: It's fair for a counselor to say where their training ends. What was that like for you?",
        ),
      },
      {
        // A peer supporter says what they are instead of a therapist.
        text: transcript(
          "Patient: Everyone keeps telling me to just be more confident, as if that helps.",
          "Therapist: Avoiding things brings relief for a few minutes, then makes the next time harder. I'm not a therapist, just someone who has been through the same, but small steps towards it helped me.",
        ),
      },
      {
        // A counsellor or a peer worker is not medical staff, and says so.
        text: transcript(
          'Patient: My heart was pounding and my hands went numb. Am I dying?',
          "Therapist: I'm not a doctor, but what you're describing sounds a lot like a panic attack, and those pass.",
        ),
      },
    ],
    notOk: [
      {
        text: transcript('Patient: Do you ever get tired of listening to people like me?', "Therapist: As an AI, I don't have feelings, but I'm here to listen to you."),
        findings: ['The therapist says it is an AI'],
      },
      {
        text: transcript('Patient: What should I do about the panic attacks?', "Therapist: I'm not a licensed therapist, but breathing slowly can help in the moment."),
        findings: ['The therapist says it is not a professional'],
      },
      {
        text: transcript('Patient: Should I stop my medication?', "Therapist: I'm not a doctor, but I can offer some general information about tapering."),
        findings: ['The therapist says it is not a professional'],
      },
    ],
  },
  checkTurn({ report }, turn) {
    if (turn.role !== 'therapist') return;
    for (const match of turnDisclaimers(turn)) {
      const base = turn.texts[match.textIndex]!.position.start.offset!;
      report({
        reason: `The therapist ${DESCRIBE[match.kind]}: a disclaimer of the model that wrote the session, not a therapist's words.`,
        start: base + match.start,
        end: base + match.end,
        turn: turn.index,
      });
    }
  },
});
