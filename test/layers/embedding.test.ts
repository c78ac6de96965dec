/**
 * Embedding tables: per-batch leaves (deduplicated items, [item | category] rows, zero
 * padding), row gradients split back per table against a hand computation, input errors.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import type { Batch } from '../../src/data/batch';
import { FeatureEmbeddings } from '../../src/layers/embedding';
import { Rng } from '../../src/random';
import { catOf, parentOf, TINY_SIZES, tinyBatch } from '../helpers/batches';
import { maxDiff } from '../helpers/maxDiff';
import { randomTensor } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

const config = { itemDim: 3, catDim: 2, catLevels: 2, userDim: 0, initStd: 0.1 };

/** Expected behaviour vector of `item` in JS: [item row | cat level 0 row | level 1 row]. */
function behaviour(emb: FeatureEmbeddings, item: number): number[] {
  return [...emb.items.row(item), ...emb.cats[0].row(catOf(item)), ...emb.cats[1].row(parentOf(catOf(item)))];
}

describe('FeatureEmbeddings', () => {
  it('row 0 is zero, rows are seeded, behaviourDim = item + embedded levels', () => {
    const a = new FeatureEmbeddings(TINY_SIZES, config, 3);
    const b = new FeatureEmbeddings(TINY_SIZES, config, 3);
    assert.equal(a.behaviourDim, 3 + 2 + 2);
    assert.deepEqual(Array.from(a.items.row(0)), [0, 0, 0]);
    assert.deepEqual(Array.from(a.cats[1].row(0)), [0, 0]);
    assert.deepEqual(Array.from(a.items.values), Array.from(b.items.values));
    assert.ok(a.items.row(7).some((v) => v !== 0));
    assert.throws(() => new FeatureEmbeddings(TINY_SIZES, { ...config, catLevels: 3 }, 1), /catLevels 3/);
  });

  it('lookup gathers [item | cat0 | cat1] per position, zeros at padding', () => {
    const emb = new FeatureEmbeddings(TINY_SIZES, config, 3);
    const batch = tinyBatch(2, { size: 4, maxLen: 6 });
    const inputs = emb.lookup(batch);
    assert.deepEqual(
      inputs.leaves().map((t) => t.shape),
      [
        [4, 7],
        [4, 6, 7],
      ],
    );
    assert.equal(inputs.history(), inputs.history(), 'the accessor returns the leaf itself');
    const hist = inputs.history().arraySync() as number[][][];
    const target = inputs.target().arraySync() as number[][];
    for (let b = 0; b < 4; b++) {
      assert.ok(maxDiff(target[b], behaviour(emb, batch.targetItems[b])) < 1e-7);
      for (let t = 0; t < 6; t++) {
        const item = batch.histItems[b * 6 + t];
        const expected = batch.histMask[b * 6 + t] ? behaviour(emb, item) : new Array(7).fill(0);
        assert.ok(maxDiff(hist[b][t], expected) < 1e-7, `b ${b} t ${t}`);
      }
    }
    assert.deepEqual(Array.from(inputs.mask.dataSync()), Array.from(batch.histMask));
    assert.throws(() => inputs.negHistory(), /no negHistItems/);
    assert.throws(() => inputs.user(), /userDim is 0/);
    inputs.dispose();
  });

  it('sparseGradients sums each table row over every occurrence (hand computation)', () => {
    const emb = new FeatureEmbeddings(TINY_SIZES, { ...config, userDim: 2 }, 3);
    const batch = tinyBatch(7, { size: 5, maxLen: 4, negatives: true });
    const inputs = emb.lookup(batch);
    const rng = new Rng(1);
    const P = randomTensor([5, 4, 7], rng);
    const N = randomTensor([5, 4, 7], rng);
    const Q = randomTensor([5, 7], rng);
    const R = randomTensor([5, 2], rng);
    const loss = () =>
      tf.addN([
        tf.sum(tf.mul(inputs.history(), P)),
        tf.sum(tf.mul(inputs.negHistory(), N)),
        tf.sum(tf.mul(inputs.target(), Q)),
        tf.sum(tf.mul(inputs.user(), R)),
      ]) as tf.Scalar;
    const { value, grads } = tf.engine().gradients(loss, inputs.leaves());
    value.dispose();
    const sparse = inputs.sparseGradients(grads.map((g) => Float32Array.from(g.dataSync() as Float32Array)));
    // expected, accumulated in JS: d/d row = sum of the multiplier rows where the id occurs
    const expected = new Map<string, number[]>();
    const add = (table: string, id: number, vec: number[]) => {
      if (id === 0) return;
      const key = `${table}:${id}`;
      const cur = expected.get(key) ?? new Array(vec.length).fill(0);
      vec.forEach((v, i) => (cur[i] += v));
      expected.set(key, cur);
    };
    const addBehaviour = (item: number, mult: number[]) => {
      add('embedding.items', item, mult.slice(0, 3));
      add('embedding.cats0', catOf(item), mult.slice(3, 5));
      add('embedding.cats1', parentOf(catOf(item)), mult.slice(5, 7));
    };
    const Pv = P.arraySync() as number[][][];
    const Nv = N.arraySync() as number[][][];
    const Qv = Q.arraySync() as number[][];
    const Rv = R.arraySync() as number[][];
    for (let b = 0; b < 5; b++) {
      addBehaviour(batch.targetItems[b], Qv[b]);
      add('embedding.users', batch.users[b], Rv[b]);
      for (let t = 0; t < 4; t++) {
        addBehaviour(batch.histItems[b * 4 + t], Pv[b][t]);
        addBehaviour((batch.negHistItems as Int32Array)[b * 4 + t], Nv[b][t]);
      }
    }
    let rows = 0;
    for (const s of sparse) {
      s.ids.forEach((id, n) => {
        const want = expected.get(`${s.table.name}:${id}`);
        assert.ok(want, `unexpected row ${s.table.name}:${id}`);
        assert.ok(
          maxDiff(Array.from(s.grads.subarray(n * s.table.dim, (n + 1) * s.table.dim)), want) < 1e-4,
          `${s.table.name}:${id}`,
        );
        rows++;
      });
      assert.ok(!s.ids.includes(0), 'padding row never updated');
    }
    assert.equal(rows, expected.size);
    // batch counts: occurrences over target, history (real and padded ids other than 0) and negatives
    const items = sparse.find((s) => s.table.name === 'embedding.items')!;
    const someId = items.ids[0];
    const occurrences = [...batch.targetItems, ...batch.histItems, ...(batch.negHistItems as Int32Array)].filter(
      (i) => i === someId,
    ).length;
    assert.equal(items.batchCounts[0], occurrences);
    inputs.dispose();
    for (const t of [P, N, Q, R]) t.dispose();
    for (const g of grads) g.dispose();
  });

  it('rejects ids outside a table, wrong lengths and an item with two categories', () => {
    const emb = new FeatureEmbeddings(TINY_SIZES, config, 3);
    const batch = tinyBatch(1, { size: 2, maxLen: 3 });
    const bad = (patch: Partial<Batch>): Batch => ({ ...batch, ...patch });
    assert.throws(
      () => emb.lookup(bad({ targetItems: Int32Array.from([1, 41]) })),
      /targetItems\[1\] = 41 is outside the item table/,
    );
    assert.throws(() => emb.lookup(bad({ histItems: new Int32Array(5) })), /histItems has 5 entries, expected 6/);
    const cats = [Int32Array.from(batch.targetCats[0]), batch.targetCats[1]];
    cats[0][0] = catOf(batch.targetItems[0]) === 1 ? 2 : 1;
    const twoCats = bad({
      targetCats: cats,
      histItems: Int32Array.from([batch.targetItems[0], 0, 0, 0, 0, 0]),
      histCats: [
        Int32Array.from([catOf(batch.targetItems[0]), 0, 0, 0, 0, 0]),
        Int32Array.from([parentOf(catOf(batch.targetItems[0])), 0, 0, 0, 0, 0]),
      ],
    });
    const tensors = tf.memory().numTensors;
    assert.throws(() => emb.lookup(twoCats), /every category level must be a function of the item/);
    assert.equal(tf.memory().numTensors, tensors, 'a rejected batch leaves no tensor behind');
    // ...nor its item -> category pairs: the consistent batch is accepted afterwards
    emb.lookup(batch).dispose();
    assert.throws(() => emb.lookup(twoCats), /every category level must be a function of the item/);
  });

  it('getWeights / setWeights round trip, shape checked', () => {
    const a = new FeatureEmbeddings(TINY_SIZES, config, 3);
    const b = new FeatureEmbeddings(TINY_SIZES, config, 4);
    b.setWeights(a.getWeights());
    assert.deepEqual(Array.from(b.cats[1].values), Array.from(a.cats[1].values));
    const c = new FeatureEmbeddings(TINY_SIZES, { ...config, itemDim: 4 }, 3);
    assert.throws(() => c.setWeights(a.getWeights()), /embedding.items/);
  });
});
