import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { firstIndexWhere, lastAtOrBefore } from '../../server/src/core/search.ts';

// The core's one binary search, against the linear scans it stands for, on sorted lists with repeats.
const sorted = fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 40 }).map((xs) => xs.sort((a, b) => a - b));

test('firstIndexWhere: the first index whose value reaches the bound, or the length (a linear scan agrees)', () => {
  fc.assert(
    fc.property(sorted, fc.integer({ min: -25, max: 25 }), (xs, bound) => {
      const linear = xs.findIndex((x) => x >= bound);
      assert.equal(firstIndexWhere(xs.length, (k) => xs[k]! >= bound), linear < 0 ? xs.length : linear);
    }),
    { seed: 15, numRuns: 500 },
  );
});

test('lastAtOrBefore: the last index whose key is at or before the value, or -1 (a linear scan agrees)', () => {
  fc.assert(
    fc.property(sorted, fc.integer({ min: -25, max: 25 }), (xs, value) => {
      let linear = -1;
      xs.forEach((x, i) => {
        if (x <= value) linear = i;
      });
      assert.equal(lastAtOrBefore(xs.length, (k) => xs[k]!, value), linear);
    }),
    { seed: 15, numRuns: 500 },
  );
});

test("the technique featurizer's keys use the core's FNV-1a (text.ts hashString), prefix then text", async () => {
  const { featureKey } = await import('../../server/src/core/model/featurize.ts');
  const { hashString } = await import('../../server/src/core/text.ts');
  for (const [prefix, text] of [['w', 'hello'], ['c', ''], ['bias', ''], ['e12', "don't know"], ['w', 'naïve ☕']]) {
    assert.equal(featureKey(prefix!, text!), hashString(text!, hashString(prefix!)));
  }
});
