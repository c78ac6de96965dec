/**
 * Micro-benchmark of the ops the models use heavily, on the active backend (wasm here).
 * Run: `node --import tsx bench/ops-micro.ts [--reps 15]`. Prints median ms per call (with p10-p90).
 * Shapes follow the fixed benchmark (src/bench/shape.ts): B = 128, T = 50, D = 36 per behaviour.
 * Numbers are noisy when other processes share the cores; repeat before concluding.
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend';
import { checkPositionals, runScriptMain } from '../src/bench/script';
import { summarize } from '../src/bench/stats';
import { CommandSpec, flagAtLeast } from '../src/cli/args';
import { matMulFast, denseFast, installFastWasmKernels } from '../src/ops';

const COMMAND: CommandSpec = {
  name: 'ops-micro',
  label: 'bench/ops-micro.ts',
  summary: 'Median ms per call (p10-p90) of the ops the models use heavily, at the bench shape, on the active backend.',
  usage: 'node --import tsx bench/ops-micro.ts [--reps N]',
  flags: [{ name: 'reps', type: 'int', description: 'timed calls per op, after 3 warm-up calls', defaultText: '15' }],
  examples: ['node --import tsx bench/ops-micro.ts --reps 30'],
};

/** Timed calls per op (--reps). */
let reps = 15;

function time(label: string, f: () => tf.Tensor | tf.Tensor[]): number {
  const run = () => {
    const t0 = performance.now();
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    // Read one element of each output: forces completion on asynchronous backends without
    // timing a multi-megabyte copy to JavaScript (that copy alone costs ~6 ms for 2 MB here).
    for (const t of list) tf.tidy(() => t.reshape([-1]).slice(0, 1).dataSync());
    const ms = performance.now() - t0;
    tf.dispose(out);
    return ms;
  };
  for (let i = 0; i < 3; i++) run();
  const s = summarize(Array.from({ length: reps }, run));
  console.log(
    `${label.padEnd(64)} ${s.median.toFixed(2).padStart(8)} ms  (p10 ${s.p10.toFixed(2)}, p90 ${s.p90.toFixed(2)})`,
  );
  return s.median;
}

function sliceSection(q3: tf.Tensor, k3: tf.Tensor, label: string): void {
  const B = q3.shape[0] as number;
  const T = q3.shape[1] as number;
  const D = q3.shape[2] as number;
  console.log(`\n-- concat / slice / unstack on [128,50,36] (${label})`);
  time('concat 4 x [128,50,36] on last axis', () => tf.concat([q3, k3, q3, k3], 2));
  time('slice [128,50,144] -> [128,50,36]', () => tf.slice(tf.concat([q3, k3, q3, k3], 2), [0, 0, 36], [B, T, D]));
  time('unstack [128,50,36] along axis 1 (50 tensors)', () => tf.unstack(q3, 1));
  time('50 slices [128,1,36] along axis 1', () =>
    Array.from({ length: T }, (_, t) => tf.slice(q3, [0, t, 0], [B, 1, D])),
  );
  const qt = tf.transpose(q3, [1, 0, 2]);
  time('transpose [128,50,36] -> [50,128,36]', () => tf.transpose(q3, [1, 0, 2]));
  time('unstack [50,128,36] along axis 0 (time-major)', () => tf.unstack(qt, 0));
  const steps = tf.unstack(q3, 1);
  time('stack 50 x [128,36] along axis 1', () => tf.stack(steps, 1));
  time('grads of unstack (50 steps) used once each', () =>
    tf.grads((x: tf.Tensor) => tf.addN(tf.unstack(x, 1).map((s) => tf.sum(s))))([q3]),
  );
  const r144 = tf.randomNormal([B, T, 4 * D]);
  time('grads of concat 4 x [128,50,36] (split of [128,50,144])', () =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.concat([a, b, a, b], 2), r144)))([q3, k3]),
  );
  time('grads of 50 per-step slices used once each', () =>
    tf.grads((x: tf.Tensor) => tf.addN(Array.from({ length: T }, (_, t) => tf.sum(tf.slice(x, [0, t, 0], [B, 1, D])))))(
      [q3],
    ),
  );
}

async function main(): Promise<void> {
  const backend = await useBestBackend();
  console.log(`backend ${backend.name}, ${reps} reps after 3 warm-up\n`);
  const B = 128;
  const T = 50;
  const D = 36;
  const N = B * T;

  console.log('-- matMul forward: transpose flags vs explicit transpose');
  const a = tf.randomNormal([N, 144]);
  const b = tf.randomNormal([N, 80]);
  time('matMul(a[6400,144], b[6400,80], transposeA)', () => tf.matMul(a, b, true, false));
  time('transpose(a) then matMul', () => tf.matMul(tf.transpose(a), b));
  const w = tf.randomNormal([144, 80]);
  time('matMul(dy[6400,80], w[144,80], transposeB)', () => tf.matMul(b, w, false, true));
  time('transpose(w) then matMul', () => tf.matMul(b, tf.transpose(w)));
  time('matMul(a[6400,144], w[144,80]) plain', () => tf.matMul(a, w));

  console.log('\n-- dense layer [6400,144] x [144,80] + b, sigmoid: forward + backward');
  const bias = tf.zeros([80]);
  const r = tf.randomNormal([N, 80]);
  const gPlain = tf.grads((x: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(tf.mul(tf.sigmoid(tf.add(tf.matMul(x, ww), bb)), r)),
  );
  const gFused = tf.grads((x: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(tf.mul(tf.fused.matMul({ a: x as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb, activation: 'sigmoid' }), r)),
  );
  const gMatFast = tf.grads((x: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(tf.mul(tf.sigmoid(tf.add(matMulFast(x, ww), bb)), r)),
  );
  const gDense = tf.grads((x: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    tf.sum(tf.mul(denseFast(x, ww, bb, 'sigmoid'), r)),
  );
  time('tf: sigmoid(matMul + b), grads', () => gPlain([a, w, bias]));
  time('tf.fused.matMul sigmoid, grads', () => gFused([a, w, bias]));
  time('matMulFast then sigmoid(+b), grads', () => gMatFast([a, w, bias]));
  time('denseFast sigmoid, grads', () => gDense([a, w, bias]));
  time('tf: forward only', () => tf.sigmoid(tf.add(tf.matMul(a, w), bias)));
  time('denseFast: forward only', () => denseFast(a, w, bias, 'sigmoid'));

  console.log('\n-- top MLP shapes [128,k]');
  const x128 = tf.randomNormal([B, 162]);
  const w200 = tf.randomNormal([162, 200]);
  const b200 = tf.zeros([200]);
  const r200 = tf.randomNormal([B, 200]);
  time('tf: relu(matMul+b) [128,162]x[162,200], grads', () =>
    tf.grads((x: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(tf.relu(tf.add(tf.matMul(x, ww), bb)), r200)),
    )([x128, w200, b200]),
  );
  time('denseFast relu [128,162]x[162,200], grads', () =>
    tf.grads((x: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(denseFast(x, ww, bb, 'relu'), r200)))([
      x128,
      w200,
      b200,
    ]),
  );

  console.log('\n-- batched matMul [128,50,36] (attention scores, GRU-free pooling)');
  const q3 = tf.randomNormal([B, T, D]);
  const k3 = tf.randomNormal([B, T, D]);
  time('matMul(q, k, transposeB) [128,50,36]x[128,36,50]', () => tf.matMul(q3, k3, false, true));
  time('explicit transpose then matMul', () => tf.matMul(q3, tf.transpose(k3, [0, 2, 1])));
  const rs = tf.randomNormal([B, T, T]);
  time('tf: grads of matMul(q, k, transposeB)', () =>
    tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, false, true), rs)))([q3, k3]),
  );
  time('matMulFast: grads (q, k, transposeB)', () =>
    tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMulFast(x, y, false, true), rs)))([q3, k3]),
  );
  const att = tf.randomNormal([B, 1, T]);
  time('weighted sum: matMul(att[128,1,50], v[128,50,36])', () => tf.matMul(att, k3));
  time('weighted sum: sum(mul(att[128,50,1], v), 1)', () => tf.sum(tf.mul(att.reshape([B, T, 1]), k3), 1));

  console.log('\n-- embedding gather and its gradient (60,000 x 18 table)');
  const table = tf.randomNormal([60000, 18]);
  const ids = tf.tensor1d(
    Int32Array.from({ length: N }, (_, i) => (i * 7919) % 60000),
    'int32',
  );
  const rEmb = tf.randomNormal([N, 18]);
  time('gather 6400 rows', () => tf.gather(table, ids));
  time('grads of gather (UnsortedSegmentSum JS kernel, 60000 segments)', () =>
    tf.grads((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), rEmb)))([table]),
  );
  time('unsortedSegmentSum [6400,18] -> [60000,18]', () => tf.unsortedSegmentSum(rEmb, ids, 60000));
  time('zeros [60000,18] (dense-gradient floor)', () => tf.zeros([60000, 18]));
  time('dense Adam-like update on [60000,18] (5 elementwise ops)', () => {
    const m = tf.add(tf.mul(table, 0.9), tf.mul(table, 0.1));
    const v = tf.add(tf.mul(table, 0.999), tf.mul(tf.square(table), 0.001));
    return tf.sub(table, tf.div(m, tf.add(tf.sqrt(v), 1e-8)));
  });

  console.log('\n-- elementwise on [128,50,80] (attention hidden) and [128,36]');
  const h = tf.randomNormal([B, T, 80]);
  time('sigmoid [128,50,80]', () => tf.sigmoid(h));
  time('tanh [128,50,80]', () => tf.tanh(h));
  time('relu [128,50,80]', () => tf.relu(h));
  time('mul [128,50,80]', () => tf.mul(h, h));
  const s36 = tf.randomNormal([B, 108]);
  time('sigmoid [128,108] (one GRU step gates; dispatch-bound)', () => tf.sigmoid(s36));
  time('10 x sigmoid [128,36] (dispatch cost)', () => {
    const x = s36.slice([0, 0], [B, 36]);
    const outs: tf.Tensor[] = [];
    for (let i = 0; i < 10; i++) outs.push(tf.sigmoid(x));
    return outs;
  });

  const q3c = q3;
  const k3c = k3;
  sliceSection(q3c, k3c, 'tfjs-backend-wasm kernels');
  if (backend.name === 'wasm') {
    installFastWasmKernels();
    sliceSection(q3c, k3c, 'copy-free Slice/Unpack/SplitV from src/ops');
  }

  console.log('\n-- softmax and reductions');
  const scores = tf.randomNormal([B, T]);
  time('softmax [128,50]', () => tf.softmax(scores));
  const scores4 = tf.randomNormal([B, 4, T, T]);
  time('softmax [128,4,50,50] (DMIN self-attention)', () => tf.softmax(scores4));
  time('sum [128,50,36] over axis 1', () => tf.sum(q3, 1));
  time('sum [128,50,36] over axis 2', () => tf.sum(q3, 2));
  time('sum [6400,80] over axis 0 (bias gradient)', () => tf.sum(b, 0));
  time('mean [128,50,36] over axis 1', () => tf.mean(q3, 1));
  time('where(mask, s, -2^32+1) [128,50]', () => tf.where(tf.greater(scores, 0), scores, tf.fill([B, T], -4294967295)));
}

runScriptMain(COMMAND, (args) => {
  checkPositionals(COMMAND, args, 0);
  reps = flagAtLeast(COMMAND, args, 'reps', 1) ?? reps;
  return main();
});
