import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { Rng } from '../../src/random';
import { ParameterStore } from '../../src/layers/params';
import { AttentionGateConvention, GruCandidate, GruKind, GruLayer } from '../../src/layers/gru';
import {
  fusedRecurrence,
  kernelRecurrence,
  RecurrenceMode,
  recurrenceKernelsInstalled,
} from '../../src/layers/gruRecurrence';
import {
  GRU_RECURRENCE_GRAD_KERNEL,
  GRU_RECURRENCE_KERNEL,
  registerWasmGruRecurrence,
} from '../../src/kernels/gruRecurrence';
import { assertGradientsMatch } from '../helpers/gradients';
import { maskFromLengths, uniformTensor } from '../helpers/tensors';

// Ragged batch: a full history, two partial ones, a single behaviour and an empty one.
const B = 5;
const T = 7;
const H = 5;
const LENGTHS = [7, 4, 1, 6, 0];
const MODES: RecurrenceMode[] = ['update', 'replace', 'official'];

/** Largest |a - b| / max(1, |b|) over all entries. */
function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape, `shapes differ: [${a.shape}] vs [${b.shape}]`);
  return tf.tidy(() => a.sub(b).abs().div(b.abs().maximum(1)).max().dataSync()[0]);
}

const timeMajor = <R extends tf.Rank>(x: tf.Tensor<R>): tf.Tensor<R> => tf.transpose(x, [1, 0, 2]) as tf.Tensor<R>;

function unregisterKernels(): void {
  for (const name of [GRU_RECURRENCE_KERNEL, GRU_RECURRENCE_GRAD_KERNEL]) tf.unregisterKernel(name, tf.getBackend());
}

/** The name of every kernel `f` dispatches, in order. */
async function kernelsOf(f: () => void): Promise<string[]> {
  return (await tf.profile(f)).kernels.map((k) => k.name);
}

function disposeOutput(out: { states: tf.Tensor; final: tf.Tensor }): void {
  tf.dispose([out.states, out.final]);
}

describe('the GRU recurrence as one kernel per pass (src/kernels/gruRecurrence.ts)', () => {
  before(async () => {
    await useBestBackend({ quiet: true });
  });
  after(() => {
    registerWasmGruRecurrence();
  });

  it('is installed on the wasm backend by src/backend.ts', () => {
    assert.equal(
      tf.getBackend(),
      'wasm',
      'these tests need the wasm backend (the kit picks it when tfjs-node is absent)',
    );
    assert.ok(recurrenceKernelsInstalled());
  });

  const rng = new Rng(31);
  const mask = maskFromLengths(LENGTHS, T).reshape([B, T, 1]);
  const inputs = (): tf.Variable[] => [
    tf.variable(uniformTensor(rng, [B, T, 3 * H])),
    tf.variable(uniformTensor(rng, [H, 3 * H], -0.8, 0.8)),
    tf.variable(uniformTensor(rng, [B, T, 1], 0.05, 0.95).mul(mask)),
    tf.variable(uniformTensor(rng, [B, T, 1], 0.05, 0.95).mul(mask)),
  ];

  for (const mode of MODES) {
    it(`mode '${mode}': states and gradients equal the tf-ops recurrence on a ragged batch (1e-5 relative)`, () => {
      const [projected, kernel, scale, keep] = inputs();
      const weights = uniformTensor(rng, [B, T, H]);
      const vars = [projected, kernel, scale, keep];
      const viaKernel = tf.variableGrads(
        () =>
          kernelRecurrence(
            mode,
            projected as tf.Tensor3D,
            kernel as tf.Tensor2D,
            scale as tf.Tensor3D,
            keep as tf.Tensor3D,
          )
            .mul(weights)
            .sum() as tf.Scalar,
        vars,
      );
      const viaOps = tf.variableGrads(
        () =>
          timeMajor(
            fusedRecurrence(
              mode,
              timeMajor(projected as tf.Tensor3D),
              kernel as tf.Tensor2D,
              timeMajor(scale as tf.Tensor3D),
              timeMajor(keep as tf.Tensor3D),
            ),
          )
            .mul(weights)
            .sum() as tf.Scalar,
        vars,
      );
      const states = kernelRecurrence(
        mode,
        projected as tf.Tensor3D,
        kernel as tf.Tensor2D,
        scale as tf.Tensor3D,
        keep as tf.Tensor3D,
      );
      const statesOps = timeMajor(
        fusedRecurrence(
          mode,
          timeMajor(projected as tf.Tensor3D),
          kernel as tf.Tensor2D,
          timeMajor(scale as tf.Tensor3D),
          timeMajor(keep as tf.Tensor3D),
        ),
      );
      assert.ok(maxRelDiff(states, statesOps) < 1e-5, `${mode}: states differ by ${maxRelDiff(states, statesOps)}`);
      assert.ok(tf.tidy(() => states.abs().max().dataSync()[0]) > 0.05, 'states are not trivially zero');
      // The empty history stays at h = 0; the length-1 history keeps its first state.
      const s = states.arraySync() as number[][][];
      assert.ok(s[4].every((row) => row.every((v) => v === 0)));
      for (let t = 1; t < T; t++) assert.deepEqual(s[2][t], s[2][0]);
      ['projected', 'kernel', 'scale', 'keep'].forEach((label, i) => {
        if (label === 'keep' && mode !== 'official') return;
        const a = viaKernel.grads[vars[i].name];
        const b = viaOps.grads[vars[i].name];
        assert.ok(tf.tidy(() => b.abs().max().dataSync()[0]) > 1e-3, `${mode}: d${label} is not trivially zero`);
        assert.ok(maxRelDiff(a, b) < 1e-5, `${mode}: d${label} differs by ${maxRelDiff(a, b)}`);
      });
      tf.dispose([
        ...vars,
        weights,
        states,
        statesOps,
        viaKernel.value,
        viaOps.value,
        ...Object.values(viaKernel.grads),
        ...Object.values(viaOps.grads),
      ]);
    });

    it(`mode '${mode}': the backward kernel matches finite differences`, () => {
      const vars = inputs();
      const [projected, kernel, scale, keep] = vars;
      const weights = uniformTensor(rng, [B, T, H]);
      const loss = (): tf.Scalar =>
        tf.tidy(
          () =>
            kernelRecurrence(
              mode,
              projected as tf.Tensor3D,
              kernel as tf.Tensor2D,
              scale as tf.Tensor3D,
              keep as tf.Tensor3D,
            )
              .mul(weights)
              .sum() as tf.Scalar,
        );
      assertGradientsMatch(loss, mode === 'official' ? vars : vars.slice(0, 3), { label: mode, entries: 30 });
      tf.dispose([...vars, weights]);
    });
  }

  const layers: { kind: GruKind; convention: AttentionGateConvention }[] = [
    { kind: 'GRU', convention: 'paper' },
    { kind: 'AIGRU', convention: 'paper' },
    { kind: 'AGRU', convention: 'paper' },
    { kind: 'AUGRU', convention: 'paper' },
    { kind: 'AUGRU', convention: 'official' },
  ];
  for (const c of layers) {
    it(
      `GruLayer ${c.kind} (${c.convention}) runs the kernel when installed, with the ` +
        `values and gradients of the tf-ops path without it`,
      async () => {
        const D = 3;
        const x = uniformTensor(rng, [B, T, D]) as tf.Tensor3D;
        const attention = uniformTensor(rng, [B, T], 0.05, 0.95) as tf.Tensor2D;
        const m = maskFromLengths(LENGTHS, T);
        const weights = uniformTensor(rng, [B, T, H]);
        const run = async () => {
          const store = new ParameterStore(41);
          const layer = new GruLayer(store, 'gru', {
            inputSize: D,
            hiddenSize: H,
            kind: c.kind,
            convention: c.convention,
          });
          const xv = tf.variable(x.clone());
          const av = tf.variable(attention.clone());
          const vars = [xv, av, ...store.trainable().map((p) => p.variable)];
          const loss = (): tf.Scalar => {
            const out = layer.apply(xv as unknown as tf.Tensor3D, m, av as unknown as tf.Tensor2D);
            return out.states.mul(weights).sum().add(out.final.square().sum()) as tf.Scalar;
          };
          const kernels = await kernelsOf(() => {
            const r = tf.variableGrads(loss, vars);
            tf.dispose([r.value, ...Object.values(r.grads)]);
          });
          const { value, grads } = tf.variableGrads(loss, vars);
          const scored = tf.tidy(() => layer.apply(x, m, attention).states);
          const scoringKernels = await kernelsOf(() => disposeOutput(layer.apply(x, m, attention)));
          store.dispose();
          tf.dispose([xv, av]);
          return { value, grads: vars.map((v) => grads[v.name]), scored, kernels, scoringKernels };
        };
        const withKernel = await run();
        unregisterKernels();
        const withOps = await run();
        registerWasmGruRecurrence();
        assert.ok(
          withKernel.kernels.includes(GRU_RECURRENCE_KERNEL) && withKernel.kernels.includes(GRU_RECURRENCE_GRAD_KERNEL),
          'training did not run the kernels',
        );
        assert.ok(withKernel.scoringKernels.includes(GRU_RECURRENCE_KERNEL), 'scoring did not run the kernel');
        assert.ok(
          !withOps.kernels.includes(GRU_RECURRENCE_KERNEL) && !withOps.scoringKernels.includes(GRU_RECURRENCE_KERNEL),
          'the fallback ran the kernel',
        );
        assert.ok(
          withKernel.kernels.length * 4 < withOps.kernels.length,
          `dispatches: ${withKernel.kernels.length} with the kernel vs ${withOps.kernels.length}`,
        );
        assert.ok(maxRelDiff(withKernel.value, withOps.value) < 1e-5);
        assert.ok(maxRelDiff(withKernel.scored, withOps.scored) < 1e-5);
        withKernel.grads.forEach((g, i) => {
          if (c.kind === 'GRU' && i === 1) return; // a plain GRU ignores attention
          assert.ok(g && withOps.grads[i], `gradient ${i} missing`);
          assert.ok(
            maxRelDiff(g, withOps.grads[i]) < 1e-5,
            `${c.kind}/${c.convention} gradient ${i} differs by ${maxRelDiff(g, withOps.grads[i])}`,
          );
        });
      },
    );
  }

  for (const mode of MODES) {
    it(`mode '${mode}': scoring (skipIdle) skips idle steps, same states bit for bit`, async () => {
      const [projected, kernel, scale, keep] = inputs();
      // A valid step with s_t = 0 (AUGRU with a zero attention weight) is idle too, except in mode
      // 'official' where its k_t != 0 (g = -k_t (1 - u)); so is one padded step given k_t != 0 there.
      const zeroed = tf.tidy(() =>
        scale.mul(
          tf
            .oneHot([5], B * T)
            .reshape([B, T, 1])
            .mul(-1)
            .add(1),
        ),
      );
      const keepIn = mode === 'official' ? tf.tidy(() => keep.add(tf.oneHot([13], B * T).reshape([B, T, 1]))) : keep;
      const run = (skipIdle: boolean) =>
        tf
          .engine()
          .runKernel(
            GRU_RECURRENCE_KERNEL,
            { projected, kernel, scale: zeroed, ...(mode === 'official' ? { keep: keepIn } : {}) },
            { mode, skipIdle },
          ) as tf.Tensor[];
      const all = run(false);
      const skipped = run(true);
      assert.deepEqual(skipped[0].dataSync(), all[0].dataSync(), `${mode}: states differ`);
      // Idle steps (padding of rows 1, 2, 3, all of row 4, step 5 of row 0) have zero gates; active ones do not.
      const gates = skipped[1].arraySync() as number[][][];
      const s = zeroed.arraySync() as number[][][];
      const k = keepIn.arraySync() as number[][][];
      let idle = 0;
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++) {
          const isIdle = s[b][t][0] === 0 && (mode !== 'official' || k[b][t][0] === 0);
          if (isIdle) idle++;
          assert.equal(
            gates[b][t].every((g) => g === 0),
            isIdle,
            `${mode}: row ${b}, step ${t}`,
          );
        }
      const padded = 3 + 6 + 1 + 7;
      assert.equal(idle, mode === 'official' ? padded - 1 : padded + 1, `${mode}: idle steps`);
      // Without a gradient tape the layer's recurrence takes this path.
      const names = await kernelsOf(() =>
        tf.dispose(
          kernelRecurrence(
            mode,
            projected as tf.Tensor3D,
            kernel as tf.Tensor2D,
            zeroed as tf.Tensor3D,
            keepIn as tf.Tensor3D,
          ),
        ),
      );
      assert.deepEqual(names, [GRU_RECURRENCE_KERNEL]);
      const viaLayerPath = kernelRecurrence(
        mode,
        projected as tf.Tensor3D,
        kernel as tf.Tensor2D,
        zeroed as tf.Tensor3D,
        keepIn as tf.Tensor3D,
      );
      assert.deepEqual(viaLayerPath.dataSync(), all[0].dataSync());
      tf.dispose([projected, kernel, scale, keep, zeroed, keepIn, ...all, ...skipped, viaLayerPath]);
    });
  }

  it('GruLayer scoring projects only the real steps and gives the states of the taped pass bit for bit', async () => {
    const x = uniformTensor(rng, [B, T, 3]) as tf.Tensor3D;
    const m = maskFromLengths(LENGTHS, T);
    const a = uniformTensor(rng, [B, T], 0.05, 0.95).mul(m) as tf.Tensor2D;
    for (const kind of ['GRU', 'AUGRU'] as GruKind[]) {
      const store = new ParameterStore(47);
      const layer = new GruLayer(store, 'gru', { inputSize: 3, hiddenSize: H, kind });
      const names = await kernelsOf(() => disposeOutput(layer.apply(x, m, a)));
      assert.ok(names.includes('GatherNd') && names.includes('ScatterNd'), `${kind}: ${names.join(', ')}`);
      const scored = layer.apply(x, m, a);
      // Under a gradient tape the layer projects every step and runs the full recurrence.
      let taped: tf.Tensor | undefined;
      tf.grad((input: tf.Tensor) => {
        const out = layer.apply(input as tf.Tensor3D, m, a);
        taped = tf.keep(out.states.clone());
        return out.states.sum();
      })(x).dispose();
      assert.deepEqual(scored.states.dataSync(), (taped as tf.Tensor).dataSync(), kind);
      disposeOutput(scored);
      tf.dispose([taped as tf.Tensor]);
      store.dispose();
    }
    tf.dispose([x, m, a]);
  });

  it("GruLayer with candidate 'official' or implementation 'autodiff' does not use the kernel", async () => {
    const x = uniformTensor(rng, [B, T, 3]) as tf.Tensor3D;
    const m = maskFromLengths(LENGTHS, T);
    for (const option of [{ candidate: 'official' as GruCandidate }, { implementation: 'autodiff' as const }]) {
      const store = new ParameterStore(43);
      const layer = new GruLayer(store, 'gru', { inputSize: 3, hiddenSize: H, kind: 'GRU', ...option });
      const names = await kernelsOf(() => disposeOutput(layer.apply(x, m)));
      assert.ok(!names.includes(GRU_RECURRENCE_KERNEL), JSON.stringify(option));
      store.dispose();
    }
  });

  it('rejects a bad mode, mismatched shapes and a missing keep, naming the kernel and the value', () => {
    const projected = tf.zeros([2, 3, 3 * H]);
    const kernel = tf.zeros([H, 3 * H]);
    const scale = tf.zeros([2, 3, 1]);
    assert.throws(() => tf.engine().runKernel(GRU_RECURRENCE_KERNEL, { projected, kernel, scale }, { mode: 'keep' }), {
      message: "DilGruRecurrence: attr mode must be 'update', 'replace' or 'official', got keep",
    });
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(GRU_RECURRENCE_KERNEL, { projected, kernel: tf.zeros([H, H]), scale }, { mode: 'update' }),
      { message: 'DilGruRecurrence: kernel must be float32 [5,15], got float32 [5,5]' },
    );
    assert.throws(
      () => tf.engine().runKernel(GRU_RECURRENCE_KERNEL, { projected, kernel, scale }, { mode: 'official' }),
      { message: 'DilGruRecurrence: keep must be float32 [2,3,1], got nothing' },
    );
    assert.throws(
      () => kernelRecurrence('official', projected as tf.Tensor3D, kernel as tf.Tensor2D, scale as tf.Tensor3D),
      { message: "kernelRecurrence: mode 'official' needs keep [B, T, 1]" },
    );
  });

  it('leaks no tensors and no wasm memory over a training pass', () => {
    const [projected, kernel, scale, keep] = inputs();
    const pass = () =>
      tf.tidy(() =>
        tf
          .grads((p: tf.Tensor, k: tf.Tensor) =>
            kernelRecurrence(
              'official',
              p as tf.Tensor3D,
              k as tf.Tensor2D,
              scale as tf.Tensor3D,
              keep as tf.Tensor3D,
            ).sum(),
          )([projected, kernel])
          .forEach((g) => g.dispose()),
      );
    pass();
    // The backend's own count also sees the kernels' scratch buffers, which the engine never does.
    const before = { tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() };
    for (let i = 0; i < 3; i++) pass();
    assert.deepEqual({ tensors: tf.memory().numTensors, buffers: tf.backend().numDataIds() }, before);
    tf.dispose([projected, kernel, scale, keep]);
  });
});
