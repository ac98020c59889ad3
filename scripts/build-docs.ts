/**
 * `npm run docs`: everything that lists the rules, written from the rules
 * themselves (each rule file's `defineRule`, the registry in `rules/index.ts`):
 *
 * - `package.json`: the `therapyTranscript.rules` settings block (one entry
 *   per rule, its description, severities and options);
 * - `schemas/transcriptrc.schema.json`: the rule ids and each rule's options;
 * - `docs/rules/<id>.md`: description, default severity, options, the fixes
 *   it offers, the rule file's own comment, and its examples with what the
 *   rule reports on them (run through the real `analyze`);
 * - `README.md`: the rule table between `<!-- rules:start -->` and
 *   `<!-- rules:end -->` (the rest of the README is left as it is).
 *
 * `npm run docs -- --check` writes nothing and exits 1 when a file differs
 * from what it would write (`test/core/generated-docs.test.ts` does the same).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DocumentedRule, FixDescription, OptionSchema, RuleExample } from '../server/src/core/rule.ts';
import { allRules } from '../server/src/core/rules/index.ts';
import { runExample } from './rule-examples.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const README_START = '<!-- rules:start -->';
export const README_END = '<!-- rules:end -->';
const RULES_SOURCE = 'server/src/core/rules';
const SEVERITIES = ['off', 'info', 'warn', 'error'];
const SEVERITY_WORD: Record<string, string> = { off: 'off (opt-in)', info: 'info', warn: 'warning', error: 'error' };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every generated file, by path relative to the repository root, with its content. */
export function generatedFiles(root = ROOT, rules: readonly DocumentedRule[] = allRules): Map<string, string> {
  const files = new Map<string, string>();
  files.set('package.json', packageJson(fs.readFileSync(path.join(root, 'package.json'), 'utf8'), rules));
  files.set('schemas/transcriptrc.schema.json', configSchema(fs.readFileSync(path.join(root, 'schemas/transcriptrc.schema.json'), 'utf8'), rules));
  for (const rule of rules) files.set(rule.docs, ruleDoc(rule, fs.readFileSync(path.join(root, RULES_SOURCE, `${rule.id}.ts`), 'utf8')));
  files.set('README.md', readme(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), rules));
  return files;
}

/** Generated files that differ from the checked-in ones (or are missing), and rule docs left from rules that are gone. */
export function staleFiles(root = ROOT, rules: readonly DocumentedRule[] = allRules): { differ: string[]; extra: string[] } {
  const files = generatedFiles(root, rules);
  const differ = [...files].filter(([file, content]) => readOrUndefined(path.join(root, file)) !== content).map(([file]) => file);
  const docsDir = path.join(root, 'docs/rules');
  const extra = fs.existsSync(docsDir)
    ? fs
        .readdirSync(docsDir)
        .map((f) => `docs/rules/${f}`)
        .filter((f) => !files.has(f))
    : [];
  return { differ, extra };
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- schemas

/** An option as JSON Schema. */
function optionJson(schema: OptionSchema): Json {
  const out: { [key: string]: Json } = { type: schema.type };
  if (schema.items) out.items = { ...schema.items };
  if (schema.minimum !== undefined) out.minimum = schema.minimum;
  if (schema.maximum !== undefined) out.maximum = schema.maximum;
  out.default = schema.default as Json;
  out.description = schema.description;
  return out;
}

function optionsOf(rule: DocumentedRule): Array<[string, OptionSchema]> {
  return Object.entries(rule.options as Record<string, OptionSchema>);
}

/**
 * A rule's setting: a severity, `[severity, { options }]`, or
 * `{ "severity": …, …options }` (the forms `config.ts` reads).
 */
function ruleSettingJson(rule: DocumentedRule, descriptionKey: 'description' | 'markdownDescription', severity: Json): Json {
  const properties: { [key: string]: Json } = Object.fromEntries(optionsOf(rule).map(([name, schema]) => [name, optionJson(schema)]));
  const options: Json = { type: 'object', properties, additionalProperties: false };
  const severityWord = SEVERITY_WORD[rule.defaultSeverity] ?? rule.defaultSeverity;
  const optionNames = optionsOf(rule).map(([name]) => name);
  const text =
    descriptionKey === 'markdownDescription'
      ? `${rule.description} Default: \`${rule.defaultSeverity}\`${optionNames.length > 0 ? `; options: ${optionNames.map((n) => `\`${n}\``).join(', ')}` : ''}. See \`${rule.docs}\`.`
      : `${rule.description} Default: ${severityWord}. See ${rule.docs}.`;
  return {
    [descriptionKey]: text,
    anyOf: [
      severity,
      { type: 'array', items: [severity, options], minItems: 1, maxItems: 2 },
      { type: 'object', properties: { severity, ...properties }, additionalProperties: false },
    ],
  };
}

/** `package.json` with the `therapyTranscript.rules` setting's entries written from the rules. */
export function packageJson(text: string, rules: readonly DocumentedRule[]): string {
  const pkg = JSON.parse(text) as { contributes: { configuration: { properties: Record<string, { properties?: Json }> } } };
  const setting = pkg.contributes.configuration.properties['therapyTranscript.rules'];
  if (!setting) throw new Error('package.json has no contributes.configuration.properties["therapyTranscript.rules"]');
  setting.properties = Object.fromEntries(rules.map((rule) => [rule.id, ruleSettingJson(rule, 'markdownDescription', { type: 'string', enum: SEVERITIES })]));
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** The configuration file's schema with its rule ids and options written from the rules. */
export function configSchema(text: string, rules: readonly DocumentedRule[]): string {
  const schema = JSON.parse(text) as { properties: { rules: { [key: string]: Json } } };
  const block = schema.properties.rules;
  block.propertyNames = { enum: rules.map((rule) => rule.id) };
  block.properties = Object.fromEntries(rules.map((rule) => [rule.id, ruleSettingJson(rule, 'description', { $ref: '#/definitions/severity' })]));
  delete block.additionalProperties;
  return `${JSON.stringify(schema, null, 2)}\n`;
}

// ---------------------------------------------------------------- Markdown

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A fix in a table cell: its title and whether `--fix` applies it. */
function fixWords(fix: FixDescription): string {
  return `${fix.title} (${fix.safe === true ? 'safe' : fix.safe === false ? 'quick fix' : 'safe or quick fix'})`;
}

/** A fix on a rule's page: what, on which findings, and whether `--fix` applies it. */
function fixSentence(fix: FixDescription): string {
  const how =
    fix.safe === true
      ? 'safe: `--fix` and "fix all" apply it'
      : fix.safe === false
        ? 'a quick fix: offered in the editor, never applied by `--fix`'
        : `safe ${fix.safe} (\`--fix\` and "fix all" apply it then), a quick fix otherwise`;
  return `**${fix.title}**${fix.when ? ` (on ${fix.when})` : ''}: ${how}.`;
}

/** Simple JSON on one line, spaced as the README writes it: `{ "minWords": 12, "similarity": 0.8 }`. */
function inlineJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inlineJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${inlineJson(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value);
}

function optionType(schema: OptionSchema): string {
  const base = schema.type === 'integer' ? 'whole number' : schema.type === 'array' ? `list${schema.items ? ` of ${schema.items.type}s` : ''}` : schema.type;
  if (schema.minimum !== undefined && schema.maximum !== undefined) return `${base}, ${schema.minimum}–${schema.maximum}`;
  if (schema.minimum !== undefined) return `${base} ≥ ${schema.minimum}`;
  if (schema.maximum !== undefined) return `${base} ≤ ${schema.maximum}`;
  return base;
}

/** The README with its rule table (between the markers) written from the rules. */
export function readme(text: string, rules: readonly DocumentedRule[]): string {
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md needs ${README_START} and ${README_END} around the rule table`);
  const rows = rules.map((rule) => {
    const fixes = rule.fixes.length > 0 ? rule.fixes.map(fixWords).join('; ') : '—';
    return `| [\`${rule.id}\`](${rule.docs}) | ${cell(rule.description)} | ${SEVERITY_WORD[rule.defaultSeverity] ?? rule.defaultSeverity} | ${cell(fixes)} |`;
  });
  const withOptions = rules.filter((rule) => optionsOf(rule).length > 0);
  const options = withOptions.map((rule) => `\`${rule.id}\` ${optionsOf(rule).map(([name, schema]) => `\`${name}\` (${inlineJson(schema.default)})`).join(', ')}`);
  const block = [
    README_START,
    '<!-- Written by `npm run docs` from the rule files (server/src/core/rules/): edit them, not this table. -->',
    '',
    '| id | finds | default | fixes (`--fix` applies the safe ones) |',
    '|---|---|---|---|',
    ...rows,
    '',
    `Rule options, with their defaults${options.length > 0 ? `: ${options.join('; ')}.` : ': none.'} Each rule's page in [docs/rules/](docs/rules/) says what its options mean, what it finds and fixes, with examples.`,
    README_END,
  ].join('\n');
  return text.slice(0, start) + block + text.slice(end + README_END.length);
}

/** The leading doc comment of a rule file, as Markdown. */
export function leadingComment(source: string): string {
  const m = /^\s*\/\*\*([\s\S]*?)\*\//.exec(source);
  if (!m) return '';
  return m[1]!
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

function fence(text: string): string {
  const body = text.replace(/\n$/, '');
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}text\n${body}\n${ticks}`;
}

function exampleSetting(example: RuleExample): string[] {
  const lines: string[] = [];
  if (example.options) lines.push(`With the options \`${JSON.stringify(example.options)}\`:`, '');
  if (example.speakers) lines.push(`With the speakers \`${JSON.stringify(example.speakers)}\` configured:`, '');
  return lines;
}

/** One rule's page. */
export function ruleDoc(rule: DocumentedRule, source: string): string {
  const severity = SEVERITY_WORD[rule.defaultSeverity] ?? rule.defaultSeverity;
  const options = optionsOf(rule);
  const lines: string[] = [
    `<!-- Written by \`npm run docs\` from ${RULES_SOURCE}/${rule.id}.ts: edit the rule file, not this page. -->`,
    '',
    `# \`${rule.id}\``,
    '',
    rule.description,
    '',
    `- Default severity: ${severity}`,
    `- Options: ${options.length > 0 ? options.map(([name]) => `\`${name}\``).join(', ') : 'none'}`,
    `- Fixes: ${rule.fixes.length > 0 ? rule.fixes.map(fixWords).join('; ') : 'none'}`,
    `- Silence it for one turn with \`[ignore:${rule.id}]\` in the turn; turn it off with \`"${rule.id}": "off"\` under \`"rules"\` in \`.transcriptrc.json\`.`,
    '',
  ];
  const comment = leadingComment(source);
  if (comment) lines.push('## What it finds', '', comment, '');

  lines.push('## Options', '');
  if (options.length === 0) lines.push('None.', '');
  else {
    lines.push('| option | type | default | meaning |', '|---|---|---|---|');
    for (const [name, schema] of options) lines.push(`| \`${name}\` | ${optionType(schema)} | \`${JSON.stringify(schema.default)}\` | ${cell(schema.description)} |`);
    const defaults = Object.fromEntries(options.map(([name, schema]) => [name, schema.default]));
    const setting = `${JSON.stringify(rule.id)}: ${inlineJson([rule.defaultSeverity, defaults])}`;
    lines.push('', 'In `.transcriptrc.json` (the defaults):', '', '```json', `{ "rules": { ${setting} } }`, '```', '');
  }

  lines.push('## Fixes', '');
  if (rule.fixes.length === 0) lines.push('None: what to do about these findings is for a reader to decide.', '');
  else {
    for (const fix of rule.fixes) lines.push(`- ${fixSentence(fix)}`);
    lines.push('');
  }

  lines.push('## Examples', '', `Each runs in \`test/core/rule-examples.test.ts\` with only \`${rule.id}\` on.`, '');
  rule.examples.notOk.forEach((example, i) => {
    const run = runExample(rule, example);
    lines.push(`### Not ok${rule.examples.notOk.length > 1 ? ` (${i + 1})` : ''}`, '', ...exampleSetting(example), fence(example.text), '');
    for (const m of run.messages) {
      const fixes = m.fixes.map((f) => `${f.title} (${f.safe ? 'safe' : 'quick fix'})`);
      lines.push(`- \`${m.start.line}:${m.start.column}\` ${SEVERITY_WORD[m.severity] ?? m.severity}: ${m.reason}${fixes.length > 0 ? `  \n  Fixes: ${fixes.join('; ')}.` : ''}`);
    }
    lines.push('');
    if (run.fixed !== example.text) lines.push('After `--fix`:', '', fence(run.fixed), '');
  });
  rule.examples.ok.forEach((example, i) => {
    lines.push(`### Ok${rule.examples.ok.length > 1 ? ` (${i + 1})` : ''}`, '', ...exampleSetting(example), fence(example.text), '');
  });
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

// ---------------------------------------------------------------- main

function main(): number {
  const check = process.argv.includes('--check');
  if (check) {
    const { differ, extra } = staleFiles();
    if (differ.length === 0 && extra.length === 0) return 0;
    for (const file of differ) process.stderr.write(`${file} is not what the rules say: run npm run docs\n`);
    for (const file of extra) process.stderr.write(`${file} documents no registered rule: run npm run docs\n`);
    return 1;
  }
  const files = generatedFiles();
  fs.mkdirSync(path.join(ROOT, 'docs/rules'), { recursive: true });
  let written = 0;
  for (const [file, content] of files) {
    if (readOrUndefined(path.join(ROOT, file)) === content) continue;
    fs.writeFileSync(path.join(ROOT, file), content);
    process.stdout.write(`wrote ${file}\n`);
    written++;
  }
  for (const file of staleFiles().extra) {
    fs.rmSync(path.join(ROOT, file));
    process.stdout.write(`removed ${file}\n`);
  }
  if (written === 0) process.stdout.write('The generated files are up to date.\n');
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
