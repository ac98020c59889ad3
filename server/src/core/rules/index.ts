/**
 * The rule registry: every rule, in the order rules run and are documented.
 * A new rule is its file (see `rule.ts`) and its line here; `npm run docs`
 * then writes its documentation, settings and schema.
 */
import type { DocumentedRule } from '../rule.ts';
import repeatedTurn from './repeated-turn.ts';
import unansweredQuestion from './unanswered-question.ts';
import consecutiveTurns from './consecutive-turns.ts';
import emptyTurn from './empty-turn.ts';
import truncatedTurn from './truncated-turn.ts';
import roleConfusion from './role-confusion.ts';
import generationArtifact from './generation-artifact.ts';
import leakedLabel from './leaked-label.ts';
import cannedRefusal from './canned-refusal.ts';
import aiDisclaimer from './ai-disclaimer.ts';
import outdatedCrisisLine from './outdated-crisis-line.ts';
import mojibake from './mojibake.ts';
import unknownSpeaker from './unknown-speaker.ts';
import unknownTag from './unknown-tag.ts';
import tagOnPatientTurn from './tag-on-patient-turn.ts';
import identifier from './identifier.ts';

export const allRules: readonly DocumentedRule[] = [
  repeatedTurn,
  unansweredQuestion,
  consecutiveTurns,
  emptyTurn,
  truncatedTurn,
  roleConfusion,
  generationArtifact,
  leakedLabel,
  cannedRefusal,
  aiDisclaimer,
  outdatedCrisisLine,
  mojibake,
  unknownSpeaker,
  unknownTag,
  tagOnPatientTurn,
  identifier,
] as DocumentedRule[];
