import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from './src/backend';
import { denseFast } from './src/ops';
(async () => {
  await useBestBackend({ quiet: true });
  const k = tf.variable(tf.randomNormal([128, 50, 36])); const qk = tf.variable(tf.randomNormal([128, 50, 36]));
  const w1 = tf.variable(tf.randomNormal([36, 80])); const w2 = tf.variable(tf.randomNormal([36, 80]));
  const A = () => tf.sum(tf.add(denseFast(k, w1), denseFast(qk, w2))) as tf.Scalar;
  const Bf = () => tf.sum(denseFast(tf.concat([k, qk], 2), tf.concat([w1, w2], 0))) as tf.Scalar;
  const time = (f: () => tf.Scalar) => { const t0 = performance.now(); const { value, grads } = tf.engine().gradients(f, [k, qk, w1, w2]); grads[0].dataSync(); value.dispose(); grads.forEach(g => g.dispose()); return performance.now() - t0; };
  for (let i = 0; i < 3; i++) { time(A); time(Bf); }
  const a: number[] = [], b: number[] = [];
  for (let i = 0; i < 15; i++) { a.push(time(A)); b.push(time(Bf)); }
  a.sort((x, y) => x - y); b.sort((x, y) => x - y);
  console.log('two products', a[7].toFixed(1), 'concat', b[7].toFixed(1));
})();
