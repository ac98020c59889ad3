/**
 * A transcript as the exchange formats carry it: the header as written, and
 * per turn its speaker, its tags (on the turn and on later paragraphs), its
 * paragraphs' text and the supervisor comments after them. Exports read this;
 * imports build it and write it out the one way a transcript is written here:
 *
 *     <header>
 *
 *     Therapist: [cbt:mood-check] First paragraph.
 *     %% a comment after the first paragraph
 *
 *     [cbt:reflection] Second paragraph.
 *
 *     Client: …
 *
 * A transcript written that way comes back byte for byte; any other comes
 * back with the same turns, words, tags and comments.
 */
import type { Root, Role, Turn } from '../types.ts';

export interface DocParagraph {
  text: string;
  /** Tags at the start of this paragraph (always none on the first: those are the turn's). */
  tags: string[];
}

export interface DocComment {
  /** Paragraphs of the turn before the comment (0: right after the label line). */
  after: number;
  text: string;
}

export interface DocTurn {
  speaker: string;
  role: Role;
  /** Tags of the turn (right after its label). */
  tags: string[];
  paragraphs: DocParagraph[];
  comments: DocComment[];
}

export interface TranscriptDoc {
  /** Everything before the first turn, as written (comment lines included), without the blank lines after it. */
  header?: string;
  turns: DocTurn[];
}

/** The exchange view of a parsed transcript. */
export function docOf(text: string, tree: Root): TranscriptDoc {
  const turns: DocTurn[] = [];
  let firstTurnLine = text.length;
  for (const node of tree.children) {
    if (node.type !== 'turn') continue;
    if (turns.length === 0) firstTurnLine = node.position.start.offset! - (node.position.start.column - 1);
    turns.push(docTurn(node));
  }
  const doc: TranscriptDoc = { turns };
  const header = text.slice(0, firstTurnLine).replace(/^\uFEFF/, '').replace(/\s+$/, '');
  if (header) doc.header = header;
  return doc;
}

function docTurn(node: Turn): DocTurn {
  const turn: DocTurn = { speaker: node.speaker, role: node.role, tags: [], paragraphs: [], comments: [] };
  const ends: number[] = [];
  // Tags of a paragraph that is tags alone (on their own line, the text after a blank line) tag what follows.
  let pending: string[] = [];
  for (const child of node.children) {
    if (child.type === 'tag') turn.tags.push(`${child.namespace}:${child.id}`);
    if (child.type !== 'paragraph') continue;
    let body = '';
    for (const inner of child.children) {
      if (inner.type === 'tag') pending.push(`${inner.namespace}:${inner.id}`);
      else body = inner.value;
    }
    if (body === '') continue;
    if (turn.paragraphs.length === 0) {
      turn.tags.push(...pending);
      turn.paragraphs.push({ text: body, tags: [] });
    } else turn.paragraphs.push({ text: body, tags: pending });
    pending = [];
    ends.push(child.position.end.offset!);
  }
  turn.tags.push(...pending);
  for (const comment of node.comments ?? []) {
    const at = comment.position.start.offset!;
    turn.comments.push({ after: ends.filter((end) => end <= at).length, text: comment.value });
  }
  return turn;
}

export interface RenderOptions {
  /** Write the tags (default true). */
  tags?: boolean;
  /** Write the comment lines (default true). */
  comments?: boolean;
  /** Write the header (default true). */
  header?: boolean;
}

export interface RenderedTurn {
  /** Offset of the label. */
  lineStart: number;
  /** The speech: from the first paragraph's text to the last one's end (empty range after the label when there is none). */
  start: number;
  end: number;
  paragraphs: Array<{ start: number; end: number }>;
}

/** The transcript text of a doc, and where each turn's speech and paragraphs are in it. */
export function renderDoc(doc: TranscriptDoc, options: RenderOptions = {}): { text: string; turns: RenderedTurn[] } {
  const withTags = options.tags !== false;
  const withComments = options.comments !== false;
  const parts: string[] = [];
  let offset = 0;
  const put = (s: string) => {
    parts.push(s);
    offset += s.length;
  };
  const headerText = doc.header && !withComments ? headerComments(doc.header).text : doc.header;
  const writeHeader = !!headerText && options.header !== false;
  if (writeHeader) put(doc.turns.length ? `${headerText}\n\n` : headerText!);
  const rendered: RenderedTurn[] = [];
  doc.turns.forEach((turn, t) => {
    if (t > 0) put('\n\n');
    const lineStart = offset;
    const comments = withComments ? turn.comments : [];
    const commentLines = (keep: (c: DocComment) => boolean) => {
      for (const c of comments) if (keep(c)) put(`\n%%${c.text ? ` ${c.text}` : ''}`);
    };
    const head = withTags ? turn.tags.map((tag) => `[${tag}]`).join(' ') : '';
    const before = comments.some((c) => c.after === 0);
    put(`${turn.speaker}:${head ? ` ${head}` : ''}`);
    const paragraphs: Array<{ start: number; end: number }> = [];
    if (turn.paragraphs.length === 0) commentLines(() => true);
    else if (before) {
      // Comments between the label line and the first paragraph: the text starts on a line of its own.
      commentLines((c) => c.after === 0);
      put('\n');
    } else put(' ');
    turn.paragraphs.forEach((p, i) => {
      if (i > 0) put(`\n\n${withTags && p.tags.length ? `${p.tags.map((tag) => `[${tag}]`).join(' ')} ` : ''}`);
      const start = offset;
      put(p.text);
      paragraphs.push({ start, end: offset });
      const last = i === turn.paragraphs.length - 1;
      commentLines((c) => (last ? c.after >= i + 1 : c.after === i + 1));
    });
    const start = paragraphs[0]?.start ?? offset;
    rendered.push({ lineStart, start, end: paragraphs[paragraphs.length - 1]?.end ?? start, paragraphs });
  });
  if (doc.turns.length || writeHeader) put('\n');
  return { text: parts.join(''), turns: rendered };
}

/** A header without its comment lines, and the comments with the index of the line each stood on. */
export function headerComments(header: string): { text: string; comments: Array<{ line: number; text: string }> } {
  const lines = header.split(/\r?\n/);
  const comments: Array<{ line: number; text: string }> = [];
  const kept: string[] = [];
  lines.forEach((line, i) => {
    const m = /^\s*%%\s?(.*?)\s*$/.exec(line);
    if (m) comments.push({ line: i, text: m[1]! });
    else kept.push(line);
  });
  return { text: kept.join('\n').replace(/\s+$/, ''), comments };
}

/** Put header comments back on their lines. */
export function withHeaderComments(header: string | undefined, comments: ReadonlyArray<{ line: number; text: string }>): string | undefined {
  if (!comments.length) return header;
  const lines = header ? header.split('\n') : [];
  for (const c of [...comments].sort((a, b) => a.line - b.line)) lines.splice(Math.min(c.line, lines.length), 0, `%%${c.text ? ` ${c.text}` : ''}`);
  return lines.join('\n');
}
