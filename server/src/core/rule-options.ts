/**
 * Rule options in a configuration, checked once, when the configuration is
 * read (see `SettingsResolver`), against each rule's options schema
 * (`defineRule`'s `options`). A value that does not fit is reported — with
 * the file's name and, for a file, the line — and left out, so the rule's
 * default applies; an option the rule does not have is reported and left out
 * too. Valid options pass unchanged.
 */
import type { TranscriptConfig } from './config.ts';
import type { OptionSchema, Rule } from './rule.ts';
import { optionProblem } from './rule.ts';
import { editDistance } from './speakers.ts';

/** What the check needs of a rule: its id and, when it declares them, its options. */
export type RuleWithOptions = Pick<Rule, 'id'> & { options?: object };

/** The line of a place in the configuration's JSON (`["rules", "repeated-turn", 1, "minWords"]`), when known. */
export type LineOf = (path: ReadonlyArray<string | number>) => number | undefined;

export interface CheckedConfig {
  config: TranscriptConfig;
  problems: string[];
}

/**
 * `config` without the options that do not fit their rule's schema, and a
 * problem for each; `where` names the configuration ("the .transcriptrc.json").
 * Rules it does not know are left to `resolveRules` (it reports unknown ids).
 */
export function checkRuleOptions(config: TranscriptConfig, rules: readonly RuleWithOptions[], where: string, lineOf?: LineOf): CheckedConfig {
  const problems: string[] = [];
  const byId = new Map(rules.map((rule) => [rule.id, rule] as const));
  let checked: TranscriptConfig | undefined;
  for (const [id, setting] of Object.entries(config.rules)) {
    const rule = byId.get(id);
    if (!rule?.options || !setting.options) continue;
    const schemas = rule.options as Record<string, OptionSchema>;
    const names = Object.keys(schemas);
    let kept: Record<string, unknown> | undefined;
    for (const [name, value] of Object.entries(setting.options)) {
      const schema = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
      const at = placeOf(where, lineOf, id, name);
      let problem: string | undefined;
      if (!schema) {
        const near = names.find((known) => editDistance(known, name, 2) <= 2);
        problem =
          names.length === 0
            ? `Rule "${id}" in ${at} has no options, so "${name}" does nothing.`
            : `Rule "${id}" in ${at} has no option "${name}"${near ? ` (did you mean "${near}"?)` : ` (its options: ${names.map((n) => `"${n}"`).join(', ')})`}; it is ignored.`;
      } else {
        const why = optionProblem(schema, value);
        if (why) problem = `Rule "${id}" in ${at}: "${name}" ${why}, not ${shown(value)}; the default, ${shown(schema.default)}, applies.`;
      }
      if (!problem) continue;
      problems.push(problem);
      kept ??= { ...setting.options };
      delete kept[name];
    }
    if (kept) {
      checked ??= { ...config, rules: { ...config.rules } };
      checked.rules[id] = { ...setting, options: kept };
    }
  }
  return { config: checked ?? config, problems };
}

/** "the .transcriptrc.json (line 4)": the line of the option, else of the rule, when known. */
function placeOf(where: string, lineOf: LineOf | undefined, id: string, name: string): string {
  const line = lineOf?.(['rules', id, 1, name]) ?? lineOf?.(['rules', id, name]) ?? lineOf?.(['rules', id]);
  return line === undefined ? where : `${where} (line ${line})`;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * The line of every key and array item of a JSON text, by its path (keys and
 * indices joined by NUL), for `LineOf`. Read by a small scanner that follows
 * the grammar; for text that is not JSON it returns what it found before the
 * error (the caller parses the text with `JSON.parse` first).
 */
export function jsonLines(text: string): LineOf {
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const space = () => {
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) line++;
      else if (c !== 32 && c !== 9 && c !== 13) break;
    }
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string, depth: number): void => {
    if (depth > 64) throw new Error('too deep');
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        space();
        let member: string;
        if (c === '{') {
          const at = line;
          member = `${path}\u0000${string()}`;
          lines.set(member, at);
          space();
          if (text[i] !== ':') throw new Error('not JSON');
          i++;
        } else {
          member = `${path}\u0000${n}`;
          lines.set(member, line);
        }
        value(member, depth + 1);
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else throw new Error('not JSON');
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const start = i;
    while (i < text.length && !/[,\]}\s]/.test(text[i]!)) i++;
    if (i === start) throw new Error('not JSON');
  };
  try {
    value('', 0);
  } catch {
    // What was found so far stands.
  }
  return (path) => lines.get(path.map((p) => `\u0000${p}`).join(''));
}
