/**
 * DIL_WASM_THREADS: the threaded SIMD wasm build must really run its thread pool and give the
 * same numbers as the unthreaded build. Each build needs its own process (one wasm module per
 * process), so this file re-runs itself as a child that prints the pool size and the loss and
 * every gradient of one training batch of each bench model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend, wasmThreadsRequested } from '../src/backend';

const CHILD_FLAG = 'DIL_WASM_THREADS_TEST_CHILD';

interface ChildResult {
  pool: number;
  /** Per model: the loss, then each gradient, as plain arrays. */
  models: Record<string, number[][]>;
}

async function childMain(): Promise<void> {
  const { makeBenchBatches } = await import('../src/bench/batches');
  const { BENCH_MODELS, benchModelOverrides } = await import('../src/bench/shape');
  const { createModel } = await import('../src/models');
  const { sigmoidCrossEntropy } = await import('../src/train/step');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  await useBestBackend({ quiet: true });
  const result: ChildResult = { pool: wasm.getThreadsCount(), models: {} };
  for (const name of BENCH_MODELS) {
    const { batches, sizes } = makeBenchBatches(1, 3);
    const model = createModel(name, benchModelOverrides(name), sizes, 7);
    const inputs = model.prepare(batches[0]);
    const xs = [...model.trainableVariables().map((d) => d.variable), ...inputs.leaves()];
    const labels = tf.tensor1d(batches[0].labels);
    const { value, grads } = tf.engine().gradients(
      () => {
        const out = model.forward(inputs, true);
        const loss = sigmoidCrossEntropy(out.logit, labels);
        return out.auxLoss ? (tf.add(loss, out.auxLoss) as tf.Scalar) : loss;
      },
      xs,
      undefined,
      true,
    );
    result.models[name] = [value, ...grads].map((t) => (t ? Array.from(t.dataSync()) : []));
    tf.dispose([value, labels, ...grads.filter((g): g is tf.Tensor => g !== null)]);
    inputs.dispose();
    model.dispose();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(threads: string): ChildResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', __filename], {
    encoding: 'utf8',
    env: { ...process.env, [CHILD_FLAG]: '1', DIL_BACKEND: 'wasm', DIL_WASM_THREADS: threads },
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as ChildResult;
}

if (process.env[CHILD_FLAG]) {
  childMain().catch((err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  });
} else {
  test('DIL_WASM_THREADS accepts 1 to 8 and rejects anything else, naming the variable', () => {
    assert.equal(wasmThreadsRequested({}), undefined);
    assert.equal(wasmThreadsRequested({ DIL_WASM_THREADS: ' 2 ' }), 2);
    for (const bad of ['0', '9', 'two', '1.5', '-1']) {
      assert.throws(
        () => wasmThreadsRequested({ DIL_WASM_THREADS: bad }),
        new RegExp(
          `DIL_WASM_THREADS=${bad.replace('.', '\\.')} is not a thread count; expected an integer from 1 to 8`,
        ),
      );
    }
  });

  test('the threaded wasm build runs 2 threads and gives every bench model the unthreaded loss and gradients', () => {
    const unthreaded = runChild('');
    const threaded = runChild('2');
    assert.equal(unthreaded.pool, 1);
    assert.equal(threaded.pool, 2, 'XNNPACK thread pool size with DIL_WASM_THREADS=2');
    for (const [name, reference] of Object.entries(unthreaded.models)) {
      const got = threaded.models[name];
      assert.equal(got.length, reference.length, `${name}: number of gradients`);
      let maxDiff = 0;
      for (let i = 0; i < reference.length; i++) {
        assert.equal(got[i].length, reference[i].length, `${name}: size of output ${i}`);
        for (let j = 0; j < reference[i].length; j++)
          maxDiff = Math.max(maxDiff, Math.abs(got[i][j] - reference[i][j]));
      }
      assert.equal(maxDiff, 0, `${name}: max |threaded - unthreaded| over the loss and all gradients`);
    }
  });
}
