/**
 * Where a rule's documentation is, as a URI an editor can open: the page
 * `docs/rules/<id>.md` that ships in the package, beside the server
 * (a `file:` URI), sent as a diagnostic's `codeDescription.href`. There is no
 * web address to send, and nothing is fetched: without the page (a server
 * run from a copy without `docs/`), diagnostics carry no `codeDescription`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allRules } from '../core/rules/index.ts';

/** The package root: the bundle's folder's parent (`dist/server.cjs`), or three up from these sources. */
function packageRoots(): string[] {
  const roots: string[] = [];
  if (typeof __dirname === 'string') roots.push(path.dirname(__dirname));
  const url = import.meta.url;
  if (url) roots.push(path.resolve(path.dirname(fileURLToPath(url)), '../../..'));
  return roots;
}

const hrefs = new Map<string, string | undefined>();

/** The `file:` URI of a rule's documentation page, when the page is there. */
export function ruleDocsHref(ruleId: string): string | undefined {
  if (hrefs.has(ruleId)) return hrefs.get(ruleId);
  const rule = allRules.find((r) => r.id === ruleId);
  let href: string | undefined;
  if (rule) {
    for (const root of packageRoots()) {
      const file = path.join(root, rule.docs);
      if (fs.existsSync(file)) {
        href = pathToFileURL(file).href;
        break;
      }
    }
  }
  hrefs.set(ruleId, href);
  return href;
}
