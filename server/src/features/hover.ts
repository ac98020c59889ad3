/**
 * Hover: on a tag, the technique's label, CTRS item (or MITI code),
 * definition and example; on a speaker label, who speaks and how much.
 */
import type { Hover, HoverParams } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { SessionView } from './analysis.ts';
import type { CodebookEntry } from '../core/codebook.ts';
import { toRange } from './convert.ts';
import { locate } from './locate.ts';
import { plural } from '../core/stats.ts';
import { allRules } from '../core/rules/index.ts';
import { markdownToPlain } from './client.ts';

export function entryMarkdown(entry: CodebookEntry): string {
  const lines = [`**${entry.label}** \`[${entry.namespace}:${entry.id}]\``];
  if (entry.ctrs) lines.push(`CTRS item: *${entry.ctrs}*`);
  if (entry.miti) lines.push(`MITI 4.2.1: *${entry.miti}*`);
  if (entry.definition) lines.push('', entry.definition);
  if (entry.example) lines.push('', `> ${entry.example}`);
  return lines.join('\n');
}

/** Hover contents as Markdown, or as plain text for a client whose `contentFormat` does not prefer Markdown. */
export function hover(document: TextDocument, analysis: SessionView, params: HoverParams, markdown = true): Hover | null {
  const found = hoverMarkdown(document, analysis, params);
  if (!found || markdown) return found;
  const { value } = found.contents as { value: string };
  return { ...found, contents: { kind: 'plaintext', value: markdownToPlain(value) } };
}

function hoverMarkdown(document: TextDocument, analysis: SessionView, params: HoverParams): Hover | null {
  const { session } = analysis;
  const offset = document.offsetAt(params.position);
  const here = locate(session, offset);
  const tag = here.tag;
  if (tag) {
    const range = toRange(tag.position);
    if (tag.namespace === 'ignore') {
      const rule = allRules.find((r) => r.id === tag.id);
      const value = tag.id === 'all' ? 'Silences every rule for this turn.' : rule ? `Silences \`${rule.id}\` for this turn: ${rule.description}` : `Unknown rule \`${tag.id}\`.`;
      return { range, contents: { kind: 'markdown', value } };
    }
    const entry = session.codebook?.get(tag.namespace, tag.id);
    const value = entry ? entryMarkdown(entry) : `Unknown tag \`[${tag.namespace}:${tag.id}]\`: not in the codebook, so it is not counted.`;
    return { range, contents: { kind: 'markdown', value } };
  }
  const turn = here.turn;
  const label = turn?.node.children[0];
  if (turn && label && offset >= label.position.start.offset! && offset <= label.position.end.offset!) {
    const same = session.turns.filter((t) => t.speakerKey === turn.speakerKey);
    const words = same.reduce((n, t) => n + t.features.words, 0);
    const all = session.turns.reduce((n, t) => n + t.features.words, 0);
    const role = turn.node.known ? turn.role : `${turn.role}, not a configured speaker`;
    const value = [
      `**${turn.node.speaker}** (${role}) — turn ${turn.index + 1} of ${session.turns.length}, ${plural(turn.features.words, 'word')}`,
      '',
      `${plural(same.length, 'turn')} and ${all ? Math.round((100 * words) / all) : 0}% of the words in this session.`,
    ].join('\n');
    return { range: toRange(label.position), contents: { kind: 'markdown', value } };
  }
  return null;
}
