/**
 * Input checks for the CLI: what is not a UTF-8 text transcript gets a clear
 * message and is neither linted nor rewritten (so no byte is ever lost).
 */
import fs from 'node:fs';
import v8 from 'node:v8';

/**
 * Linting holds the session's tree and features in memory: about 35 bytes of
 * heap per character of a transcript made of short turns. A file too large for
 * this process's heap gets a message instead of exhausting it.
 */
const HEAP_PER_CHARACTER = 40;
export function maxTextLength(heapLimit = v8.getHeapStatistics().heap_size_limit): number {
  return Math.floor(heapLimit / HEAP_PER_CHARACTER);
}

/** The reason a file cannot be linted, or `undefined` when it is fine. */
export function checkText(text: string, filePath: string | undefined, limit = maxTextLength()): string | undefined {
  if (text.length > limit) {
    const mb = (n: number) => `${Math.round(n / 1e6)} MB`;
    return `This file is ${mb(text.length)}; this run can check transcripts up to ${mb(limit)} (with a ${mb(v8.getHeapStatistics().heap_size_limit)} heap). Split it, or give Node more memory: NODE_OPTIONS=--max-old-space-size=16384 transcript-lint … It was skipped and left unchanged.`;
  }
  const hasReplacement = text.includes('\uFFFD');
  if (hasReplacement && filePath) {
    const problem = checkBytes(readBytes(filePath));
    if (problem) return problem;
  }
  if (text.includes('\u0000')) {
    return 'This looks like a binary file (it contains NUL bytes), not a transcript: it was skipped.';
  }
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
