/**
 * What an editor is sent when a file has more problems than it will show.
 * VS Code shows at most 1,000 problems per file and cuts the rest itself
 * (errors first, then warnings, then the rest, in document order), which hid
 * whole rules of a large session and the line that said what was left out.
 * So the server sends at most `max` problems per file (by default VS Code's
 * 1,000) and chooses them itself:
 *
 * - configuration problems always; then errors, warnings and information, in
 *   that order of importance;
 * - within the severity where the budget runs out, the rules take turns (each
 *   rule's problems in document order), so no rule is left out entirely;
 * - every rule that lost problems gets one line saying how many and where they
 *   start (replacing the core's "…and N more" for a rule capped per file), and
 *   the list goes out in the same order of importance, so a client that cuts
 *   it keeps the most important part.
 */
import type { LintMessage } from '../core/lint.ts';

/** VS Code's limit of problems per file (its Problems view shows no more). */
export const DEFAULT_MAX_PROBLEMS_PER_FILE = 1000;

const RANK: Record<LintMessage['severity'], number> = { error: 0, warn: 1, info: 2 };

export interface Budgeted {
  /** What to send, most important first. */
  messages: LintMessage[];
  /** Problems left out per rule (including those the core had already summed up). */
  omitted: Map<string, number>;
}

/**
 * Choose at most `max` messages (`reserved` of them are taken by other lines,
 * such as configuration problems): see the module comment.
 */
export function budgetMessages(all: readonly LintMessage[], max: number, reserved = 0): Budgeted {
  const summaries = new Map<string, LintMessage>();
  const findings: LintMessage[] = [];
  for (const m of all) {
    if (m.omitted !== undefined) summaries.set(m.ruleId, m);
    else findings.push(m);
  }
  const rules = new Set(findings.map((m) => m.ruleId));
  for (const id of summaries.keys()) rules.add(id);
  const ordered = (list: LintMessage[]) => list.sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.start.offset! - b.start.offset! || a.ruleId.localeCompare(b.ruleId));
  if (findings.length + summaries.size + reserved <= max) {
    const omitted = new Map([...summaries].map(([id, m]) => [id, m.omitted!] as const));
    return { messages: ordered([...findings, ...summaries.values()]), omitted };
  }
  // Room for one summary line per rule that may lose problems.
  let room = Math.max(0, max - reserved - rules.size);
  const kept: LintMessage[] = [];
  const dropped = new Map<string, LintMessage[]>();
  const drop = (m: LintMessage) => {
    const list = dropped.get(m.ruleId);
    if (list) list.push(m);
    else dropped.set(m.ruleId, [m]);
  };
  for (const severity of ['error', 'warn', 'info'] as const) {
    const tier = findings.filter((m) => m.severity === severity);
    if (tier.length <= room) {
      kept.push(...tier);
      room -= tier.length;
      continue;
    }
    // Not all of them fit: the rules take turns, each in document order.
    const byRule = new Map<string, LintMessage[]>();
    for (const m of tier) {
      const list = byRule.get(m.ruleId);
      if (list) list.push(m);
      else byRule.set(m.ruleId, [m]);
    }
    const queues = [...byRule.values()];
    const taken = new Set<LintMessage>();
    for (let i = 0; room > 0; i++) {
      let any = false;
      for (const queue of queues) {
        if (room === 0) break;
        const m = queue[i];
        if (!m) continue;
        taken.add(m);
        room--;
        any = true;
      }
      if (!any) break;
    }
    for (const m of tier) (taken.has(m) ? kept.push(m) : drop(m));
  }
  const omitted = new Map<string, number>();
  const lines: LintMessage[] = [];
  for (const id of rules) {
    const lost = dropped.get(id) ?? [];
    const before = summaries.get(id);
    const count = lost.length + (before?.omitted ?? 0);
    if (count === 0) continue;
    omitted.set(id, count);
    const first = lost[0] ?? before!;
    const where = first.start;
    const listed = findings.filter((m) => m.ruleId === id).length - lost.length;
    lines.push({
      ruleId: id,
      severity: 'info',
      reason: `…and ${count.toLocaleString('en-US')} more ${id} finding${count === 1 ? '' : 's'} not listed (${listed.toLocaleString('en-US')} ${listed === 1 ? 'is' : 'are'}; an editor shows at most ${max.toLocaleString('en-US')} problems per file), the first at line ${where.line}: transcript-lint lists them all.`,
      start: where,
      end: first.end,
      fixes: [],
      related: [],
      omitted: count,
    });
  }
  return { messages: [...ordered(kept), ...lines.sort((a, b) => a.start.offset! - b.start.offset!)], omitted };
}
