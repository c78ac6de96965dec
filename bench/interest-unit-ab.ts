/**
 * A/B in one process: the first layer of one DMIN interest head's attention unit
 * (src/layers/multiInterest.ts) at the bench shape (B*T = 6400 rows, D = 36, 80 units, sigmoid),
 * forward + gradients of all inputs and weights, in two formulations with equal values:
 *   concat:  q (Wq + Wd) + [s, q * s] [Ws - Wd; Wp]      (one [6400, 72] operand)
 *   split:   q (Wq + Wd) + s (Ws - Wd) + (q * s) Wp       (three [6400, 36] operands; the kit's)
 * Fresh inputs every sample (the wasm matMul caches packed operands by tensor); alternating order;
 * CPU time (process.cpuUsage), medians.
 *
 *   nice -n 10 node --import tsx bench/interest-unit-ab.ts [--rounds 40]
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend';
import { denseFast } from '../src/ops';

type Unit = (q: tf.Tensor, s: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

const concat: Unit = (q, s, w, b) => {
  const [wq, ws, wd, wp] = tf.split(w, 4, 0);
  const seqPart = denseFast(tf.concat([s, q.mul(s)], 1), tf.concat([ws.sub(wd), wp], 0));
  return tf.sigmoid(denseFast(q, wq.add(wd), b).add(seqPart));
};

const split: Unit = (q, s, w, b) => {
  const [wq, ws, wd, wp] = tf.split(w, 4, 0);
  const seqPart = denseFast(s, ws.sub(wd)).add(denseFast(q.mul(s), wp));
  return tf.sigmoid(denseFast(q, wq.add(wd), b).add(seqPart));
};

async function main(): Promise<void> {
  const i = process.argv.indexOf('--rounds');
  const rounds = i >= 0 ? Number(process.argv[i + 1]) : 40;
  const backend = await useBestBackend({ quiet: true });
  if (backend.name !== 'wasm')
    throw new Error(`bench/interest-unit-ab.ts: needs the wasm backend, got ${backend.name}`);
  const N = 6400;
  const D = 36;
  const U = 80;
  const variants: [string, Unit][] = [
    ['concat', concat],
    ['split', split],
  ];
  const cpu: number[][] = [[], []];
  for (let r = 0; r < rounds + 4; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const v of order) {
      const vars = [
        tf.randomNormal([N, D]),
        tf.randomNormal([N, D]),
        tf.randomNormal([4 * D, U]).mul(0.1),
        tf.zeros([U]),
      ];
      const [q, s, w, b] = vars.map((x) => tf.variable(x));
      const dy = tf.randomNormal([N, U]);
      const c0 = process.cpuUsage();
      const { value, grads } = tf.variableGrads(
        () => variants[v][1](q, s, w, b).mul(dy).sum() as tf.Scalar,
        [q, s, w, b],
      );
      const c = process.cpuUsage(c0);
      if (r >= 4) cpu[v].push((c.user + c.system) / 1000);
      tf.dispose([...vars, q, s, w, b, dy, value, ...Object.values(grads)]);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const load = (await import('os')).loadavg()[0].toFixed(1);
  console.log(`interest unit, first layer, forward + gradients: CPU ms, median of ${rounds} (load average ${load})`);
  for (const [v, [label]] of variants.entries()) console.log(`${label.padEnd(8)} ${median(cpu[v]).toFixed(2)}`);
  console.log(`ratio concat/split ${(median(cpu[0]) / median(cpu[1])).toFixed(2)}x`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
