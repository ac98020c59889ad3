/**
 * The rule contract. One rule per file under `rules/`, each a `defineRule`
 * call: an id (public: it is the diagnostic `code` and the vfile `ruleId`), a
 * default severity, option defaults, and `check`, which reports findings
 * through the context. Severity, silencing and message construction are
 * handled once, in `lint.ts`.
 */
import type { Severity } from './config.ts';
import type { Fix } from './fixes.ts';
import type { Session, SessionTurn } from './session.ts';
import type { Position } from './types.ts';

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

export interface RuleContext<Options> {
  session: Session;
  options: Options;
  report(finding: Finding): void;
  /**
   * True once the rule has as many findings as a file lists (see
   * `maxFindingsPerRule`): the rest are only counted, so a rule may report
   * them with their turn alone (`start` and `end` -1: the turn's head is
   * the place of the summary when it is the first one left out).
   */
  readonly capped?: boolean;
}

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
   * yields now and then), leaving its result in the session's memo.
   */
  prepare?(session: Session, options: Options): Generator<void, void>;
}

export function defineRule<Options extends object>(rule: Rule<Options>): Rule<Options> {
  return rule;
}

export type { Position };
