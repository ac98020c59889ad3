/**
 * The linter under test and the baseline it is compared with in the same
 * run: the rules as they were before the rules were made to generalise
 * (commit 7d74cc9, the last release), loaded from git into a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import type { Found } from './score.ts';

export const BASELINE_COMMIT = '7d74cc9';

export interface Linter {
  name: string;
  lint(text: string): Found[];
}

type LintMessageLike = { ruleId: string; start: { line: number }; related: Array<{ start: { line: number }; message: string }> };
const found = (messages: LintMessageLike[]): Found[] =>
  messages.map((m) => ({ ruleId: m.ruleId, line: m.start.line, related: m.related.map((r) => ({ line: r.start.line, message: r.message })) }));

export function currentLinter(): Linter {
  const options = { config: emptyConfig() };
  return { name: 'now', lint: (text) => found(analyze(text, options).messages) };
}

/** The baseline's core, extracted from git; undefined (with the reason) where git or the commit is missing. */
export async function baselineLinter(root: string): Promise<Linter | string> {
  const dir = path.join(root, 'bench/results/tmp', `baseline-${BASELINE_COMMIT}`);
  const entry = path.join(dir, 'server/src/core/lint.ts');
  try {
    if (!fs.existsSync(entry)) {
      fs.mkdirSync(dir, { recursive: true });
      const archive = execFileSync('git', ['-C', root, 'archive', BASELINE_COMMIT, 'server/src/core'], { maxBuffer: 64 << 20 });
      execFileSync('tar', ['-x', '-C', dir], { input: archive });
    }
  } catch (error) {
    return `baseline ${BASELINE_COMMIT} unavailable (${(error as Error).message.split('\n')[0]})`;
  }
  const lint = (await import(pathToFileURL(entry).href)) as { analyze: typeof analyze };
  const config = (await import(pathToFileURL(path.join(dir, 'server/src/core/config.ts')).href)) as { emptyConfig: typeof emptyConfig };
  const options = { config: config.emptyConfig() };
  return { name: BASELINE_COMMIT, lint: (text) => found(lint.analyze(text, options).messages) };
}
