/**
 * Input checks for the CLI: what is not a UTF-8 text transcript gets a clear
 * message and is neither linted nor rewritten (so no byte is ever lost).
 */
import fs from 'node:fs';
import { kindOf } from '../core/read.ts';
import { maxTextLength, maxTurns, tooLarge, tooLargeReason } from '../core/limits.ts';

export { maxTextLength, maxTurns, countLabelLines } from '../core/limits.ts';

/**
 * Why a path cannot be read as a transcript, known before reading it, or
 * `undefined` (a regular file of a size this run can hold, a folder, or a
 * missing path, which the engine reports itself). A FIFO would block the
 * read until some writer comes, a device such as /dev/zero never ends, and a
 * file of more bytes than three times the characters this run can check
 * cannot fit (UTF-8 takes at most three bytes per UTF-16 code unit): none is
 * opened.
 */
export function unreadableReason(filePath: string, limit = maxTextLength()): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(filePath);
  } catch {
    return undefined;
  }
  if (stat.isDirectory()) return undefined;
  if (!stat.isFile()) return `This is ${kindOf(stat)}, not a regular file: it was not read (reading it could wait forever or never end), and nothing was written.`;
  if (stat.size > 3 * limit) return tooLarge(stat.size, limit);
  return undefined;
}

/** The reason a file cannot be linted, or `undefined` when it is fine. */
export function checkText(text: string, filePath: string | undefined, limit = maxTextLength(), turnLimit = maxTurns()): string | undefined {
  const size = tooLargeReason(text, limit, turnLimit);
  if (size) return size;
  const hasReplacement = text.includes('\uFFFD');
  if (hasReplacement && filePath) {
    const problem = checkBytes(readBytes(filePath));
    if (problem) return problem;
  }
  if (text.includes('\u0000')) {
    return utf16Without(text) ?? 'This looks like a binary file (it contains NUL bytes), not a transcript: it was skipped.';
  }
  return undefined;
}

const UTF16_MESSAGE = (order: 'LE' | 'BE') =>
  `This file is UTF-16 ${order} without a byte order mark, not UTF-8: convert it (e.g. \`iconv -f UTF-16${order} -t UTF-8\`) before linting; it was skipped and left unchanged.`;

/**
 * UTF-16 text without a byte order mark, read as UTF-8: text in a Latin
 * script is then every other character a NUL — at odd offsets for little
 * endian, even ones for big endian. Looks at the first 4,096 characters.
 */
export function utf16Without(text: string): string | undefined {
  const n = Math.min(text.length, 4096);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    if (text.charCodeAt(i) !== 0) continue;
    if (i % 2 === 0) even++;
    else odd++;
  }
  const pairs = Math.floor(n / 2);
  if (pairs === 0) return undefined;
  if (odd >= pairs * 0.3 && even <= odd * 0.05) return UTF16_MESSAGE('LE');
  if (even >= pairs * 0.3 && odd <= even * 0.05) return UTF16_MESSAGE('BE');
  return undefined;
}

function readBytes(filePath: string): Uint8Array | undefined {
  try {
    return fs.readFileSync(filePath);
  } catch {
    return undefined;
  }
}

/** Why these bytes are not UTF-8 text, if they are not. */
export function checkBytes(bytes: Uint8Array | undefined): string | undefined {
  if (!bytes) return undefined;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return 'This file is UTF-16, not UTF-8: convert it (e.g. `iconv -f UTF-16 -t UTF-8`) before linting; it was skipped and left unchanged.';
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad === -1) return undefined;
  // One character per byte, so a NUL's parity is its byte's.
  const asText = utf16Without(Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 8192)).toString('latin1'));
  if (asText) return asText;
  if (bytes.includes(0)) {
    return 'This looks like a binary file (it contains NUL bytes), not a transcript: it was skipped.';
  }
  let line = 1;
  for (let i = 0; i < bad; i++) if (bytes[i] === 10) line++;
  return `This file is not valid UTF-8 (byte ${bad}, line ${line}): it was not linted and will not be rewritten, so nothing is lost. Convert it to UTF-8 first (e.g. \`iconv -f WINDOWS-1252 -t UTF-8\`).`;
}

/** Offset of the first byte that breaks UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
