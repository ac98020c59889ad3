/**
 * What is under the cursor: the turn, the paragraph, the tag, or a tag being
 * typed (`[cbt:socr|`).
 */
import type { Paragraph, Tag } from '../core/types.ts';
import type { Session } from '../core/session.ts';
import type { SessionTurn } from '../core/turn.ts';

export interface Located {
  turn?: SessionTurn;
  /** The paragraph at the offset and whether it is the turn's first (tags there tag the turn). */
  paragraph?: { node: Paragraph; first: boolean };
  tag?: Tag;
}

export function locate(session: Session, offset: number): Located {
  const index = session.turnAt(offset);
  if (index === undefined) return {};
  const turn = session.turns[index]!;
  const result: Located = { turn };
  result.tag = turn.tags.find((t) => t.position.start.offset! <= offset && offset <= t.position.end.offset!);
  let first = true;
  for (const child of turn.node.children) {
    if (child.type !== 'paragraph') continue;
    // A paragraph owns the offsets from its start to the end of its last line.
    if (offset >= child.position.start.offset! && offset <= child.position.end.offset!) {
      result.paragraph = { node: child, first };
      break;
    }
    first = false;
  }
  if (!result.paragraph) {
    // On the label line, before the text: the turn's first paragraph.
    const paragraph = turn.node.children.find((c): c is Paragraph => c.type === 'paragraph');
    if (paragraph && offset < paragraph.position.start.offset!) result.paragraph = { node: paragraph, first: true };
  }
  return result;
}

/** A tag being typed right before the cursor: `[cbt:socr` or `[cb`. */
export interface PartialTag {
  /** Offset of the `[`. */
  start: number;
  namespace?: string;
  /** What has been typed of the namespace (no colon yet) or of the id. */
  typed: string;
}

export function partialTagBefore(text: string, offset: number): PartialTag | undefined {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1) + 1, 0);
  const before = text.slice(lineStart, offset);
  const m = /\[([A-Za-z][\w-]*)?(?::([\w-]*))?$/.exec(before);
  if (!m) return undefined;
  const start = lineStart + m.index;
  if (m[0].includes(':')) return { start, namespace: m[1] ?? '', typed: m[2] ?? '' };
  return { start, typed: m[1] ?? '' };
}

/**
 * Where a tag for the paragraph at `offset` goes: where its text starts,
 * after any tags it already has. On the turn's first paragraph (or its label
 * line) that tags the turn.
 */
export function tagInsertion(session: Session, offset: number): { offset: number; turnLevel: boolean } | undefined {
  const here = locate(session, offset);
  const text = here.paragraph?.node.children.find((c) => c.type === 'text');
  if (!here.paragraph || !text) return undefined;
  return { offset: text.position.start.offset!, turnLevel: here.paragraph.first };
}
