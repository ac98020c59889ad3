/**
 * The core as unified plugins, the way remark's are used: a parser that turns
 * text into the transcript tree, and a lint plugin that adds vfile messages
 * with rule ids, sources and severities.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unified } from 'unified';
import { VFile } from 'vfile';
import { transcriptParse } from '../../server/src/core/parser.ts';
import { transcriptLint } from '../../server/src/core/lint.ts';
import { emptyConfig } from '../../server/src/core/config.ts';
import type { Root } from '../../server/src/core/types.ts';

test('unified().use(transcriptParse).use(transcriptLint) reports vfile messages', async () => {
  const processor = unified().use(transcriptParse).use(transcriptLint, { config: { ...emptyConfig(), rules: { 'unknown-speaker': { severity: 'error' } } } });
  const file = new VFile({ path: 'demo.transcript', value: 'Therapist: Call 1-800-273-8255.\nClient:\nTherapsit: Okay.\n' });
  const tree = processor.parse(file) as Root;
  assert.deepEqual(tree.children.map((c) => c.type), ['turn', 'turn', 'turn']);
  await processor.run(tree, file);
  assert.deepEqual(
    file.messages.map((m) => [m.ruleId, m.source, m.line, m.column, m.fatal]),
    [
      ['outdated-crisis-line', 'transcript-lint', 1, 17, false],
      ['empty-turn', 'transcript-lint', 2, 1, false],
      ['unknown-speaker', 'transcript-lint', 3, 1, true],
    ],
  );
  // Fixes travel on the message, as data.
  const crisis = file.messages[0] as unknown as { fixes: Array<{ title: string }> };
  assert.equal(crisis.fixes[0]!.title, 'Replace the number with 988');
});
