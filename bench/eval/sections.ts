/** The sections of `npm run eval`, in the order they run and print. */
import type { EvalSection } from './section.ts';
import { suggestionsSection } from './suggestions.ts';

export const SECTIONS: EvalSection[] = [suggestionsSection];
