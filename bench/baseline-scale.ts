/**
 * Diagnostic for docs/findings/baselines.md: how large the shallow part (Wide&Deep's wide
 * unit, DeepFM's first order + FM) and the pooled history get while a baseline trains, and
 * whether the loss diverges. Prints one line every `every` steps:
 *   step, mean training loss since the last line, mean |deep logit|, mean |shallow logit|,
 *   mean ||pooled history||, mean ||target|| (on the first test batch, inference mode).
 *
 *   node --import tsx bench/baseline-scale.ts <model> <pooling> <preset> [steps] [every]
 *   node --import tsx bench/baseline-scale.ts deepfm sum din 600 100
 */
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../src/backend';
import { loadDataset } from '../src/data/load';
import { checkPositionals, positionalChoice, positionalInt, runScriptMain } from '../src/bench/script';
import type { CommandSpec, ParsedArgs } from '../src/cli/args';
import { createModel, MODEL_NAMES } from '../src/models';
import { createOptimizer } from '../src/train/optimizers';
import { trainStep } from '../src/train/step';
import { resolveTrainConfig, TRAIN_PRESET_NAMES } from '../src/train/trainConfig';
import { stepOptionsFor } from '../src/train/trainer';

const COMMAND: CommandSpec = {
  name: 'baseline-scale',
  label: 'bench/baseline-scale.ts',
  summary: "How large a baseline's shallow part and pooled history get while it trains, and whether the loss diverges.",
  usage: 'node --import tsx bench/baseline-scale.ts [model] [pooling] [preset] [steps] [every]',
  flags: [],
  details: [
    `model: one of ${MODEL_NAMES.join(', ')} (default wdl); pooling: sum or mean ` +
      `(default sum); preset: a train preset, ${TRAIN_PRESET_NAMES.join(', ')} (default ` +
      `din); steps (default 600); a line every \`every\` steps (default 100).`,
  ],
  examples: ['node --import tsx bench/baseline-scale.ts deepfm sum din 600 100'],
};

async function main(args: ParsedArgs): Promise<void> {
  checkPositionals(COMMAND, args, 5);
  const model = positionalChoice(COMMAND, args, 0, 'model', MODEL_NAMES, 'wdl');
  const pooling = positionalChoice(COMMAND, args, 1, 'pooling', ['sum', 'mean'], 'sum');
  const preset = positionalChoice(COMMAND, args, 2, 'preset', TRAIN_PRESET_NAMES, 'din');
  const steps = positionalInt(COMMAND, args, 3, 'steps', 1, 600);
  const every = positionalInt(COMMAND, args, 4, 'every', 1, 100);
  await useBestBackend();
  const dataset = await loadDataset('synthetic');
  const train = resolveTrainConfig({}, preset);
  const m = createModel(model, { pooling }, dataset.sizes, 1);
  const optimizer = createOptimizer({ kind: train.optimizer, learningRate: train.learningRate });
  const probe = dataset.batches('test', 512, { shuffle: false, seed: 1, epoch: 0 }).next().value!;
  console.log(
    `${model} pooling ${pooling} preset ${preset}: ${train.optimizer} lr ` +
      `${train.learningRate} batch ${train.batchSize} clip ${train.clipNorm}`,
  );
  console.log('step  loss     |deep|   |shallow|  ||pooled||  ||target||');
  let step = 0;
  let lossSum = 0;
  for (const batch of dataset.batches('train', train.batchSize, { shuffle: true, seed: 1, epoch: 0 })) {
    optimizer.learningRate = train.learningRate;
    lossSum += trainStep(m, batch, optimizer, stepOptionsFor(train, dataset)).loss;
    step++;
    if (step % every === 0) {
      const inputs = m.prepare(probe);
      const stats = tf.tidy(() => {
        const full = m.forward(inputs, false).logit;
        const target = inputs.target();
        const pooled = tf.sum(tf.mul(inputs.history(), tf.expandDims(inputs.mask, 2)), 1);
        const pooledFor = pooling === 'mean' ? tf.div(pooled, tf.maximum(tf.sum(inputs.mask, 1, true), 1)) : pooled;
        const shallow =
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          ((m as any).shallowLogit(inputs, target, pooledFor) as tf.Tensor1D | undefined) ?? tf.zerosLike(full);
        const deep = tf.sub(full, shallow);
        const norm = (x: tf.Tensor) => tf.mean(tf.norm(x, 'euclidean', 1)).dataSync()[0];
        return [
          tf.mean(tf.abs(deep)).dataSync()[0],
          tf.mean(tf.abs(shallow)).dataSync()[0],
          norm(pooledFor),
          norm(target),
        ];
      });
      inputs.dispose();
      console.log(
        [String(step).padEnd(5), (lossSum / every).toFixed(4), ...stats.map((v) => v.toPrecision(4).padStart(9))].join(
          '  ',
        ),
      );
      lossSum = 0;
    }
    if (step >= steps) break;
  }
  m.dispose();
}

runScriptMain(COMMAND, main);
