/**
 * The base protocol's framing on stdio, checked before the connection reads
 * it: `Content-Length: <n>\r\n` (and other headers), a blank line, n bytes of
 * body. vscode-jsonrpc's reader, given a header it cannot use (no length, a
 * length that is not a number), reports the error to nobody and stays out of
 * step with the stream for good: the server would go on running, deaf. Here
 * such a header is said on stderr and the server stops, so that the client
 * sees it go (and may start it again) instead of waiting on it forever.
 *
 * Bytes are passed on unchanged; only a broken header stops the stream.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Headers are a line or two; anything this long without a blank line is not a header. */
const MAX_HEADER_BYTES = 64 * 1024;
/** A body longer than this cannot be one message (V8's strings stop well before). */
export const MAX_BODY_BYTES = 1 << 30;

/** Why these header bytes (without the blank line) do not frame a message, or the body's length. */
export function parseHeader(header: string): { length: number } | { problem: string } {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return { problem: `a message header line is not "Name: value": ${JSON.stringify(line.slice(0, 80))}` };
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-length') continue;
    const value = line.slice(colon + 1).trim();
    if (!/^\d{1,10}$/.test(value)) return { problem: `Content-Length is not a whole number of bytes: ${JSON.stringify(value.slice(0, 80))}` };
    length = Number(value);
    if (length > MAX_BODY_BYTES) return { problem: `Content-Length ${length} is more than one message can be (${MAX_BODY_BYTES} bytes)` };
  }
  if (length === undefined) return { problem: `a message header has no Content-Length: ${JSON.stringify(header.slice(0, 80))}` };
  return { length };
}

/**
 * A pass-through of `input` that follows the framing; at the first header
 * that cannot frame a message it calls `broken` with the problem and ends,
 * after the messages before it.
 */
export function checkFraming(input: Readable, broken: (problem: string) => void): Transform {
  let header: Buffer[] = [];
  let headerBytes = 0;
  /** Body bytes still to come; -1 while reading a header. */
  let body = -1;
  let stopped = false;
  const framed = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      if (stopped) return done();
      let at = 0;
      while (at < chunk.length) {
        if (body > 0) {
          const take = Math.min(body, chunk.length - at);
          body -= take;
          at += take;
          continue;
        }
        // A header: up to the blank line that ends it.
        const pieceStart = at;
        const piece = chunk.subarray(at);
        const seen = header.length ? Buffer.concat([...header, piece]) : piece;
        const end = seen.indexOf('\r\n\r\n', Math.max(0, headerBytes - 3));
        if (end === -1) {
          header = [Buffer.from(piece)];
          if (headerBytes > 0) header = [seen];
          headerBytes = seen.length;
          if (headerBytes > MAX_HEADER_BYTES) return stop(`${headerBytes} bytes of message header without the blank line that ends it`, chunk.subarray(0, pieceStart), done);
          at = chunk.length;
          break;
        }
        const parsed = parseHeader(seen.subarray(0, end).toString('ascii'));
        if ('problem' in parsed) return stop(parsed.problem, chunk.subarray(0, pieceStart), done);
        at += end + 4 - headerBytes;
        header = [];
        headerBytes = 0;
        body = parsed.length;
      }
      done(null, chunk);
    },
  });
  function stop(problem: string, before: Buffer, done: TransformCallback) {
    stopped = true;
    broken(problem);
    if (before.length > 0) framed.push(before);
    framed.push(null);
    done();
  }
  input.pipe(framed);
  return framed;
}
