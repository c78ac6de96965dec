import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from './src/backend';
import { installFastWasmSliceKernels } from './src/ops';
import { createModel } from './src/models';
import { trainStep } from './src/train/step';
import { createOptimizer } from './src/train/optimizers';
import { Rng } from './src/random';
import type { Batch } from './src/data/batch';
function batch(rng: Rng, B = 128, T = 50): Batch {
  const cat = (i: number) => i === 0 ? 0 : 1 + (i % 799);
  const users = new Int32Array(B), targetItems = new Int32Array(B), histItems = new Int32Array(B*T), histMask = new Float32Array(B*T), histLen = new Int32Array(B), labels = new Float32Array(B);
  for (let b = 0; b < B; b++) { targetItems[b] = 1 + rng.int(0, 59999); const len = rng.int(5, 51); histLen[b] = len; labels[b] = rng.int(0,2);
    for (let t = 0; t < len; t++) { histItems[b*T+t] = 1 + rng.int(0, 59999); histMask[b*T+t] = 1; } }
  const c = (a: Int32Array) => Int32Array.from(a, cat);
  return { size: B, maxLen: T, levels: 1, users, targetItems, targetCats: [c(targetItems)], histItems, histCats: [c(histItems)], histMask, histLen, labels };
}
(async () => {
  await useBestBackend({ quiet: true });
  if (process.env.FASTSLICE) installFastWasmSliceKernels();
  const sizes = { users: 10, items: 60000, cats: [800] };
  const rng = new Rng(1);
  const bs = Array.from({ length: 4 }, () => batch(rng));
  const m = createModel(process.argv[2] ?? 'din', {}, sizes, 1);
  const opt = createOptimizer({ kind: 'adam', learningRate: 1e-3 });
  for (let i = 0; i < 3; i++) trainStep(m, bs[i], opt);
  const info = await tf.profile(() => { trainStep(m, bs[3], opt); });
  const agg = new Map<string, number>();
  let total = 0;
  for (const k of info.kernels) { const t = Number(k.kernelTimeMs) || 0; total += t; const key = `${k.name} ${JSON.stringify(k.inputShapes)}`; agg.set(key, (agg.get(key) ?? 0) + t); }
  console.log('kernels', info.kernels.length, 'kernel ms', total.toFixed(1));
  [...agg.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, t]) => console.log(t.toFixed(2), k));
  const t0 = performance.now(); trainStep(m, bs[0], opt); console.log('step ms', (performance.now() - t0).toFixed(1));
})();
