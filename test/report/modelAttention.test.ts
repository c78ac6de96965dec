/**
 * The read-only attention accessors the notebooks plot: DIEN's evolution attention a_t over
 * time (DienModel.evolutionAttention) and DHAN's attention tree (DhanModel.attentionTree),
 * checked against their invariants and against recomputations in plain JS from the models'
 * own weights; then userAttention's DIEN / DHAN outputs on a tiny synthetic dataset.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { loadDataset } from '../../src/data/load';
import { DienModel } from '../../src/models/dien';
import { DhanModel } from '../../src/models/dhan';
import { createModel } from '../../src/models';
import { userAttention } from '../../src/report/userAttention';
import { TINY_SIZES, tinyBatch } from '../helpers/batches';

before(async () => {
  await useBestBackend({ quiet: true });
});

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Plain-JS GRU (DIEN eq. 1-4) over one row: inputs [T][D] -> states [T][H]; padded steps keep the state. */
function gruStates(model: DienModel, name: string, inputs: number[][], mask: number[]): number[][] {
  const W = model.params.get(`${name}/inputKernel`).arraySync() as number[][]; // [D, 3H]
  const U = model.params.get(`${name}/recurrentKernel`).arraySync() as number[][]; // [H, 3H]
  const bias = model.params.get(`${name}/bias`).arraySync() as number[]; // [3H]
  const H = U.length;
  let h = new Array<number>(H).fill(0);
  const out: number[][] = [];
  inputs.forEach((x, t) => {
    const proj = bias.map((b, j) => b + x.reduce((s, xi, i) => s + xi * W[i][j], 0));
    const hidden = bias.map((_, j) => h.reduce((s, hi, i) => s + hi * U[i][j], 0));
    const next = h.map((hPrev, k) => {
      const u = sigmoid(proj[k] + hidden[k]);
      const r = sigmoid(proj[H + k] + hidden[H + k]);
      const c = Math.tanh(proj[2 * H + k] + r * hidden[2 * H + k]);
      return hPrev + mask[t] * u * (c - hPrev);
    });
    h = next;
    out.push(h);
  });
  return out;
}

/** a_t = softmax over valid t of h_t K e_a (K [H, E]), 0 at padding. */
function bilinearAttention(kernel: number[][], states: number[][], target: number[], mask: number[]): number[] {
  const query = kernel.map((row) => row.reduce((s, k, e) => s + k * target[e], 0));
  const scores = states.map((h) => h.reduce((s, v, i) => s + v * query[i], 0));
  const valid = scores.filter((_, t) => mask[t] > 0);
  const max = Math.max(...valid);
  const exps = scores.map((s, t) => (mask[t] > 0 ? Math.exp(s - max) : 0));
  const total = exps.reduce((s, v) => s + v, 0);
  return exps.map((v) => v / total);
}

describe('DienModel.evolutionAttention (src/models/dien.ts)', () => {
  for (const evolution of ['AUGRU', 'attention'] as const) {
    it(
      `${evolution}: a_t sums to 1 over the valid steps, is 0 at padding, and equals a ` +
        `plain-JS GRU + bilinear softmax recomputation`,
      () => {
        const model = new DienModel({ evolution, auxWeight: 0, hiddenSize: 8, mlp: { hidden: [8] } }, TINY_SIZES, 3);
        const batch = tinyBatch(7, { size: 6, maxLen: 5, negatives: true });
        const inputs = model.prepare(batch);
        try {
          const before = tf.memory().numTensors;
          const a = model.evolutionAttention(inputs);
          assert.deepEqual(a.shape, [batch.size, batch.maxLen]);
          const weights = a.arraySync() as number[][];
          a.dispose();
          assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
          const history = inputs.history().arraySync() as number[][][];
          const target = inputs.target().arraySync() as number[][];
          const kernel = model.params.get('dien/attention/kernel').arraySync() as number[][];
          for (let b = 0; b < batch.size; b++) {
            const mask = Array.from(batch.histMask.subarray(b * batch.maxLen, (b + 1) * batch.maxLen));
            const row = weights[b];
            const validSum = row.reduce((s, w, t) => s + (mask[t] > 0 ? w : 0), 0);
            assert.ok(Math.abs(validSum - 1) < 1e-5, `row ${b}: valid weights sum to ${validSum}`);
            row.forEach((w, t) => {
              if (mask[t] === 0) assert.equal(w, 0, `row ${b} step ${t} is padding`);
              else assert.ok(w > 0);
            });
            let states = gruStates(model, 'dien/extractorGru', history[b], mask);
            if (evolution === 'attention') states = gruStates(model, 'dien/evolutionGru', states, mask);
            const expected = bilinearAttention(kernel, states, target[b], mask);
            expected.forEach((e, t) =>
              assert.ok(Math.abs(e - row[t]) < 1e-5, `row ${b} step ${t}: ${row[t]} vs JS ${e}`),
            );
          }
        } finally {
          inputs.dispose();
          model.dispose();
        }
      },
    );
  }

  it('official activation-unit attention: still a distribution over the valid steps', () => {
    const model = new DienModel(
      { evolutionAttention: 'activationUnit', hiddenSize: 36, mlp: { hidden: [8] } },
      TINY_SIZES,
      4,
    );
    const batch = tinyBatch(8, { size: 4, maxLen: 6, negatives: true });
    const inputs = model.prepare(batch);
    try {
      const weights = tf.tidy(() => model.evolutionAttention(inputs).arraySync() as number[][]);
      weights.forEach((row, b) => {
        const sum = row.reduce((s, w) => s + w, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `row ${b}: ${sum}`);
        row.forEach((w, t) => batch.histMask[b * batch.maxLen + t] === 0 && assert.equal(w, 0));
      });
    } finally {
      inputs.dispose();
      model.dispose();
    }
  });
});

/** Cluster vectors sum_{k in c} w_k e_k / sum_{k in c} w_k in plain JS: [C][D]. */
function jsClusterVectors(history: number[][], weights: number[], clusterOf: number[], C: number): number[][] {
  const D = history[0].length;
  const num = Array.from({ length: C }, () => new Array<number>(D).fill(0));
  const den = new Array<number>(C).fill(0);
  clusterOf.forEach((c, t) => {
    if (c < 0) return;
    den[c] += weights[t];
    for (let d = 0; d < D; d++) num[c][d] += weights[t] * history[t][d];
  });
  return num.map((v, c) => v.map((x) => (den[c] > 0 ? x / den[c] : 0)));
}

describe('DhanModel.attentionTree (src/models/dhan.ts)', () => {
  for (const normalize of ['softmax', 'none'] as const) {
    it(
      `normalize ${normalize}: clusters are the row's categories, level-1 weights ` +
        `within a cluster sum to 1, level-2 weights match the cluster unit on JS ` +
        `cluster vectors`,
      () => {
        const model = new DhanModel({ attention: { normalize }, mlp: { hidden: [8] } }, TINY_SIZES, 5);
        const batch = tinyBatch(9, { size: 8, maxLen: 6, negatives: true });
        const { size: B, maxLen: T } = batch;
        const inputs = model.prepare(batch);
        const tree = model.attentionTree(inputs);
        try {
          const C = tree.clusters;
          assert.equal(tree.categoryLevel, 0);
          assert.deepEqual(tree.clusterWeights.shape, [B, C]);
          assert.equal(tree.levelWeights.length, 2);
          const behaviour = tree.behaviourWeights.arraySync() as number[][];
          const within = tree.withinClusterWeights.arraySync() as number[][];
          const clusterW = tree.clusterWeights.arraySync() as number[][];
          const expectedBehaviour = tf.tidy(
            () =>
              model.itemUnit.weights(inputs.target(), inputs.history(), inputs.mask, false).arraySync() as number[][],
          );
          const history = inputs.history().arraySync() as number[][][];
          const clusterVectors: number[][][] = [];
          for (let b = 0; b < B; b++) {
            const cats = new Map<number, number>(); // category -> cluster slot, in order of first appearance
            const clusterOf: number[] = [];
            for (let t = 0; t < T; t++) {
              assert.ok(Math.abs(behaviour[b][t] - expectedBehaviour[b][t]) < 1e-6, 'level 1 = the behaviour unit');
              if (batch.histMask[b * T + t] === 0) {
                assert.equal(tree.clusterOf[b * T + t], -1);
                assert.equal(Math.abs(within[b][t]), 0);
                clusterOf.push(-1);
                continue;
              }
              const cat = batch.histCats[0][b * T + t];
              if (!cats.has(cat)) cats.set(cat, cats.size);
              assert.equal(tree.clusterOf[b * T + t], cats.get(cat), `row ${b} step ${t}: cluster of category ${cat}`);
              clusterOf.push(cats.get(cat)!);
            }
            for (const [cat, c] of cats) {
              assert.equal(tree.clusterIds[b * C + c], cat);
              assert.equal(tree.clusterMask[b * C + c], 1);
              const members = clusterOf.map((k, t) => (k === c ? t : -1)).filter((t) => t >= 0);
              const sum = members.reduce((s, t) => s + within[b][t], 0);
              assert.ok(Math.abs(sum - 1) < 1e-5, `row ${b} cluster ${c}: within-cluster weights sum to ${sum}`);
              const raw = members.reduce((s, t) => s + behaviour[b][t], 0);
              for (const t of members) assert.ok(Math.abs(within[b][t] - behaviour[b][t] / raw) < 1e-5);
            }
            for (let c = cats.size; c < C; c++) {
              assert.equal(tree.clusterMask[b * C + c], 0);
              assert.equal(Math.abs(clusterW[b][c]), 0, 'empty cluster slot has weight 0');
            }
            if (normalize === 'softmax') {
              const total = clusterW[b].reduce((s, w) => s + w, 0);
              assert.ok(Math.abs(total - 1) < 1e-5, `row ${b}: softmax cluster weights sum to ${total}`);
            }
            clusterVectors.push(jsClusterVectors(history[b], behaviour[b], clusterOf, C));
          }
          const expectedCluster = tf.tidy(() => {
            const keys = tf.tensor3d(clusterVectors);
            const mask = tf.tensor2d(tree.clusterMask, [B, C]);
            return model.clusterUnits[0][0].weights(inputs.target(), keys, mask, false).arraySync() as number[][];
          });
          for (let b = 0; b < B; b++)
            for (let c = 0; c < C; c++) {
              assert.ok(
                Math.abs(clusterW[b][c] - expectedCluster[b][c]) < 1e-4,
                `row ${b} cluster ${c}: ${clusterW[b][c]} vs ${expectedCluster[b][c]}`,
              );
            }
        } finally {
          tf.dispose([...tree.levelWeights, tree.withinClusterWeights]);
          inputs.dispose();
          model.dispose();
        }
      },
    );
  }

  it('three attention levels give three weight tensors; flat pooling, missing dimension rejected', () => {
    const model = new DhanModel({ dimensions: [[0, 1]], mlp: { hidden: [8] } }, TINY_SIZES, 6);
    const inputs = model.prepare(tinyBatch(10, { size: 4, maxLen: 5, negatives: true }));
    const tree = model.attentionTree(inputs);
    assert.equal(tree.levelWeights.length, 3);
    assert.throws(() => model.attentionTree(inputs, 1), /dimension 1 does not exist/);
    tf.dispose([...tree.levelWeights, tree.withinClusterWeights]);
    inputs.dispose();
    model.dispose();
    const flat = new DhanModel({ pooling: 'flat', mlp: { hidden: [8] } }, TINY_SIZES, 6);
    const flatInputs = flat.prepare(tinyBatch(10, { size: 4, maxLen: 5, negatives: true }));
    assert.throws(() => flat.attentionTree(flatInputs), /pooling 'flat' has no cluster level/);
    flatInputs.dispose();
    flat.dispose();
  });
});

describe('userAttention for DIEN (over time) and DHAN (tree) (src/report/userAttention.ts)', () => {
  it("gives one user's a_t per candidate and the attention tree per candidate on synthetic data", async () => {
    const dataset = await loadDataset('synthetic:hier:tiny');
    const dien = createModel('dien', { auxWeight: 0, hiddenSize: 8, mlp: { hidden: [8] } }, dataset.sizes, 1);
    const overTime = userAttention(dien, dataset);
    dien.dispose();
    assert.equal(overTime.weightsKind, 'evolution');
    assert.equal(overTime.weights!.length, 2);
    assert.ok(overTime.behaviours.length > 1);
    for (const w of overTime.weights!) {
      assert.equal(w.length, overTime.behaviours.length, 'one weight per real step');
      assert.ok(Math.abs(w.reduce((s, v) => s + v, 0) - 1) < 1e-5);
    }
    const dhan = createModel('dhan', { mlp: { hidden: [8] } }, dataset.sizes, 1);
    const tree = userAttention(dhan, dataset);
    dhan.dispose();
    assert.equal(tree.trees!.length, 2);
    for (const clusters of tree.trees!) {
      const behaviours = clusters.reduce((n, c) => n + c.items.length, 0);
      assert.equal(behaviours, tree.behaviours.length, 'every real behaviour sits in exactly one cluster');
      assert.ok(Math.abs(clusters.reduce((s, c) => s + c.weight, 0) - 1) < 1e-5, 'softmax cluster weights');
      for (const c of clusters)
        assert.ok(Math.abs(c.items.reduce((s, i) => s + i.weight, 0) - 1) < 1e-5, `cluster ${c.label}`);
      // clusters are distinct categories
      assert.equal(new Set(clusters.map((c) => c.label)).size, clusters.length);
    }
  });
});
