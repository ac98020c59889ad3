/**
 * Tokenise text with the extension's TextMate grammar using the engine VS
 * Code itself uses (vscode-textmate + the Oniguruma WebAssembly build).
 */
import fs from 'node:fs';
import path from 'node:path';
import textmate from 'vscode-textmate';
import oniguruma from 'vscode-oniguruma';

let registry: Promise<textmate.Registry> | undefined;

function load(root: string): Promise<textmate.Registry> {
  registry ??= (async () => {
    const wasm = fs.readFileSync(path.join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes: { grammars: Array<{ scopeName: string; path: string }> };
    };
    return new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (s: string) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        const contributed = pkg.contributes.grammars.find((g) => g.scopeName === scopeName);
        if (!contributed) return null;
        const file = path.join(root, contributed.path);
        return textmate.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
      },
    });
  })();
  return registry;
}

export interface ScopedToken {
  text: string;
  scopes: string[];
}

/** Tokens of every line of `text` with their scope stacks. */
export async function tokenize(root: string, text: string): Promise<ScopedToken[][]> {
  const grammar = await (await load(root)).loadGrammar('text.therapy-transcript');
  if (!grammar) throw new Error('the therapy-transcript grammar did not load');
  let state = textmate.INITIAL;
  return text.split(/\r\n|\r|\n/).map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** The innermost scope of the first token with exactly this text. */
export function scopeOf(lines: ScopedToken[][], text: string): string {
  for (const line of lines) for (const token of line) if (token.text === text) return token.scopes[token.scopes.length - 1]!;
  return '';
}
