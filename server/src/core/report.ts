/**
 * The session report a supervisor reads, as data: the same model feeds the
 * VS Code webview, `transcript-lint report` (HTML, Markdown, JSON) and the
 * server's summary for other editors (see report-render.ts).
 *
 * One session: talk per speaker, the therapist's questions and reflections
 * (against the MITI thresholds in an MI session), CTRS coverage in a CBT
 * session (which items a tag covers and which none does: coverage, never a
 * score), the problems by rule, the untagged therapist turns, the supervisor
 * comments, and a timeline of every turn with its tags and problems.
 *
 * Many sessions (a trainee's term): one row per session and the trends of
 * talk share, R:Q, tags, CTRS items covered and problems.
 */
import type { Analysis, LintMessage } from './lint.ts';
import type { Role } from './types.ts';
import { allComments, commentAuthor } from './comments.ts';
import { shownReflectionToQuestion, statistics, type SessionStats } from './stats.ts';
import { excerpt } from './text.ts';

export const REPORT_VERSION = 1;

export type ProblemSeverity = LintMessage['severity'];

export interface ReportFinding {
  line: number;
  column: number;
  /** 0-based turn index, when the finding is in a turn. */
  turn?: number;
  severity: ProblemSeverity;
  reason: string;
}

export interface ReportRule {
  ruleId: string;
  severity: ProblemSeverity;
  /** Findings the rule stands for (a capped rule's summary counts those it left out). */
  count: number;
  findings: ReportFinding[];
}

export interface TimelineTurn {
  turn: number;
  line: number;
  role: Role;
  speaker: string;
  words: number;
  tags: string[];
  problems: number;
  /** The most severe problem on the turn. */
  worst?: ProblemSeverity;
  /** A few words of the turn, for tooltips. */
  excerpt: string;
}

export interface SessionReport {
  version: number;
  /** The file name (or a name for stdin). */
  name: string;
  /** Where the file is, when it is one (absolute path or URI, as the caller gives it). */
  source?: string;
  stats: SessionStats;
  /** The R:Q the report shows (MITI tags' in an MI session coded with them, else the detector's). */
  reflectionToQuestion?: number;
  problems: { total: number; byRule: ReportRule[] };
  untagged: Array<{ turn: number; line: number; speaker: string; excerpt: string }>;
  comments: Array<{ line: number; turn?: number; author?: string; text: string }>;
  timeline: TimelineTurn[];
}

const SEVERITY_RANK: Record<ProblemSeverity, number> = { error: 3, warn: 2, info: 1 };

export function sessionReport(name: string, analysis: Analysis, source?: string): SessionReport {
  const { session, messages } = analysis;
  const stats = session.get(statistics);
  const byRule = new Map<string, ReportRule>();
  const perTurn = new Map<number, { count: number; worst: ProblemSeverity }>();
  let total = 0;
  for (const m of messages) {
    const turn = session.turnAt(m.start.offset!);
    const count = m.omitted ?? 1;
    total += count;
    let rule = byRule.get(m.ruleId);
    if (!rule) byRule.set(m.ruleId, (rule = { ruleId: m.ruleId, severity: m.severity, count: 0, findings: [] }));
    rule.count += count;
    if (SEVERITY_RANK[m.severity] > SEVERITY_RANK[rule.severity]) rule.severity = m.severity;
    rule.findings.push({ line: m.start.line, column: m.start.column, ...(turn !== undefined ? { turn } : {}), severity: m.severity, reason: m.reason });
    if (turn !== undefined) {
      const here = perTurn.get(turn);
      if (!here) perTurn.set(turn, { count: 1, worst: m.severity });
      else {
        here.count++;
        if (SEVERITY_RANK[m.severity] > SEVERITY_RANK[here.worst]) here.worst = m.severity;
      }
    }
  }
  const rules = [...byRule.values()].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.count - a.count || a.ruleId.localeCompare(b.ruleId));
  const timeline: TimelineTurn[] = session.turns.map((turn) => {
    const problems = perTurn.get(turn.index);
    return {
      turn: turn.index,
      line: turn.node.position.start.line,
      role: turn.role,
      speaker: turn.node.speaker,
      words: turn.features.words,
      tags: turn.tags.filter((t) => t.namespace !== 'ignore').map((t) => `${t.namespace}:${t.id}`),
      problems: problems?.count ?? 0,
      ...(problems ? { worst: problems.worst } : {}),
      excerpt: excerpt(turn.features.text, 80),
    };
  });
  const comments = allComments(session.tree).map((comment) => {
    const { author, body } = commentAuthor(comment);
    const turn = session.turnAt(comment.position.start.offset!);
    return { line: comment.position.start.line, ...(turn !== undefined ? { turn } : {}), ...(author ? { author } : {}), text: body };
  });
  const reflectionToQuestion = shownReflectionToQuestion(stats);
  return {
    version: REPORT_VERSION,
    name,
    ...(source ? { source } : {}),
    stats,
    ...(reflectionToQuestion !== undefined ? { reflectionToQuestion } : {}),
    problems: { total, byRule: rules },
    untagged: stats.untaggedTurns.map((index) => {
      const turn = session.turns[index]!;
      return { turn: index, line: turn.node.position.start.line, speaker: turn.node.speaker, excerpt: excerpt(turn.features.text, 90) };
    }),
    comments,
    timeline,
  };
}

/** One session in a report across sessions. */
export interface TermRow {
  name: string;
  source?: string;
  kind: string;
  turns: number;
  therapistShare: number;
  questions: number;
  reflections: number;
  reflectionToQuestion?: number;
  complexShare?: number;
  tags: number;
  /** Tags per therapist turn. */
  tagDensity: number;
  untagged: number;
  ctrsCovered?: number;
  problems: number;
  /** A file that could not be read: why (the row has no figures then). */
  error?: string;
}

export interface TermReport {
  version: number;
  title: string;
  sessions: SessionReport[];
  rows: TermRow[];
  /** The figures per session, in session order, for the trend charts. */
  trends: {
    therapistShare: number[];
    reflectionToQuestion: Array<number | null>;
    tags: number[];
    ctrsCovered: Array<number | null>;
    problems: number[];
  };
  /** Files that could not be reported, and why. */
  skipped: Array<{ name: string; error: string }>;
}

export function termRow(report: SessionReport): TermRow {
  const s = report.stats;
  const tags = s.tags.reduce((n, t) => n + t.count, 0);
  return {
    name: report.name,
    ...(report.source ? { source: report.source } : {}),
    kind: s.kind.label,
    turns: s.turns.therapist + s.turns.patient + s.turns.other,
    therapistShare: s.therapistTalkRatio,
    questions: s.mi?.source === 'tags' ? s.mi.questions : s.questions.open + s.questions.closed,
    reflections: s.mi?.source === 'tags' ? s.mi.reflections : s.reflections,
    ...(report.reflectionToQuestion !== undefined ? { reflectionToQuestion: report.reflectionToQuestion } : {}),
    ...(s.mi?.complexShare !== undefined ? { complexShare: s.mi.complexShare } : {}),
    tags,
    tagDensity: s.turns.therapist ? tags / s.turns.therapist : 0,
    untagged: s.untaggedTherapistTurns,
    ...(s.ctrsCoverage ? { ctrsCovered: s.ctrsCoverage.covered } : {}),
    problems: report.problems.total,
  };
}

export function termReport(sessions: SessionReport[], title = 'Sessions', skipped: Array<{ name: string; error: string }> = []): TermReport {
  const rows = sessions.map(termRow);
  return {
    version: REPORT_VERSION,
    title,
    sessions,
    rows,
    trends: {
      therapistShare: rows.map((r) => r.therapistShare),
      reflectionToQuestion: rows.map((r) => r.reflectionToQuestion ?? null),
      tags: rows.map((r) => r.tags),
      ctrsCovered: rows.map((r) => r.ctrsCovered ?? null),
      problems: rows.map((r) => r.problems),
    },
    skipped,
  };
}
