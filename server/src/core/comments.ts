/**
 * Supervisor comments: lines that start with `%%` (after optional spaces),
 * between or inside turns.
 *
 *     Therapist: [cbt:socratic-questioning] What went through your mind?
 *     %% Good open question; give her time before the next one.
 *     Client: That I'd fail again.
 *
 * Speech never starts a line with `%%`, and no tag or label does, so a
 * comment cannot be taken for either. The parser keeps comments out of turn
 * text (no rule and no word count sees them); a comment line ends a
 * paragraph. `--strip-tags` leaves comments alone; `--strip-comments` (or
 * `stripComments`) removes each comment line with its line break, which
 * gives back the transcript as it was before the comments were written in.
 */
import type { TextEdit } from './fixes.ts';
import { applyEdits, mergeEdits } from './fixes.ts';
import type { Comment, Root } from './types.ts';

export const COMMENT_PREFIX = '%%';

/** Every comment of a tree, in document order. */
export function allComments(tree: Root): Comment[] {
  const comments: Comment[] = [...(tree.comments ?? [])];
  for (const node of tree.children) if (node.type === 'turn' && node.comments) comments.push(...node.comments);
  return comments;
}

/**
 * The author a comment names, if it starts like `%% Dr. Lee: …` (a short
 * name and a colon), and the comment's text without it.
 */
export function commentAuthor(comment: Comment): { author?: string; body: string } {
  const m = /^([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}):\s+(\S[\s\S]*)$/.exec(comment.value);
  return m ? { author: m[1]!, body: m[2]! } : { body: comment.value };
}

/** The comment's whole line: from its line start to the next line's start (or the end of the text). */
function commentLine(text: string, comment: Comment): TextEdit {
  const start = comment.position.start.offset! - (comment.position.start.column - 1);
  let end = comment.position.end.offset!;
  while (end < text.length && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
  if (end < text.length) end += text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1;
  return { start, end, text: '' };
}

/** The transcript without its comment lines. */
export function stripComments(text: string, tree: Root): string {
  return applyEdits(text, stripCommentEdits(text, tree));
}

/**
 * The edits that remove comment lines whole. Comment lines that end a text
 * without a final line break take the line break before them instead, so no
 * empty line is left behind.
 */
export function stripCommentEdits(text: string, tree: Root, comments: readonly Comment[] = allComments(tree)): TextEdit[] {
  const edits = mergeEdits(comments.map((comment) => commentLine(text, comment)));
  const last = edits[edits.length - 1];
  if (last && last.end === text.length && last.start > 0) {
    const c = text.charCodeAt(text.length - 1);
    if (c !== 10 && c !== 13) {
      last.start--;
      if (text.charCodeAt(last.start) === 10 && last.start > 0 && text.charCodeAt(last.start - 1) === 13) last.start--;
    }
  }
  return edits;
}
