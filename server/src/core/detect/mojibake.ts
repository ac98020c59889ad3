/**
 * Mojibake: UTF-8 text that was decoded as Windows-1252 (or Latin-1) and
 * saved again ("â€”" for "—", "â€™" for "’", "Ã©" for "é"), found as runs
 * of a lead byte and its continuation bytes, and repaired by re-encoding a
 * run as Windows-1252 bytes and decoding them as UTF-8.
 */
import type { TextEdit } from '../fixes.ts';
import { NO_MATCHES } from '../text.ts';
import { validUtf8Prefix } from '../utf8.ts';

/** Windows-1252 characters for bytes 0x80–0x9F (undefined bytes map to C1 controls, as decoders do). */
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const BYTE_OF = new Map<string, number>();
for (let i = 0; i < 32; i++) BYTE_OF.set(CP1252_HIGH[i]!, 0x80 + i);
for (let b = 0x80; b <= 0xff; b++) if (b >= 0xa0 || !BYTE_OF.has(String.fromCharCode(b))) BYTE_OF.set(String.fromCharCode(b), b);

const CONTINUATION = `[\\u0080-\\u00BF${CP1252_HIGH.replace(/[\u0080-\u009F]/g, '')}]`;
/** A lead byte (0xC2–0xF4) seen as Latin-1, then one to three continuation bytes. */
const SEQUENCE = new RegExp(`(?:[\\u00C2-\\u00F4]${CONTINUATION}{1,3})+`, 'g');
const decoder = new TextDecoder('utf-8', { fatal: true });
const LEAD = /[\u00C2-\u00F4]/;

/** Repair a run, or `undefined` when it is not mojibake after all. */
export function repairMojibake(run: string): string | undefined {
  const bytes = new Uint8Array(run.length);
  for (let i = 0; i < run.length; i++) {
    const byte = BYTE_OF.get(run[i]!);
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The longest prefix (of two characters or more) of a run that decodes as
 * UTF-8 once re-encoded, with its repair — what shrinking the run from the
 * end until it decodes finds, in one pass: a prefix decodes exactly when it
 * ends before the first byte that breaks UTF-8 and on a character boundary,
 * so the longest one ends at that byte (an "Ã€€€…" run of 250 KB took
 * minutes, one decode per character).
 */
function longestRepairablePrefix(run: string): { length: number; text: string } | undefined {
  const bytes = new Uint8Array(run.length);
  let n = 0;
  for (; n < run.length; n++) {
    const byte = BYTE_OF.get(run[n]!);
    if (byte === undefined) break;
    bytes[n] = byte;
  }
  let valid = validUtf8Prefix(bytes.subarray(0, n));
  for (; valid >= 2; valid--) {
    // (The check above is exact; decoding confirms it, and shrinks should a byte disagree.)
    try {
      return { length: valid, text: decoder.decode(bytes.subarray(0, valid)) };
    } catch {
      // Shrink by one, as before.
    }
  }
  return undefined;
}


/** Mojibake runs in a text, with their repair. */
export function findMojibake(text: string): Array<TextEdit & { run: string }> {
  if (!LEAD.test(text)) return NO_MATCHES as never[];
  const found: Array<TextEdit & { run: string }> = [];
  SEQUENCE.lastIndex = 0;
  for (let m = SEQUENCE.exec(text); m; m = SEQUENCE.exec(text)) {
    // The longest prefix of the run that decodes (a trailing "Â" may be real).
    const longest = longestRepairablePrefix(m[0]);
    if (!longest) continue;
    const run = m[0].slice(0, longest.length);
    const repaired = longest.text;
    if (repaired !== run) found.push({ start: m.index, end: m.index + run.length, text: repaired, run });
  }
  return found;
}
