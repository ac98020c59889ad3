/**
 * Is a word an English dictionary word? A Bloom filter over the `word-list`
 * package's 274,000 words (MIT), built by `npm run train:english`
 * (`train/english.ts`): about 1 % of other strings also pass, never a word
 * that is in the list fails. `detect/labels.ts` asks it before it takes a
 * capitalised word at a turn's start for a name ("Noted: fewer metaphors").
 */
import filter from './weights/english-words.json' with { type: 'json' };
import { hashString } from '../text.ts';

export interface BloomFile {
  /** Bits in the filter. */
  bits: number;
  /** Probes per word. */
  probes: number;
  /** The bits, base64. */
  data: string;
  source: string;
}

const file = filter as BloomFile;
let bytes: Uint8Array | undefined;

/** The filter's bit positions for a word (double hashing of two FNV-1a hashes). */
export function bloomPositions(word: string, bits: number, probes: number): number[] {
  const a = hashString(word);
  const b = hashString(word, 0x9747b28c) | 1;
  const out: number[] = [];
  for (let i = 0; i < probes; i++) out.push(((a + Math.imul(i, b)) >>> 0) % bits);
  return out;
}

/** Is `word` (any case) in the English word list (or one of the ~1 % it lets through)? */
export function englishWord(word: string): boolean {
  bytes ??= Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
  for (const p of bloomPositions(word.toLowerCase(), file.bits, file.probes)) if ((bytes[p >> 3]! & (1 << (p & 7))) === 0) return false;
  return true;
}
