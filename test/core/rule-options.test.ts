/**
 * Rule options are checked once, when a configuration is read, against the
 * rule's own options schema: a value that does not fit, or an option the
 * rule does not have, is reported with the configuration's name (and, for a
 * file, the line) and left out, so the default applies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkRuleOptions, jsonLines } from '../../server/src/core/rule-options.ts';
import { emptyConfig, normalizeConfig } from '../../server/src/core/config.ts';
import { SettingsResolver } from '../../server/src/core/resolve.ts';
import { analyze } from '../../server/src/core/lint.ts';
import { optionProblem } from '../../server/src/core/rule.ts';
import { allRules } from '../../server/src/core/rules/index.ts';

const configOf = (rules: unknown) => normalizeConfig({ rules }).config;

test('a value that fits its option passes as it is; the configuration object is the same', () => {
  const config = configOf({ 'repeated-turn': ['warn', { minWords: 6, similarity: 0.9 }], 'canned-refusal': ['warn', { phrases: ['as a large language model'] }], 'truncated-turn': { minWords: 150 } });
  const checked = checkRuleOptions(config, allRules, 'the test');
  assert.deepEqual(checked.problems, []);
  assert.equal(checked.config, config);
});

test('a value that does not fit is reported and left out (the default applies); the others stay', () => {
  const config = configOf({ 'repeated-turn': ['error', { minWords: 'six', similarity: 0.9 }], 'truncated-turn': ['warn', { minWords: 0 }], 'canned-refusal': ['warn', { phrases: 'sorry' }] });
  const { config: checked, problems } = checkRuleOptions(config, allRules, 'the .transcriptrc.json');
  assert.deepEqual(problems, [
    'Rule "repeated-turn" in the .transcriptrc.json: "minWords" must be a whole number of at least 1, not "six"; the default, 12, applies.',
    'Rule "truncated-turn" in the .transcriptrc.json: "minWords" must be a whole number of at least 1, not 0; the default, 60, applies.',
    'Rule "canned-refusal" in the .transcriptrc.json: "phrases" must be a list of strings, not "sorry"; the default, [], applies.',
  ]);
  assert.deepEqual(checked.rules['repeated-turn'], { severity: 'error', options: { similarity: 0.9 } });
  assert.deepEqual(checked.rules['truncated-turn'], { severity: 'warn', options: {} });
  // The input is not changed.
  assert.deepEqual(config.rules['repeated-turn']!.options, { minWords: 'six', similarity: 0.9 });
});

test('an option the rule does not have is reported (with the nearest one) and left out', () => {
  const { config, problems } = checkRuleOptions(configOf({ 'repeated-turn': ['warn', { minWord: 6 }], 'empty-turn': ['warn', { strict: true }], 'truncated-turn': ['warn', { words: 5 }] }), allRules, 'the test');
  assert.deepEqual(problems, [
    'Rule "repeated-turn" in the test has no option "minWord" (did you mean "minWords"?); it is ignored.',
    'Rule "empty-turn" in the test has no options, so "strict" does nothing.',
    'Rule "truncated-turn" in the test has no option "words" (its options: "minWords"); it is ignored.',
  ]);
  assert.deepEqual(config.rules['repeated-turn']!.options, {});
  // An unknown rule is not this check's to report (resolveRules says "Unknown rule …").
  assert.deepEqual(checkRuleOptions(configOf({ 'repeated-trun': ['warn', { minWords: 'x' }] }), allRules, 'the test').problems, []);
});

test('option schemas: numbers, bounds, lists', () => {
  assert.equal(optionProblem({ type: 'integer', default: 1, minimum: 1, description: '' }, 2.5), 'must be a whole number of at least 1');
  assert.equal(optionProblem({ type: 'number', default: 0.8, minimum: 0, maximum: 1, description: '' }, 1.5), 'must be a number from 0 to 1');
  assert.equal(optionProblem({ type: 'number', default: 0.8, minimum: 0, maximum: 1, description: '' }, Number.NaN), 'must be a number from 0 to 1');
  assert.equal(optionProblem({ type: 'number', default: 0.8, minimum: 0, maximum: 1, description: '' }, 1), undefined);
  assert.equal(optionProblem({ type: 'array', items: { type: 'string' }, default: [], description: '' }, ['a', 2]), 'must be a list of strings');
  assert.equal(optionProblem({ type: 'boolean', default: false, description: '' }, 'yes'), 'must be true or false');
});

test('the line of each key and item of a JSON text', () => {
  const lineOf = jsonLines('{\n  "rules": {\n    "repeated-turn": ["warn", {\n      "minWords": "six"\n    }],\n    "truncated-turn": { "minWords": 0 }\n  }\n}\n');
  assert.equal(lineOf(['rules']), 2);
  assert.equal(lineOf(['rules', 'repeated-turn']), 3);
  assert.equal(lineOf(['rules', 'repeated-turn', 1, 'minWords']), 4);
  assert.equal(lineOf(['rules', 'truncated-turn', 'minWords']), 6);
  assert.equal(lineOf(['speakers']), undefined);
  // Not JSON: what came before the error, and no exception.
  assert.equal(jsonLines('{"a": [1, {"b": tru')(['a', 1, 'b']), 1);
  assert.equal(jsonLines('['.repeat(100_000))(['x']), undefined);
});

test('a configuration file: the problem names the file and the line; the rule runs with its default', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-options-'));
  try {
    fs.writeFileSync(path.join(dir, '.transcriptrc.json'), '{\n  "rules": {\n    "consecutive-turns": "off",\n    "repeated-turn": ["warn", {\n      "minWords": "six"\n    }]\n  }\n}\n');
    const resolver = new SettingsResolver();
    const settings = resolver.forFile(path.join(dir, 'a.transcript'));
    assert.deepEqual(settings.problems, ['Rule "repeated-turn" in the .transcriptrc.json (line 5): "minWords" must be a whole number of at least 1, not "six"; the default, 12, applies.']);
    assert.equal(resolver.forFile(path.join(dir, 'b.transcript')), settings, 'checked once per folder');
    const loop = 'Therapist: It sounds like the deadline at work has been weighing on you all week, and that you have barely slept.\n\nPatient: Yes.\n\n'.repeat(2);
    const ids = (config: typeof settings.config) => analyze(loop, { config }).messages.map((m) => `${m.ruleId} ${m.start.line}`);
    const defaults = emptyConfig();
    defaults.rules['consecutive-turns'] = { severity: 'off' };
    assert.deepEqual(ids(settings.config), ids(defaults));
    assert.ok(ids(settings.config).includes('repeated-turn 5'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('settings given to the resolver (the editor\'s) are checked too, and named as settings', () => {
  const resolver = new SettingsResolver({ noConfig: true, base: configOf({ 'repeated-turn': ['warn', { similarity: 2 }] }) });
  assert.deepEqual(resolver.forFile(undefined).problems, ['Rule "repeated-turn" in the settings (therapyTranscript.rules): "similarity" must be a number from 0 to 1, not 2; the default, 0.8, applies.']);
  resolver.update({ noConfig: true });
  assert.deepEqual(resolver.forFile(undefined).problems, []);
});
