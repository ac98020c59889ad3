/**
 * The session report (report.ts) as HTML and Markdown.
 *
 * HTML is self-contained: inline CSS, inline SVG charts, no fonts, images or
 * scripts from anywhere (a report opens offline and sends nothing). Colours
 * follow the VS Code theme inside a webview (`--vscode-*` variables) and the
 * system's light or dark scheme in a browser. Every link to a turn carries
 * `data-line`: in a webview a small script turns a click into "reveal this
 * line in the editor"; in a file it jumps to the turn in the report's own copy
 * of the transcript.
 */
import type { ProblemSeverity, ReportRule, SessionReport, TermReport, TimelineTurn } from './report.ts';
import { formatRatio, formatShare, MITI_THRESHOLDS, plural, type Band } from './stats.ts';
import { kappaWords, type AgreementReport } from './agreement.ts';

export interface HtmlOptions {
  /** `webview`: links reveal lines in the editor (needs `nonce` and `cspSource`); `file`: a page that stands alone. */
  target: 'webview' | 'file';
  nonce?: string;
  cspSource?: string;
  /** The turns' text, by session name: the file target shows the transcript and links jump into it. */
  texts?: ReadonlyMap<string, string[]>;
  /** At most this many findings listed per rule (default 200); the rest are counted. */
  maxFindings?: number;
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CSS = `
:root { color-scheme: light dark;
  --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --border: #d1d9e0; --panel: #f6f8fa; --link: #0969da;
  --therapist: #0969da; --patient: #bc4c00; --other: #8250df; --tag: #1a7f37;
  --error: #cf222e; --warn: #9a6700; --info: #0969da; --good: #1a7f37; --fair: #9a6700; --below: #cf222e; }
@media (prefers-color-scheme: dark) { :root {
  --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --border: #3d444d; --panel: #151b23; --link: #4493f8;
  --therapist: #4493f8; --patient: #f0883e; --other: #ab7df8; --tag: #3fb950;
  --error: #f85149; --warn: #d29922; --info: #4493f8; --good: #3fb950; --fair: #d29922; --below: #f85149; } }
body { margin: 0; padding: 16px 24px 48px; max-width: 1100px;
  color: var(--vscode-foreground, var(--fg)); background: var(--vscode-editor-background, var(--bg));
  font-family: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", sans-serif); font-size: var(--vscode-font-size, 14px); line-height: 1.45; }
h1 { font-size: 1.5em; margin: 0.2em 0 0.1em; } h2 { font-size: 1.15em; margin: 1.6em 0 0.5em; border-bottom: 1px solid var(--vscode-panel-border, var(--border)); padding-bottom: 0.2em; }
h3 { font-size: 1em; margin: 1em 0 0.3em; }
a { color: var(--vscode-textLink-foreground, var(--link)); text-decoration: none; } a:hover { text-decoration: underline; }
.muted { color: var(--vscode-descriptionForeground, var(--muted)); }
table { border-collapse: collapse; margin: 0.4em 0; } th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; }
th { font-weight: 600; border-bottom: 1px solid var(--vscode-panel-border, var(--border)); } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 0.85em; border: 1px solid currentColor; margin-left: 6px; }
.good { color: var(--vscode-charts-green, var(--good)); } .fair { color: var(--vscode-charts-yellow, var(--fair)); } .below { color: var(--vscode-charts-red, var(--below)); }
.sev-error { color: var(--vscode-editorError-foreground, var(--error)); } .sev-warn { color: var(--vscode-editorWarning-foreground, var(--warn)); } .sev-info { color: var(--vscode-editorInfo-foreground, var(--info)); }
.summary { margin: 0.3em 0 0.8em; }
.timeline { overflow-x: auto; padding: 4px 0; } .timeline svg { display: block; }
.t-therapist { fill: var(--vscode-charts-blue, var(--therapist)); } .t-patient { fill: var(--vscode-charts-orange, var(--patient)); } .t-other { fill: var(--vscode-charts-purple, var(--other)); }
.t-tag { fill: var(--vscode-charts-green, var(--tag)); } .t-error { fill: var(--vscode-editorError-foreground, var(--error)); } .t-warn { fill: var(--vscode-editorWarning-foreground, var(--warn)); } .t-info { fill: var(--vscode-editorInfo-foreground, var(--info)); }
.t-hit { fill: transparent; } a:hover .t-hit, a:focus .t-hit { fill: var(--vscode-editor-selectionBackground, rgba(128,128,128,0.25)); }
.legend span { margin-right: 14px; white-space: nowrap; } .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.sw-therapist { background: var(--vscode-charts-blue, var(--therapist)); } .sw-patient { background: var(--vscode-charts-orange, var(--patient)); } .sw-other { background: var(--vscode-charts-purple, var(--other)); }
.sw-tag { background: var(--vscode-charts-green, var(--tag)); } .sw-problem { background: var(--vscode-editorWarning-foreground, var(--warn)); }
.bar { display: inline-block; height: 10px; border-radius: 2px; vertical-align: middle; }
.bar.t-therapist { background: var(--vscode-charts-blue, var(--therapist)); } .bar.t-patient { background: var(--vscode-charts-orange, var(--patient)); } .bar.t-other { background: var(--vscode-charts-purple, var(--other)); }
ul.findings { margin: 0.2em 0 0.6em; padding-left: 1.2em; } ul.findings li { margin: 0.15em 0; }
code, .tag { font-family: var(--vscode-editor-font-family, ui-monospace, SFMono-Regular, Menlo, monospace); font-size: 0.92em; }
.tag { color: var(--vscode-charts-green, var(--tag)); }
.uncovered { color: var(--vscode-descriptionForeground, var(--muted)); }
.charts { display: flex; flex-wrap: wrap; gap: 18px; } .chart { border: 1px solid var(--vscode-panel-border, var(--border)); border-radius: 6px; padding: 8px 10px; }
.chart svg { display: block; } .chart .axis { stroke: var(--vscode-panel-border, var(--border)); } .chart .line { fill: none; stroke: var(--vscode-charts-blue, var(--therapist)); stroke-width: 2; }
.chart .dot { fill: var(--vscode-charts-blue, var(--therapist)); } .chart .norm { stroke: var(--vscode-charts-green, var(--good)); stroke-dasharray: 4 3; } .chart text { fill: var(--vscode-descriptionForeground, var(--muted)); font-size: 10px; }
.turn { padding: 4px 0 6px 10px; border-left: 3px solid transparent; margin: 2px 0; } .turn:target { background: var(--vscode-editor-selectionBackground, rgba(128,128,128,0.2)); }
.turn.r-therapist { border-color: var(--vscode-charts-blue, var(--therapist)); } .turn.r-patient { border-color: var(--vscode-charts-orange, var(--patient)); } .turn.r-other { border-color: var(--vscode-charts-purple, var(--other)); }
.turn p { margin: 0.2em 0; white-space: pre-wrap; } .turn .who { font-weight: 600; }
section.session { margin-top: 3em; border-top: 3px solid var(--vscode-panel-border, var(--border)); padding-top: 0.5em; }
`;

/** Clicks on links to lines become messages to the extension, which reveals the line. */
const WEBVIEW_SCRIPT = `
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const action = target ? target.closest('[data-action]') : null;
  if (action) {
    event.preventDefault();
    vscode.postMessage({ type: action.getAttribute('data-action') });
    return;
  }
  const link = target ? target.closest('[data-line]') : null;
  if (!link) return;
  event.preventDefault();
  vscode.postMessage({ type: 'reveal', line: Number(link.getAttribute('data-line')), source: link.getAttribute('data-source') || undefined });
});
document.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  const link = event.target instanceof Element ? event.target.closest('[data-line], [data-action]') : null;
  if (link) { event.preventDefault(); link.dispatchEvent(new MouseEvent('click', { bubbles: true })); }
});
vscode.postMessage({ type: 'loaded' });
`;

function page(title: string, body: string, options: HtmlOptions): string {
  const webview = options.target === 'webview';
  const csp = webview
    ? `default-src 'none'; style-src ${options.cspSource ?? "'self'"} 'unsafe-inline'; img-src ${options.cspSource ?? "'self'"} data:; script-src 'nonce-${options.nonce ?? ''}';`
    : "default-src 'none'; style-src 'unsafe-inline'; img-src data:;";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="transcript-lint">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
${webview ? `<script nonce="${options.nonce ?? ''}">${WEBVIEW_SCRIPT}</script>` : ''}
</body>
</html>
`;
}

/** The opening of a link to a turn: into the editor (webview) or the report's copy of the transcript (file); undefined when there is nowhere to go. */
function linkOpen(line: number, turn: number | undefined, prefix: string, options: HtmlOptions, source?: string): string | undefined {
  if (options.target === 'webview') return `<a href="#" data-line="${line}"${source ? ` data-source="${escapeHtml(source)}"` : ''}>`;
  if (turn !== undefined && options.texts) return `<a href="#${prefix}t${turn}">`;
  return undefined;
}

/** A link to a line, or the label alone when there is nowhere to go. */
function lineLink(label: string, line: number, turn: number | undefined, prefix: string, options: HtmlOptions, source?: string): string {
  const open = linkOpen(line, turn, prefix, options, source);
  return open ? `${open}${escapeHtml(label)}</a>` : escapeHtml(label);
}

function bandBadge(value: Band | undefined): string {
  if (!value) return '';
  const cls = value === 'good' ? 'good' : value === 'fair' ? 'fair' : 'below';
  return `<span class="badge ${cls}">${value}</span>`;
}

const SEVERITY_LABEL: Record<ProblemSeverity, string> = { error: 'error', warn: 'warning', info: 'information' };

/** The timeline strip: one mark per turn, coloured by speaker, tags above, problems below, each a link. */
export function timelineSvg(timeline: readonly TimelineTurn[], prefix: string, options: HtmlOptions, source?: string): string {
  if (timeline.length === 0) return '<p class="muted">No turns.</p>';
  // About 1,000 pixels for a session of 50–200 turns; at least 4 per turn (a long session scrolls).
  const width = Math.max(4, Math.min(18, Math.floor(1000 / timeline.length) - 2));
  const gap = width >= 8 ? 2 : 1;
  const step = width + gap;
  const top = 12;
  const band = 44;
  const height = top + band + 16;
  const most = Math.max(1, ...timeline.map((t) => t.words));
  const marks = timeline.map((t, i) => {
    const x = i * step;
    const h = Math.max(3, Math.round(band * Math.sqrt(t.words / most)));
    const tip = [`Turn ${t.turn + 1} · ${t.speaker} · line ${t.line}`, plural(t.words, 'word'), t.tags.length ? t.tags.map((x) => `[${x}]`).join(' ') : '', t.problems ? plural(t.problems, 'problem') : '', t.excerpt]
      .filter(Boolean)
      .join('\n');
    const parts = [
      `<rect class="t-hit" x="${x - gap / 2}" y="0" width="${step}" height="${height}"/>`,
      `<rect class="t-${t.role}" x="${x}" y="${top + band - h}" width="${width}" height="${h}" rx="1"/>`,
    ];
    if (t.tags.length) parts.push(`<rect class="t-tag" x="${x}" y="2" width="${width}" height="7" rx="1"/>`);
    if (t.problems) {
      const y = top + band + 4;
      parts.push(`<path class="t-${t.worst ?? 'warn'}" d="M${x} ${y + 9} L${x + width / 2} ${y} L${x + width} ${y + 9} Z"/>`);
    }
    const open = linkOpen(t.line, t.turn, prefix, options, source);
    const label = ` aria-label="${escapeHtml(tip.split('\n')[0]!)}"`;
    const inner = `<title>${escapeHtml(tip)}</title>${parts.join('')}`;
    return open ? `${open.slice(0, -1)}${label}>${inner}</a>` : `<g${label}>${inner}</g>`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${timeline.length * step}" height="${height}" viewBox="${-gap / 2} 0 ${timeline.length * step} ${height}" role="img" aria-label="Timeline of ${plural(timeline.length, 'turn')}">${marks.join('')}</svg>`;
  const roles = [...new Set(timeline.map((t) => t.role))];
  const legend = [
    ...roles.map((r) => `<span><i class="swatch sw-${r}"></i>${r}</span>`),
    '<span><i class="swatch sw-tag"></i>tagged</span>',
    '<span><i class="swatch sw-problem"></i>problem (colour: worst severity)</span>',
    '<span class="muted">height: words (square root)</span>',
  ];
  return `<div class="timeline">${svg}</div><div class="legend muted">${legend.join('')}</div>`;
}

function talkTable(report: SessionReport): string {
  const rows = report.stats.speakers.map(
    (s) =>
      `<tr><td>${escapeHtml(s.speaker)} <span class="muted">${s.role}</span></td><td class="n">${s.turns}</td><td class="n">${s.words.toLocaleString('en-US')}</td><td class="n">${formatShare(s.share)}</td><td><span class="bar t-${s.role}" style="width:${Math.round(s.share * 200)}px"></span></td></tr>`,
  );
  return `<table><thead><tr><th>speaker</th><th class="n">turns</th><th class="n">words</th><th class="n">share of words</th><th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function questionsSection(report: SessionReport): string {
  const s = report.stats;
  const q = s.questions.open + s.questions.closed;
  const lines = [
    `<table><tbody>`,
    `<tr><td>questions (detected)</td><td class="n">${q}</td><td class="muted">${s.questions.open} open, ${s.questions.closed} closed; closing courtesies and tag questions ("…, right?") not counted</td></tr>`,
    `<tr><td>reflections (detected)</td><td class="n">${s.reflections}</td><td></td></tr>`,
  ];
  if (s.mi) {
    const mi = s.mi;
    const from = mi.source === 'tags' ? 'from the MITI tags (Q, SR, CR)' : 'detected (the session has no Q, SR or CR tags)';
    if (mi.source === 'tags') {
      lines.push(`<tr><td>questions (tagged Q)</td><td class="n">${mi.questions}</td><td></td></tr>`);
      lines.push(`<tr><td>reflections (tagged SR + CR)</td><td class="n">${mi.reflections}</td><td class="muted">${mi.simple} simple, ${mi.complex} complex</td></tr>`);
    }
    lines.push(
      `<tr><td>R:Q</td><td class="n">${formatRatio(mi.reflectionToQuestion)}</td><td>${bandBadge(mi.rqBand)} <span class="muted">MITI 4.2.1: fair ${MITI_THRESHOLDS.reflectionToQuestion.fair}:1, good ${MITI_THRESHOLDS.reflectionToQuestion.good}:1; ${from}</span></td></tr>`,
    );
    lines.push(
      `<tr><td>% complex reflections</td><td class="n">${formatShare(mi.complexShare)}</td><td>${bandBadge(mi.crBand)} <span class="muted">MITI 4.2.1: fair ${formatShare(MITI_THRESHOLDS.complexReflections.fair)}, good ${formatShare(MITI_THRESHOLDS.complexReflections.good)}${mi.complexShare === undefined ? '; needs reflections tagged simple or complex' : ''}</span></td></tr>`,
    );
  } else {
    lines.push(`<tr><td>R:Q</td><td class="n">${formatRatio(report.reflectionToQuestion)}</td><td class="muted">the MITI thresholds apply to MI sessions; this session is ${s.kind.label === 'untagged' ? 'untagged' : `a ${s.kind.label} session`}</td></tr>`);
  }
  lines.push('</tbody></table>');
  lines.push('<p class="muted">Questions and reflections are found by a local heuristic: read them as indications, not as coding.</p>');
  return lines.join('');
}

function ctrsSection(report: SessionReport): string {
  const c = report.stats.ctrsCoverage;
  if (!c) return '';
  const rows = c.items.map((item) =>
    item.count > 0
      ? `<tr><td>${escapeHtml(item.item)}</td><td>${item.tags.map((t) => `<span class="tag">[${escapeHtml(t.tag)}]</span>${t.count > 1 ? ` ×${t.count}` : ''}`).join(', ')}</td></tr>`
      : `<tr class="uncovered"><td>${escapeHtml(item.item)}</td><td>— no tag covers it</td></tr>`,
  );
  return `<h2>CTRS coverage <span class="muted">${c.covered} of ${c.total} items</span></h2><p class="muted">Which Cognitive Therapy Rating Scale items the session's tags address: coverage, never a CTRS score.</p><table><thead><tr><th>CTRS item</th><th>tags</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function problemsSection(report: SessionReport, prefix: string, options: HtmlOptions): string {
  const { total, byRule } = report.problems;
  if (total === 0) return `<h2>Problems</h2><p>None found.</p>`;
  const max = options.maxFindings ?? 200;
  const rules = byRule.map((rule: ReportRule) => {
    const shown = rule.findings.slice(0, max);
    const more = rule.count - shown.length;
    // Findings that say the same thing (twenty identical refusals) are one item with a link per place.
    const items = groupByReason(shown).map(
      (g) =>
        `<li>${g.findings.map((f) => lineLink(`line ${f.line}${f.turn !== undefined && g.findings.length === 1 ? ` (turn ${f.turn + 1})` : ''}`, f.line, f.turn, prefix, options, report.source)).join(', ')} <span class="sev-${g.severity}">${SEVERITY_LABEL[g.severity]}</span> ${escapeHtml(g.reason)}</li>`,
    );
    if (more > 0) items.push(`<li class="muted">…and ${plural(more, 'more finding')}</li>`);
    return `<h3><code>${escapeHtml(rule.ruleId)}</code> <span class="sev-${rule.severity}">${rule.count}</span></h3><ul class="findings">${items.join('')}</ul>`;
  });
  const counts = byRule.map((r) => `<code>${escapeHtml(r.ruleId)}</code> ${r.count}`).join(' · ');
  return `<h2>Problems <span class="muted">${plural(total, 'problem')}</span></h2><p>${counts}</p>${rules.join('')}`;
}

/** Findings with the same reason and severity, together, in order of their first place. */
function groupByReason(findings: readonly ReportRule['findings'][number][]): Array<{ reason: string; severity: ProblemSeverity; findings: ReportRule['findings'][number][] }> {
  const groups = new Map<string, { reason: string; severity: ProblemSeverity; findings: ReportRule['findings'][number][] }>();
  for (const f of findings) {
    const key = `${f.severity}\u0000${f.reason}`;
    const group = groups.get(key);
    if (group) group.findings.push(f);
    else groups.set(key, { reason: f.reason, severity: f.severity, findings: [f] });
  }
  return [...groups.values()];
}

function untaggedSection(report: SessionReport, prefix: string, options: HtmlOptions): string {
  const s = report.stats;
  const tagged = s.tags.reduce((n, t) => n + t.count, 0);
  if (s.turns.therapist === 0) return '';
  if (report.untagged.length === 0) return `<h2>Untagged therapist turns</h2><p>Every therapist turn is tagged.</p>`;
  const items = report.untagged.map((u) => `<li>${lineLink(`turn ${u.turn + 1}, line ${u.line}`, u.line, u.turn, prefix, options, report.source)} <span class="muted">${escapeHtml(u.speaker)}:</span> ${escapeHtml(u.excerpt)}</li>`);
  const note = tagged === 0 ? '<p class="muted">The session has no technique tags yet.</p>' : '';
  return `<h2>Untagged therapist turns <span class="muted">${report.untagged.length} of ${s.turns.therapist}</span></h2>${note}<ul class="findings">${items.join('')}</ul>`;
}

function commentsSection(report: SessionReport, prefix: string, options: HtmlOptions): string {
  if (report.comments.length === 0) return '';
  const items = report.comments.map((c) => `<li>${lineLink(`line ${c.line}`, c.line, c.turn, prefix, options, report.source)} ${c.author ? `<strong>${escapeHtml(c.author)}:</strong> ` : ''}${escapeHtml(c.text)}</li>`);
  return `<h2>Supervisor comments <span class="muted">${report.comments.length}</span></h2><ul class="findings">${items.join('')}</ul>`;
}

function tagsSection(report: SessionReport): string {
  const tags = report.stats.tags;
  if (tags.length === 0) return '';
  const rows = tags.map((t) => `<tr><td class="tag">[${escapeHtml(t.tag)}]</td><td>${escapeHtml(t.label)}</td><td>${escapeHtml(t.ctrs ?? t.miti ?? '—')}</td><td class="n">${t.count}</td></tr>`);
  return `<h2>Tags</h2><table><thead><tr><th>tag</th><th>technique</th><th>CTRS item / MITI code</th><th class="n">count</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function transcriptSection(report: SessionReport, prefix: string, options: HtmlOptions): string {
  const texts = options.texts?.get(report.name);
  if (!texts || options.target !== 'file') return '';
  const problems = new Map<number, string[]>();
  for (const rule of report.problems.byRule) for (const f of rule.findings) if (f.turn !== undefined) (problems.get(f.turn) ?? problems.set(f.turn, []).get(f.turn)!).push(`<span class="sev-${f.severity}">${escapeHtml(rule.ruleId)}</span>`);
  const turns = report.timeline.map((t) => {
    const paragraphs = (texts[t.turn] ?? '').split('\n\n').map((p) => `<p>${escapeHtml(p)}</p>`).join('');
    const tags = t.tags.map((x) => `<span class="tag">[${escapeHtml(x)}]</span>`).join(' ');
    const found = problems.get(t.turn);
    return `<div class="turn r-${t.role}" id="${prefix}t${t.turn}"><span class="muted">${t.turn + 1} · line ${t.line}</span> <span class="who">${escapeHtml(t.speaker)}</span> ${tags}${found ? ` <span class="muted">— ${[...new Set(found)].join(', ')}</span>` : ''}${paragraphs}</div>`;
  });
  return `<h2>Transcript <span class="muted">${plural(report.timeline.length, 'turn')}; tags beside the speaker, comments left out</span></h2>${turns.join('')}`;
}

/** The body of one session's report (without the page around it). */
function sessionBody(report: SessionReport, prefix: string, options: HtmlOptions, heading = 'h1'): string {
  const s = report.stats;
  const total = s.turns.therapist + s.turns.patient + s.turns.other;
  const kind = s.kind.label === 'untagged' ? '<span class="badge muted">untagged</span>' : `<span class="badge">${escapeHtml(s.kind.label)}</span>`;
  const summary = [
    plural(total, 'turn'),
    `therapist ${formatShare(s.therapistTalkRatio)} of words`,
    `R:Q ${formatRatio(report.reflectionToQuestion)}`,
    plural(s.tags.reduce((n, t) => n + t.count, 0), 'tag'),
    plural(report.problems.total, 'problem'),
  ].join(' · ');
  return [
    `<${heading}>${escapeHtml(report.name)} ${kind}</${heading}>`,
    `<p class="summary muted">${summary}</p>`,
    `<h2>Timeline</h2>`,
    timelineSvg(report.timeline, prefix, options, report.source),
    `<h2>Talk</h2>`,
    talkTable(report),
    `<h2>Questions and reflections <span class="muted">therapist</span></h2>`,
    questionsSection(report),
    ctrsSection(report),
    problemsSection(report, prefix, options),
    untaggedSection(report, prefix, options),
    commentsSection(report, prefix, options),
    tagsSection(report),
    transcriptSection(report, prefix, options),
  ].join('\n');
}

export function sessionHtml(report: SessionReport, options: HtmlOptions): string {
  return page(`Session report — ${report.name}`, sessionBody(report, 's0-', options), options);
}

/** A small line chart of one figure across sessions, with an optional norm line. */
function trendChart(title: string, values: ReadonlyArray<number | null>, names: readonly string[], format: (v: number) => string, norm?: { value: number; label: string }): string {
  const w = 300;
  const h = 110;
  const left = 34;
  const bottom = 18;
  const known = values.filter((v): v is number => v !== null);
  const max = Math.max(norm?.value ?? 0, ...known, 0) || 1;
  const x = (i: number) => left + (values.length <= 1 ? (w - left) / 2 : (i * (w - left - 8)) / (values.length - 1));
  const y = (v: number) => 6 + (h - bottom - 6) * (1 - v / max);
  const points = values.map((v, i) => (v === null ? null : ([x(i), y(v), v, i] as const))).filter((p) => p !== null);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p[0].toFixed(1)} ${p[1].toFixed(1)}`).join(' ');
  const dots = points.map((p) => `<circle class="dot" cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="3"><title>${escapeHtml(names[p[3]] ?? '')}: ${escapeHtml(format(p[2]))}</title></circle>`).join('');
  const normLine = norm ? `<line class="norm" x1="${left}" x2="${w}" y1="${y(norm.value).toFixed(1)}" y2="${y(norm.value).toFixed(1)}"><title>${escapeHtml(norm.label)}</title></line>` : '';
  const axis = `<line class="axis" x1="${left}" x2="${w}" y1="${h - bottom}" y2="${h - bottom}"/><line class="axis" x1="${left}" x2="${left}" y1="4" y2="${h - bottom}"/>`;
  const labels = `<text x="${left - 4}" y="10" text-anchor="end">${escapeHtml(format(max))}</text><text x="${left - 4}" y="${h - bottom}" text-anchor="end">0</text><text x="${left}" y="${h - 4}">1</text><text x="${w}" y="${h - 4}" text-anchor="end">${values.length}</text>`;
  const empty = known.length === 0 ? `<text x="${(left + w) / 2}" y="${h / 2}" text-anchor="middle">no session has this figure</text>` : '';
  return `<div class="chart"><div>${escapeHtml(title)}</div><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${escapeHtml(title)}">${axis}${normLine}<path class="line" d="${path}"/>${dots}${labels}${empty}</svg></div>`;
}

export function termHtml(term: TermReport, options: HtmlOptions): string {
  const names = term.rows.map((r) => r.name);
  const rows = term.rows.map(
    (r, i) =>
      `<tr><td class="n">${i + 1}</td><td><a href="#s${i}-">${escapeHtml(r.name)}</a></td><td>${escapeHtml(r.kind)}</td><td class="n">${r.turns}</td><td class="n">${formatShare(r.therapistShare)}</td><td class="n">${r.questions}</td><td class="n">${r.reflections}</td><td class="n">${formatRatio(r.reflectionToQuestion)}</td><td class="n">${formatShare(r.complexShare)}</td><td class="n">${r.tags}</td><td class="n">${r.untagged}</td><td class="n">${r.ctrsCovered === undefined ? '—' : `${r.ctrsCovered}/11`}</td><td class="n">${r.problems}</td></tr>`,
  );
  const anyMi = term.sessions.some((s) => s.stats.kind.mi);
  const charts = [
    trendChart('Therapist share of words', term.trends.therapistShare, names, formatShare),
    trendChart('R:Q (reflections per question)', term.trends.reflectionToQuestion, names, formatRatio, anyMi ? { value: MITI_THRESHOLDS.reflectionToQuestion.fair, label: 'MITI fair 1:1 (MI sessions)' } : undefined),
    trendChart('Technique tags', term.trends.tags, names, (v) => String(Math.round(v))),
    trendChart('CTRS items covered (CBT sessions)', term.trends.ctrsCovered, names, (v) => `${Math.round(v)}/11`),
    trendChart('Problems', term.trends.problems, names, (v) => String(Math.round(v))),
  ];
  const skipped = term.skipped.length ? `<h2>Not reported</h2><ul>${term.skipped.map((s) => `<li>${escapeHtml(s.name)}: ${escapeHtml(s.error)}</li>`).join('')}</ul>` : '';
  const sessions = term.sessions.map((s, i) => `<section class="session" id="s${i}-"><p class="muted">Session ${i + 1} of ${term.sessions.length} · <a href="#top">back to the table</a></p>${sessionBody(s, `s${i}-`, options, 'h1')}</section>`);
  const body = [
    `<h1 id="top">${escapeHtml(term.title)} <span class="muted">${plural(term.sessions.length, 'session')}</span></h1>`,
    `<h2>Sessions</h2>`,
    `<table><thead><tr><th class="n">#</th><th>session</th><th>kind</th><th class="n">turns</th><th class="n">therapist talk</th><th class="n">questions</th><th class="n">reflections</th><th class="n">R:Q</th><th class="n">% CR</th><th class="n">tags</th><th class="n">untagged</th><th class="n">CTRS</th><th class="n">problems</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    `<p class="muted">R:Q and % complex reflections are MITI figures in MI sessions (from their tags when coded), else detected; CTRS is coverage by tags (items addressed of 11), in CBT sessions.</p>`,
    `<h2>Trends</h2>`,
    `<div class="charts">${charts.join('')}</div>`,
    skipped,
    ...sessions,
  ].join('\n');
  return page(term.title, body, options);
}

/** Two coders compared: kappa, per technique, the disagreeing turns side by side. `sources`: the two files' URIs, for links. */
export function agreementHtml(report: AgreementReport, options: HtmlOptions, sources: [string?, string?] = []): string {
  const fmt = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(2));
  const tags = (list: string[]) => (list.length ? list.map((t) => `<span class="tag">[${escapeHtml(t)}]</span>`).join(' ') : '<span class="muted">none</span>');
  const rows = report.techniques.map(
    (t) => `<tr><td class="tag">[${escapeHtml(t.tag)}]</td><td class="n">${t.both}</td><td class="n">${t.onlyA}</td><td class="n">${t.onlyB}</td><td class="n">${t.neither}</td><td class="n">${formatShare(t.agreement)}</td><td class="n">${fmt(t.kappa)}</td></tr>`,
  );
  const disagreements = report.disagreements.map((d) => {
    const webview = options.target === 'webview';
    const link = webview ? `<a href="#" data-line="${d.line}"${sources[0] ? ` data-source="${escapeHtml(sources[0])}"` : ''}>turn ${d.turn + 1}, line ${d.line}</a>` : `turn ${d.turn + 1}, line ${d.line}`;
    // In the editor, B's side links to the turn in B's copy (the same line: the text is the same).
    const inB = webview && sources[1] ? ` <a href="#" class="muted" data-line="${d.line}" data-source="${escapeHtml(sources[1])}" title="line ${d.line} in ${escapeHtml(report.b)}">(show in B)</a>` : '';
    return `<tr><td>${link}<div class="muted">${escapeHtml(d.speaker)}: ${escapeHtml(d.excerpt)}</div></td><td>${tags(d.a)}</td><td>${tags(d.b)}${inB}</td></tr>`;
  });
  const toggle =
    options.target === 'webview'
      ? ` <a href="#" data-action="toggleUncoded">${report.excludeUncoded ? 'count every turn' : 'leave uncoded turns out'}</a>`
      : '';
  const body = [
    `<h1>Agreement <span class="muted">two coders, one session</span></h1>`,
    `<p>A: <strong>${escapeHtml(report.a)}</strong> · B: <strong>${escapeHtml(report.b)}</strong></p>`,
    `<table><tbody>`,
    `<tr><td>turns compared</td><td class="n">${report.units} of ${report.turns}</td><td class="muted">${report.excludeUncoded ? 'turns neither coder tagged left out' : 'every turn (uncoded turns count as agreement on "none")'}${toggle}</td></tr>`,
    `<tr><td>same codes</td><td class="n">${report.agreed} (${formatShare(report.agreement)})</td><td></td></tr>`,
    `<tr><td>Cohen's kappa</td><td class="n">${fmt(report.kappa)}</td><td class="muted">${escapeHtml(kappaWords(report.kappa))}; turn level, each turn's set of codes one category</td></tr>`,
    `<tr><td>pooled kappa</td><td class="n">${fmt(report.pooledKappa)}</td><td class="muted">the per-technique tables pooled</td></tr>`,
    `</tbody></table>`,
    `<h2>Per technique</h2>`,
    rows.length ? `<table><thead><tr><th>technique</th><th class="n">both</th><th class="n">only A</th><th class="n">only B</th><th class="n">neither</th><th class="n">agree</th><th class="n">kappa</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p>Neither copy has technique tags.</p>',
    `<h2>Disagreeing turns <span class="muted">${report.disagreements.length}</span></h2>`,
    disagreements.length ? `<table><thead><tr><th>turn</th><th>A: ${escapeHtml(report.a)}</th><th>B: ${escapeHtml(report.b)}</th></tr></thead><tbody>${disagreements.join('')}</tbody></table>` : '<p>None.</p>',
  ].join('\n');
  return page(`Agreement — ${report.a} vs ${report.b}`, body, options);
}

// ---------------------------------------------------------------------------
// Markdown

const md = (value: string) => value.replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`).replace(/\n/g, ' ');

/** `line 31` as a link to the transcript (`file#L31`) when the report knows its file. */
function mdLine(label: string, line: number, link?: string): string {
  return link ? `[${label}](${encodeURI(link)}#L${line})` : label;
}

export interface MarkdownOptions {
  /** A link target for the session's file (relative to where the Markdown is written), for `#L` line links. */
  link?: string;
  maxFindings?: number;
}

export function sessionMarkdown(report: SessionReport, options: MarkdownOptions = {}, level = 1): string {
  const h = (n: number) => '#'.repeat(Math.min(6, level + n - 1));
  const s = report.stats;
  const total = s.turns.therapist + s.turns.patient + s.turns.other;
  const out: string[] = [];
  out.push(`${h(1)} Session report — ${md(report.name)}`, '');
  out.push(`${s.kind.label === 'untagged' ? 'Untagged session' : `${s.kind.label} session`} · ${plural(total, 'turn')} · therapist ${formatShare(s.therapistTalkRatio)} of words · R:Q ${formatRatio(report.reflectionToQuestion)} · ${plural(s.tags.reduce((n, t) => n + t.count, 0), 'tag')} · ${plural(report.problems.total, 'problem')}`, '');
  out.push(`${h(2)} Talk`, '', '| speaker | role | turns | words | share of words |', '|---|---|--:|--:|--:|');
  for (const sp of s.speakers) out.push(`| ${md(sp.speaker)} | ${sp.role} | ${sp.turns} | ${sp.words} | ${formatShare(sp.share)} |`);
  out.push('', `${h(2)} Questions and reflections (therapist)`, '');
  out.push(`- Questions (detected): ${s.questions.open + s.questions.closed} (${s.questions.open} open, ${s.questions.closed} closed; closing courtesies and tag questions not counted)`);
  out.push(`- Reflections (detected): ${s.reflections}`);
  if (s.mi) {
    const mi = s.mi;
    if (mi.source === 'tags') out.push(`- Tagged: ${mi.questions} questions (Q), ${mi.reflections} reflections (${mi.simple} SR, ${mi.complex} CR)`);
    out.push(`- R:Q ${formatRatio(mi.reflectionToQuestion)}${mi.rqBand ? ` — **${mi.rqBand}**` : ''} (MITI 4.2.1: fair 1:1, good 2:1; ${mi.source === 'tags' ? 'from the MITI tags' : 'detected: no Q, SR or CR tags'})`);
    out.push(`- % complex reflections ${formatShare(mi.complexShare)}${mi.crBand ? ` — **${mi.crBand}**` : ''} (MITI 4.2.1: fair 40%, good 50%${mi.complexShare === undefined ? '; needs reflections tagged simple or complex' : ''})`);
  } else {
    out.push(`- R:Q ${formatRatio(report.reflectionToQuestion)} (the MITI thresholds apply to MI sessions; this one is ${s.kind.label === 'untagged' ? 'untagged' : s.kind.label})`);
  }
  out.push('', 'Questions and reflections are found by a local heuristic: read them as indications.', '');
  if (s.ctrsCoverage) {
    out.push(`${h(2)} CTRS coverage (${s.ctrsCoverage.covered} of ${s.ctrsCoverage.total} items)`, '', 'Which CTRS items the tags address: coverage, never a CTRS score.', '', '| CTRS item | tags |', '|---|---|');
    for (const item of s.ctrsCoverage.items) out.push(`| ${md(item.item)} | ${item.count ? item.tags.map((t) => `\`[${t.tag}]\`${t.count > 1 ? ` ×${t.count}` : ''}`).join(', ') : '— not covered'} |`);
    out.push('');
  }
  out.push(`${h(2)} Problems (${report.problems.total})`, '');
  if (report.problems.total === 0) out.push('None found.', '');
  const max = options.maxFindings ?? 200;
  for (const rule of report.problems.byRule) {
    out.push(`${h(3)} \`${rule.ruleId}\` (${rule.count}, ${SEVERITY_LABEL[rule.severity]})`, '');
    for (const g of groupByReason(rule.findings.slice(0, max))) {
      const places = g.findings.map((f) => mdLine(`line ${f.line}`, f.line, options.link)).join(', ');
      const turn = g.findings.length === 1 && g.findings[0]!.turn !== undefined ? ` (turn ${g.findings[0]!.turn + 1})` : '';
      out.push(`- ${places}${turn}: ${md(g.reason)}`);
    }
    if (rule.count > Math.min(max, rule.findings.length)) out.push(`- …and ${plural(rule.count - Math.min(max, rule.findings.length), 'more finding')}`);
    out.push('');
  }
  if (s.turns.therapist > 0) {
    out.push(`${h(2)} Untagged therapist turns (${report.untagged.length} of ${s.turns.therapist})`, '');
    if (report.untagged.length === 0) out.push('Every therapist turn is tagged.');
    for (const u of report.untagged) out.push(`- ${mdLine(`turn ${u.turn + 1}, line ${u.line}`, u.line, options.link)}: ${md(u.excerpt)}`);
    out.push('');
  }
  if (report.comments.length) {
    out.push(`${h(2)} Supervisor comments (${report.comments.length})`, '');
    for (const c of report.comments) out.push(`- ${mdLine(`line ${c.line}`, c.line, options.link)}: ${c.author ? `**${md(c.author)}:** ` : ''}${md(c.text)}`);
    out.push('');
  }
  if (s.tags.length) {
    out.push(`${h(2)} Tags`, '', '| tag | technique | CTRS item / MITI code | count |', '|---|---|---|--:|');
    for (const t of s.tags) out.push(`| \`[${t.tag}]\` | ${md(t.label)} | ${md(t.ctrs ?? t.miti ?? '—')} | ${t.count} |`);
    out.push('');
  }
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

export function termMarkdown(term: TermReport, links: ReadonlyMap<string, string> = new Map()): string {
  const out = [`# ${md(term.title)} (${plural(term.sessions.length, 'session')})`, '', '| # | session | kind | turns | therapist talk | R:Q | % CR | tags | untagged | CTRS | problems |', '|--:|---|---|--:|--:|--:|--:|--:|--:|--:|--:|'];
  term.rows.forEach((r, i) => {
    out.push(`| ${i + 1} | ${md(r.name)} | ${r.kind} | ${r.turns} | ${formatShare(r.therapistShare)} | ${formatRatio(r.reflectionToQuestion)} | ${formatShare(r.complexShare)} | ${r.tags} | ${r.untagged} | ${r.ctrsCovered === undefined ? '—' : `${r.ctrsCovered}/11`} | ${r.problems} |`);
  });
  out.push('');
  for (const s of term.skipped) out.push(`- Not reported: ${md(s.name)}: ${md(s.error)}`);
  for (const s of term.sessions) out.push('', sessionMarkdown(s, { link: links.get(s.name) }, 2).trimEnd());
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
