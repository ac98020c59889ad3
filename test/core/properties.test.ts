/**
 * Properties over generated transcripts (fast-check): the parser never
 * throws and keeps positions inside the text; safe fixes reach a fixed point
 * and keep every first occurrence; stripping tags restores the text byte for
 * byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseTranscript } from '../../server/src/core/parser.ts';
import { analyze, fixCandidates } from '../../server/src/core/lint.ts';
import { applyEdits, fixAll } from '../../server/src/core/fixes.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import { insertTurnTagEdit, stripTags } from '../../server/src/core/tags.ts';
import { normalizeForComparison } from '../../server/src/core/text.ts';
import type { Turn } from '../../server/src/core/types.ts';

const options = { config: emptyConfig() };

const TEXTS = [
  'I cannot continue a conversation that discusses self-harm. Please reach out to the National Suicide Prevention Lifeline at 1-800-273-8255. Is there anything else I can help you with?',
  'I understand your concern, but I was hoping to continue our session and explore different topics without discussing self-harm directly. Is that something we can do?',
  'How have things been since we last met, and did you get a chance to try the breathing exercise we practised together?',
  'It was hard at firstâ€”honestly I almost gave up, but I kept going and it helped a little by the end of the week.',
  'Mm-hmm.',
  'Okay.',
  'What would make this week feel like a small success for you, even if everything else stays the same?',
  "Here's a continuation of the therapy session:",
  'I think the biggest thing is that I stopped checking my phone at night, and I slept better.',
  '',
];

const transcript = fc
  .record({
    turns: fc.array(fc.record({ who: fc.constantFrom('Therapist', 'Patient', 'Client', 'T', 'Counselor'), text: fc.constantFrom(...TEXTS) }), { maxLength: 30 }),
    eol: fc.constantFrom('\n', '\r\n'),
    blank: fc.boolean(),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
  })
  .map(({ turns, eol, blank, bom, finalNewline }) => {
    const body = turns.map((t) => (t.text ? `${t.who}: ${t.text}` : `${t.who}:`)).join(blank ? eol + eol : eol);
    return `${bom ? '\uFEFF' : ''}${body}${finalNewline ? eol : ''}`;
  });

test('the parser never throws, and every text node is an exact slice', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), transcript), (source) => {
      const root = parseTranscript(source);
      for (const node of root.children) {
        if (node.type !== 'turn') continue;
        for (const child of node.children) {
          if (child.type !== 'paragraph') continue;
          for (const inner of child.children) {
            const { start, end } = inner.position;
            assert.ok(start.offset! >= 0 && end.offset! <= source.length && start.offset! <= end.offset!);
            if (inner.type === 'text') assert.equal(source.slice(start.offset, end.offset), inner.value);
          }
        }
      }
    }),
    { numRuns: 400 },
  );
});

test('the line and column of every finding are those of its offset (CRLF, blank lines, paragraphs)', () => {
  const pointOf = (text: string, offset: number) => {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        line++;
        lineStart = i + 1;
      }
    }
    return { line, column: offset - lineStart + 1, offset };
  };
  fc.assert(
    fc.property(transcript, (source) => {
      for (const m of analyze(source, options).messages) {
        for (const point of [m.start, m.end, ...m.related.flatMap((r) => [r.start, r.end])]) assert.deepEqual(point, pointOf(source, point.offset!));
      }
    }),
    { numRuns: 300 },
  );
});

test('fix-all changes only what the reported findings\' fixes change, and a second run only what its report shows', () => {
  fc.assert(
    fc.property(transcript, (source) => {
      const reported = fixCandidates(source, options);
      const once = fixAll(source, reported).text;
      // Everything outside the edits of the reported fixes is still there, in order.
      const touched = reported.flatMap((c) => c.fix.edits).sort((a, b) => a.start - b.start);
      let from = 0;
      let at = 0;
      for (const edit of [...touched, { start: source.length, end: source.length }]) {
        let kept = source.slice(from, Math.max(from, edit.start));
        let found = once.indexOf(kept, at);
        // Removing the last turns takes the blank lines before them: the text ends where the kept content ends.
        if (found < 0 && /^\s*$/.test(once.slice(once.indexOf(kept.trimEnd(), at) + kept.trimEnd().length))) {
          kept = kept.trimEnd();
          found = once.indexOf(kept, at);
        }
        assert.ok(found >= 0, `lost text: ${JSON.stringify(kept.slice(0, 60))}`);
        at = found + kept.length;
        from = Math.max(from, edit.end);
      }
      // A second run applies nothing unless the report of the fixed text shows a safe fix.
      const left = fixCandidates(once, options);
      const twice = fixAll(once, left);
      if (left.length === 0) assert.equal(twice.text, once);
      else assert.ok(twice.applied <= left.length);
      // Every distinct long turn text of the input survives (after its own repairs).
      const kept = new Set(analyze(once, options).session.turns.map((t) => `${t.speakerKey}|${normalizeForComparison(t.features.text)}`));
      for (const turn of analyze(source, options).session.turns) {
        if (turn.features.words < 12) continue;
        const repaired = turn.features.text.replace('â€”', '—');
        if (repaired.includes('273-8255') || repaired.startsWith("Here's")) continue;
        assert.ok(kept.has(`${turn.speakerKey}|${normalizeForComparison(repaired)}`), `lost: ${repaired.slice(0, 40)}`);
      }
    }),
    { numRuns: 150 },
  );
});

test('removing every tag and the space after it restores the transcript byte for byte', () => {
  fc.assert(
    fc.property(
      transcript,
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('cbt:socratic-questioning', 'cbt:reflection', 'mi:question', 'ignore:empty-turn')), { maxLength: 12 }),
      (source, picks) => {
        const turns = parseTranscript(source).children.filter((c): c is Turn => c.type === 'turn');
        if (turns.length === 0) return;
        const edits = picks
          .map(([n, tag]) => {
            const [ns, id] = tag.split(':') as [string, string];
            return insertTurnTagEdit(turns[n % turns.length]!, ns, id);
          })
          .filter((e) => e !== undefined);
        // Several tags on one turn: insert them one after the other at the same place.
        const byOffset = new Map<number, string>();
        for (const edit of edits) byOffset.set(edit.start, (byOffset.get(edit.start) ?? '') + edit.text);
        const tagged = applyEdits(source, [...byOffset].map(([start, text]) => ({ start, end: start, text })));
        assert.equal(stripTags(tagged, parseTranscript(tagged)), source);
      },
    ),
    { numRuns: 300 },
  );
});
