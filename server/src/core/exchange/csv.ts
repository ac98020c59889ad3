/**
 * Turns as CSV (RFC 4180): one row per turn — session, turn, speaker, role,
 * text, tags, findings, line — with the tags taken out of the text and kept
 * in their own column. Fields are quoted when they hold a comma, a quote or a
 * line break; rows end with CRLF. Opens in a spreadsheet (Excel wants
 * `bom: true` to read UTF-8) and in every CSV reader.
 */
import type { Analysis } from '../lint.ts';
import { docOf } from './doc.ts';

export const CSV_COLUMNS = ['session', 'turn', 'speaker', 'role', 'text', 'tags', 'findings', 'line'] as const;

/** One field, quoted when RFC 4180 says it must be. */
export function csvField(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: ReadonlyArray<string | number>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function csvHeader(bom = false): string {
  return (bom ? '\uFEFF' : '') + csvRow(CSV_COLUMNS);
}

/**
 * The rows of one session. `text`: the turn's paragraphs (blank line between),
 * without tags; `tags`: `ns:id` separated by "; "; `findings`: one
 * "rule-id (line n): reason" per line of the cell.
 */
export function csvRows(session: string, analysis: Analysis): string {
  const { session: s, messages } = analysis;
  const doc = docOf(s.text, s.tree);
  const findings = new Map<number, string[]>();
  for (const m of messages) {
    const turn = s.turnAt(m.start.offset!);
    if (turn === undefined) continue;
    (findings.get(turn) ?? findings.set(turn, []).get(turn)!).push(`${m.ruleId} (line ${m.start.line}): ${m.reason}`);
  }
  return doc.turns
    .map((turn, i) =>
      csvRow([
        session,
        i + 1,
        turn.speaker,
        turn.role,
        turn.paragraphs.map((p) => p.text).join('\n\n'),
        [...turn.tags, ...turn.paragraphs.flatMap((p) => p.tags)].join('; '),
        (findings.get(i) ?? []).join('\n'),
        s.turns[i]!.node.position.start.line,
      ]),
    )
    .join('');
}

/** A CSV parser (RFC 4180) for tests and imports: rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
