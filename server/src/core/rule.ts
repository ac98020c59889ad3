/**
 * The rule contract. One rule per file under `rules/`, each a `defineRule`
 * call that carries everything about the rule: its id (public: it is the
 * diagnostic `code` and the vfile `ruleId`), a description, a default
 * severity, its options (a small JSON-schema-like object per option: the
 * defaults come from it, configured values are checked against it once, when
 * a configuration is read), where its documentation is, the fixes it offers,
 * and examples (ok and not ok) that `test/core/rule-examples.test.ts` runs.
 * `npm run docs` writes the settings block of `package.json`, the rules of
 * `schemas/transcriptrc.schema.json`, `docs/rules/<id>.md` and the README's
 * rule table from these. Severity, silencing and message construction are
 * handled once, in `lint.ts`.
 */
import type { Severity } from './config.ts';
import type { Fix } from './fixes.ts';
import type { Session } from './session.ts';
import type { SessionTurn } from './turn.ts';
import type { Position, Role } from './types.ts';

export interface Related {
  /** Offsets of the related place in the same document. */
  start: number;
  end: number;
  message: string;
}

export interface Finding {
  /** What is wrong and why it matters, in one plain sentence. */
  reason: string;
  /** Offsets of the place the finding is about. */
  start: number;
  end: number;
  fixes?: Fix[];
  related?: Related[];
  /** The turn the finding belongs to, for `[ignore:rule-id]` silencing. */
  turn?: number;
}

/** The options of every rule of a run (its defaults, then the configuration's), on or off, by rule id. */
export type RuleOptions = ReadonlyMap<string, object>;

export interface RuleContext<Options> {
  session: Session;
  options: Options;
  /**
   * The options of every rule, configured or not: a rule that reads an
   * analysis another rule configures (repeats, refusals) reads it with those
   * options, as that rule does (see `repeatOptionsOf`, `refusalPhrasesOf`).
   */
  readonly ruleOptions: RuleOptions;
  report(finding: Finding): void;
  /** The id of every rule this run knows (on or off): what an `[ignore:…]` tag may name. */
  readonly ruleIds: readonly string[];
  /**
   * True once the rule has as many findings as a file lists (see
   * `maxFindingsPerRule`): the rest are only counted, so a rule may report
   * them with their turn alone (`start` and `end` -1: the turn's head is
   * the place of the summary when it is the first one left out).
   */
  readonly capped?: boolean;
}

/** One option of a rule, described as JSON Schema describes a property (the subset rules need). */
export interface OptionSchema<T = unknown> {
  type: 'integer' | 'number' | 'boolean' | 'string' | 'array';
  /** The type of an array's items. */
  items?: { type: 'string' };
  default: T;
  minimum?: number;
  maximum?: number;
  /** One sentence for the documentation and the settings UI. */
  description: string;
}

export type OptionsSchema<Options> = { [K in keyof Options]-?: OptionSchema<Options[K]> };

/** A short transcript the rule is run on, with only this rule on. */
export interface RuleExample {
  text: string;
  /** Options of the rule for this example (over its defaults). */
  options?: Record<string, unknown>;
  /** Speakers configured for this example, as in `.transcriptrc.json`. */
  speakers?: Record<string, Role>;
}

export interface NotOkExample extends RuleExample {
  /** How many findings the rule reports, or a piece of each finding's reason, in document order. */
  findings: number | string[];
  /** The text once `--fix` has applied the safe fixes, for an example that has any. */
  fixed?: string;
}

/** A fix a rule offers, for the documentation. */
export interface FixDescription {
  /** What it does, in a few words ("Remove the empty turn"). */
  title: string;
  /**
   * Applied by `--fix` and "fix all" (`false`: offered as a quick fix only);
   * or the case in which it is safe ("for a certain artifact"), a quick fix otherwise.
   */
  safe: boolean | string;
  /** The findings it is offered on, if not every one ("a loop", "a message posted twice"). */
  when?: string;
}

/** What the engine needs of a rule (a test or a plugin may make one by hand). */
export interface Rule<Options extends object = object> {
  id: string;
  /** One line for documentation and hovers. */
  description: string;
  /** `off`: an opt-in rule (it runs only when a configuration or `--rule` gives it a severity). */
  defaultSeverity: Severity;
  defaultOptions: Options;
  /**
   * A rule over the whole session (repeats, names, neighbours). A long one
   * may be a generator that yields now and then (see `lintSteps`).
   */
  check?(context: RuleContext<Options>): void | Generator<void, void>;
  /**
   * A rule whose findings on a turn depend on that turn alone (and the
   * settings): an editor reuses them for every turn an edit did not touch.
   */
  checkTurn?(context: RuleContext<Options>, turn: SessionTurn): void;
  /**
   * Long session-wide work a rule can do ahead of `check`, in steps (it
   * yields now and then), leaving its result in the session's memo. It
   * reports nothing: its context is the one `check` then gets.
   */
  prepare?(context: RuleContext<Options>): Generator<void, unknown>;
}

/** What a rule file declares: the rule and everything about it. */
export interface RuleDefinition<Options extends object> extends Omit<Rule<Options>, 'defaultOptions'> {
  /** Its options; their defaults are the rule's default options. */
  options: OptionsSchema<Options>;
  /** Its documentation, relative to the package root: `docs/rules/<id>.md`. */
  docs: string;
  /** The fixes it offers (none: an empty list). */
  fixes: FixDescription[];
  examples: { ok: RuleExample[]; notOk: NotOkExample[] };
}

/** A registered rule: what it does, and what it says about itself. */
export type DocumentedRule<Options extends object = object> = Rule<Options> & Omit<RuleDefinition<Options>, keyof Rule<Options>>;

export function defineRule<Options extends object>(definition: RuleDefinition<Options>): DocumentedRule<Options> {
  const defaultOptions = Object.fromEntries(Object.entries(definition.options).map(([name, schema]) => [name, (schema as OptionSchema).default])) as Options;
  return { ...definition, defaultOptions };
}

/** An example transcript from its turns (and header), one blank line between them: `transcript('Therapist: …', 'Patient: …')`. */
export function transcript(...parts: string[]): string {
  return `${parts.join('\n\n')}\n`;
}

/**
 * Why a configured value does not fit an option's schema, in plain words
 * ("must be a whole number of at least 1"), or undefined when it fits.
 */
export function optionProblem(schema: OptionSchema, value: unknown): string | undefined {
  const bounds = (what: string) =>
    schema.minimum !== undefined && schema.maximum !== undefined
      ? `${what} from ${schema.minimum} to ${schema.maximum}`
      : schema.minimum !== undefined
        ? `${what} of at least ${schema.minimum}`
        : schema.maximum !== undefined
          ? `${what} of at most ${schema.maximum}`
          : what;
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const what = schema.type === 'integer' ? 'a whole number' : 'a number';
      const fits =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (schema.type === 'number' || Number.isInteger(value)) &&
        (schema.minimum === undefined || value >= schema.minimum) &&
        (schema.maximum === undefined || value <= schema.maximum);
      return fits ? undefined : `must be ${bounds(what)}`;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'array':
      if (!Array.isArray(value)) return schema.items ? `must be a list of ${schema.items.type}s` : 'must be a list';
      if (schema.items?.type === 'string' && !value.every((item) => typeof item === 'string')) return 'must be a list of strings';
      return undefined;
  }
}

export type { Position };
