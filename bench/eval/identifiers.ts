/**
 * `npm run eval` — the opt-in `identifier` rule:
 *
 * - planted identifiers: real client turns of AnnoMI with one sentence
 *   added that holds an identifier of a known type, in the formats people
 *   write (several per type, written for this measure, not from the rule's
 *   patterns); recall per type (a finding of that type over the planted
 *   text), and the known crisis lines planted the same way, which must never
 *   be reported;
 * - every real corpus: findings per 1,000 real turns, by type, and those a
 *   reviewer judged not to be identifiers (ordinary words, public resources)
 *   listed as false alarms.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { corpora } from './corpora.ts';
import { fixed, pct, table, type EvalContext, type EvalSection } from './section.ts';

/** Planted sentences by type: `{}` marks the identifier. */
const PLANTED: Record<string, string[]> = {
  PHONE: ['You can reach me at {(617) 555-0199} most evenings.', 'My cell is {617-555-0148}.', 'Her number is {617.555.0123} if you need it.', 'Text me on {+1 617 555 0177} later.', 'The office line is {+44 20 7946 0958}.', 'Call my mum on {020 7946 0321}.'],
  EMAIL: ['My email is {dana.whitfield84@gmail.com}.', 'Send it to {j_okafor@outlook.co.uk} please.', 'I wrote to {mike+notes@protonmail.com} yesterday.'],
  DATE: ['It happened on {March 14, 2022}.', 'My birthday is {14 March 1987}.', 'The appointment was {03/14/2022}.', 'I was discharged on {2022-03-14}.', 'We met on {March 14th}.', 'Her surgery is on {the 14th of March}.', 'I started on {14.03.2022}.'],
  ADDRESS: ['I live at {221 Baker Street}.', 'We moved to {1600 Pennsylvania Ave, Washington, DC 20500} last year.', 'It is at {12 Oak Lane Apt 4}.', 'My dad still lives at {48 North Elm Road}.'],
  URL: ['I post at {https://myblog.example.com/posts/1}.', 'My art is on {www.janedoe-art.com} now.', 'Look me up at {facebook.com/jane.doe.5}.'],
  SSN: ['My social is {078-05-1120}.', 'They asked for my SSN, {219-09-9999}.'],
  RECORD: ['My {MRN 00482913} is on the form.', 'The medical record number is {4471-22-19}.', 'Chart number {A-558812} was wrong.'],
  ACCOUNT: ['My account number is {883920145}.', 'I paid with {4111 1111 1111 1111}.', 'The policy number is {HX-44821}.'],
  AGE: ['My grandmother is {94 years old} now.', 'He died {aged 91}.'],
  ZIP: ['The zip code is {02139}.', 'It is in Springfield, {MA 01103}.'],
  ID: ["My driver's license number is {D1234567}.", 'My passport number is {533380006}.', 'Her student ID is {20231187}.'],
  LOCATION: ['I was at {Massachusetts General Hospital} for a week.', 'My son goes to {Lincoln High School}.', 'They sent me to {Riverside Rehabilitation Center}.'],
  NAME: ['My sister {Margaret} keeps calling.', 'I saw {Dr. Okafor} on Monday.', 'My boss, {Trevor}, never listens.', 'I met a guy named {Dmitri} at work.', 'My name is {Priya} by the way.'],
};

/** Crisis and help lines: never identifiers. */
const CRISIS = ['If it gets bad I call {988}.', 'I texted {741741} once.', 'I almost called {911}.', 'In the UK I rang {116 123}.', 'The old line was {1-800-273-8255}.', 'I called the hotline at {1-800-799-7233}.'];

function plantedSessions(shared: string): Array<{ text: string; type: string; start: number; end: number }> {
  const dir = path.join(shared, 'corpora', 'annomi');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.transcript')).sort();
  // Real client turns of 8 words or more, in corpus order.
  const turns: string[] = [];
  for (const f of files) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const m = /^Client: (.+)$/.exec(line);
      if (m && m[1]!.split(/\s+/).length >= 8 && !/\d|@/.test(m[1]!)) turns.push(m[1]!);
    }
    if (turns.length > 400) break;
  }
  const out: Array<{ text: string; type: string; start: number; end: number }> = [];
  let k = 0;
  const plant = (type: string, sentence: string) => {
    const turn = turns[k++ % turns.length]!;
    const plain = sentence.replace(/[{}]/g, '');
    const at = sentence.indexOf('{');
    const length = sentence.indexOf('}') - at - 1;
    const prefix = 'Therapist: How have things been since we last met?\n\nClient: ';
    const before = `${turn} `;
    const text = `${prefix}${before}${plain}\n\nTherapist: Tell me more about that.\n`;
    out.push({ text, type, start: prefix.length + before.length + at, end: prefix.length + before.length + at + length });
  };
  for (const [type, sentences] of Object.entries(PLANTED)) for (const s of sentences) plant(type, s);
  for (const s of CRISIS) plant('CRISIS', s);
  return out;
}

const config = () => {
  const c = emptyConfig();
  c.rules['identifier'] = { severity: 'warn' };
  return c;
};

/** Findings a reviewer judged not to be identifiers (file, the text flagged, why). */
const JUDGED_FALSE: Array<{ file: string; text: string; why: string }> = [
  { file: 'mibot-29bfa0dfc16b.transcript', text: 'Motogp', why: 'a motorcycle racing series' },
];

export const identifiersSection: EvalSection = {
  id: 'identifiers',
  title: 'identifier (opt-in): recall on planted identifiers, findings on the real corpora',
  async run(context: EvalContext) {
    const options = { config: config() };
    const planted = plantedSessions(context.shared);
    const byType = new Map<string, { planted: number; found: number; anyType: number }>();
    const missed: string[] = [];
    for (const p of planted) {
      const messages = analyze(p.text, options).messages.filter((m) => m.ruleId === 'identifier');
      const over = messages.filter((m) => m.start.offset! < p.end && p.start < m.end.offset!);
      const placeholder = (m: (typeof messages)[number]) => m.fixes[0]?.edits[0]?.text.replace(/[[\]]|-\d+$/g, '');
      const t = byType.get(p.type) ?? byType.set(p.type, { planted: 0, found: 0, anyType: 0 }).get(p.type)!;
      t.planted++;
      if (over.some((m) => placeholder(m) === p.type)) t.found++;
      if (over.length) t.anyType++;
      else if (p.type !== 'CRISIS') missed.push(`${p.type}: ${p.text.slice(p.start, p.end)}`);
    }
    context.print('### Planted identifiers (AnnoMI client turns with one planted sentence)');
    context.print('');
    const rows = [...byType].filter(([type]) => type !== 'CRISIS').map(([type, t]) => [type, t.planted, t.found, pct(t.found / t.planted), pct(t.anyType / t.planted)]);
    const total = [...byType].filter(([type]) => type !== 'CRISIS').reduce((a, [, t]) => ({ planted: a.planted + t.planted, found: a.found + t.found, any: a.any + t.anyType }), { planted: 0, found: 0, any: 0 });
    rows.push(['all', total.planted, total.found, pct(total.found / total.planted), pct(total.any / total.planted)]);
    for (const line of table(['type', 'planted', 'found (type right)', 'recall', 'recall (any type)'], rows)) context.print(line);
    const crisis = byType.get('CRISIS')!;
    context.print('');
    context.print(`Known crisis lines planted: ${crisis.planted}, reported: ${crisis.anyType} (goal 0).`);
    if (missed.length) context.print(`Missed: ${missed.join(' · ')}`);

    context.print('');
    context.print('### Real corpora: findings per 1,000 real turns');
    context.print('');
    const results: Record<string, unknown> = {};
    const corpusRows: Array<Array<string | number>> = [];
    for (const corpus of corpora(context.shared)) {
      if (corpus.id === 'seed') continue;
      let realTurns = 0;
      let findings = 0;
      const types: Record<string, number> = {};
      const falseAlarms: Array<{ file: string; line: number; text: string }> = [];
      const examples: Array<{ file: string; line: number; text: string; type: string }> = [];
      for (const file of corpus.files) {
        const text = fs.readFileSync(file, 'utf8');
        const analysis = analyze(text, options);
        const real = (role: string) => (role === 'therapist' ? corpus.therapist : corpus.patient) === 'real';
        realTurns += analysis.session.turns.filter((t) => real(t.role)).length;
        for (const m of analysis.messages) {
          if (m.ruleId !== 'identifier') continue;
          const turn = analysis.session.turnAt(m.start.offset!);
          if (turn === undefined || !real(analysis.session.turns[turn]!.role)) continue;
          findings++;
          const type = m.fixes[0]!.edits[0]!.text.replace(/[[\]]|-\d+$/g, '');
          types[type] = (types[type] ?? 0) + 1;
          const flagged = text.slice(m.start.offset, m.end.offset);
          const name = path.basename(file);
          if (JUDGED_FALSE.some((j) => j.file === name && j.text === flagged)) falseAlarms.push({ file: name, line: m.start.line, text: flagged });
          else if (examples.length < 12) examples.push({ file: name, line: m.start.line, text: flagged, type });
        }
      }
      results[corpus.id] = { realTurns, findings, perThousand: realTurns ? (1000 * findings) / realTurns : 0, types, falseAlarms, falseAlarmsPerThousand: realTurns ? (1000 * falseAlarms.length) / realTurns : 0, examples };
      corpusRows.push([corpus.id, realTurns, findings, fixed(realTurns ? (1000 * findings) / realTurns : 0), falseAlarms.length, fixed(realTurns ? (1000 * falseAlarms.length) / realTurns : 0), Object.entries(types).map(([t, n]) => `${t} ${n}`).join(', ') || '—']);
    }
    for (const line of table(['corpus', 'real turns', 'findings', 'per 1k', 'judged false', 'false per 1k', 'by type'], corpusRows)) context.print(line);
    context.print('');
    context.print('Findings on real corpora are names people use in their sessions, therapists\' phone numbers and web sites in');
    context.print('counsel-chat answers, dates: identifiers in the Safe Harbor sense. Those judged not to be are listed as false.');
    return {
      planted: Object.fromEntries([...byType].map(([type, t]) => [type, { ...t, recall: t.found / t.planted }])),
      recall: total.found / total.planted,
      crisisReported: crisis.anyType,
      missed,
      corpora: results,
    };
  },
};
