/**
 * The rule registry, in the order rules run and are documented.
 */
import type { Rule } from '../rule.ts';
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
import unknownTag, { IGNORABLE_RULES } from './unknown-tag.ts';
import tagOnPatientTurn from './tag-on-patient-turn.ts';
import identifier from './identifier.ts';

export const allRules: readonly Rule[] = [
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
] as Rule[];

IGNORABLE_RULES.push(...allRules.map((rule) => rule.id));
