/**
 * The labelled turns the models are trained on and measured with, and the
 * fixed rules that split them by session (never by turn):
 *
 * - AnnoMI (`../shared/corpora/annomi`, public domain): held out are the
 *   sessions whose number NNN (in `annomi-NNN-…`) is 3 modulo 4 (33 of 133);
 *   while choosing settings, the sessions with NNN 1 modulo 4 are the
 *   development set (`npm run train -- --dev`); the shipped models are
 *   trained on every session not held out.
 * - The team's CBT sessions (`bench/data/technique-sessions/session-NN`):
 *   held out are the sessions whose number is a multiple of 4 (04, 08, 12,
 *   16 …), whatever number of sessions the folder holds.
 * - ESConv and mibot are read for measuring only (their licences forbid
 *   shipping weights trained on them): `npm run train` never opens them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTranscript } from '../server/src/core/parser.ts';
import { Session } from '../server/src/core/session.ts';
import type { Role } from '../server/src/core/types.ts';
import { SettingsResolver } from '../server/src/core/resolve.ts';
import { SpeakerTable } from '../server/src/core/speakers.ts';
import type { TurnContext } from '../server/src/core/model/featurize.ts';
import { turnContext } from '../server/src/core/model/context.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = process.env.TRANSCRIPT_SHARED_DIR ?? path.resolve(ROOT, '../shared');
export const CORPORA = path.join(SHARED, 'corpora');
export const CBT_SESSIONS_DIR = path.join(ROOT, 'bench/data/technique-sessions');

export const annomiHeldOut = (n: number): boolean => n % 4 === 3;
export const annomiDev = (n: number): boolean => n % 4 === 1;
export const cbtHeldOut = (n: number): boolean => n % 4 === 0;

/** A turn of a labelled session. */
export interface LabelledTurn {
  file: string;
  /** The session's number, for the split. */
  session: number;
  turn: number;
  role: Role;
  context: TurnContext;
}

/** AnnoMI's expert labels of a therapist turn (see its README). */
export interface AnnomiLabels {
  behaviour: 'question' | 'reflection' | 'therapist_input' | 'other' | null;
  question: boolean | null;
  question_type: 'open' | 'closed' | null;
  reflection: boolean | null;
  reflection_type: 'simple' | 'complex' | null;
  input: boolean | null;
  input_type: string | null;
}

export interface AnnomiTurn extends LabelledTurn {
  labels: AnnomiLabels;
}

export interface CbtTurn extends LabelledTurn {
  /** The turn's cbt tag, or null for a therapist turn left untagged. */
  technique: string | null;
  /**
   * The turn's mi code (its `[mi:…]` tag), or null for a turn without one, in
   * sessions whose writer coded MI behaviour too (sessions 43 on); undefined
   * in sessions with cbt tags only.
   */
  mi?: string | null;
}

export interface StrategyTurn extends LabelledTurn {
  /** ESConv's strategy, or mibot's AutoMISC codes joined with ',' (the source's labels, untouched). */
  label: string;
  codes?: string[];
}

function readJsonl<T>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

function sessionOf(dir: string, file: string): Session {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  return new Session(text, parseTranscript(text));
}

/** Labels per file, each list in turn order. */
function byFile<T extends { file: string; turn: number }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const list = out.get(row.file);
    if (list) list.push(row);
    else out.set(row.file, [row]);
  }
  for (const list of out.values()) list.sort((a, b) => a.turn - b.turn);
  return out;
}

export interface Loaded<T> {
  turns: T[];
  sessions: number;
  /** Files skipped because their turns and labels do not line up. */
  skipped: string[];
}

/** Every AnnoMI turn (both roles) with its labels; `labels` is null for client turns. */
export function loadAnnomi(dir = path.join(CORPORA, 'annomi')): Loaded<AnnomiTurn> {
  type Row = AnnomiLabels & { file: string; turn: number; speaker: 'therapist' | 'client' };
  const rows = byFile(readJsonl<Row>(path.join(dir, 'labels.jsonl')));
  const turns: AnnomiTurn[] = [];
  const skipped: string[] = [];
  let sessions = 0;
  for (const [file, labels] of [...rows].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const session = sessionOf(dir, file);
    const number = Number(/annomi-(\d+)/.exec(file)?.[1] ?? NaN);
    const ok = labels.length === session.turns.length && labels.every((l, i) => l.turn === i && (l.speaker === 'therapist') === (session.turns[i]!.role === 'therapist'));
    if (!ok || Number.isNaN(number)) {
      skipped.push(file);
      continue;
    }
    sessions++;
    for (const l of labels) {
      turns.push({
        file,
        session: number,
        turn: l.turn,
        role: session.turns[l.turn]!.role,
        context: turnContext(session, l.turn),
        labels: { behaviour: l.behaviour, question: l.question, question_type: l.question_type, reflection: l.reflection, reflection_type: l.reflection_type, input: l.input, input_type: l.input_type },
      });
    }
  }
  return { turns, sessions, skipped };
}

/**
 * The therapist turns of the team's CBT sessions, with their cbt tag (the
 * turn's own, not a paragraph's). Speakers are read as the tools read them
 * (a `.transcriptrc.json` in the folder may name more); `problems` lists
 * sessions with tags on turns not read as the therapist's.
 */
export function loadCbtSessions(dir = CBT_SESSIONS_DIR): Loaded<CbtTurn> & { files: string[]; problems: string[] } {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^session-\d+\.transcript$/.test(f))
    .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
  const turns: CbtTurn[] = [];
  const problems: string[] = [];
  const resolver = new SettingsResolver();
  for (const file of files) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const speakers = new SpeakerTable(resolver.forFile(path.join(dir, file)).config.speakers);
    const session = new Session(text, parseTranscript(text, { speakers }), { speakers });
    const number = Number(/\d+/.exec(file)![0]);
    const stray = session.turns.filter((t) => t.role !== 'therapist' && t.tags.some((tag) => tag.namespace === 'cbt'));
    if (stray.length > 0) {
      const labels = [...new Set(stray.map((t) => t.node.speaker))].join("', '");
      problems.push(`${file}: ${stray.length} cbt tag(s) on turns not read as the therapist's (label '${labels}'): left out; name the speaker in a .transcriptrc.json`);
    }
    const tagOf = (t: (typeof session.turns)[number], namespace: string) => {
      const tag = t.node.children.find((c) => c.type === 'tag' && c.namespace === namespace);
      return tag && tag.type === 'tag' ? tag.id : null;
    };
    const miCoded = session.turns.some((t) => t.role === 'therapist' && tagOf(t, 'mi') !== null);
    for (const t of session.turns) {
      if (t.role !== 'therapist') continue;
      turns.push({
        file,
        session: number,
        turn: t.index,
        role: t.role,
        context: turnContext(session, t.index),
        technique: tagOf(t, 'cbt'),
        ...(miCoded ? { mi: tagOf(t, 'mi') } : {}),
      });
    }
  }
  return { turns, sessions: files.length, skipped: [], files, problems };
}

/**
 * The turns of a measuring corpus (ESConv's strategies, mibot's AutoMISC
 * codes, counsel-chat, …) with the source's label, for measuring only.
 */
export function loadStrategyCorpus(name: string, roles: Role[] = ['therapist']): Loaded<StrategyTurn> {
  const dir = path.join(CORPORA, name);
  type Row = { file: string; turn: number; role: Role; labels: { strategy?: string; auto_misc?: string[] } };
  const rows = byFile(readJsonl<Row>(path.join(dir, 'labels.jsonl')));
  const turns: StrategyTurn[] = [];
  const skipped: string[] = [];
  let sessions = 0;
  let number = 0;
  for (const [file, labels] of [...rows].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const session = sessionOf(dir, file);
    number++;
    const ok = labels.length === session.turns.length && labels.every((l, i) => l.turn === i && (l.role === 'therapist') === (session.turns[i]!.role === 'therapist'));
    if (!ok) {
      skipped.push(file);
      continue;
    }
    sessions++;
    for (const l of labels) {
      const role = session.turns[l.turn]!.role;
      if (!roles.includes(role)) continue;
      const codes = l.labels.auto_misc;
      turns.push({
        file,
        session: number,
        turn: l.turn,
        role,
        context: turnContext(session, l.turn),
        label: l.labels.strategy ?? codes?.join(',') ?? '',
        ...(codes ? { codes } : {}),
      });
    }
  }
  return { turns, sessions, skipped };
}
