/**
 * A rule's examples, run as users run the rule: the real `analyze` (and
 * `fixAndAnalyze` for `--fix`), with that rule on and every other rule off.
 * Shared by `test/core/rule-examples.test.ts` and `npm run docs` (which shows
 * what each example reports).
 */
import { analyze, fixAndAnalyze, RULE_ERROR, type AnalyzeOptions, type LintMessage } from '../server/src/core/lint.ts';
import { emptyConfig, type Severity } from '../server/src/core/config.ts';
import type { DocumentedRule, RuleExample } from '../server/src/core/rule.ts';
import { allRules } from '../server/src/core/rules/index.ts';

/** The options of `analyze` that run `rule` alone (its default severity, or `warn` for a rule that is off by default). */
export function exampleOptions(rule: DocumentedRule, example: RuleExample, rules: readonly DocumentedRule[] = allRules): AnalyzeOptions {
  const config = emptyConfig();
  Object.assign(config.speakers, example.speakers ?? {});
  for (const other of rules) config.rules[other.id] = { severity: 'off' };
  const severity: Severity = (rule.defaultSeverity as Severity) === 'off' ? 'warn' : rule.defaultSeverity;
  config.rules[rule.id] = { severity, options: { ...example.options } };
  return { config, rules };
}

export interface ExampleRun {
  /** The rule's messages, in document order. */
  messages: LintMessage[];
  /** The text after `--fix` with this rule alone. */
  fixed: string;
}

/** Run one example; a rule that fails on its own example is an error, not a finding. */
export function runExample(rule: DocumentedRule, example: RuleExample): ExampleRun {
  const options = exampleOptions(rule, example);
  const { messages } = analyze(example.text, options);
  const failure = messages.find((m) => m.ruleId === RULE_ERROR);
  if (failure) throw new Error(`${rule.id} failed on its example: ${failure.reason}`);
  const fixed = fixAndAnalyze(example.text, options).text;
  return { messages: messages.filter((m) => m.ruleId === rule.id), fixed };
}
