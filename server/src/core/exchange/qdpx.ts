/**
 * REFI-QDA (QDA-XML 1.0) projects: what NVivo, ATLAS.ti, MAXQDA, QualCoder
 * and Taguette exchange. A `.qdpx` is a zip of `project.qde` (XML, namespace
 * `urn:QDA-XML:project:1.0`, valid against REFI's Project.xsd) and a
 * `sources/` folder with one plain-text file per session.
 *
 * Export: the codebook as codes (a namespace is a code that is not codable,
 * its techniques the codes under it, each with `[ns:id]` and its definition as
 * description); one text source per session — the transcript without tags
 * and comments; each tag a coding on a selection of that text (a turn tag:
 * the turn's speech; a paragraph tag: the paragraph); supervisor comments as
 * notes on a selection of their turn. Positions count Unicode characters
 * (code points), as REFI-QDA and QualCoder do.
 *
 * Import: each text source becomes a transcript; a coding becomes a tag on
 * the turn (or the later paragraph) its selection lies in, its code's tag
 * read from the `[ns:id]` this export writes, else from the codebook's labels,
 * else made from the code's name and its parent's.
 */
import { createHash } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { DOMParser, type Element } from '@xmldom/xmldom';
import type { Codebook } from '../codebook.ts';
import { parseTranscript } from '../parser.ts';
import { SpeakerTable } from '../speakers.ts';
import type { Role } from '../types.ts';
import { docOf, headerComments, renderDoc, withHeaderComments, type TranscriptDoc } from './doc.ts';

export const QDA_NAMESPACE = 'urn:QDA-XML:project:1.0';

export interface QdpxSession {
  /** The session's name (the file name without `.transcript`). */
  name: string;
  text: string;
  speakers?: Record<string, Role>;
}

export interface QdpxOptions {
  /** The project's name. */
  project?: string;
  /** Who coded (the REFI user of every coding). */
  coder?: string;
  /** Creation time of the project and its codings (default now). */
  now?: Date;
  /** Who made the file (`origin`). */
  origin?: string;
}

/** A GUID made from names, so the same project exports to the same file. */
function guid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  // RFC 4122 layout, version 5 and variant bits set.
  const v = `5${h.slice(13, 16)}`;
  const variant = ((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16).padStart(2, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${v}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

const escapeXml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
/** Attribute values: line breaks and tabs as character references, so parsers keep them. */
const escapeAttribute = (value: string) => escapeXml(value).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Code-point offsets from UTF-16 offsets (REFI-QDA counts characters). */
function codePointIndex(text: string): (offset: number) => number {
  if (!/[\uD800-\uDFFF]/.test(text)) return (offset) => offset;
  const map = new Int32Array(text.length + 1);
  let cp = 0;
  for (let i = 0; i < text.length; i++) {
    map[i] = cp;
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) map[++i] = cp;
    cp++;
  }
  map[text.length] = cp;
  return (offset) => map[offset]!;
}

/** UTF-16 offsets from code-point offsets. */
function utf16Index(text: string): (cp: number) => number {
  if (!/[\uD800-\uDFFF]/.test(text)) return (cp) => Math.min(cp, text.length);
  const starts: number[] = [];
  for (let i = 0; i < text.length; i++) {
    starts.push(i);
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  starts.push(text.length);
  return (cp) => starts[Math.max(0, Math.min(cp, starts.length - 1))]!;
}

/** The tags a codebook knows, and those the sessions use beyond it, as a code tree. */
function codeTree(codebook: Codebook, used: ReadonlySet<string>) {
  const namespaces = new Map<string, { label: string; description: string; entries: Map<string, { label: string; description: string }> }>();
  for (const ns of codebook.namespaces.values()) {
    const entries = new Map<string, { label: string; description: string }>();
    for (const e of ns.entries.values()) entries.set(e.id, { label: e.label, description: [e.definition, e.ctrs ? `CTRS item: ${e.ctrs}.` : '', e.miti ? `MITI code: ${e.miti}.` : ''].filter(Boolean).join(' ') });
    namespaces.set(ns.id, { label: ns.label, description: ns.description ?? '', entries });
  }
  for (const tag of used) {
    const [namespace, id] = tag.split(':') as [string, string];
    let ns = namespaces.get(namespace);
    if (!ns) namespaces.set(namespace, (ns = { label: namespace, description: '', entries: new Map() }));
    if (!ns.entries.has(id)) ns.entries.set(id, { label: id, description: 'Not in the codebook.' });
  }
  return namespaces;
}

/** A REFI-QDA project (`.qdpx` bytes) of tagged sessions. */
export function exportQdpx(sessions: readonly QdpxSession[], codebook: Codebook, options: QdpxOptions = {}): Uint8Array {
  const now = (options.now ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const projectName = options.project ?? 'Transcripts';
  const coder = options.coder ?? 'transcript-lint';
  const user = guid('user', coder);
  const files: Record<string, Uint8Array> = {};
  const sourcesXml: string[] = [];
  const notesXml: string[] = [];
  const used = new Set<string>();
  const docs = sessions.map((session) => {
    const tree = parseTranscript(session.text, { speakers: new SpeakerTable(session.speakers ?? {}) });
    const doc = docOf(session.text, tree);
    for (const turn of doc.turns) for (const tag of [...turn.tags, ...turn.paragraphs.flatMap((p) => p.tags)]) used.add(tag);
    return doc;
  });
  const tree = codeTree(codebook, used);
  const codeGuid = (tag: string) => guid('code', tag);
  const codesXml = [...tree].map(([ns, n], i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const children = [...n.entries].map(
      ([id, e]) => `<Code guid="${codeGuid(`${ns}:${id}`)}" name="${escapeAttribute(e.label)}" isCodable="true" color="${color}"><Description>${escapeXml(`[${ns}:${id}] ${e.description}`.trim())}</Description></Code>`,
    );
    return `<Code guid="${guid('namespace', ns)}" name="${escapeAttribute(n.label)}" isCodable="false" color="${color}"><Description>${escapeXml(`[${ns}] ${n.description}`.trim())}</Description>${children.join('')}</Code>`;
  });
  const names = new Set<string>();
  sessions.forEach((session, s) => {
    const doc = docs[s]!;
    let name = session.name;
    for (let k = 2; names.has(name); k++) name = `${session.name} (${k})`;
    names.add(name);
    const plain = renderDoc(doc, { tags: false, comments: false });
    const source = guid('source', name, plain.text);
    files[`sources/${source}.txt`] = strToU8(plain.text);
    const cp = codePointIndex(plain.text);
    const selections: string[] = [];
    const selection = (id: string, label: string, start: number, end: number, inner: string) =>
      selections.push(`<PlainTextSelection guid="${id}" name="${escapeAttribute(label)}" startPosition="${cp(start)}" endPosition="${cp(end)}" creatingUser="${user}" creationDateTime="${now}">${inner}</PlainTextSelection>`);
    const coding = (id: string, tag: string) => `<Coding guid="${id}" creatingUser="${user}" creationDateTime="${now}"><CodeRef targetGUID="${codeGuid(tag)}"/></Coding>`;
    doc.turns.forEach((turn, t) => {
      const at = plain.turns[t]!;
      const label = `${turn.speaker}, turn ${t + 1}`;
      if (turn.tags.length) {
        const id = guid(source, 'turn', String(t));
        selection(id, label, at.start, at.end, turn.tags.map((tag, k) => coding(guid(id, tag, String(k)), tag)).join(''));
      }
      turn.paragraphs.forEach((p, k) => {
        if (!p.tags.length) return;
        const id = guid(source, 'paragraph', String(t), String(k));
        const range = at.paragraphs[k]!;
        selection(id, `${label}, paragraph ${k + 1}`, range.start, range.end, p.tags.map((tag, j) => coding(guid(id, tag, String(j)), tag)).join(''));
      });
      turn.comments.forEach((comment, k) => {
        const note = guid(source, 'note', String(t), String(k));
        // A note on the paragraph it follows (the turn's speech when it follows the label).
        const range = comment.after > 0 ? at.paragraphs[Math.min(comment.after, at.paragraphs.length) - 1]! : at;
        notesXml.push(`<Note guid="${note}" name="${escapeAttribute(`Comment on ${label}`)}" creatingUser="${user}" creationDateTime="${now}"><PlainTextContent>${escapeXml(comment.text)}</PlainTextContent></Note>`);
        selection(guid(note, 'at'), `${label}, comment ${k + 1}`, range.start, range.end, `<Description>supervisor comment after paragraph ${comment.after}</Description><NoteRef targetGUID="${note}"/>`);
      });
    });
    // Comments in the header: notes on the source, with the header line they stood on.
    const sourceNotes = (doc.header ? headerComments(doc.header).comments : []).map((comment, k) => {
      const note = guid(source, 'header-note', String(k));
      notesXml.push(`<Note guid="${note}" name="${escapeAttribute(`Comment on ${name}`)}" creatingUser="${user}" creationDateTime="${now}"><Description>supervisor comment, header line ${comment.line + 1}</Description><PlainTextContent>${escapeXml(comment.text)}</PlainTextContent></Note>`);
      return `<NoteRef targetGUID="${note}"/>`;
    });
    sourcesXml.push(`<TextSource guid="${source}" name="${escapeAttribute(name)}" plainTextPath="internal://${source}.txt" creatingUser="${user}" creationDateTime="${now}">${selections.join('')}${sourceNotes.join('')}</TextSource>`);
  });
  const xml = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Project xmlns="${QDA_NAMESPACE}" name="${escapeAttribute(projectName)}" origin="${escapeAttribute(options.origin ?? 'transcript-lint')}" creatingUserGUID="${user}" creationDateTime="${now}">`,
    `<Users><User guid="${user}" name="${escapeAttribute(coder)}"/></Users>`,
    `<CodeBook><Codes>${codesXml.join('')}</Codes></CodeBook>`,
    sourcesXml.length ? `<Sources>${sourcesXml.join('')}</Sources>` : '',
    notesXml.length ? `<Notes>${notesXml.join('')}</Notes>` : '',
    '</Project>',
    '',
  ].join('\n');
  files['project.qde'] = strToU8(xml);
  // Zip times run from 1980 to 2099.
  const mtime = new Date(Math.min(Math.max((options.now ?? new Date()).getTime(), Date.UTC(1980, 0, 2)), Date.UTC(2099, 11, 31)));
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [data, { mtime }]])), { level: 6 });
}

/** The `project.qde` of a `.qdpx`. */
export function projectXml(qdpx: Uint8Array): string {
  return strFromU8(unzip(qdpx)['project.qde'] ?? new Uint8Array());
}

export class QdpxError extends Error {}

/** At most this many bytes of sources, unzipped (a zip bomb gets a message, not the memory). */
const MAX_UNZIPPED = 512 * 1024 * 1024;

function unzip(bytes: Uint8Array): Record<string, Uint8Array> {
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter: (file) => {
        total += file.originalSize;
        if (total > MAX_UNZIPPED) throw new QdpxError(`the archive unpacks to more than ${MAX_UNZIPPED / 1024 / 1024} MB`);
        return file.name === 'project.qde' || file.name.startsWith('sources/');
      },
    });
  } catch (error) {
    if (error instanceof QdpxError) throw error;
    throw new QdpxError(`not a .qdpx (zip) file: ${(error as Error).message}`);
  }
}

export interface ImportedSession {
  /** A file name for the transcript (`<source name>.transcript`). */
  name: string;
  text: string;
  /** What could not be carried over, in plain words. */
  notes: string[];
}

const childElements = (parent: Element, name: string): Element[] => {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && (n as Element).localName === name) out.push(n as Element);
  return out;
};

const slug = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'code';

/** A `.qdpx` → tagged transcripts, one per text source. */
export function importQdpx(bytes: Uint8Array, codebook: Codebook): ImportedSession[] {
  const files = unzip(bytes);
  const qde = files['project.qde'];
  if (!qde) throw new QdpxError('the archive has no project.qde');
  const errors: string[] = [];
  const document = new DOMParser({ onError: (level, message) => void (level !== 'warning' && errors.push(message)) }).parseFromString(strFromU8(qde), 'text/xml');
  const root = document.documentElement;
  if (errors.length || !root || root.localName !== 'Project' || root.namespaceURI !== QDA_NAMESPACE) {
    throw new QdpxError(`project.qde is not a REFI-QDA project${errors.length ? `: ${errors[0]}` : ` (the root must be <Project xmlns="${QDA_NAMESPACE}">)`}`);
  }
  // Codes: guid → tag.
  const byLabel = new Map<string, string>();
  for (const entry of codebook.entries()) byLabel.set(entry.label.toLowerCase(), `${entry.namespace}:${entry.id}`);
  const namespaceByLabel = new Map<string, string>();
  for (const ns of codebook.namespaces.values()) namespaceByLabel.set(ns.label.toLowerCase(), ns.id);
  const tagOf = new Map<string, string>();
  const walk = (code: Element, parent: string | undefined) => {
    const name = code.getAttribute('name') ?? '';
    const description = childElements(code, 'Description')[0]?.textContent ?? '';
    const marked = /^\[([A-Za-z][\w-]*):([^\]\s[]+)\]/.exec(description);
    const nsMarked = /^\[([A-Za-z][\w-]*)\]/.exec(description);
    const namespace = nsMarked?.[1] ?? (namespaceByLabel.get(name.toLowerCase()) || undefined);
    const tag = marked ? `${marked[1]}:${marked[2]}` : (byLabel.get(name.toLowerCase()) ?? `${parent ?? 'code'}:${slug(name)}`);
    if (code.getAttribute('isCodable') !== 'false' || marked) tagOf.set(code.getAttribute('guid') ?? '', tag);
    for (const child of childElements(code, 'Code')) walk(child, namespace ?? parent ?? slug(name));
  };
  for (const codeBook of childElements(root, 'CodeBook')) for (const codes of childElements(codeBook, 'Codes')) for (const code of childElements(codes, 'Code')) walk(code, undefined);
  // Notes: guid → text.
  const noteText = new Map<string, string>();
  const noteLine = new Map<string, number>();
  for (const notes of childElements(root, 'Notes')) {
    for (const note of childElements(notes, 'Note')) {
      const id = note.getAttribute('guid') ?? '';
      noteText.set(id, childElements(note, 'PlainTextContent')[0]?.textContent ?? '');
      const line = /header line (\d+)/.exec(childElements(note, 'Description')[0]?.textContent ?? '');
      if (line) noteLine.set(id, Number(line[1]) - 1);
    }
  }
  const sessions: ImportedSession[] = [];
  const taken = new Set<string>();
  for (const sourcesEl of childElements(root, 'Sources')) {
    for (const source of childElements(sourcesEl, 'TextSource')) {
      const notes: string[] = [];
      const name = source.getAttribute('name') || source.getAttribute('guid') || 'source';
      const path = source.getAttribute('plainTextPath');
      let text: string | undefined;
      const inline = childElements(source, 'PlainTextContent')[0];
      if (inline) text = inline.textContent ?? '';
      else if (path) {
        const file = path.startsWith('internal://') ? `sources/${path.slice('internal://'.length)}` : undefined;
        const data = file ? files[file] : undefined;
        if (data) text = strFromU8(data);
        else notes.push(`its text ${path} is not in the archive`);
      }
      if (text === undefined) {
        sessions.push({ name: fileName(name, taken), text: '', notes: notes.length ? notes : ['it has no text'] });
        continue;
      }
      text = text.replace(/^\uFEFF/, '');
      const tree = parseTranscript(text);
      const doc: TranscriptDoc = docOf(text, tree);
      const plain = renderDoc(doc, { tags: false, comments: false });
      if (plain.text !== text) {
        // Not a transcript written by this tool: place codings by the parsed turns of the text itself.
        notes.push('its text is not laid out as this tool writes transcripts: tags go to the turns the codings fall in');
      }
      const toUtf16 = utf16Index(text);
      const turnRanges = tree.children.filter((c) => c.type === 'turn').map((turn) => {
        const paragraphs = turn.children.filter((c) => c.type === 'paragraph').map((p) => ({ start: p.position.start.offset!, end: p.position.end.offset! }));
        return { start: turn.position.start.offset!, end: turn.position.end.offset!, paragraphs };
      });
      let outside = 0;
      for (const selection of childElements(source, 'PlainTextSelection')) {
        const start = toUtf16(Number(selection.getAttribute('startPosition')));
        const codings = childElements(selection, 'Coding').map((c) => tagOf.get(childElements(c, 'CodeRef')[0]?.getAttribute('targetGUID') ?? '')).filter((t): t is string => !!t);
        const noteRefs = childElements(selection, 'NoteRef').map((n) => noteText.get(n.getAttribute('targetGUID') ?? '')).filter((t): t is string => t !== undefined);
        if (!codings.length && !noteRefs.length) continue;
        // The turn the selection starts in (from its label to the next turn's label).
        const t = turnRanges.findIndex((r, i) => start >= r.start && (i + 1 === turnRanges.length || start < turnRanges[i + 1]!.start));
        if (t < 0) {
          outside += codings.length;
          continue;
        }
        const turn = doc.turns[t]!;
        // The paragraph the selection starts in: the first one (or the label) tags the turn, a later one that paragraph.
        const paragraphs = turnRanges[t]!.paragraphs;
        const k = Math.max(0, paragraphs.findIndex((p) => start >= p.start && start <= p.end));
        for (const tag of codings) {
          const list = k === 0 || k >= turn.paragraphs.length ? turn.tags : turn.paragraphs[k]!.tags;
          if (!list.includes(tag)) list.push(tag);
        }
        const description = childElements(selection, 'Description')[0]?.textContent ?? '';
        const after = /after paragraph (\d+)/.exec(description);
        for (const note of noteRefs) turn.comments.push({ after: after ? Number(after[1]) : Math.min(k + 1, turn.paragraphs.length), text: note.replace(/\s*\n\s*/g, ' ') });
      }
      // Notes on the source: comments in the header (on their line when this tool wrote them).
      const headerNotes = childElements(source, 'NoteRef')
        .map((ref) => ref.getAttribute('targetGUID') ?? '')
        .filter((id) => noteText.has(id))
        .map((id, k) => ({ line: noteLine.get(id) ?? (doc.header ? doc.header.split('\n').length : 0) + k, text: noteText.get(id)!.replace(/\s*\n\s*/g, ' ') }));
      const header = withHeaderComments(doc.header, headerNotes);
      if (header) doc.header = header;
      if (outside) notes.push(`${outside} coding${outside === 1 ? '' : 's'} outside every turn (in the header) could not become tags`);
      sessions.push({ name: fileName(name, taken), text: renderDoc(doc).text, notes });
    }
  }
  return sessions;
}

function fileName(name: string, taken: Set<string>): string {
  const base = name.replace(/\.transcript$/i, '').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/^\.+/, '').slice(0, 120) || 'source';
  let candidate = `${base}.transcript`;
  for (let k = 2; taken.has(candidate.toLowerCase()); k++) candidate = `${base} (${k}).transcript`;
  taken.add(candidate.toLowerCase());
  return candidate;
}
