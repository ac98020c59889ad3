/**
 * Run the rules over a session: severity from configuration, `[ignore:…]`
 * silencing, positions for every finding. Used by the CLI (through the
 * unified plugin below) and by the language server (directly).
 */
import type { Plugin } from 'unified';
import type { VFile } from 'vfile';
import type { Severity, TranscriptConfig } from './config.ts';
import { fixAll, type Fix, type FixAllResult, type FixCandidate, type TextEdit } from './fixes.ts';
import type { Finding, Rule, RuleContext, RuleOptions } from './rule.ts';
import type { Point, Root } from './types.ts';
import { sharedDefaultCodebook, type Codebook } from './codebook.ts';
import { FeatureCache } from './incremental/cache.ts';
import { Session } from './session.ts';
import { parseTranscript } from './parser.ts';
import { SpeakerTable, editDistance } from './speakers.ts';
import { allRules } from './rules/index.ts';
import { turnResultList, perTurnResults } from './incremental/turn-results.ts';
import { runToEnd } from './incremental/steps.ts';

export const SOURCE = 'transcript-lint';

/** The id of the message that says a rule failed (not a rule: it cannot be configured). */
export const RULE_ERROR = 'rule-error';

export interface LintMessage {
  ruleId: string;
  severity: Exclude<Severity, 'off'>;
  reason: string;
  start: Point;
  end: Point;
  fixes: Fix[];
  related: Array<{ start: Point; end: Point; message: string }>;
  /** On the message that sums up a capped rule: how many findings it stands for. */
  omitted?: number;
}

export interface ActiveRule {
  rule: Rule;
  severity: Exclude<Severity, 'off'>;
  options: object;
}

export interface ResolvedRules {
  active: ActiveRule[];
  /** The options of every rule, on or off (what `RuleContext.ruleOptions` holds). */
  options: RuleOptions;
  problems: string[];
}

/** Which rules run, with which severity and options, for a configuration. */
export function resolveRules(config: TranscriptConfig, rules: readonly Rule[] = allRules): ResolvedRules {
  const problems: string[] = [];
  const byId = new Map(rules.map((rule) => [rule.id, rule] as const));
  for (const id of Object.keys(config.rules)) {
    if (!byId.has(id)) {
      const near = [...byId.keys()].find((known) => editDistance(known, id, 3) <= 3);
      problems.push(`Unknown rule "${id}" in the configuration${near ? ` (did you mean "${near}"?)` : ''}.`);
    }
  }
  const active: ActiveRule[] = [];
  const options = new Map<string, object>();
  const failing = typeof process === 'undefined' ? undefined : process.env[TEST_FAIL_RULE];
  for (const rule of rules) {
    const setting = config.rules[rule.id];
    const resolved = { ...rule.defaultOptions, ...setting?.options };
    options.set(rule.id, resolved);
    const severity = setting?.severity ?? rule.defaultSeverity;
    if (severity === 'off') continue;
    active.push({ rule: rule.id === failing ? failingForTest(rule) : rule, severity, options: resolved });
  }
  return { active, options, problems };
}

/**
 * For tests only: with `TRANSCRIPT_LINT_TEST_FAIL_RULE=<rule id>` in the
 * environment, that rule throws wherever it runs, so that the tests of the
 * CLI and the language server (real processes) can show that a rule that
 * fails costs its own findings and nothing else. Unset, it changes nothing.
 */
export const TEST_FAIL_RULE = 'TRANSCRIPT_LINT_TEST_FAIL_RULE';

function failingForTest(rule: Rule): Rule {
  const fail = (): never => {
    throw new Error(`a failure injected by ${TEST_FAIL_RULE}, for tests`);
  };
  return { ...rule, ...(rule.check ? { check: fail } : {}), ...(rule.checkTurn ? { checkTurn: fail } : {}) };
}

export interface AnalyzeOptions {
  config: TranscriptConfig;
  codebook?: Codebook;
  /** Reuse turn features from an earlier analysis of the same document. */
  cache?: FeatureCache;
  rules?: readonly Rule[];
  /**
   * At most this many findings per rule and file (default 5,000); the rest are
   * summed up in one message, so a pathological 100 MB file stays readable and
   * within memory.
   */
  maxFindingsPerRule?: number;
  /**
   * Called once the turn rules are done, before the session-wide ones (repeats,
   * neighbours, names), with what is found so far, in order: an editor can
   * show those problems of a large session while the rest is worked out.
   */
  onTurnFindings?: (messages: readonly LintMessage[], problems: readonly string[]) => void;
  /** The session of this tree and text, made already (with the same cache, codebook and speakers). */
  session?: Session;
}

export const DEFAULT_MAX_FINDINGS_PER_RULE = 5000;

/** A turn rule's finding (offsets relative to its turn's line in an editor), or its failure on the turn. */
interface TurnRuleFinding {
  rule: number;
  finding: Finding;
  error?: unknown;
}

/** The turn rules' findings, kept per turn in an editor while the turn and the settings stay. */
const turnRuleFindings = perTurnResults<TurnRuleFinding[]>('turn-rules');

export interface Analysis {
  session: Session;
  messages: LintMessage[];
  /** Problems in the configuration (unknown rule ids …). */
  problems: string[];
}

/** Parse and lint a transcript. */
export function analyze(text: string, options: AnalyzeOptions): Analysis {
  const speakers = new SpeakerTable(options.config.speakers);
  const tree = parseTranscript(text, { speakers });
  return lintTree(tree, text, options, speakers);
}

export function lintTree(tree: Root, text: string, options: AnalyzeOptions, speakers = new SpeakerTable(options.config.speakers)): Analysis {
  return runToEnd(lintSteps(tree, text, options, speakers));
}

/**
 * `lintTree` in steps: it yields between rules and every few thousand turns,
 * so an editor can answer requests, and give up when the text changes, while
 * a large session is analysed.
 */
export function* lintSteps(tree: Root, text: string, options: AnalyzeOptions, speakers = new SpeakerTable(options.config.speakers)): Generator<void, Analysis> {
  const codebook = options.codebook ?? sharedDefaultCodebook();
  const session = options.session ?? (yield* Session.steps(text, tree, { cache: options.cache, codebook, speakers }));
  yield;
  const { active, options: ruleOptions, problems } = resolveRules(options.config, options.rules);
  const ruleIds = (options.rules ?? allRules).map((rule) => rule.id);
  const silenced = yield* collectSilences(session);
  const messages: LintMessage[] = [];
  const max = options.maxFindingsPerRule ?? DEFAULT_MAX_FINDINGS_PER_RULE;
  const counts = new Map<string, { count: number; firstOver?: Finding }>();
  const emit = ({ rule, severity }: ActiveRule, finding: Finding) => {
    const turn = finding.turn ?? session.turnAt(finding.start);
    if (turn !== undefined) {
      const off = silenced.get(turn);
      if (off && (off.has(rule.id) || off.has('all'))) return;
    }
    let state = counts.get(rule.id);
    if (!state) counts.set(rule.id, (state = { count: 0 }));
    if (++state.count > max) {
      // A counted-only finding may leave its place out: then it is its turn's head.
      state.firstOver ??= finding.start >= 0 || finding.turn === undefined ? finding : { ...finding, ...session.turnHead(finding.turn) };
      return;
    }
    messages.push(toMessage(session, rule.id, severity, finding));
  };

  // A rule that throws loses its own findings, never another's: one `rule-error` says so.
  const failed = new Map<string, { error: unknown; start: number; end: number }>();
  const fail = (rule: Rule, error: unknown, place: { start: number; end: number } = { start: 0, end: 0 }) => {
    if (!failed.has(rule.id)) failed.set(rule.id, { error, ...place });
  };

  // Turn rules: findings kept per turn, relative to its line, while the turn and the
  // settings stay the same (an editor's edit touches a few turns).
  const local = active.filter((a) => a.rule.checkTurn);
  if (local.length > 0) {
    // A turn rule's fix may follow the document's line endings ("Start a new turn" inserts a blank line
    // in its style): kept findings are valid only while that style is the same.
    const eol = text.includes('\r\n') ? 'crlf' : 'lf';
    // (and the rules an `[ignore:…]` may name: the ids of every rule of the run; and every rule's options,
    // which a turn rule may read).
    const signature = `${codebookId(codebook)}|${eol}|${local.map((a) => `${a.rule.id}:${a.severity}`).join('|')}|${ruleIds.join(',')}|${JSON.stringify([...ruleOptions])}`;
    // One context per rule for every turn (a large session has hundreds of thousands).
    // Only an editor keeps findings, relative to their turn; a one-off run keeps offsets as they are.
    const relative = session.cache !== undefined;
    let list: TurnRuleFinding[] | undefined;
    let base = 0;
    const contexts = local.map((a, rule) => ({
      session,
      options: a.options,
      ruleOptions,
      ruleIds,
      report: (f: Finding) => (list ??= []).push({ rule, finding: shiftFinding(f, -base) }),
    }));
    const flagged = yield* turnResultList(session, turnRuleFindings, signature, (turn) => {
      base = relative ? turn.lineStart : 0;
      list = undefined;
      for (let rule = 0; rule < local.length; rule++) {
        const before = list?.length ?? 0;
        try {
          local[rule]!.rule.checkTurn!(contexts[rule]!, turn);
        } catch (error) {
          // Its findings on this turn are dropped; the failure is kept with the turn's results.
          if (list) list.length = before;
          const head = session.turnHead(turn.index);
          (list ??= []).push({ rule, finding: { reason: '', start: head.start - base, end: head.end - base }, error });
        }
      }
      return list;
    });
    for (const { turn, value } of flagged) {
      const base = relative ? turn.lineStart : 0;
      for (const { rule, finding, error } of value) {
        if (error !== undefined) fail(local[rule]!.rule, error, shiftFinding(finding, base));
        else if (!failed.has(local[rule]!.rule.id)) emit(local[rule]!, { ...shiftFinding(finding, base), turn: turn.index });
      }
    }
  }
  if (options.onTurnFindings) options.onTurnFindings(sortMessages([...messages]), problems);
  // Session rules (and the session-wide part of turn rules, such as the header).
  for (const a of active) {
    if (!a.rule.check || failed.has(a.rule.id)) continue;
    const mark = messages.length;
    try {
      const context: RuleContext<object> = {
        session,
        options: a.options,
        ruleOptions,
        ruleIds,
        report: (f: Finding) => emit(a, f),
        get capped() {
          return (counts.get(a.rule.id)?.count ?? 0) >= max;
        },
      };
      if (a.rule.prepare) yield* a.rule.prepare(context);
      yield;
      const running = a.rule.check(context);
      if (running) yield* running;
    } catch (error) {
      fail(a.rule, error);
      // Whatever it found before failing goes too: a rule reports all of its findings or none.
      for (let i = messages.length - 1; i >= mark; i--) if (messages[i]!.ruleId === a.rule.id) messages.splice(i, 1);
      counts.delete(a.rule.id);
    }
  }
  for (const [id, { error, start, end }] of failed) {
    // Turn findings a rule made before it failed on a later turn go too.
    for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.ruleId === id) messages.splice(i, 1);
    counts.delete(id);
    const why = error instanceof Error ? error.message : String(error);
    messages.push(
      toMessage(session, RULE_ERROR, 'error', {
        reason: `The rule "${id}" failed on this transcript (${why}), so its findings are missing; the other rules still ran. Please report this with the transcript.`,
        start,
        end,
      }),
    );
  }

  for (const a of active) {
    const state = counts.get(a.rule.id);
    if (!state?.firstOver) continue;
    const more = state.count - max;
    messages.push({
      ...toMessage(session, a.rule.id, 'info', {
        reason: `…and ${more.toLocaleString('en-US')} more ${a.rule.id} finding${more === 1 ? '' : 's'} from here on: only the first ${max.toLocaleString('en-US')} of this file are listed.`,
        start: state.firstOver.start,
        end: state.firstOver.end,
      }),
      omitted: more,
    });
  }
  return { session, messages: sortMessages(messages), problems };
}

/** Messages in document order (then by rule). */
function sortMessages(messages: LintMessage[]): LintMessage[] {
  return messages.sort((a, b) => a.start.offset! - b.start.offset! || a.ruleId.localeCompare(b.ruleId));
}

/** A number per codebook object: turn findings cached with one codebook are not valid with another. */
const codebookIds = new WeakMap<Codebook, number>();
let nextCodebookId = 1;
function codebookId(codebook: Codebook): number {
  let id = codebookIds.get(codebook);
  if (id === undefined) codebookIds.set(codebook, (id = nextCodebookId++));
  return id;
}

/** A finding with every offset moved by `delta` (its place, related places and fix edits). */
function shiftFinding(finding: Finding, delta: number): Finding {
  if (delta === 0) return finding;
  const shifted: Finding = { ...finding, start: finding.start + delta, end: finding.end + delta };
  if (finding.related) shifted.related = finding.related.map((r) => ({ ...r, start: r.start + delta, end: r.end + delta }));
  if (finding.fixes) {
    shifted.fixes = finding.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, start: e.start + delta, end: e.end + delta })) }));
  }
  return shifted;
}

function toMessage(session: Session, ruleId: string, severity: ActiveRule['severity'], finding: Finding): LintMessage {
  return {
    ruleId,
    severity,
    reason: finding.reason,
    start: session.point(finding.start),
    end: session.point(finding.end),
    fixes: finding.fixes ?? [],
    related: (finding.related ?? []).map((r) => ({
      start: session.point(r.start),
      end: session.point(r.end),
      message: r.message,
    })),
  };
}

/** The `[ignore:…]` ids of each turn that has any, kept per turn in an editor. */
const silences = perTurnResults<Set<string>>('silences');

/** `[ignore:rule-id]` (or `[ignore:all]`) tags, by turn index. */
function* collectSilences(session: Session): Generator<void, Map<number, Set<string>>> {
  const silenced = new Map<number, Set<string>>();
  const ignoring = yield* turnResultList(session, silences, '', (turn) => {
    let set: Set<string> | undefined;
    for (const tag of turn.tags) if (tag.namespace === 'ignore') (set ??= new Set()).add(tag.id);
    return set;
  });
  for (const { turn, value } of ignoring) silenced.set(turn.index, value);
  return silenced;
}

/** The findings of a text that have a safe fix, for `--fix` and `source.fixAll`. */
export function fixCandidates(text: string, options: AnalyzeOptions): FixCandidate[] {
  return fixCandidatesOf(analyze(text, options).messages);
}

/** Each message with a safe fix, with the first of them (what "fix all" applies). */
export function fixCandidatesOf(messages: readonly LintMessage[]): FixCandidate[] {
  const candidates: FixCandidate[] = [];
  for (const message of messages) {
    const fix = message.fixes.find((f) => f.safe);
    if (fix) candidates.push({ ruleId: message.ruleId, start: message.start.offset!, end: message.end.offset!, fix });
  }
  return candidates;
}

export interface FixedAnalysis extends FixAllResult {
  /** The analysis of the fixed text (what is left to report). */
  analysis: Analysis;
}

/**
 * Apply the safe fixes of the text's findings (see `fixAll`: those and no
 * others), and return the analysis of the result, which reports what is left
 * and what the fixes newly revealed.
 */
export function fixAndAnalyze(text: string, options: AnalyzeOptions, onPass?: (edits: TextEdit[]) => void): FixedAnalysis {
  const before = analyze(text, options);
  const result = fixAll(text, fixCandidatesOf(before.messages), onPass);
  const analysis = result.text === text ? before : analyze(result.text, options);
  return { ...result, analysis };
}

const VFILE_SEVERITY = { error: true, warn: false, info: undefined } as const;

/** Options of the unified lint plugin. */
export interface TranscriptLintOptions extends AnalyzeOptions {}

/**
 * unified plugin: lint the tree and add messages to the file, as
 * remark-lint does (`ruleId`, `source`, `place`, `fatal` from severity). The
 * fixes travel on the message as `fixes`.
 */
export const transcriptLint: Plugin<[TranscriptLintOptions], Root> = function (options) {
  return (tree: Root, file: VFile) => {
    const { messages, problems } = lintTree(tree, String(file.value ?? ''), options);
    for (const problem of problems) {
      const message = file.message(problem, { ruleId: 'config', source: SOURCE });
      message.fatal = false;
    }
    for (const m of messages) {
      const message = file.message(m.reason, {
        place: { start: m.start, end: m.end },
        ruleId: m.ruleId,
        source: SOURCE,
      });
      message.fatal = VFILE_SEVERITY[m.severity];
      Object.assign(message, { fixes: m.fixes, related: m.related });
    }
  };
};
