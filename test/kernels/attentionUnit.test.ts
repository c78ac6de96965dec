/**
 * The attention unit's scoring pass as one wasm kernel (src/kernels/attentionUnit.ts) against
 * the tf-ops path it replaces (kernel unregistered): same weights and pooled vectors on a ragged
 * batch for every supported configuration; when it is (not) used; no heap left behind; bad attrs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { ATTENTION_UNIT_KERNEL, registerWasmAttentionUnit } from '../../src/kernels/attentionUnit';
import { AttentionUnit, AttentionUnitConfig } from '../../src/layers/attentionUnit';
import { ParameterStore } from '../../src/layers/params';
import { Rng } from '../../src/random';
import { maskFromLengths, uniformTensor } from '../helpers/tensors';

// Ragged batch: a full history, two partial ones, a single behaviour and an empty one.
const B = 5;
const T = 7;
const D = 6;
const LENGTHS = [7, 4, 1, 6, 0];

function unregister(): void {
  if (tf.getKernel(ATTENTION_UNIT_KERNEL, tf.getBackend())) tf.unregisterKernel(ATTENTION_UNIT_KERNEL, tf.getBackend());
}

/** The unit with random (not initial: biases nonzero too) weights, and a batch whose padding holds noise. */
function setup(config: Partial<AttentionUnitConfig>, seed: number) {
  const store = new ParameterStore(seed);
  const unit = new AttentionUnit(store, 'att', D, config);
  const rng = new Rng(seed + 1);
  for (const { variable: v } of store.trainable()) {
    const r = uniformTensor(rng, v.shape, -1, 1);
    v.assign(r);
    r.dispose();
  }
  const query = uniformTensor(rng, [B, D], -2, 2) as tf.Tensor2D;
  const keys = uniformTensor(rng, [B, T, D], -2, 2) as tf.Tensor3D;
  const mask = maskFromLengths(LENGTHS, T);
  return { store, unit, query, keys, mask };
}

/**
 * Largest |a - b| / max(1, |b|). The kernel sums the first layer's three parts in one product
 * (the tf-ops path: three products, then adds), so values differ by float32 rounding; with these
 * unit-range weights the relu units' hidden values reach ~10 and the difference ~1e-6.
 */
function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  return tf.tidy(() => a.sub(b).abs().div(b.abs().maximum(1)).max().dataSync()[0]);
}

async function kernelsOf(f: () => void): Promise<string[]> {
  return (await tf.profile(f)).kernels.map((k) => k.name);
}

const CONFIGS: Partial<AttentionUnitConfig>[] = [
  { hidden: [8, 4], activation: 'sigmoid', normalize: 'none' },
  { hidden: [8, 4], activation: 'relu', normalize: 'none' },
  { hidden: [5], activation: 'sigmoid', normalize: 'softmax' },
  { hidden: [9, 7, 3], activation: 'relu', normalize: 'softmax', scale: 1 / Math.sqrt(D) },
];

describe('the attention unit scoring pass as one kernel (src/kernels/attentionUnit.ts)', () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });
  after(() => {
    registerWasmAttentionUnit();
  });

  it('is installed on the wasm backend by src/backend.ts', () => {
    assert.equal(tf.getBackend(), 'wasm', 'these tests exercise the wasm kernel');
    assert.ok(tf.getKernel(ATTENTION_UNIT_KERNEL, 'wasm'));
  });

  for (const config of CONFIGS) {
    it(`gives the tf-ops weights and pooled vectors: ${JSON.stringify(config)}`, async () => {
      const { store, unit, query, keys, mask } = setup(config, 11);
      registerWasmAttentionUnit();
      assert.ok(unit.usesKernel(false));
      const names = await kernelsOf(() => tf.dispose(unit.apply(query, keys, mask, false)));
      assert.ok(names.includes(ATTENTION_UNIT_KERNEL), `kernels: ${names.join(', ')}`);
      const fast = unit.apply(query, keys, mask, false);
      const fastWeights = unit.weights(query, keys, mask, false);
      unregister();
      assert.equal(unit.usesKernel(false), false);
      const slow = unit.apply(query, keys, mask, false);
      registerWasmAttentionUnit();
      for (const [label, a, b] of [
        ['weights', fast.weights, slow.weights],
        ['weights()', fastWeights, slow.weights],
        ['pooled', fast.pooled, slow.pooled],
      ] as const)
        assert.ok(maxRelDiff(a, b) < 1e-5, `${label} differ by ${maxRelDiff(a, b)} (relative)`);
      // Zero weight at padding and an all-zero row without history, not merely close to the tf-ops path.
      const w = fast.weights.arraySync();
      LENGTHS.forEach((len, b) => {
        for (let t = len; t < T; t++) assert.equal(w[b][t], 0);
      });
      assert.deepEqual(fast.pooled.arraySync()[4], new Array(D).fill(0));
      // The weights are not trivial: the scores vary over the positions of the full row.
      assert.ok(Math.max(...w[0]) - Math.min(...w[0]) > 1e-3);
      tf.dispose([fast.weights, fast.pooled, fastWeights, slow.weights, slow.pooled, query, keys, mask]);
      store.dispose();
    });
  }

  it('leaves no tensor and no wasm buffer behind', () => {
    const { store, unit, query, keys, mask } = setup({ normalize: 'softmax', hidden: [8, 4] }, 3);
    tf.dispose(unit.apply(query, keys, mask, false));
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const before = backend.numDataIds();
    const tensors = tf.memory().numTensors;
    tf.dispose(unit.apply(query, keys, mask, false));
    assert.equal(backend.numDataIds(), before);
    assert.equal(tf.memory().numTensors, tensors);
    tf.dispose([query, keys, mask]);
    store.dispose();
  });

  it('is not used when training, under a gradient tape, or for Dice, PReLU and the concat first layer', () => {
    const { store, unit, query, keys, mask } = setup({ hidden: [8, 4] }, 5);
    assert.equal(unit.usesKernel(true), false);
    // A gradient in inference mode still works: the tf-ops path runs under the tape.
    const grad = tf.grad((q: tf.Tensor) => tf.sum(unit.apply(q as tf.Tensor2D, keys, mask, false).pooled))(query);
    assert.ok(grad.abs().sum().dataSync()[0] > 0);
    for (const config of [{ activation: 'dice' }, { activation: 'prelu' }, { firstLayer: 'concat' }] as const) {
      const other = new AttentionUnit(new ParameterStore(1), 'other', D, config);
      assert.equal(other.usesKernel(false), false, JSON.stringify(config));
    }
    tf.dispose([grad, query, keys, mask]);
    store.dispose();
  });

  it('rejects an unknown activation and inputs of the wrong shape, naming the kernel', () => {
    const { store, unit, query, keys, mask } = setup({ hidden: [8, 4] }, 7);
    const v = store.trainable().map((t) => t.variable);
    const inputs = { query, keys, mask, kernel0: v[0], bias0: v[1] };
    const run = (attrs: object, extra: tf.NamedTensorMap) =>
      tf.engine().runKernel(ATTENTION_UNIT_KERNEL, { ...inputs, ...extra }, attrs as tf.NamedAttrMap);
    const attrs = { layers: 2, activation: 'tanh', normalize: 'none', scale: 1, pool: false };
    assert.throws(() => run(attrs, {}), /DilAttentionUnit: attr activation must be 'relu' or 'sigmoid', got tanh/);
    assert.throws(
      () => run({ ...attrs, activation: 'relu' }, { query: keys }),
      /DilAttentionUnit: query must be float32 \[5,6\]/,
    );
    assert.equal(unit.dim, D);
    tf.dispose([query, keys, mask]);
    store.dispose();
  });
});
