/**
 * Tags as edits. A tag is always written followed by one space
 * (`[cbt:socratic-questioning] What…`), so removing every tag together with
 * the one space after it gives back the untagged transcript byte for byte.
 */
import type { TextEdit } from './fixes.ts';
import { applyEdits } from './fixes.ts';
import type { Root, Tag, Turn } from './types.ts';

/** The edit that removes one tag and the single space after it. */
export function removeTagEdit(text: string, tag: Tag): TextEdit {
  const start = tag.position.start.offset!;
  let end = tag.position.end.offset!;
  if (text.charCodeAt(end) === 32) end++;
  return { start, end, text: '' };
}

/** Every tag node of a tree, in document order. */
export function allTags(tree: Root): Tag[] {
  const tags: Tag[] = [];
  for (const node of tree.children) {
    if (node.type !== 'turn') continue;
    for (const child of node.children) {
      if (child.type === 'tag') tags.push(child);
      else if (child.type === 'paragraph') for (const inner of child.children) if (inner.type === 'tag') tags.push(inner);
    }
  }
  return tags;
}

/** The transcript without its tags. */
export function stripTags(text: string, tree: Root): string {
  return applyEdits(text, allTags(tree).map((tag) => removeTagEdit(text, tag)));
}

/** Insert `[namespace:id] ` where a turn's text starts (after its existing turn tags). */
export function insertTurnTagEdit(turn: Turn, namespace: string, id: string): TextEdit | undefined {
  const firstParagraph = turn.children.find((c) => c.type === 'paragraph');
  if (!firstParagraph || firstParagraph.type !== 'paragraph') return undefined;
  const offset = firstParagraph.position.start.offset!;
  return { start: offset, end: offset, text: `[${namespace}:${id}] ` };
}
