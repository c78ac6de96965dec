import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import {
  attendHeads,
  attendHeadsOps,
  attentionKernelsInstalled,
  HeadAttentionOptions,
} from '../../src/layers/headAttention';
import {
  MASKED_ATTENTION_GRAD_KERNEL,
  MASKED_ATTENTION_KERNEL,
  registerWasmMaskedAttention,
} from '../../src/kernels/maskedAttention';
import { assertGradientsMatch } from '../helpers/gradients';
import { maskFromLengths, randomVariable } from '../helpers/tensors';

// 3 heads over a ragged batch: a full history, two partial ones, a single behaviour and an empty one.
const HEADS = 3;
const T = 6;
const LENGTHS = [6, 4, 1, 3, 0];
const B = LENGTHS.length;
const G = HEADS * B;
const MASKS: { causal: boolean; paddingMask: boolean; zeroPaddedQueries: boolean }[] = [
  { causal: true, paddingMask: false, zeroPaddedQueries: false },
  { causal: false, paddingMask: true, zeroPaddedQueries: false },
  { causal: true, paddingMask: true, zeroPaddedQueries: false },
  { causal: true, paddingMask: false, zeroPaddedQueries: true },
  { causal: false, paddingMask: true, zeroPaddedQueries: true },
];

/** Largest |a - b| / max(1, |b|) over all entries. */
function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape, `shapes differ: [${a.shape}] vs [${b.shape}]`);
  return tf.tidy(() => a.sub(b).abs().div(b.abs().maximum(1)).max().dataSync()[0]);
}

/** The name of every kernel `f` dispatches, in order. */
async function kernelsOf(f: () => void): Promise<string[]> {
  return (await tf.profile(f)).kernels.map((k) => k.name);
}

function unregisterKernels(): void {
  for (const name of [MASKED_ATTENTION_KERNEL, MASKED_ATTENTION_GRAD_KERNEL])
    tf.unregisterKernel(name, tf.getBackend());
}

describe('masked multi-head attention as one kernel per pass (src/kernels/maskedAttention.ts)', () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });
  after(() => {
    registerWasmMaskedAttention();
  });

  it('is installed on the wasm backend by src/backend.ts', () => {
    assert.equal(
      tf.getBackend(),
      'wasm',
      'these tests need the wasm backend (the kit picks it when tfjs-node is absent)',
    );
    assert.ok(attentionKernelsInstalled());
  });

  const rng = new Rng(17);
  const mask = maskFromLengths(LENGTHS, T);

  for (const dk of [3, 5]) {
    for (const m of MASKS) {
      const options: HeadAttentionOptions = { scale: 1 / Math.sqrt(dk), ...m };
      const label =
        `dk ${dk}, causal ${m.causal}, padding mask ${m.paddingMask}, ` + `zero padded queries ${m.zeroPaddedQueries}`;
      it(`${label}: context and gradients equal the tf-ops attention (1e-5 relative)`, () => {
        const vars = [0, 1, 2].map(() => randomVariable([G, T, dk], rng));
        const [q, k, v] = vars as unknown as tf.Tensor3D[];
        const weights = randomVariable([G, T, dk], rng);
        const loss = (f: typeof attendHeads) => () => f(q, k, v, mask, options).mul(weights).sum() as tf.Scalar;
        const viaKernel = tf.variableGrads(loss(attendHeads), vars);
        const viaOps = tf.variableGrads(loss(attendHeadsOps), vars);
        const context = attendHeads(q, k, v, mask, options);
        const contextOps = attendHeadsOps(q, k, v, mask, options);
        assert.ok(maxRelDiff(context, contextOps) < 1e-5, `context differs by ${maxRelDiff(context, contextOps)}`);
        assert.ok(tf.tidy(() => context.abs().max().dataSync()[0]) > 0.1, 'context is not trivially zero');
        // The empty history (b = 4) has no allowed key with the padding mask: context 0 in every head.
        if (m.paddingMask) {
          const c = context.arraySync() as number[][][];
          for (let h = 0; h < HEADS; h++) assert.ok(c[h * B + 4].every((row) => row.every((x) => x === 0)));
        }
        // zeroPaddedQueries: the steps past each history's length get context 0; the others do not.
        if (m.zeroPaddedQueries) {
          const c = context.arraySync() as number[][][];
          for (let h = 0; h < HEADS; h++) {
            LENGTHS.forEach((len, b) => {
              for (let t = 0; t < T; t++) {
                const zero = c[h * B + b][t].every((x) => x === 0);
                assert.equal(zero, t >= len, `head ${h}, row ${b}, step ${t}`);
              }
            });
          }
        }
        for (const [i, name] of ['q', 'k', 'v'].entries()) {
          const a = viaKernel.grads[vars[i].name];
          const b = viaOps.grads[vars[i].name];
          assert.ok(tf.tidy(() => b.abs().max().dataSync()[0]) > 1e-2, `d${name} is not trivially zero`);
          assert.ok(maxRelDiff(a, b) < 1e-5, `d${name} differs by ${maxRelDiff(a, b)}`);
        }
        tf.dispose([...vars, weights, context, contextOps, viaKernel.value, viaOps.value]);
        tf.dispose([...Object.values(viaKernel.grads), ...Object.values(viaOps.grads)]);
      });
    }
  }

  it('gradients of the kernel path match finite differences', () => {
    const dk = 4;
    const vars = [0, 1, 2].map(() => randomVariable([G, T, dk], rng));
    const [q, k, v] = vars as unknown as tf.Tensor3D[];
    const weights = randomVariable([G, T, dk], rng);
    const options = { scale: 0.5, causal: true, paddingMask: true };
    assertGradientsMatch(() => attendHeads(q, k, v, mask, options).mul(weights).sum() as tf.Scalar, vars, {
      label: 'attendHeads (kernel)',
      entries: 40,
    });
    tf.dispose([...vars, weights]);
  });

  it('runs one forward kernel and one backward kernel, and falls back to tf ops without them', async () => {
    const dk = 3;
    const vars = [0, 1, 2].map(() => randomVariable([G, T, dk], rng));
    const [q, k, v] = vars as unknown as tf.Tensor3D[];
    const options = { scale: 0.5, causal: true, paddingMask: true };
    const step = () => {
      const { value, grads } = tf.variableGrads(() => attendHeads(q, k, v, mask, options).sum() as tf.Scalar, vars);
      tf.dispose([value, ...Object.values(grads)]);
    };
    const withKernel = await kernelsOf(step);
    assert.equal(withKernel.filter((n) => n === MASKED_ATTENTION_KERNEL).length, 1);
    assert.equal(withKernel.filter((n) => n === MASKED_ATTENTION_GRAD_KERNEL).length, 1);
    assert.ok(!withKernel.includes('BatchMatMul') && !withKernel.includes('Softmax'), withKernel.join(' '));
    const expected = attendHeads(q, k, v, mask, options);
    unregisterKernels();
    try {
      assert.ok(!attentionKernelsInstalled());
      const withoutKernel = await kernelsOf(step);
      assert.ok(!withoutKernel.includes(MASKED_ATTENTION_KERNEL) && withoutKernel.includes('BatchMatMul'));
      const fallback = attendHeads(q, k, v, mask, options);
      assert.ok(maxRelDiff(fallback, expected) < 1e-5);
      fallback.dispose();
    } finally {
      registerWasmMaskedAttention();
    }
    tf.dispose([...vars, expected]);
  });

  it('refuses mismatched shapes, a mask whose batch does not divide the groups, and no mask at all', () => {
    const q = tf.zeros([G, T, 3]) as tf.Tensor3D;
    const options = { scale: 1, causal: true, paddingMask: true };
    assert.throws(() => attendHeads(q, tf.zeros([G, T, 4]) as tf.Tensor3D, q, mask, options), /attendHeads: expected/);
    assert.throws(() => attendHeads(q, q, q, tf.ones([4, T]) as tf.Tensor2D, options), /attendHeads: expected/);
    assert.throws(
      () => attendHeads(q, q, q, mask, { scale: 1, causal: false, paddingMask: false }),
      /at least one of causal and paddingMask/,
    );
    q.dispose();
  });
});
