/**
 * Sessions as chat records for dataset pipelines, and back.
 *
 * Export: one JSON line per session,
 *
 *     {"id", "messages": [{"role", "content"}], "labels": [...], "findings": [...], "meta": {...}}
 *
 * with the tags out of the text: `labels` has one entry per message (its
 * speaker's label, the turn's tags, and the tags of later paragraphs), and
 * `messages` is the plain chat a trainer reads. Roles map therapist →
 * assistant and patient (and anyone else) → user unless told otherwise.
 * `meta` keeps what a transcript has besides turns: the header and the
 * supervisor comments.
 *
 * Import: a record (this tool's, or any chat record: system messages and
 * other fields included) → a transcript. What the transcript cannot hold as
 * turns — the record's id and other fields, system messages, the roles it
 * used — goes into a first comment line, `%% record: {…}`, so exporting the
 * transcript again gives the record back (with whatever was edited in the
 * editor). `importRecord` says when a record does not come back exactly (a
 * message whose content a transcript would read differently: a line that
 * looks like a speaker label, a tag, a comment, runs of blank lines).
 */
import type { Analysis } from '../lint.ts';
import type { Role } from '../types.ts';
import { parseTranscript } from '../parser.ts';
import { SpeakerTable } from '../speakers.ts';
import { docOf, renderDoc, type DocTurn, type TranscriptDoc } from './doc.ts';

export type RoleMap = Record<Role, string>;

export const DEFAULT_ROLES: RoleMap = { therapist: 'assistant', patient: 'user', other: 'user' };

/** Chat roles read as a speaker when a record names none (as `--jsonl` reads chat records). */
export const LABEL_OF_ROLE: Readonly<Record<string, string>> = {
  assistant: 'Therapist',
  therapist: 'Therapist',
  counselor: 'Therapist',
  counsellor: 'Therapist',
  user: 'Patient',
  patient: 'Patient',
  client: 'Client',
};
export const INSTRUCTION_ROLES: ReadonlySet<string> = new Set(['system', 'developer']);

export const RECORD_COMMENT = 'record:';

export interface ChatLabel {
  /** Index of the message in `messages`. */
  message: number;
  /** The speaker's label in the transcript ("Therapist", "Client", "Dr. Lee"). */
  speaker: string;
  role: Role;
  /** Tags of the turn. */
  tags: string[];
  /** Tags of later paragraphs (paragraph index from 0, as the content's blank lines count them). */
  paragraphs?: Array<{ paragraph: number; tags: string[] }>;
}

export interface ChatFinding {
  ruleId: string;
  severity: string;
  line: number;
  column: number;
  reason: string;
  messageIndex?: number;
}

export interface ChatRecord {
  id: unknown;
  messages: Array<Record<string, unknown>>;
  labels: ChatLabel[];
  findings: ChatFinding[];
  meta: { source?: string; header?: string; comments?: Array<{ message: number; after: number; text: string }> };
  [field: string]: unknown;
}

/** What a `%% record:` line keeps of an imported record. */
interface KeptRecord {
  id?: unknown;
  /** Other fields of the record, as they were. */
  fields?: Record<string, unknown>;
  /** Messages that are not turns (system, developer), with their index in `messages`. */
  instructions?: Array<{ at: number; message: unknown }>;
  /** The chat role each speaker label had, when it is not what the default mapping gives. */
  roles?: Record<string, string>;
  /** Fields of each message besides role and content (name, weight …), by turn. */
  extra?: Array<{ turn: number; fields: Record<string, unknown> }>;
  /** The record had no id. */
  noId?: boolean;
  /** The record's fields in their order. */
  order?: string[];
}

/** Split off the `%% record: {…}` first line of a header, if it has one. */
function keptRecordOf(header: string | undefined): { kept?: KeptRecord; header?: string } {
  if (!header) return {};
  const m = /^%%\s*record:\s*(\{.*\})[ \t]*(?:\r?\n|$)/.exec(header);
  if (!m) return { header };
  let kept: KeptRecord | undefined;
  try {
    kept = JSON.parse(m[1]!) as KeptRecord;
  } catch {
    return { header };
  }
  const rest = header.slice(m[0].length).replace(/^\s*\n/, '');
  return rest ? { kept, header: rest } : { kept };
}

export interface ExportOptions {
  /** Chat role per transcript role (default therapist → assistant, others → user). */
  roles?: Partial<RoleMap>;
  /** The record's id when the transcript does not carry one (default: the file name without `.transcript`). */
  id?: string;
  source?: string;
}

/** One session as a chat record. */
export function exportRecord(analysis: Analysis, options: ExportOptions = {}): ChatRecord {
  const { session, messages: lint } = analysis;
  const doc = docOf(session.text, session.tree);
  const { kept, header } = keptRecordOf(doc.header);
  const roles: RoleMap = { ...DEFAULT_ROLES, ...options.roles };
  const explicit = options.roles ?? {};
  const messages: Array<Record<string, unknown>> = [];
  const labels: ChatLabel[] = [];
  const comments: Array<{ message: number; after: number; text: string }> = [];
  const messageOfTurn: number[] = [];
  const instructions = [...(kept?.instructions ?? [])].sort((a, b) => a.at - b.at);
  let next = 0;
  const placeInstructions = (upTo: number) => {
    while (next < instructions.length && instructions[next]!.at <= upTo) messages.push(instructions[next++]!.message as Record<string, unknown>);
  };
  doc.turns.forEach((turn, i) => {
    placeInstructions(messages.length);
    const role = explicit[turn.role] ?? kept?.roles?.[turn.speaker] ?? roles[turn.role];
    const extra = kept?.extra?.find((e) => e.turn === i)?.fields;
    const index = messages.length;
    messages.push({ ...(extra ?? {}), role, content: turn.paragraphs.map((p) => p.text).join('\n\n') });
    messageOfTurn.push(index);
    const label: ChatLabel = { message: index, speaker: turn.speaker, role: turn.role, tags: turn.tags };
    const paragraphTags = turn.paragraphs.map((p, k) => ({ paragraph: k, tags: p.tags })).filter((p) => p.tags.length > 0);
    if (paragraphTags.length) label.paragraphs = paragraphTags;
    labels.push(label);
    for (const c of turn.comments) comments.push({ message: index, after: c.after, text: c.text });
  });
  placeInstructions(Number.POSITIVE_INFINITY);
  const findings: ChatFinding[] = lint.map((m) => {
    const turn = session.turnAt(m.start.offset!);
    return {
      ruleId: m.ruleId,
      severity: m.severity,
      line: m.start.line,
      column: m.start.column,
      reason: m.reason,
      ...(turn !== undefined ? { messageIndex: messageOfTurn[turn]! } : {}),
    };
  });
  const meta: ChatRecord['meta'] = {};
  if (options.source) meta.source = options.source;
  if (header) meta.header = header;
  if (comments.length) meta.comments = comments;
  const built: Record<string, unknown> = { ...(kept?.fields ?? {}), messages, labels, findings, meta };
  if (!kept?.noId) built.id = kept && 'id' in kept ? kept.id : (options.id ?? null);
  // The imported record's order of fields, then ours.
  const order = [...(kept?.order ?? ['id', 'messages']), 'id', 'messages', 'labels', 'findings', 'meta', ...Object.keys(built)];
  const record: Record<string, unknown> = {};
  for (const key of order) if (key in built && !(key in record)) record[key] = built[key];
  return record as ChatRecord;
}

export class RecordError extends Error {}

export interface ImportedRecord {
  /** The transcript's text. */
  text: string;
  /** A file name for it (from the id; the caller makes it unique). */
  name: string;
  /** Why exporting the transcript would not give this record back exactly, if it would not. */
  differences: string[];
  /** Speaker labels the transcript uses that are not built in, with their roles (for a `.transcriptrc.json`). */
  speakers: Record<string, Role>;
}

/** A file name from a record's id: letters, digits, `.`, `-`, `_` (others become `_`). */
export function fileNameOf(id: unknown, line: number): string {
  const base = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
  const safe = base.replace(/[^\w.-]+/g, '_').replace(/\.{2,}/g, '_').replace(/_+/g, '_').replace(/^[._]+/, '').slice(0, 120);
  return safe ? `${safe}.transcript` : `record-${line}.transcript`;
}

function contentOf(content: unknown, index: number): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content) && content.every((p) => typeof p === 'string' || (p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string'))) {
    return content.map((p) => (typeof p === 'string' ? p : (p as { text: string }).text)).join('');
  }
  throw new RecordError(`messages[${index}].content must be a string or an array of text parts`);
}

/** A chat record (a parsed JSON line) → a transcript. Throws `RecordError` for what is not a chat record. */
export function importRecord(record: unknown, line: number): ImportedRecord {
  if (!record || typeof record !== 'object' || Array.isArray(record)) throw new RecordError('a record must be a JSON object with "messages"');
  const r = record as Record<string, unknown>;
  if (!Array.isArray(r.messages)) throw new RecordError('a chat record needs "messages": an array of {"role", "content"}');
  const labels = Array.isArray(r.labels) ? (r.labels as ChatLabel[]) : [];
  const labelOf = new Map(labels.filter((l) => l && typeof l.message === 'number').map((l) => [l.message, l] as const));
  const meta = r.meta && typeof r.meta === 'object' ? (r.meta as ChatRecord['meta']) : {};
  const kept: KeptRecord = {};
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(r)) if (!['id', 'messages', 'labels', 'findings', 'meta'].includes(key)) fields[key] = value;
  if (Object.keys(fields).length) kept.fields = fields;
  if ('id' in r) kept.id = r.id;
  else kept.noId = true;
  const order = Object.keys(r);
  const doc: TranscriptDoc = { turns: [] };
  const instructions: KeptRecord['instructions'] = [];
  const roles: Record<string, string> = {};
  const extras: NonNullable<KeptRecord['extra']> = [];
  r.messages.forEach((message, index) => {
    if (!message || typeof message !== 'object') throw new RecordError(`messages[${index}] must be an object with "role" and "content"`);
    const { role, content, ...rest } = message as Record<string, unknown>;
    const key = typeof role === 'string' ? role.toLowerCase() : '';
    if (INSTRUCTION_ROLES.has(key)) {
      instructions.push({ at: index, message });
      return;
    }
    const label = labelOf.get(index);
    const speaker = typeof label?.speaker === 'string' && /^[A-Za-z][A-Za-z.'’-]*(?: [A-Za-z0-9][A-Za-z0-9.'’-]*){0,3}$/.test(label.speaker) ? label.speaker : LABEL_OF_ROLE[key];
    if (!speaker) throw new RecordError(`messages[${index}].role ${JSON.stringify(role)} is not one of ${[...Object.keys(LABEL_OF_ROLE), ...INSTRUCTION_ROLES].join(', ')}`);
    const turnRole: Role = label?.role === 'therapist' || label?.role === 'patient' || label?.role === 'other' ? label.role : /^(assistant|therapist|counsell?or)$/.test(key) ? 'therapist' : 'patient';
    if (typeof role === 'string' && role !== DEFAULT_ROLES[turnRole]) roles[speaker] = role;
    if (Object.keys(rest).length) extras.push({ turn: doc.turns.length, fields: rest });
    const text = contentOf(content, index);
    const paragraphTags = new Map((label?.paragraphs ?? []).map((p) => [p.paragraph, p.tags] as const));
    const turnComments = (meta.comments ?? []).filter((c) => c.message === index);
    // Paragraphs as the export wrote them (a blank line between); content without tags or comments of its own stays as it is.
    const split = paragraphTags.size || turnComments.length ? text.split('\n\n') : [text];
    const turn: DocTurn = {
      speaker,
      role: turnRole,
      tags: Array.isArray(label?.tags) ? label.tags.filter((t): t is string => typeof t === 'string') : [],
      paragraphs: text === '' ? [] : split.map((p, k) => ({ text: p, tags: paragraphTags.get(k) ?? [] })),
      comments: turnComments.map((c) => ({ after: c.after, text: c.text })),
    };
    doc.turns.push(turn);
  });
  if (instructions.length) kept.instructions = instructions;
  if (Object.keys(roles).length) kept.roles = roles;
  if (extras.length) kept.extra = extras;
  const name = fileNameOf(r.id, line);
  // The file name keeps a string id that is a file name already; a record line keeps anything else.
  const idInName = typeof r.id === 'string' && name === `${r.id}.transcript`;
  const standardOrder = order.filter((k) => k !== 'labels' && k !== 'findings' && k !== 'meta').join(',') === 'id,messages';
  if (!standardOrder) kept.order = order;
  const needed = kept.fields || kept.instructions || kept.roles || kept.extra || kept.noId || !idInName || !standardOrder;
  const recordLine = needed ? `%% ${RECORD_COMMENT} ${JSON.stringify(kept)}` : undefined;
  const header = [recordLine, typeof meta.header === 'string' && meta.header ? meta.header : undefined].filter(Boolean).join('\n');
  if (header) doc.header = header;
  const defaults = new SpeakerTable();
  const speakers: Record<string, Role> = {};
  for (const turn of doc.turns) if (!defaults.get(turn.speaker)) speakers[turn.speaker] = turn.role;
  const { text } = renderDoc(doc);
  return { text, name, differences: roundTripDifferences(r, text, speakers), speakers };
}

/** Export the imported transcript again and say where it differs from the record. */
function roundTripDifferences(record: Record<string, unknown>, text: string, extra: Record<string, Role>): string[] {
  const tree = parseTranscript(text, { speakers: new SpeakerTable(extra) });
  const doc = docOf(text, tree);
  const differences: string[] = [];
  const turnsIn = (record.messages as unknown[]).filter((m) => !INSTRUCTION_ROLES.has(String((m as { role?: unknown }).role ?? '').toLowerCase())).length;
  if (doc.turns.length !== turnsIn) differences.push(`${turnsIn} messages became ${doc.turns.length} turns (a line in a message that looks like a speaker label starts a turn of its own)`);
  let turn = 0;
  (record.messages as Array<Record<string, unknown>>).forEach((message, index) => {
    if (INSTRUCTION_ROLES.has(String(message.role ?? '').toLowerCase())) return;
    const got = doc.turns[turn++];
    if (!got) return;
    const want = contentOf(message.content, index);
    const back = got.paragraphs.map((p) => p.text).join('\n\n');
    if (back !== want) differences.push(`messages[${index}] comes back as ${JSON.stringify(short(back))} instead of ${JSON.stringify(short(want))} (a transcript trims spaces around paragraphs, joins blank lines, and reads tags and %% lines as such)`);
  });
  return differences;
}

const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

/** Parse `therapist=assistant,patient=user` (repeatable) into a role map. */
export function parseRoleMap(specs: readonly string[]): Partial<RoleMap> | string {
  const map: Partial<RoleMap> = {};
  for (const spec of specs.flatMap((s) => s.split(','))) {
    const [from, to] = spec.split('=').map((x) => x?.trim());
    if (!from || !to || (from !== 'therapist' && from !== 'patient' && from !== 'other')) return `--role expects therapist=<role>, patient=<role> or other=<role>, got "${spec}"`;
    map[from] = to;
  }
  return map;
}
