/**
 * What the client said it supports (`initialize`), in one place, so the server
 * sends only what the client can take: no dynamic registration, refresh or
 * Markdown to a client that did not declare it, and VS Code's client-side
 * commands only to the VS Code extension (which names them itself in its
 * `initializationOptions.clientCommands`).
 */
import type { ClientCapabilities, InitializeParams, MarkupKind } from 'vscode-languageserver';

/** The commands the VS Code extension provides on the client side (quick pick, the session report webview, suggest). */
export const VSCODE_CLIENT_COMMANDS = ['therapyTranscript.pickTechnique', 'therapyTranscript.showSummary', 'editor.action.triggerSuggest'] as const;

export interface ClientSupport {
  /** Client-side commands the client provides (`initializationOptions.clientCommands`). */
  clientCommands: ReadonlySet<string>;
  /** Hover contents as Markdown (else plain text). */
  hoverMarkdown: boolean;
  /** Completion documentation as Markdown (else plain text). */
  completionMarkdown: boolean;
  /** `DocumentSymbol[]` with children (else a flat `SymbolInformation[]`). */
  hierarchicalSymbols: boolean;
  /** `CodeAction` literals (else `Command`s the server runs). */
  codeActionLiterals: boolean;
  /** `codeAction/resolve` may fill in an action's edit. */
  resolveEdits: boolean;
  /** `workspace/configuration`. */
  configuration: boolean;
  /** `client/registerCapability` for `workspace/didChangeConfiguration`. */
  dynamicConfiguration: boolean;
  /** `client/registerCapability` for `workspace/didChangeWatchedFiles`. */
  dynamicWatchers: boolean;
  /** `workspace/diagnostic/refresh`. */
  diagnosticRefresh: boolean;
  /** `workspace/semanticTokens/refresh`. */
  semanticTokensRefresh: boolean;
  /** `textDocument/semanticTokens`. */
  semanticTokens: boolean;
  /** `textDocument/diagnostic` (pull diagnostics). */
  pullDiagnostics: boolean;
  /** `workspace/applyEdit`. */
  applyEdit: boolean;
  /** `window/showDocument`. */
  showDocument: boolean;
  /** `window/workDoneProgress/create`. */
  workDoneProgress: boolean;
  /** The client's name (`clientInfo.name`), for messages. */
  name: string;
}

function prefersMarkdown(formats: MarkupKind[] | undefined): boolean {
  // A client that lists no format gets plain text, the one every client can show.
  return Array.isArray(formats) && formats[0] === 'markdown';
}

export function clientSupport(params: Pick<InitializeParams, 'capabilities' | 'initializationOptions' | 'clientInfo'>): ClientSupport {
  const c: ClientCapabilities = params.capabilities ?? {};
  const options = (params.initializationOptions ?? {}) as { clientCommands?: unknown };
  const commands = Array.isArray(options.clientCommands) ? options.clientCommands.filter((x): x is string => typeof x === 'string') : [];
  return {
    clientCommands: new Set(commands),
    hoverMarkdown: prefersMarkdown(c.textDocument?.hover?.contentFormat),
    completionMarkdown: prefersMarkdown(c.textDocument?.completion?.completionItem?.documentationFormat),
    hierarchicalSymbols: c.textDocument?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
    codeActionLiterals: c.textDocument?.codeAction?.codeActionLiteralSupport !== undefined,
    resolveEdits: c.textDocument?.codeAction?.resolveSupport?.properties?.includes('edit') === true,
    configuration: c.workspace?.configuration === true,
    dynamicConfiguration: c.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    dynamicWatchers: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    diagnosticRefresh: c.workspace?.diagnostics?.refreshSupport === true,
    semanticTokensRefresh: c.workspace?.semanticTokens?.refreshSupport === true,
    semanticTokens: c.textDocument?.semanticTokens !== undefined,
    pullDiagnostics: c.textDocument?.diagnostic !== undefined,
    applyEdit: c.workspace?.applyEdit === true,
    showDocument: c.window?.showDocument?.support === true,
    workDoneProgress: c.window?.workDoneProgress === true,
    name: params.clientInfo?.name ?? 'the editor',
  };
}

/** Markdown as plain text: no emphasis marks, code spans or quote marks, tables as aligned text. */
export function markdownToPlain(markdown: string): string {
  return markdown
    .split('\n')
    .filter((line) => !/^\|?\s*:?-{3,}/.test(line))
    .map((line) =>
      line
        .replace(/^#{1,6}\s+/, '')
        .replace(/^>\s?/, '  ')
        .replace(/^\|\s?(.*?)\s?\|$/, (_, cells: string) => cells.split(/\s?\|\s?/).filter((cell, i) => i > 0 || cell.trim()).join('  ·  '))
        .replace(/\*\*(.+?)\*\*/g, '$1')
        .replace(/(^|[\s(])\*(\S.*?\S|\S)\*(?=[\s).,;:]|$)/g, '$1$2')
        .replace(/`([^`]+)`/g, '$1'),
    )
    .join('\n');
}
