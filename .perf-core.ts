import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from './src/backend';
import { createModel } from './src/models';
import { trainStep, predict } from './src/train/step';
import { createOptimizer } from './src/train/optimizers';
import { Rng } from './src/random';
import type { Batch } from './src/data/batch';
function batch(rng: Rng, B = 128, T = 50): Batch {
  const cat = (i: number) => i === 0 ? 0 : 1 + (i % 799);
  const users = new Int32Array(B), targetItems = new Int32Array(B), histItems = new Int32Array(B*T), histMask = new Float32Array(B*T), histLen = new Int32Array(B), labels = new Float32Array(B), neg = new Int32Array(B*T);
  for (let b = 0; b < B; b++) { targetItems[b] = 1 + rng.int(0, 59999); const len = rng.int(5, 51); histLen[b] = len; labels[b] = rng.int(0,2);
    for (let t = 0; t < len; t++) { histItems[b*T+t] = 1 + rng.int(0, 59999); histMask[b*T+t] = 1; neg[b*T+t] = 1 + rng.int(0, 59999); } }
  const c = (a: Int32Array) => Int32Array.from(a, cat);
  return { size: B, maxLen: T, levels: 1, users, targetItems, targetCats: [c(targetItems)], histItems, histCats: [c(histItems)], histMask, histLen, labels, negHistItems: neg, negHistCats: [c(neg)] };
}
(async () => {
  await useBestBackend({ quiet: true });
  const sizes = { users: 10, items: 60000, cats: [800] };
  const rng = new Rng(1);
  const bs = Array.from({ length: 10 }, () => batch(rng));
  for (const name of (process.argv[2] ?? 'din,base').split(',')) {
    const m = createModel(name, {}, sizes, 1);
    const opt = createOptimizer({ kind: 'adam', learningRate: 1e-3 });
    for (let i = 0; i < 3; i++) trainStep(m, bs[i], opt);
    const times: number[] = [];
    for (let i = 0; i < 15; i++) { const t0 = performance.now(); trainStep(m, bs[i % 10], opt); times.push(performance.now() - t0); }
    const ps: number[] = [];
    for (let i = 0; i < 15; i++) { const t0 = performance.now(); predict(m, bs[i % 10]); ps.push(performance.now() - t0); }
    times.sort((a, b) => a - b); ps.sort((a, b) => a - b);
    const t0 = performance.now(); const inp = m.prepare(bs[0]); const tp = performance.now() - t0; inp.dispose();
    console.log(name, 'train median ms', times[7].toFixed(1), 'samples/s', (128000 / times[7]).toFixed(0), '| score ms', ps[7].toFixed(1), (128000/ps[7]).toFixed(0), '| prepare ms', tp.toFixed(1), 'tensors', tf.memory().numTensors);
    m.dispose();
  }
})();
