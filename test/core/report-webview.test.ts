/**
 * The report and agreement pages as the VS Code webview gets them
 * (report-render.ts, target `webview`): a strict Content-Security-Policy with
 * the nonce on the one script, nothing loaded from anywhere, theme variables,
 * and a link (data-line) for every timeline mark, problem, untagged turn and
 * comment, which the script turns into a message to the extension.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { analyze } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { sessionReport } from '../../server/src/core/report.ts';
import { agreement } from '../../server/src/core/agreement.ts';
import { agreementHtml, sessionHtml } from '../../server/src/core/report-render.ts';
import { ROOT } from '../helpers/paths.ts';
import { SEED } from '../helpers/data.ts';

const NONCE = 'bm9uY2Vub25jZW5vbmNl';
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const options = { target: 'webview' as const, nonce: NONCE, cspSource: CSP_SOURCE };

function reportOf(name: string, text: string) {
  return sessionReport(name, analyze(text, { config: emptyConfig() }), `file:///work/${name}`);
}

/** Every `<tag …>` of the page with its attributes, to check what it could load. */
const tags = (html: string) => [...html.matchAll(/<([a-zA-Z][\w-]*)\b([^>]*)>/g)].map((m) => ({ name: m[1]!.toLowerCase(), attributes: m[2]! }));

test('the webview page: a strict CSP, the nonce on its only script, nothing from anywhere, theme colours', () => {
  const html = sessionHtml(reportOf('seed-session.transcript', fs.readFileSync(SEED, 'utf8')), options);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, 'a CSP meta tag');
  assert.match(csp, /^default-src 'none';/);
  assert.ok(csp.includes(`script-src 'nonce-${NONCE}'`), csp);
  assert.ok(!/unsafe-eval|script-src[^;]*unsafe-inline/.test(csp), csp);
  const scripts = tags(html).filter((t) => t.name === 'script');
  assert.equal(scripts.length, 1);
  assert.equal(scripts[0]!.attributes.trim(), `nonce="${NONCE}"`);
  // Nothing to load: no src, no external href, no link or iframe, no url() in the CSS.
  for (const t of tags(html)) {
    assert.ok(!/\ssrc=/.test(t.attributes), `<${t.name}${t.attributes}>`);
    assert.ok(!/\shref="(?!#)/.test(t.attributes), `<${t.name}${t.attributes}>`);
    assert.ok(!['link', 'iframe', 'object', 'embed', 'img', 'base'].includes(t.name), t.name);
  }
  assert.ok(!/url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/.test(html.replace(csp, '')));
  // The theme's colours, with fallbacks for a browser.
  for (const variable of ['--vscode-foreground', '--vscode-editor-background', '--vscode-textLink-foreground', '--vscode-charts-blue']) assert.ok(html.includes(`var(${variable}`), variable);
});

test('every timeline mark, problem, untagged turn and comment links to its line; the script posts reveal and loaded', () => {
  const text = fs.readFileSync(SEED, 'utf8').replace('\nPatient:', '\n%% Dr. Lee: a comment\nPatient:');
  const report = reportOf('seed-session.transcript', text);
  assert.equal(report.comments.length, 1);
  const html = sessionHtml(report, options);
  const svg = /<div class="timeline"><svg[\s\S]*?<\/svg>/.exec(html)![0];
  const marks = [...svg.matchAll(/<a href="#" data-line="(\d+)" data-source="file:\/\/\/work\/seed-session\.transcript"/g)].map((m) => Number(m[1]));
  assert.deepEqual(marks, report.timeline.map((t) => t.line));
  // One problem triangle per turn with problems, one tag mark per tagged turn.
  assert.equal((svg.match(/<path class="t-(?:error|warn|info)"/g) ?? []).length, report.timeline.filter((t) => t.problems > 0).length);
  assert.equal((svg.match(/class="t-tag"/g) ?? []).length, report.timeline.filter((t) => t.tags.length > 0).length);
  const linked = new Set([...html.matchAll(/data-line="(\d+)"/g)].map((m) => Number(m[1])));
  for (const rule of report.problems.byRule) for (const f of rule.findings) assert.ok(linked.has(f.line), `${rule.ruleId} at line ${f.line}`);
  for (const u of report.untagged) assert.ok(linked.has(u.line), `untagged turn at line ${u.line}`);
  assert.ok(linked.has(report.comments[0]!.line));
  assert.match(html, /vscode\.postMessage\(\{ type: 'reveal', line: Number\(link\.getAttribute\('data-line'\)\)/);
  assert.match(html, /vscode\.postMessage\(\{ type: 'loaded' \}\)/);
  // A file page has neither the script nor the messages.
  const file = sessionHtml(report, { target: 'file' });
  assert.ok(!file.includes('<script'));
  assert.ok(!file.includes('data-line='));
});

test('the agreement page in the editor: a switch for uncoded turns, and both copies linked for each disagreement', () => {
  const a = fs.readFileSync(path.join(ROOT, 'samples/tagged-cbt-session.transcript'), 'utf8');
  const b = a.replace('[cbt:validation] ', '[cbt:reflection] ');
  const copy = (name: string, text: string) => ({ name, text, tree: parseTranscript(text) });
  const report = agreement(copy('a.transcript', a), copy('b.transcript', b));
  assert.equal(report.disagreements.length, 1);
  const html = agreementHtml(report, options, ['file:///a.transcript', 'file:///b.transcript']);
  assert.match(html, /<a href="#" data-action="toggleUncoded">leave uncoded turns out<\/a>/);
  const line = report.disagreements[0]!.line;
  assert.ok(html.includes(`data-line="${line}" data-source="file:///a.transcript"`));
  assert.ok(html.includes(`data-line="${line}" data-source="file:///b.transcript"`));
  const excluded = agreementHtml(agreement(copy('a.transcript', a), copy('b.transcript', b), { excludeUncoded: true }), options, ['file:///a.transcript', 'file:///b.transcript']);
  assert.match(excluded, /data-action="toggleUncoded">count every turn<\/a>/);
  // In a file (the CLI's --format html) there is nothing to switch and nowhere to post.
  assert.ok(!agreementHtml(report, { target: 'file' }).includes('data-action'));
});
