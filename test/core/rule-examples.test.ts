/**
 * Every rule's examples are its tests: each one runs through the real
 * `analyze` with that rule alone on (scripts/rule-examples.ts). An ok example
 * gives no finding of the rule; a not-ok one gives the findings it states (a
 * number, or a piece of each reason in document order) and, when it says so,
 * `--fix` turns it into the text it gives. And every registered rule says
 * what it is: description, severity, options, documentation, fixes, examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { allRules } from '../../server/src/core/rules/index.ts';
import { optionProblem } from '../../server/src/core/rule.ts';
import { runExample } from '../../scripts/rule-examples.ts';
import { ROOT } from '../helpers/paths.ts';

const RULES_DIR = path.join(ROOT, 'server/src/core/rules');

for (const rule of allRules) {
  test(`${rule.id}: its examples`, () => {
    rule.examples.ok.forEach((example, i) => {
      const { messages } = runExample(rule, example);
      assert.deepEqual(
        messages.map((m) => `${m.start.line}:${m.start.column} ${m.reason}`),
        [],
        `ok example ${i + 1} of ${rule.id} gives findings`,
      );
    });
    rule.examples.notOk.forEach((example, i) => {
      const { messages, fixed } = runExample(rule, example);
      const reasons = messages.map((m) => m.reason);
      const where = `not-ok example ${i + 1} of ${rule.id}`;
      if (typeof example.findings === 'number') {
        assert.equal(messages.length, example.findings, `${where}: ${JSON.stringify(reasons)}`);
      } else {
        assert.equal(messages.length, example.findings.length, `${where}: ${JSON.stringify(reasons)}`);
        example.findings.forEach((piece, k) => assert.ok(reasons[k]!.includes(piece), `${where}, finding ${k + 1}: "${reasons[k]}" does not say "${piece}"`));
      }
      assert.ok(messages.length > 0, `${where} states no finding`);
      if (example.fixed !== undefined) assert.equal(fixed, example.fixed, `${where}: the text after --fix`);
      else assert.ok(!messages.some((m) => m.fixes.some((f) => f.safe)), `${where} has safe fixes: say what --fix makes of it (fixed)`);
      // The fixes it offers are among those it documents.
      const offered = messages.flatMap((m) => m.fixes);
      if (rule.fixes.length === 0) assert.deepEqual(offered.map((f) => f.title), [], `${rule.id} documents no fix but offers some`);
      if (offered.some((f) => f.safe)) assert.ok(rule.fixes.some((f) => f.safe), `${rule.id} documents no safe fix but offers one`);
    });
    // Each example options are the rule's own options, valid ones.
    for (const example of [...rule.examples.ok, ...rule.examples.notOk]) {
      for (const [name, value] of Object.entries(example.options ?? {})) {
        const schema = (rule.options as Record<string, Parameters<typeof optionProblem>[0]>)[name];
        assert.ok(schema, `${rule.id} has no option "${name}"`);
        assert.equal(optionProblem(schema, value), undefined, `${rule.id} example option ${name}`);
      }
    }
  });
}

test('every registered rule describes itself: description, severity, options, documentation, fixes, examples', () => {
  const ids = new Set<string>();
  for (const rule of allRules) {
    assert.match(rule.id, /^[a-z]+(?:-[a-z]+)*$/, `rule id ${rule.id}`);
    assert.ok(!ids.has(rule.id), `${rule.id} is registered twice`);
    ids.add(rule.id);
    assert.ok(rule.description.trim().length > 10, `${rule.id}: a description`);
    assert.ok(['info', 'warn', 'error', 'off'].includes(rule.defaultSeverity), `${rule.id}: a default severity`);
    assert.equal(typeof rule.options, 'object', `${rule.id}: an options schema (an empty one when it has none)`);
    for (const [name, schema] of Object.entries(rule.options as Record<string, Parameters<typeof optionProblem>[0]>)) {
      assert.ok(schema.description.trim().length > 10, `${rule.id}.${name}: a description`);
      assert.equal(optionProblem(schema, schema.default), undefined, `${rule.id}.${name}: its default fits its schema`);
      assert.deepEqual((rule.defaultOptions as Record<string, unknown>)[name], schema.default);
    }
    assert.equal(rule.docs, `docs/rules/${rule.id}.md`, `${rule.id}: its documentation`);
    assert.ok(fs.existsSync(path.join(ROOT, rule.docs)), `${rule.docs} is missing: run npm run docs`);
    assert.ok(Array.isArray(rule.fixes), `${rule.id}: the fixes it offers (an empty list when none)`);
    assert.ok(rule.examples.ok.length >= 1, `${rule.id}: at least one ok example`);
    assert.ok(rule.examples.notOk.length >= 1, `${rule.id}: at least one not-ok example`);
    assert.ok(rule.check || rule.checkTurn, `${rule.id}: something to run`);
  }
});

test('every rule file is registered, under its own id, and the registry lists nothing else', () => {
  const files = fs
    .readdirSync(RULES_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  assert.deepEqual([...allRules.map((r) => r.id)].sort(), files);
});
