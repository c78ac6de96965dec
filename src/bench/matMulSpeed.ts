/**
 * The matMul speed the active tfjs backend reaches on this machine: the "limit" that the
 * fraction of each model's FLOPs is measured against (src/bench/flops.ts).
 */
import * as tf from '@tensorflow/tfjs';

export interface MatMulSpeed {
  /** Square size n of the [n, n] x [n, n] product. */
  n: number;
  reps: number;
  /** Best of `reps` (GFLOP/s): the limit. */
  bestGflops: number;
  /** Median of `reps` (GFLOP/s). */
  medianGflops: number;
}

/**
 * Times `reps` products of two fresh random [n, n] matrices (2 n^3 FLOPs each) after one
 * warm-up, reading one element of each result so the product has run.
 */
export function measureMatMulGflops(n = 1024, reps = 7, clock: () => number = () => performance.now()): MatMulSpeed {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(reps) && reps >= 1))
    throw new Error(`measureMatMulGflops: need integers n >= 1, reps >= 1; got ${n}, ${reps}`);
  const run = (): number => {
    const [a, b] = [tf.randomUniform([n, n]), tf.randomUniform([n, n])];
    try {
      const t0 = clock();
      const c = tf.matMul(a, b);
      tf.tidy(() => c.slice([0, 0], [1, 1]).dataSync());
      const ms = clock() - t0;
      c.dispose();
      return ms;
    } finally {
      a.dispose();
      b.dispose();
    }
  };
  run();
  const gflops = Array.from({ length: reps }, () => (2 * n ** 3) / (run() * 1e6)).sort((x, y) => x - y);
  return { n, reps, bestGflops: gflops[reps - 1], medianGflops: gflops[Math.floor(reps / 2)] };
}
