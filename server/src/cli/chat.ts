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
 * client → `Client`. System messages are instructions to the generator, not
 * part of the session, so they are left out (linting a prompt would only
 * produce noise) and come back untouched in a fixed record. Every rendered
 * message keeps the range of its label and content, so a finding can name the
 * message it is in and a fix can be written back into that message alone.
 */
import type { TextEdit } from '../core/fixes.ts';
import { lastAtOrBefore } from '../core/search.ts';

export class InputError extends Error {}

const LABELS: Record<string, string> = {
  assistant: 'Therapist',
  therapist: 'Therapist',
  counselor: 'Therapist',
  counsellor: 'Therapist',
  user: 'Patient',
  patient: 'Patient',
  client: 'Client',
};
const SKIPPED = new Set(['system', 'developer']);

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
}

export interface RenderedChat {
  text: string;
  parts: Part[];
}

/** The content of a message as text: a string, or the text parts of a multi-part content array. */
function contentText(content: unknown, index: number): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'string' ? part : part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
      .join('');
  }
  throw new InputError(`messages[${index}].content must be a string or an array of text parts`);
}

export function renderChat(messages: readonly unknown[]): RenderedChat {
  const pieces: string[] = [];
  const parts: Part[] = [];
  let offset = 0;
  messages.forEach((message, index) => {
    if (!message || typeof message !== 'object') throw new InputError(`messages[${index}] must be an object with "role" and "content"`);
    const { role, content } = message as { role?: unknown; content?: unknown };
    const key = typeof role === 'string' ? role.toLowerCase() : '';
    if (SKIPPED.has(key)) return;
    const label = LABELS[key];
    if (!label) throw new InputError(`messages[${index}].role ${JSON.stringify(role)} is not one of ${[...Object.keys(LABELS), ...SKIPPED].join(', ')}`);
    const body = contentText(content, index);
    if (parts.length > 0) {
      pieces.push('\n\n');
      offset += 2;
    }
    const head = body ? `${label}: ` : `${label}:`;
    parts.push({ index, start: offset, labelEnd: offset + label.length + 1, contentStart: offset + head.length, contentEnd: offset + head.length + body.length });
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
    const contentEnd = Math.max(contentStart, mapper.map(part.contentEnd, 'end'));
    kept.push({ index: part.index, start, labelEnd, contentStart, contentEnd });
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
 * The record's messages after the transcript was edited: removed turns drop
 * their message, edited content replaces the message's `content` (as a
 * string), and everything else — system messages, other fields — is kept.
 */
export function rebuildMessages(messages: readonly unknown[], original: RenderedChat, parts: readonly Part[], text: string): unknown[] {
  const byIndex = new Map(parts.map((part) => [part.index, part] as const));
  const rendered = new Set(original.parts.map((part) => part.index));
  const before = new Map(original.parts.map((part) => [part.index, original.text.slice(part.contentStart, part.contentEnd)] as const));
  const result: unknown[] = [];
  messages.forEach((message, index) => {
    if (!rendered.has(index)) {
      result.push(message);
      return;
    }
    const part = byIndex.get(index);
    if (!part) return; // Its turn was removed.
    const content = text.slice(part.contentStart, part.contentEnd);
    result.push(content === before.get(index) ? message : { ...(message as object), content });
  });
  return result;
}
