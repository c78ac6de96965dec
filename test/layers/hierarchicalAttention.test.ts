import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { ParameterStore } from '../../src/layers/params';
import { AttentionUnit } from '../../src/layers/attentionUnit';
import {
  buildClusterGroupings,
  clusterGroupingTensors,
  clusterVectors,
  hierarchicalPooling,
  AttentionWeightsFn,
} from '../../src/layers/hierarchicalAttention';
import { assertGradientsMatch } from '../helpers/gradients';
import { maxDiff } from '../helpers/maxDiff';
import { maskFromLengths, uniformTensor } from '../helpers/tensors';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('hierarchical attention (src/layers/hierarchicalAttention.ts)', () => {
  // Row 0: cats [7, 3, 7, 5], parents [1, 2, 1, 2]; row 1: cats [3, 3, pad, pad], parents [2, 2, 0, 0].
  const B = 2;
  const T = 4;
  const mask = Float32Array.from([1, 1, 1, 1, 1, 1, 0, 0]);
  const cats = Int32Array.from([7, 3, 7, 5, 3, 3, 0, 0]);
  const parents = Int32Array.from([1, 2, 1, 2, 2, 2, 0, 0]);

  it('groups behaviours by distinct ids per row (first appearance order), masks empty clusters, nests levels', () => {
    const [g1, g2] = buildClusterGroupings(B, T, mask, [cats, parents]);
    assert.equal(g1.clusters, 3);
    assert.deepEqual([...g1.clusterIds], [7, 3, 5, 3, 0, 0]);
    assert.deepEqual([...g1.clusterMask], [1, 1, 1, 1, 0, 0]);
    // segment b * C + c of every behaviour: row 0: c0 = {t0, t2}, c1 = {t1}, c2 = {t3}; row 1: c0 = {t0, t1};
    // padding in the dummy segment B * C = 6
    assert.deepEqual([...g1.segmentIds], [0, 1, 0, 2, 3, 3, 6, 6]);
    // level 2 groups the 3 clusters of row 0 by parent: {7} -> 1, {3, 5} -> 2
    assert.equal(g2.units, 3);
    assert.equal(g2.clusters, 2);
    assert.deepEqual([...g2.clusterIds], [1, 2, 2, 0]);
    // segments of the level-1 clusters (C = 2): row 0: parent 1 = {c0}, parent 2 = {c1, c2}; row 1: parent 2 = {c0};
    // row 1's empty clusters c1, c2 in the dummy segment B * C = 4
    assert.deepEqual([...g2.segmentIds], [0, 1, 1, 2, 4, 4]);
    assert.throws(
      () => buildClusterGroupings(B, T, mask, [cats, Int32Array.from([1, 2, 9, 2, 2, 2, 0, 0])]),
      /not nested/,
    );
  });

  it('cluster vectors are weight-normalised sums inside each cluster (hand-computed)', () => {
    const [g1] = clusterGroupingTensors(B, buildClusterGroupings(B, T, mask, [cats]));
    const e = tf.tensor3d([
      [
        [1, 0],
        [0, 1],
        [3, 2],
        [5, 5],
      ],
      [
        [2, 2],
        [4, 0],
        [9, 9],
        [9, 9],
      ],
    ]);
    const w = tf.tensor2d([
      [1, 2, 3, 4],
      [1, 3, 0, 0],
    ]);
    const c = clusterVectors(e, w, g1).arraySync();
    // row 0 cluster 7: (1*[1,0] + 3*[3,2]) / 4 = [2.5, 1.5]; cluster 3: [0,1]; cluster 5: [5,5]
    assert.deepEqual(c[0], [
      [2.5, 1.5],
      [0, 1],
      [5, 5],
    ]);
    // row 1 cluster 3: (1*[2,2] + 3*[4,0]) / 4 = [3.5, 0.5]; two empty clusters -> zeros
    assert.deepEqual(c[1], [
      [3.5, 0.5],
      [0, 0],
      [0, 0],
    ]);
  });

  it('a cluster whose weights underflow to 0 gets the zero vector, not NaN (eps 1e-10); finite gradients', () => {
    const [g1] = clusterGroupingTensors(B, buildClusterGroupings(B, T, mask, [cats]));
    const e = tf.tensor3d([
      [
        [1, 0],
        [0, 1],
        [3, 2],
        [5, 5],
      ],
      [
        [2, 2],
        [4, 0],
        [9, 9],
        [9, 9],
      ],
    ]);
    // the level-1 softmax of scores [0, -200, 0, -300]: exp(-200) underflows in float32
    const scores = tf.tensor2d([
      [0, -200, 0, -300],
      [0, 0, 0, 0],
    ]);
    const w = tf.softmax(scores.add(tf.tensor2d(mask, [B, T]).sub(1).mul(1e9))) as tf.Tensor2D;
    assert.equal(w.arraySync()[0][1], 0, 'the weight underflows');
    const c = clusterVectors(e, w, g1).arraySync();
    // row 0 cluster 7: (0.5*[1,0] + 0.5*[3,2]) / 1 = [2, 1]; clusters 3 and 5: all weights 0 -> zero vector
    assert.deepEqual(c[0], [
      [2, 1],
      [0, 0],
      [0, 0],
    ]);
    const ev = tf.variable(e.clone());
    const pooled = (): tf.Scalar =>
      tf.tidy(() => {
        const groupings = clusterGroupingTensors(B, buildClusterGroupings(B, T, mask, [cats]));
        const level1: AttentionWeightsFn = () => w;
        const level2: AttentionWeightsFn = (_q, _k, m) => m;
        return hierarchicalPooling(
          tf.zeros([B, 2]) as tf.Tensor2D,
          ev as unknown as tf.Tensor3D,
          tf.tensor2d(mask, [B, T]),
          groupings,
          [level1, level2],
        ).hierarchical.sum() as tf.Scalar;
      });
    const { value, grads } = tf.variableGrads(pooled, [ev]);
    assert.ok(Number.isFinite(value.dataSync()[0]), `pooled value ${value.dataSync()[0]}`);
    assert.ok([...grads[ev.name].dataSync()].every(Number.isFinite), 'gradients are finite');
  });

  const D = 3;
  const rng = new Rng(5);
  const behaviours = uniformTensor(rng, [B, T, D]) as tf.Tensor3D;
  const target = uniformTensor(rng, [B, D]) as tf.Tensor2D;
  const maskT = maskFromLengths([4, 2], T);
  const asFn =
    (u: AttentionUnit): AttentionWeightsFn =>
    (q, k, m) =>
      u.weights(q, k, m, true);

  it('every behaviour in its own cluster reproduces DIN pooling with the level-2 unit', () => {
    const store = new ParameterStore(7);
    const level1 = new AttentionUnit(store, 'l1', D, { normalize: 'softmax' });
    const level2 = new AttentionUnit(store, 'l2', D, {});
    const own = Int32Array.from([1, 2, 3, 4, 5, 6, 0, 0]);
    const groupings = clusterGroupingTensors(B, buildClusterGroupings(B, T, mask, [own]));
    const out = hierarchicalPooling(target, behaviours, maskT, groupings, [asFn(level1), asFn(level2)]);
    const din = level2.apply(target, behaviours, maskT, true).pooled;
    assert.ok(maxDiff(out.hierarchical, din) < 1e-5);
    assert.ok(maxDiff(out.flat, level1.apply(target, behaviours, maskT, true).pooled) < 1e-6);
  });

  it('padding invariance and gradients vs finite differences (three attention levels)', () => {
    const store = new ParameterStore(8);
    const units = [0, 1, 2].map((i) => new AttentionUnit(store, `l${i}`, D, { normalize: 'softmax', hidden: [4] }));
    const groupings = clusterGroupingTensors(B, buildClusterGroupings(B, T, mask, [cats, parents]));
    const out = hierarchicalPooling(target, behaviours, maskT, groupings, units.map(asFn));
    // two more padded steps with garbage
    const T2 = T + 2;
    const pad = (a: Int32Array | Float32Array, v: number[]): number[] => [
      ...a.slice(0, 4),
      v[0],
      v[0],
      ...a.slice(4),
      v[0],
      v[0],
    ];
    const mask2 = Float32Array.from(pad(mask, [0]));
    const groupings2 = clusterGroupingTensors(
      B,
      buildClusterGroupings(B, T2, mask2, [Int32Array.from(pad(cats, [0])), Int32Array.from(pad(parents, [0]))]),
    );
    const garbage = uniformTensor(new Rng(9), [B, 2, D], -4, 4);
    const behaviours2 = tf.concat([behaviours, garbage], 1) as tf.Tensor3D;
    const out2 = hierarchicalPooling(target, behaviours2, tf.tensor2d(mask2, [B, T2]), groupings2, units.map(asFn));
    assert.ok(maxDiff(out.hierarchical, out2.hierarchical) < 1e-5);
    assert.ok(maxDiff(out.flat, out2.flat) < 1e-5);
    const bv = tf.variable(behaviours.clone());
    const tv = tf.variable(target.clone());
    const r = uniformTensor(new Rng(10), [B, D]);
    assertGradientsMatch(
      () =>
        tf.tidy(
          () =>
            hierarchicalPooling(
              tv as unknown as tf.Tensor2D,
              bv as unknown as tf.Tensor3D,
              maskT,
              groupings,
              units.map(asFn),
            )
              .hierarchical.mul(r)
              .sum() as tf.Scalar,
        ),
      [bv, tv, ...store.trainable().map((p) => p.variable)],
      { entries: 6 },
    );
  });

  it('rejects a wrong number of attention units', () => {
    const groupings = clusterGroupingTensors(B, buildClusterGroupings(B, T, mask, [cats]));
    assert.throws(
      () => hierarchicalPooling(target, behaviours, maskT, groupings, []),
      /hierarchicalPooling: needs 2 attention units/,
    );
  });
});
