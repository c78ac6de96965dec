import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBenchBatches, parentOf } from '../../src/bench/batches';
import { BENCH_SHAPE } from '../../src/bench/shape';

test('parentOf groups categories 1..799 into 40 contiguous parents of 19-20 each', () => {
  const counts = new Map<number, number>();
  for (let c = 1; c < 800; c++) {
    const p = parentOf(c, 800, 40);
    assert.ok(p >= 1 && p <= 40);
    assert.ok(c === 1 || p >= parentOf(c - 1, 800, 40), 'monotone');
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  assert.equal(counts.size, 40);
  for (const n of counts.values()) assert.ok(n === 19 || n === 20, `group size ${n}`);
  assert.equal(parentOf(0, 800, 40), 0);
});

test('bench batches follow the Batch contract at the fixed shape', () => {
  const { batches, sizes } = makeBenchBatches(2, 7);
  const B = BENCH_SHAPE.batchSize;
  const T = BENCH_SHAPE.maxLen;
  assert.deepEqual(sizes.cats, [800, 41]);
  assert.equal(sizes.items, 60000);
  const itemCat = new Map<number, number>();
  let minLen = Infinity;
  let maxLen = -Infinity;
  for (const b of batches) {
    assert.equal(b.size, B);
    assert.equal(b.maxLen, T);
    assert.equal(b.levels, 2);
    assert.equal(b.histItems.length, B * T);
    assert.equal(b.negHistItems?.length, B * T);
    for (let r = 0; r < B; r++) {
      const len = b.histLen[r];
      minLen = Math.min(minLen, len);
      maxLen = Math.max(maxLen, len);
      assert.ok(len >= 5 && len <= 50);
      for (let t = 0; t < T; t++) {
        const i = r * T + t;
        const real = t < len;
        assert.equal(b.histMask[i], real ? 1 : 0);
        assert.equal(b.histItems[i] > 0, real, `row ${r} pos ${t}`);
        if (real) {
          assert.notEqual(b.negHistItems![i], b.histItems[i]);
          assert.ok(b.histItems[i] < 60000 && b.negHistItems![i] < 60000);
        }
        const item = b.histItems[i];
        const cat = b.histCats[0][i];
        if (itemCat.has(item)) assert.equal(itemCat.get(item), cat, 'an item has one category');
        itemCat.set(item, cat);
        assert.equal(b.histCats[1][i], parentOf(cat, 800, 40));
        assert.equal(b.negHistCats![1][i], parentOf(b.negHistCats![0][i], 800, 40));
      }
      assert.ok(b.labels[r] === 0 || b.labels[r] === 1);
      assert.ok(b.targetCats[0][r] >= 1 && b.targetCats[0][r] < 800);
    }
  }
  assert.equal(itemCat.get(0), 0);
  assert.ok(minLen <= 8 && maxLen >= 47, `lengths should span 5..50, got ${minLen}..${maxLen}`);
  const again = makeBenchBatches(2, 7);
  assert.deepEqual(again.batches[1].histItems, batches[1].histItems, 'same seed, same batches');
  assert.notDeepEqual(makeBenchBatches(1, 8).batches[0].histItems, batches[0].histItems);
  assert.throws(() => makeBenchBatches(0, 1), /count/);
});
