import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import { installFastWasmKernels, fastWasmKernelsInstalled } from '../../src/ops';
import { copyBox } from '../../src/ops/wasmKernels';

let onWasm = false;
before(async () => {
  const choice = await useBestBackend({ quiet: true });
  onWasm = choice.name === 'wasm';
  if (onWasm) assert.equal(installFastWasmKernels(), true);
});

/** Tensor of `shape` whose flat element i is i (+ offset). */
function iota(shape: number[], dtype: 'float32' | 'int32' = 'float32', offset = 0): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: n }, (_, i) => i + offset),
    shape,
    dtype,
  );
}

/** Independent reference: element-by-element box extraction through multi-indices. */
function boxByIndex(shape: number[], begin: number[], size: number[]): number[] {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const total = size.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let f = 0; f < total; f++) {
    let rem = f;
    let offset = 0;
    for (let i = size.length - 1; i >= 0; i--) {
      const idx = rem % size[i];
      rem = Math.floor(rem / size[i]);
      offset += (begin[i] + idx) * strides[i];
    }
    out.push(offset);
  }
  return out;
}

test('copyBox copies boxes of rank 1..4, contiguous or not, like element-wise indexing', () => {
  const cases: [number[], number[], number[]][] = [
    [[7], [2], [4]],
    [
      [4, 5],
      [1, 2],
      [2, 3],
    ],
    [
      [4, 5],
      [1, 0],
      [2, 5],
    ],
    [
      [3, 4, 5],
      [0, 1, 0],
      [3, 1, 5],
    ],
    [
      [3, 4, 5],
      [1, 0, 2],
      [2, 4, 2],
    ],
    [
      [2, 3, 4, 70],
      [1, 1, 0, 3],
      [1, 2, 4, 40],
    ],
    [
      [2, 3, 4, 5],
      [0, 0, 0, 0],
      [2, 3, 4, 5],
    ],
  ];
  for (const [shape, begin, size] of cases) {
    const n = shape.reduce((a, b) => a * b, 1);
    const src = Float32Array.from({ length: n }, (_, i) => i);
    const dst = new Float32Array(size.reduce((a, b) => a * b, 1));
    copyBox(src, shape, begin, size, dst);
    assert.deepEqual(Array.from(dst), boxByIndex(shape, begin, size), `shape ${shape} begin ${begin} size ${size}`);
  }
});

test('the copy-free kernels are active on wasm', (t) => {
  if (!onWasm) return t.skip('not on wasm');
  assert.equal(fastWasmKernelsInstalled(), true);
  assert.equal(installFastWasmKernels(), true, 'idempotent');
});

test('tf.slice on wasm equals element-wise indexing (float32 and int32, bool through cast)', () => {
  const x = iota([4, 6, 5]);
  assert.deepEqual(
    Array.from(tf.slice(x, [1, 2, 0], [2, 3, 5]).dataSync()),
    boxByIndex([4, 6, 5], [1, 2, 0], [2, 3, 5]),
  );
  assert.deepEqual(
    Array.from(tf.slice(x, [0, 0, 3], [4, 6, 2]).dataSync()),
    boxByIndex([4, 6, 5], [0, 0, 3], [4, 6, 2]),
  );
  assert.deepEqual(Array.from(tf.slice(x, [2], [-1]).dataSync()), boxByIndex([4, 6, 5], [2, 0, 0], [2, 6, 5]));
  const xi = iota([3, 4], 'int32', 10);
  const s = tf.slice(xi, [1, 1], [2, 2]);
  assert.equal(s.dtype, 'int32');
  assert.deepEqual(Array.from(s.dataSync()), [15, 16, 19, 20]);
  const b = tf.greater(iota([2, 3]), 2);
  assert.deepEqual(Array.from(tf.slice(b, [0, 1], [2, 2]).dataSync()), [0, 0, 1, 1]);
  assert.deepEqual(tf.slice(x, [0, 0, 0], [0, 6, 5]).shape, [0, 6, 5]);
});

test('tf.unstack and tf.split on wasm equal element-wise indexing on every axis', () => {
  const shape = [3, 4, 5];
  const x = iota(shape);
  for (let axis = 0; axis < 3; axis++) {
    const parts = tf.unstack(x, axis);
    assert.equal(parts.length, shape[axis]);
    parts.forEach((p, i) => {
      const begin = [0, 0, 0];
      const size = shape.slice();
      begin[axis] = i;
      size[axis] = 1;
      assert.deepEqual(
        p.shape,
        shape.filter((_, j) => j !== axis),
      );
      assert.deepEqual(Array.from(p.dataSync()), boxByIndex(shape, begin, size));
    });
    const sizes = axis === 0 ? [1, 2] : axis === 1 ? [1, 0, 3] : [2, 3];
    const pieces = tf.split(x, sizes, axis);
    let at = 0;
    pieces.forEach((p, i) => {
      const begin = [0, 0, 0];
      const size = shape.slice();
      begin[axis] = at;
      size[axis] = sizes[i];
      at += sizes[i];
      assert.deepEqual(p.shape, size);
      assert.deepEqual(Array.from(p.dataSync()), boxByIndex(shape, begin, size));
    });
  }
});

test('gradients through concat (split) and unstack equal hand-derived values', () => {
  const a = iota([2, 3]);
  const b = iota([2, 2], 'float32', 100);
  const weights = iota([2, 5], 'float32', 1);
  // d/da sum(concat([a, b], 1) * W) = W[:, 0:3], d/db = W[:, 3:5]
  const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.concat([x, y], 1), weights)))([a, b]);
  assert.deepEqual(Array.from(ga.dataSync()), [1, 2, 3, 6, 7, 8]);
  assert.deepEqual(Array.from(gb.dataSync()), [4, 5, 9, 10]);
  // d/dx sum_t (t+1) * sum(unstack(x, 1)[t]) = (t+1) at column t
  const x = iota([2, 3]);
  const [gx] = tf.grads((v: tf.Tensor) => tf.addN(tf.unstack(v, 1).map((s, t) => tf.mul(tf.sum(s), t + 1))))([x]);
  assert.deepEqual(Array.from(gx.dataSync()), [1, 2, 3, 1, 2, 3]);
});

test('a slice stays correct when its output allocation grows the wasm heap', () => {
  const big = iota([64, 1024, 16]);
  const keep: tf.Tensor[] = [];
  for (let i = 0; i < 4; i++) keep.push(tf.slice(big, [i, 0, 0], [60, 1024, 16]));
  keep.forEach((s, i) => {
    const v = s.dataSync();
    assert.equal(v[0], i * 1024 * 16);
    assert.equal(v[v.length - 1], (i + 59) * 1024 * 16 + 1024 * 16 - 1);
  });
  tf.dispose([...keep, big]);
});

test("Identity on wasm shares the buffer: clones survive the source's disposal; variables stay apart", (t) => {
  if (!onWasm) return t.skip('not on wasm');
  const x = iota([3, 4]);
  const before = tf.memory().numTensors;
  const y = tf.clone(x);
  assert.equal(tf.memory().numTensors, before + 1);
  assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
  x.dispose();
  assert.deepEqual(
    Array.from(y.dataSync()),
    Array.from({ length: 12 }, (_, i) => i),
    'the clone outlives its source',
  );
  const v = tf.variable(y);
  const saved = tf.clone(v);
  v.assign(tf.zeros([3, 4]));
  assert.deepEqual(
    Array.from(saved.dataSync()),
    Array.from({ length: 12 }, (_, i) => i),
    'assign does not write into a shared buffer',
  );
  assert.deepEqual(Array.from(v.dataSync()), new Array(12).fill(0));
  // gradients that save inputs (mul saves both) stay right
  const a = iota([2, 2], 'float32', 1);
  const b = iota([2, 2], 'float32', 5);
  const [ga, gb] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(p, q)))([a, b]);
  assert.deepEqual(Array.from(ga.dataSync()), [5, 6, 7, 8]);
  assert.deepEqual(Array.from(gb.dataSync()), [1, 2, 3, 4]);
  tf.dispose([y, v, saved, a, b, ga, gb]);
});
