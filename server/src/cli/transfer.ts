/**
 * Processed files across the worker boundary. `postMessage` clones plain data
 * only (a VFileMessage would arrive as a bare Error without its place, rule or
 * severity), so a worker sends what the reporters read and the main thread
 * rebuilds real VFiles from it: the reporters then print exactly what they
 * would have printed for the worker's own files.
 */
import { VFile } from 'vfile';
import { VFileMessage } from 'vfile-message';

/** The fields of a message that the stylish and JSON reporters read. */
const MESSAGE_FIELDS = ['reason', 'message', 'name', 'stack', 'file', 'line', 'column', 'place', 'ruleId', 'source', 'fatal', 'actual', 'expected', 'note', 'url'] as const;

type MessageData = Partial<Record<(typeof MESSAGE_FIELDS)[number], unknown>> & { cause?: ErrorData };

interface ErrorData {
  name?: string;
  message?: string;
  stack?: string;
  cause?: ErrorData;
}

export interface FileData {
  cwd: string;
  history: string[];
  stored: boolean;
  /** unified-engine's marks (`unifiedEngineGiven` …): the reporter keeps only given files. */
  engine: Record<string, unknown>;
  messages: MessageData[];
}

export function serializeFile(file: VFile): FileData {
  const engine: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file.data)) if (key.startsWith('unifiedEngine') && typeof value !== 'object') engine[key] = value;
  return {
    cwd: file.cwd,
    history: [...file.history],
    stored: file.stored,
    engine,
    messages: file.messages.map((message) => {
      const data: MessageData = {};
      for (const field of MESSAGE_FIELDS) if (message[field] !== undefined) data[field] = message[field];
      if (message.cause) data.cause = serializeError(message.cause);
      return data;
    }),
  };
}

export function reviveFile(data: FileData): VFile {
  const file = new VFile({ cwd: data.cwd });
  file.history = [...data.history];
  file.stored = data.stored;
  Object.assign(file.data, data.engine);
  for (const fields of data.messages) {
    const message = new VFileMessage(String(fields.reason ?? ''));
    Object.assign(message, fields);
    file.messages.push(message);
  }
  return file;
}

/** Errors (causes) as plain data; the reporter prints their stack or message. */
function serializeError(error: unknown, depth = 0): ErrorData {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const source = error as { name?: unknown; message?: unknown; stack?: unknown; cause?: unknown };
  const data: ErrorData = {};
  if (typeof source.name === 'string') data.name = source.name;
  if (typeof source.message === 'string') data.message = source.message;
  if (typeof source.stack === 'string') data.stack = source.stack;
  if (source.cause !== undefined && depth < 8) data.cause = serializeError(source.cause, depth + 1);
  return data;
}
