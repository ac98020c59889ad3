/**
 * Does a sentence read as a chat model refusing the request ("That's not a
 * direction I'm able to take this conversation.", "I'll have to sit this one
 * out.") rather than as speech in a session? A small logistic regression
 * over the meta-text model's features, trained (`npm run train:refusal`,
 * `train/refusal.ts`) on the team's written refusals and their in-session
 * look-alikes, the meta-text model's lines, and the speech of AnnoMI and the
 * team's sessions. `detect/refusal.ts` counts a sentence at a reply's edge
 * the model is sure of besides the ones its structure finds.
 */
import weights from './weights/refusal-model.json' with { type: 'json' };
import { metaFeatures } from './meta.ts';
import { hashedScorer, type HashedModel } from './hashed.ts';

export interface RefusalModelFile extends HashedModel {
  trainedOn: Record<string, unknown>;
}

const model = weights as RefusalModelFile;
const score = hashedScorer(model);

/** P(the sentence is a chat model's refusal of the request). */
export function refusalProbability(text: string): number {
  return score(metaFeatures(text, model.buckets));
}
