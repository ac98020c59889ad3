/**
 * Chat-format records (`{"messages": [{"role", "content"}]}`, as in most
 * fine-tuning datasets) as transcripts, and edits of the transcript back onto
 * the messages.
 *
 * A record is rendered as the plain transcript a person would write:
 *
 *     Therapist: <assistant content>
 *
 *     Patient: <user content>
 *
 * assistant/therapist/counselor → `Therapist`, user/patient → `Patient`,
 * client → `Client`; a dataset's own roles come from the configuration's
 * `roles` (`{"Seeker": "patient"}` → `Patient`). System messages are instructions to the generator, not
 * part of the session, so they are left out (linting a prompt would only
 * produce noise) and come back untouched in a fixed record. Every rendered
 * message keeps the range of its label and content, so a finding can name the
 * message it is in and a fix can be written back into that message alone.
 */
import type { TextEdit } from '../core/fixes.ts';
import type { ChatRole } from '../core/config.ts';
import { INSTRUCTION_ROLES, LABEL_OF_ROLE } from '../core/exchange/chat.ts';
import { elements, member, members, rewriteElements, splice, type Replacement } from './record.ts';
import { lastAtOrBefore } from '../core/search.ts';

export class InputError extends Error {}

/** The built-in chat roles and the labels they become, and the roles left out: one table, the exchange format's. */
const LABELS = LABEL_OF_ROLE;
const SKIPPED = INSTRUCTION_ROLES;

/** One rendered message: where its turn and its content are in the transcript. */
export interface Part {
  /** Index in the record's `messages`. */
  index: number;
  /** Offset of the label. */
  start: number;
  /** Offset after the label's colon. */
  labelEnd: number;
  contentStart: number;
  contentEnd: number;
  /** Content given as an array of parts: where each text part is (they are joined by a blank line). */
  segments?: Segment[];
}

/** A text part of a multi-part content, in the transcript. */
export interface Segment {
  /** Index in the message's `content` array. */
  part: number;
  start: number;
  end: number;
}

export interface RenderedChat {
  text: string;
  parts: Part[];
}

/** Text parts of a multi-part content are joined by a blank line: paragraphs of the turn. */
export const SEGMENT_SEPARATOR = '\n\n';

/** A text part of a content array: a string, or an object with a string `text` ({"type": "text", "text": …}). */
export function partText(part: unknown): string | undefined {
  if (typeof part === 'string') return part;
  if (part && typeof part === 'object' && !Array.isArray(part) && typeof (part as { text?: unknown }).text === 'string') return (part as { text: string }).text;
  return undefined;
}

/**
 * The content of a message as text: a string; or the text parts of a
 * multi-part content array, each a paragraph, with where each one is; `null`
 * for an array with no text part (an image alone: nothing to lint, so the
 * message is not a turn and comes back as it was). No content at all is an
 * empty turn.
 */
function contentText(content: unknown, index: number): { body: string; segments?: Segment[] } | null {
  if (content === null || content === undefined) return { body: '' };
  if (typeof content === 'string') return { body: content };
  if (Array.isArray(content)) {
    const segments: Segment[] = [];
    const pieces: string[] = [];
    let offset = 0;
    content.forEach((part, k) => {
      const text = partText(part);
      if (text === undefined) return;
      if (segments.length > 0) {
        pieces.push(SEGMENT_SEPARATOR);
        offset += SEGMENT_SEPARATOR.length;
      }
      segments.push({ part: k, start: offset, end: offset + text.length });
      pieces.push(text);
      offset += text.length;
    });
    if (segments.length === 0) return null;
    return { body: pieces.join(''), segments };
  }
  throw new InputError(`messages[${index}].content must be a string or an array of text parts`);
}

const ROLE_LABELS: Record<Exclude<ChatRole, 'skip'>, string> = { therapist: 'Therapist', patient: 'Patient' };

/** `roles`: the configuration's own roles (lower-cased names), which win over the built-in ones. */
export function renderChat(messages: readonly unknown[], roles: Readonly<Record<string, ChatRole>> = {}): RenderedChat {
  const pieces: string[] = [];
  const parts: Part[] = [];
  let offset = 0;
  messages.forEach((message, index) => {
    if (!message || typeof message !== 'object' || Array.isArray(message)) throw new InputError(`messages[${index}] must be an object with "role" and "content"`);
    const { role, content } = message as { role?: unknown; content?: unknown };
    const key = typeof role === 'string' ? role.trim().toLowerCase() : '';
    const own = Object.hasOwn(roles, key) ? roles[key] : undefined;
    if (own === 'skip' || (own === undefined && SKIPPED.has(key))) return;
    const label = own ? ROLE_LABELS[own] : LABELS[key];
    if (!label) {
      throw new InputError(
        `messages[${index}].role ${JSON.stringify(role)} is not one of ${[...Object.keys(LABELS), ...SKIPPED, ...Object.keys(roles)].join(', ')}: map it in the configuration's "roles" (e.g. "roles": { ${JSON.stringify(typeof role === 'string' ? role : 'Seeker')}: "therapist", "patient" or "skip" })`,
      );
    }
    const rendered = contentText(content, index);
    if (!rendered) return;
    const { body } = rendered;
    if (parts.length > 0) {
      pieces.push('\n\n');
      offset += 2;
    }
    const head = body ? `${label}: ` : `${label}:`;
    const contentStart = offset + head.length;
    const part: Part = { index, start: offset, labelEnd: offset + label.length + 1, contentStart, contentEnd: contentStart + body.length };
    if (rendered.segments) part.segments = rendered.segments.map((s) => ({ part: s.part, start: s.start + contentStart, end: s.end + contentStart }));
    parts.push(part);
    pieces.push(head, body);
    offset += head.length + body.length;
  });
  if (parts.length > 0) pieces.push('\n');
  return { text: pieces.join(''), parts };
}

/** The index (in `messages`) of the rendered message an offset falls in. */
export function messageAt(parts: readonly Part[], offset: number): number | undefined {
  return parts[lastAtOrBefore(parts.length, (i) => parts[i]!.start, offset)]?.index;
}

/**
 * Carry the parts through one set of non-overlapping edits (one pass of
 * fixes). A message whose label an edit removes (a removed turn) is dropped;
 * any other keeps its content range, grown or shrunk by the edits inside it.
 * One sweep over parts and edits together: linear, however long the chat.
 */
export function mapParts(parts: readonly Part[], edits: readonly TextEdit[]): Part[] {
  const mapper = new OffsetMapper([...edits].sort((a, b) => a.start - b.start || a.end - b.end));
  const kept: Part[] = [];
  for (const part of parts) {
    if (mapper.covers(part.start, part.labelEnd)) continue;
    const start = mapper.map(part.start, 'start');
    const labelEnd = mapper.map(part.labelEnd, 'start');
    const contentStart = mapper.map(part.contentStart, 'start');
    let segments: Segment[] | undefined;
    if (part.segments) {
      segments = [];
      for (const s of part.segments) {
        const segmentStart = mapper.map(s.start, 'start');
        segments.push({ part: s.part, start: segmentStart, end: Math.max(segmentStart, mapper.map(s.end, 'end')) });
      }
    }
    const contentEnd = Math.max(contentStart, mapper.map(part.contentEnd, 'end'));
    kept.push(segments ? { index: part.index, start, labelEnd, contentStart, contentEnd, segments } : { index: part.index, start, labelEnd, contentStart, contentEnd });
  }
  return kept;
}

/**
 * Where offsets land after sorted, non-overlapping edits, asked in
 * increasing order (so the edits are walked once). An insertion exactly at a
 * content boundary belongs to the content (`start` stays before it, `end`
 * moves past it); an offset inside a replaced range moves to the
 * replacement's far side for a start and its near side for an end, so content
 * never takes in what was removed around it.
 */
class OffsetMapper {
  private next = 0;
  /** Growth of the text from the edits wholly before the current offset. */
  private delta = 0;

  constructor(private readonly edits: readonly TextEdit[]) {}

  private advance(offset: number): void {
    for (; this.next < this.edits.length && this.edits[this.next]!.end < offset; this.next++) this.delta += grow(this.edits[this.next]!);
  }

  /** Whether one edit replaces all of [from, to). */
  covers(from: number, to: number): boolean {
    this.advance(from);
    for (let i = this.next; i < this.edits.length && this.edits[i]!.start <= from; i++) if (this.edits[i]!.end >= to) return true;
    return false;
  }

  map(offset: number, bias: 'start' | 'end'): number {
    this.advance(offset);
    let delta = this.delta;
    // The few edits that touch the offset: end at it, insert at it, start at it or span it.
    for (let i = this.next; i < this.edits.length && this.edits[i]!.start <= offset; i++) {
      const edit = this.edits[i]!;
      if (edit.start === offset && edit.end === offset) {
        if (bias === 'end') delta += grow(edit);
      } else if (edit.end === offset) delta += grow(edit);
      else if (edit.start === offset) break;
      else return edit.start + delta + (bias === 'start' ? edit.text.length : 0);
    }
    return offset + delta;
  }
}

function grow(edit: TextEdit): number {
  return edit.text.length - (edit.end - edit.start);
}

/**
 * The record's messages after the transcript was edited, as a replacement of
 * the raw JSON of its `messages` array (which starts at `arrayStart` in
 * `json`), or `undefined` when no message changed. A removed turn drops its
 * message; edited content replaces the message's `content` string, or the
 * `text` of each edited part of a multi-part content; every other byte —
 * system messages, other fields, other parts — is kept as it was.
 */
export function rewriteMessages(json: string, arrayStart: number, original: RenderedChat, parts: readonly Part[], text: string): Replacement | undefined {
  const byIndex = new Map(parts.map((part) => [part.index, part] as const));
  const originals = new Map(original.parts.map((part) => [part.index, part] as const));
  let changed = false;
  const replacement = rewriteElements(json, elements(json, arrayStart), (index, element) => {
    const raw = json.slice(element.start, element.end);
    const before = originals.get(index);
    if (!before) return raw; // Not rendered (a system message): as it was.
    const after = byIndex.get(index);
    if (!after) {
      changed = true; // Its turn was removed.
      return null;
    }
    const edits: Replacement[] = [];
    if (before.segments && after.segments) {
      const content = member(json, element.start, 'content')!;
      const items = elements(json, content.start);
      before.segments.forEach((segment, k) => {
        const now = after.segments![k]!;
        const value = text.slice(now.start, now.end);
        if (value === original.text.slice(segment.start, segment.end)) return;
        const item = items[segment.part]!;
        const span = json.charCodeAt(item.start) === 34 ? item : member(json, item.start, 'text')!;
        edits.push({ start: span.start - element.start, end: span.end - element.start, text: JSON.stringify(value) });
      });
    } else {
      const value = text.slice(after.contentStart, after.contentEnd);
      if (value !== original.text.slice(before.contentStart, before.contentEnd)) {
        const content = member(json, element.start, 'content');
        if (content) edits.push({ start: content.start - element.start, end: content.end - element.start, text: JSON.stringify(value) });
        else {
          // No content field (an empty turn) that now has text: add one.
          const empty = members(json, element.start).length === 0;
          edits.push({ start: 1, end: 1, text: `"content":${JSON.stringify(value)}${empty ? '' : ','}` });
        }
      }
    }
    if (edits.length === 0) return raw;
    changed = true;
    return splice(raw, edits);
  });
  return changed ? replacement : undefined;
}

/** `rewriteMessages` on values: the messages after the transcript was edited. */
export function rebuildMessages(messages: readonly unknown[], original: RenderedChat, parts: readonly Part[], text: string): unknown[] {
  const json = JSON.stringify(messages);
  const replacement = rewriteMessages(json, 0, original, parts, text);
  return replacement ? (JSON.parse(splice(json, [replacement])) as unknown[]) : [...messages];
}
