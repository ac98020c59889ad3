/** The sections of `npm run eval`, in the order they run and print. */
import type { EvalSection } from './section.ts';
import { rulesSection } from './rules.ts';
import { injectedSection } from './injected.ts';
import { suggestionsSection } from './suggestions.ts';
import { blindSection } from './blind.ts';
import { identifiersSection } from './identifiers.ts';

export const SECTIONS: EvalSection[] = [rulesSection, injectedSection, blindSection, suggestionsSection, identifiersSection];
