/**
 * The files written from the rules (scripts/build-docs.ts) are checked in as
 * the generator writes them: the rules block of package.json, the rules of
 * schemas/transcriptrc.schema.json, docs/rules/<id>.md, and the README's rule
 * table. A rule changed without `npm run docs` fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { generatedFiles, packageJson, readme, README_END, README_START, staleFiles } from '../../scripts/build-docs.ts';
import { allRules } from '../../server/src/core/rules/index.ts';
import { ROOT } from '../helpers/paths.ts';

test('the generated docs, settings and schema are what the rules say (else: run npm run docs)', () => {
  const { differ, extra } = staleFiles(ROOT);
  assert.deepEqual(differ, [], `${differ.join(', ')} differ from what the rules say: run npm run docs`);
  assert.deepEqual(extra, [], `${extra.join(', ')} document no registered rule: run npm run docs`);
});

test('the generated files hold every rule, and each rule only once', () => {
  const files = generatedFiles(ROOT);
  const ids = allRules.map((r) => r.id);
  const pkg = JSON.parse(files.get('package.json')!) as { contributes: { configuration: { properties: Record<string, { properties: Record<string, unknown> }> } } };
  assert.deepEqual(Object.keys(pkg.contributes.configuration.properties['therapyTranscript.rules']!.properties), ids);
  const schema = JSON.parse(files.get('schemas/transcriptrc.schema.json')!) as { properties: { rules: { propertyNames: { enum: string[] }; properties: Record<string, unknown> } } };
  assert.deepEqual(schema.properties.rules.propertyNames.enum, ids);
  assert.deepEqual(Object.keys(schema.properties.rules.properties), ids);
  const table = files.get('README.md')!.split(README_START)[1]!.split(README_END)[0]!;
  for (const id of ids) {
    assert.equal(table.split(`[\`${id}\`](docs/rules/${id}.md)`).length - 1, 1, `${id} in the README's table`);
    assert.ok(files.get(`docs/rules/${id}.md`)!.startsWith('<!-- Written by `npm run docs`'), `docs/rules/${id}.md`);
  }
});

test('the generator changes only its own parts of package.json and the README', () => {
  const pkgText = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
  const before = JSON.parse(pkgText) as Record<string, unknown> & { contributes: { configuration: { properties: Record<string, { properties?: unknown }> } } };
  const after = JSON.parse(packageJson(pkgText, allRules.slice(0, 2))) as typeof before;
  delete before.contributes.configuration.properties['therapyTranscript.rules']!.properties;
  delete after.contributes.configuration.properties['therapyTranscript.rules']!.properties;
  assert.deepEqual(after, before);
  const text = `intro\n\n${README_START}\nold table\n${README_END}\n\nrest\n`;
  const out = readme(text, allRules);
  assert.ok(out.startsWith(`intro\n\n${README_START}\n`));
  assert.ok(out.endsWith(`\n${README_END}\n\nrest\n`));
  assert.ok(!out.includes('old table'));
  assert.throws(() => readme('no markers', allRules), /rules:start/);
});
