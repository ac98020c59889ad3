/**
 * The property both reparse tests check (core/incremental.test.ts, core/comments.test.ts): after random
 * edits made of `pieces`, the incremental tree, when the fast path is taken, equals a full parse.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { addChange, reparse, type DirtyRange } from '../../server/src/core/incremental/reparse.ts';
import { SpeakerTable } from '../../server/src/core/speakers.ts';

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

/** Runs the property; returns how many cases took the incremental path (the rest parsed in full). */
export function reparseMatchesFullParse(transcript: fc.Arbitrary<string>, pieces: readonly string[], options: { numRuns: number; seed: number }): number {
  const speakers = new SpeakerTable();
  let incremental = 0;
  fc.assert(
    fc.property(transcript, fc.array(fc.tuple(fc.nat(), fc.nat(12), fc.constantFrom(...pieces, '')), { minLength: 1, maxLength: 4 }), (source, edits) => {
      let text = source;
      let dirty: DirtyRange | undefined;
      for (const [at, length, insert] of edits) {
        const start = at % (text.length + 1);
        const end = Math.min(text.length, start + length);
        text = text.slice(0, start) + insert + text.slice(end);
        dirty = addChange(dirty, start, end, insert.length);
      }
      const result = reparse({ text: source, tree: parseTranscript(source) }, text, dirty!, speakers);
      if (result) {
        incremental++;
        assert.deepEqual(plain(result), plain(parseTranscript(text)));
      }
    }),
    options,
  );
  return incremental;
}
