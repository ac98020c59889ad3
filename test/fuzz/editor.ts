/**
 * Property 1: after any sequence of bursts of edits (several content changes
 * per didChange), whole-text replacements, requests sent while the analysis
 * runs, and closing and reopening the document (at version 1 again, with the
 * same or other text), every view the server gives — diagnostics (pulled or
 * pushed), outline, folding, code lens, code actions, hover, completion — is
 * exactly what a server that has just opened the final text gives.
 */
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { edit, place, transcript, type Edit } from './generators.ts';
import { startInProcess, type InProcessServer } from './lsp.ts';

type RequestKind = 'hover' | 'symbols' | 'folding' | 'codeLens' | 'codeAction' | 'diagnostic' | 'completion';

export type Step =
  | { kind: 'change'; edits: Edit[] }
  | { kind: 'replace'; text: string }
  | { kind: 'request'; which: RequestKind; at: number }
  | { kind: 'reopen'; text: string | null; restart: boolean }
  | { kind: 'wait' };

export interface EditorCase {
  initial: string;
  pull: boolean;
  steps: Step[];
}

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('change' as const), edits: fc.array(edit, { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), text: transcript }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('request' as const), which: fc.constantFrom<RequestKind>('hover', 'symbols', 'folding', 'codeLens', 'codeAction', 'diagnostic', 'completion'), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const), text: fc.option(transcript, { nil: null }), restart: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'wait' as const }) },
);

export const editorCase: fc.Arbitrary<EditorCase> = fc.record({
  initial: transcript,
  pull: fc.boolean(),
  steps: fc.array(step, { minLength: 1, maxLength: 14 }),
});

const URI = 'file:///fuzz/session.transcript';

function request(server: InProcessServer, document: TextDocument, which: RequestKind, at: number): Promise<unknown> {
  const textDocument = { uri: document.uri };
  const position = document.positionAt(Math.floor(at * (document.getText().length + 1)));
  switch (which) {
    case 'hover':
      return server.request('textDocument/hover', { textDocument, position });
    case 'symbols':
      return server.request('textDocument/documentSymbol', { textDocument });
    case 'folding':
      return server.request('textDocument/foldingRange', { textDocument });
    case 'codeLens':
      return server.request('textDocument/codeLens', { textDocument });
    case 'codeAction':
      return server.request('textDocument/codeAction', { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } });
    case 'completion':
      return server.request('textDocument/completion', { textDocument, position });
    case 'diagnostic':
      return server.request('textDocument/diagnostic', { textDocument });
  }
}

/** Offsets worth hovering and completing at: line starts (labels), tags, and a few more. */
function probes(text: string): number[] {
  const at = new Set<number>([0, text.length]);
  for (let i = 0; i < text.length && at.size < 60; i++) {
    const c = text.charCodeAt(i);
    if ((c === 10 || c === 13) && i + 1 < text.length) at.add(i + 1);
    if (c === 91) at.add(i + 2); // inside "[ns:id]"
  }
  return [...at].sort((a, b) => a - b);
}

/** Every view of the document, as plain data. */
export async function views(server: InProcessServer, document: TextDocument, pull: boolean): Promise<Record<string, unknown>> {
  const textDocument = { uri: document.uri };
  const text = document.getText();
  const whole = { start: { line: 0, character: 0 }, end: document.positionAt(text.length) };
  const diagnostics = pull
    ? ((await server.request('textDocument/diagnostic', { textDocument })) as { items: unknown[] }).items
    : (await server.diagnostics(document.uri, document.version)).diagnostics;
  const result: Record<string, unknown> = {
    diagnostics,
    symbols: await server.request('textDocument/documentSymbol', { textDocument }),
    folding: await server.request('textDocument/foldingRange', { textDocument }),
    codeLens: await server.request('textDocument/codeLens', { textDocument }),
    codeActions: await server.request('textDocument/codeAction', { textDocument, range: whole, context: { diagnostics: [] } }),
  };
  const hovers: unknown[] = [];
  const completions: unknown[] = [];
  for (const offset of probes(text)) {
    const position = document.positionAt(offset);
    hovers.push(await server.request('textDocument/hover', { textDocument, position }));
    if (text[offset - 2] === '[') completions.push(await server.request('textDocument/completion', { textDocument, position }));
  }
  result['hover'] = hovers;
  result['completion'] = completions;
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}

export async function checkEditorCase(input: EditorCase): Promise<void> {
  const server = await startInProcess({ pull: input.pull });
  let fresh: InProcessServer | undefined;
  try {
    let version = 1;
    let document = TextDocument.create(URI, 'therapy-transcript', version, input.initial);
    server.open(URI, input.initial, version);
    const pending: Array<Promise<unknown>> = [];
    for (const s of input.steps) {
      if (s.kind === 'change') {
        const changes = [];
        for (const e of s.edits) {
          const { start, end, text } = place(e, document.getText().length);
          const change = { range: { start: document.positionAt(start), end: document.positionAt(end) }, text };
          changes.push(change);
          document = TextDocument.update(document, [change], version);
        }
        version++;
        document = TextDocument.update(document, [], version);
        server.change(URI, version, changes);
      } else if (s.kind === 'replace') {
        version++;
        document = TextDocument.create(URI, 'therapy-transcript', version, s.text);
        server.change(URI, version, [{ text: s.text }]);
      } else if (s.kind === 'request') {
        // (Only a client that pulls diagnostics asks for them.)
        pending.push(request(server, document, s.which === 'diagnostic' && !input.pull ? 'symbols' : s.which, s.at));
      } else if (s.kind === 'reopen') {
        server.close(URI);
        version = s.restart ? 1 : version + 1;
        const text = s.text ?? document.getText();
        document = TextDocument.create(URI, 'therapy-transcript', version, text);
        server.open(URI, text, version);
      } else {
        await Promise.all(pending.splice(0));
      }
    }
    // Every request is answered (none hangs, none fails).
    await Promise.all(pending);
    const incremental = await views(server, document, input.pull);
    fresh = await startInProcess({ pull: input.pull });
    fresh.open(URI, document.getText(), document.version);
    const expected = await views(fresh, document, input.pull);
    for (const key of Object.keys(expected)) assert.deepEqual(incremental[key], expected[key], `the ${key} of the edited document differ from a fresh open's`);
    assert.deepEqual([...server.errors, ...fresh.errors], [], 'the server logged errors');
  } finally {
    await server.dispose();
    await fresh?.dispose();
  }
}
