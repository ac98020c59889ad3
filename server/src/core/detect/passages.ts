/**
 * A passage repeated inside one turn: the same sentences written again (a
 * model looping inside its answer — whole paragraphs again, or sentences
 * glued on with ".," and ".:"). Sentences are compared by their normalised
 * words (case, punctuation, contractions); only sentences of a few words
 * count, and only passages of `minWords` words or more are reported.
 */
import { sentences } from './sentence.ts';
import { wordHashes } from '../text.ts';

export interface PassageCopy {
  /** The paragraph it starts in, and its offset there; the paragraph it ends in, and its offset there. */
  textIndex: number;
  start: number;
  endTextIndex: number;
  end: number;
}

export interface RepeatedPassage {
  /** The passage where it is first written, then each copy. */
  copies: PassageCopy[];
  /** Words of the passage. */
  words: number;
  /** Every copy is a whole paragraph equal to the first: removing them is safe. */
  wholeParagraphs: boolean;
}

/** Sentences shorter than this never make a repeat ("Yes.", "Thank you."). */
const MIN_SENTENCE_WORDS = 5;

interface Sentence {
  textIndex: number;
  start: number;
  end: number;
  key: string;
  words: number;
}

function keyOf(hashes: Uint32Array): string {
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  for (const h of hashes) {
    a = Math.imul(a ^ h, 0x01000193) >>> 0;
    b = Math.imul(b ^ (h >>> 7), 0x85ebca6b) >>> 0;
  }
  return `${hashes.length}:${a}:${b}`;
}

/** Repeated passages of a turn's paragraphs (at most one per first passage), in order. */
export function repeatedPassages(texts: readonly string[], minWords: number): RepeatedPassage[] {
  const all: Sentence[] = [];
  let total = 0;
  for (let t = 0; t < texts.length; t++) {
    const text = texts[t]!;
    for (const span of sentences(text)) {
      const hashes = wordHashes(text.slice(span.start, span.end));
      total += hashes.length;
      all.push({ textIndex: t, start: span.start, end: span.end, key: keyOf(hashes), words: hashes.length });
    }
  }
  if (total < 2 * minWords || all.length < 2) return [];
  // Where each sentence was first written.
  const firstAt = new Map<string, number>();
  const earlier: number[] = all.map((s, i) => {
    if (s.words < MIN_SENTENCE_WORDS) return -1;
    const at = firstAt.get(s.key);
    if (at === undefined) {
      firstAt.set(s.key, i);
      return -1;
    }
    return at;
  });
  // Runs of repeated sentences, each a copy of a run written before it.
  const byFirst = new Map<number, { copies: Array<{ from: number; to: number }>; words: number }>();
  for (let i = 0; i < all.length; ) {
    if (earlier[i]! < 0) {
      i++;
      continue;
    }
    let j = i;
    let words = all[i]!.words;
    while (j + 1 < all.length && earlier[j + 1]! >= 0 && earlier[j + 1] === earlier[j]! + 1) {
      j++;
      words += all[j]!.words;
    }
    if (words >= minWords || (j === i && all[i]!.words >= minWords)) {
      const origin = earlier[i]!;
      const entry = byFirst.get(origin) ?? { copies: [{ from: origin, to: origin + (j - i) }], words };
      entry.copies.push({ from: i, to: j });
      byFirst.set(origin, entry);
    }
    i = j + 1;
  }
  const passages: RepeatedPassage[] = [];
  for (const { copies, words } of byFirst.values()) {
    const spans = copies.map(({ from, to }) => ({ textIndex: all[from]!.textIndex, start: all[from]!.start, endTextIndex: all[to]!.textIndex, end: all[to]!.end }));
    // Whole paragraphs, each copy the same paragraphs as the first: they can go without a reader's judgement.
    const paragraphs = (c: PassageCopy) => texts.slice(c.textIndex, c.endTextIndex + 1).join('\n\n');
    const whole = spans.every((c) => c.start === 0 && c.end >= texts[c.endTextIndex]!.trimEnd().length && paragraphs(c) === paragraphs(spans[0]!));
    const apart = spans.every((c, i) => i === 0 || c.textIndex > spans[i - 1]!.endTextIndex);
    passages.push({ copies: spans, words, wholeParagraphs: whole && apart });
  }
  return passages.sort((a, b) => a.copies[1]!.textIndex - b.copies[1]!.textIndex || a.copies[1]!.start - b.copies[1]!.start);
}
