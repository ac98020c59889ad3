/**
 * Semantic tokens: every speaker label coloured by its role — also the names
 * a `.transcriptrc.json` configures (`Nova:`, `Sam:`), which the TextMate
 * grammar cannot know — and the two parts of every tag.
 *
 * Standard token types, so any client's theme colours them: a therapist's
 * label is a `function`, a patient's a `type`, another speaker's a
 * `variable` (as the grammar scopes them: entity.name.function / .type /
 * .tag), a tag's namespace a `namespace` and its id an `enumMember`. The
 * modifiers `therapist`, `patient`, `other` and `speaker` say what a token is,
 * for clients that style by modifier (VS Code maps them onto the grammar's
 * scopes through `semanticTokenScopes` in package.json).
 */
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { SessionView } from './analysis.ts';
import type { Role } from '../core/types.ts';

export const TOKEN_TYPES = ['function', 'type', 'variable', 'namespace', 'enumMember'] as const;
export const TOKEN_MODIFIERS = ['therapist', 'patient', 'other', 'speaker', 'unknown'] as const;
export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

const TYPE = Object.fromEntries(TOKEN_TYPES.map((t, i) => [t, i])) as Record<(typeof TOKEN_TYPES)[number], number>;
const MOD = Object.fromEntries(TOKEN_MODIFIERS.map((m, i) => [m, 1 << i])) as Record<(typeof TOKEN_MODIFIERS)[number], number>;
const LABEL_TYPE: Record<Role, number> = { therapist: TYPE.function, patient: TYPE.type, other: TYPE.variable };

interface Token {
  line: number;
  character: number;
  length: number;
  type: number;
  modifiers: number;
}

export function semanticTokens(analysis: SessionView): SemanticTokens {
  const tokens: Token[] = [];
  for (const turn of analysis.session.turns) {
    const label = turn.node.children[0];
    if (label?.type === 'label') {
      const { start, end } = label.position;
      // A label is on one line; its length is in UTF-16 units, as LSP counts.
      if (start.line === end.line && end.column > start.column) {
        tokens.push({
          line: start.line - 1,
          character: start.column - 1,
          length: end.column - start.column,
          type: LABEL_TYPE[turn.role],
          modifiers: MOD[turn.role] | MOD.speaker | (turn.node.known ? 0 : MOD.unknown),
        });
      }
    }
    for (const tag of turn.tags) {
      const { start } = tag.position;
      const line = start.line - 1;
      // `[namespace:id]`: the namespace after the bracket, the id after the colon.
      tokens.push({ line, character: start.column, length: tag.namespace.length, type: TYPE.namespace, modifiers: MOD[turn.role] });
      tokens.push({ line, character: start.column + tag.namespace.length + 1, length: tag.id.length, type: TYPE.enumMember, modifiers: MOD[turn.role] });
    }
  }
  tokens.sort((a, b) => a.line - b.line || a.character - b.character);
  const data: number[] = [];
  let line = 0;
  let character = 0;
  for (const token of tokens) {
    const deltaLine = token.line - line;
    data.push(deltaLine, deltaLine === 0 ? token.character - character : token.character, token.length, token.type, token.modifiers);
    line = token.line;
    character = token.character;
  }
  return { data };
}
