/**
 * Property 2: for the same text and the same settings, `transcript-lint`
 * (a file, `--format json`), `transcript-lint --jsonl` and the language
 * server (the document open in the editor, diagnostics pulled) report the
 * same findings: rule, severity, place and message. Settings come from a
 * `.transcriptrc.json` beside the file, or from the client's settings and
 * `--config` with the same content.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { settings, transcript } from './generators.ts';
import { startInProcess } from './lsp.ts';
import { main } from '../../server/src/cli.ts';
import { processRecord } from '../../server/src/cli/jsonl.ts';
import { SettingsResolver } from '../../server/src/core/resolve.ts';

export interface ParityCase {
  text: string;
  settings: { speakers?: Record<string, string>; rules?: Record<string, unknown> };
  /** Where the settings are: a .transcriptrc.json, or the client's settings (and --config for the CLI). */
  via: 'file' | 'client';
}

export const parityCase: fc.Arbitrary<ParityCase> = fc.record({ text: transcript, settings, via: fc.constantFrom<'file' | 'client'>('file', 'client') });

/** A finding as both sides can say it: rule, severity, 1-based start and end, message. */
type Row = string;
const SEVERITY: Record<number, string> = { 1: 'error', 2: 'warn', 3: 'info' };

function collect(): { stream: Writable; text: () => string } {
  let out = '';
  return {
    stream: new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    }),
    text: () => out,
  };
}

export async function checkParityCase(input: ParityCase): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'transcript-fuzz-parity-'));
  const server = await startInProcess({ pull: true, rootDir: dir, ...(input.via === 'client' ? { configuration: input.settings } : {}) });
  try {
    const file = path.join(dir, 'session.transcript');
    fs.writeFileSync(file, input.text);
    const args = ['--format', 'json', '--no-color'];
    if (input.via === 'file') fs.writeFileSync(path.join(dir, '.transcriptrc.json'), JSON.stringify(input.settings));
    else {
      fs.writeFileSync(path.join(dir, 'given.json'), JSON.stringify(input.settings));
      args.push('--config', path.join(dir, 'given.json'));
    }
    // The CLI, in this process (what the bin runs).
    const stdout = collect();
    const stderr = collect();
    const code = await main([...args, file], { stdin: Readable.from([]), stdout: stdout.stream, stderr: stderr.stream, cwd: dir });
    assert.ok(code === 0 || code === 1, `transcript-lint exited ${code}: ${stderr.text()}`);
    const [report] = JSON.parse(stdout.text()) as Array<{ messages: Array<{ ruleId: string; fatal: boolean | null; reason: string; place?: { start: { line: number; column: number }; end: { line: number; column: number } } }> }>;
    const cli: Row[] = [];
    const cliProblems: string[] = [];
    for (const m of report!.messages) {
      if (m.ruleId === 'config') cliProblems.push(m.reason);
      else cli.push(`${m.ruleId} ${m.fatal === true ? 'error' : m.fatal === false ? 'warn' : 'info'} ${m.place!.start.line}:${m.place!.start.column}-${m.place!.end.line}:${m.place!.end.column} ${m.reason}`);
    }

    // The editor opens the text as VS Code reads the file: without its byte order mark.
    const uri = pathToFileURL(file).href;
    const text = input.text.charCodeAt(0) === 0xfeff ? input.text.slice(1) : input.text;
    server.open(uri, text, 1);
    const pulled = (await server.request('textDocument/diagnostic', { textDocument: { uri } })) as {
      items: Array<{ code: string; severity: number; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }>;
    };
    const editor: Row[] = [];
    const editorProblems: string[] = [];
    for (const d of pulled.items) {
      if (d.code === 'config') editorProblems.push(d.message);
      else editor.push(`${d.code} ${SEVERITY[d.severity]} ${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.message}`);
    }
    // The same findings; their order is the editor's own (most severe first, as the per-file budget keeps them).
    assert.deepEqual([...editor].sort(), [...cli].sort(), 'the editor and transcript-lint report different findings');
    assert.deepEqual(editorProblems.length > 0, cliProblems.length > 0, 'one side reports a problem in the settings and the other does not');

    // --jsonl, with the configuration the CLI would use from the same folder.
    const resolved = new SettingsResolver(input.via === 'file' ? {} : { configFile: path.join(dir, 'given.json') }).forFile(path.join(dir, 'stdin.transcript'));
    const result = processRecord(JSON.stringify({ id: 1, text: input.text }), 1, 'lint', { config: resolved.config, codebook: resolved.codebook });
    if (result.error === undefined) {
      const jsonl = result.findings!.map((f) => `${f.ruleId} ${f.severity} ${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.reason}`);
      assert.deepEqual(jsonl, cli, '--jsonl and transcript-lint report different findings');
    } else assert.ok(report!.messages.some((m) => m.ruleId === 'unreadable'), `--jsonl refused the text (${result.error}) and the CLI did not`);
    assert.deepEqual(server.errors, [], 'the server logged errors');
  } finally {
    await server.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
