import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from './src/backend';
(async () => {
  await useBestBackend({ quiet: true });
  const rows = tf.randomNormal([3663, 36]);
  const idx2 = tf.randomUniform([128, 50], 0, 3663, 'int32');
  const js = new Float32Array(6400 * 36);
  for (let r = 0; r < 3; r++) {
    let t0 = performance.now(); for (let i = 0; i < 20; i++) { const g = tf.gather(rows, idx2); g.dispose(); } const a = (performance.now() - t0) / 20;
    t0 = performance.now(); for (let i = 0; i < 20; i++) { const g = tf.tensor3d(js, [128, 50, 36]); g.dispose(); } const b = (performance.now() - t0) / 20;
    t0 = performance.now(); for (let i = 0; i < 20; i++) { const g = tf.mul(rows, rows); g.dispose(); } const c = (performance.now() - t0) / 20;
    t0 = performance.now(); for (let i = 0; i < 20; i++) { const g = tf.gather(rows, idx2); g.dataSync(); g.dispose(); } const d = (performance.now() - t0) / 20;
    console.log('gather', a.toFixed(2), 'upload', b.toFixed(2), 'mul', c.toFixed(3), 'gather+download', d.toFixed(2));
  }
})();
