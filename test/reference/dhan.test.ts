/**
 * DHAN against the independent PyTorch reference (test/reference/dhan.py): logits, losses and
 * every gradient on one fixed batch, for the simplified DHAN (one dimension, two attention
 * levels, official), with and without the remedy concatenation, the DHAN_DIN code's scaled
 * softmax, Dice units, a three-level hierarchy, two dimensions, flat pooling, and DHAN on DIEN
 * (the official DHAN_DIEN: DIEN's GRU, auxiliary loss and AUGRU beside the HAN branch).
 * Also the bench's DHAN (src/bench/shape.ts: category -> parent, 80-40 units, 200-80 ReLU head) on
 * a bench batch (history 50 over 800 categories in 40 parents, so ~50 then ~32 clusters per row),
 * smaller in rows and items only: dhan.py is the PyTorch DHAN the bench times.
 */
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import {
  assertParity,
  kitCase,
  ParityCase,
  ParityOutput,
  referenceBatch,
  REFERENCE_SKIP,
  runReference,
  SMALL_EMBEDDING,
  smallMlp,
} from './harness';
import { padBatch } from '../helpers/batches';
import { makeBenchBatches } from '../../src/bench/batches';
import { BENCH_SHAPE, benchModelOverrides } from '../../src/bench/shape';

const De = SMALL_EMBEDDING.itemDim + SMALL_EMBEDDING.catDim;
const unit = (extra: object = {}): object => ({
  hidden: [8, 4],
  activation: 'sigmoid',
  normalize: 'softmax',
  scale: 1,
  firstLayer: 'split',
  ...extra,
});
const dhan = (extra: object = {}): object => ({
  embedding: SMALL_EMBEDDING,
  pooling: 'hierarchical',
  dimensions: [[0]],
  remedy: true,
  attention: unit(),
  onDien: false,
  mlp: smallMlp('dice'),
  ...extra,
});

const dien = (extra: object = {}): object => ({
  hiddenSize: De,
  evolution: 'AUGRU',
  auxWeight: 1,
  gateConvention: 'official',
  evolutionAttention: 'bilinear',
  attentionUnit: { normalize: 'softmax' },
  auxScorer: 'inner',
  auxReduction: 'perSample',
  recurrentImplementation: 'fused',
  ...extra,
});

/**
 * Variants whose label ends in ' (padded batch)' run on the batch with 2 padded steps more than its longest history.
 */
const VARIANTS: [string, object][] = [
  ['dhan simplified (category, two levels), remedy', dhan()],
  [
    'dhan no remedy, DHAN_DIN scale 1/sqrt(De), prelu head',
    dhan({ remedy: false, attention: unit({ scale: 1 / Math.sqrt(De) }), mlp: smallMlp('prelu') }),
  ],
  [
    'dhan Dice units, user feature',
    dhan({ attention: unit({ activation: 'dice' }), embedding: { ...SMALL_EMBEDDING, userDim: 3 } }),
  ],
  ['dhan category -> parent (three levels)', dhan({ dimensions: [[0, 1]] })],
  ['dhan two dimensions [[0], [1]]', dhan({ dimensions: [[0], [1]] })],
  ['dhan flat pooling (DIN ablation)', dhan({ pooling: 'flat' })],
  [
    'dhan on DIEN as DHAN_DIEN (no remedy, official AUGRU gates, aux inner)',
    dhan({ onDien: true, remedy: false, dien: dien() }),
  ],
  [
    'dhan on DIEN, remedy, paper AUGRU, official aux net and reduction (padded batch)',
    dhan({
      onDien: true,
      dien: dien({ gateConvention: 'paper', auxScorer: 'mlp', auxReduction: 'official', auxWeight: 0.5 }),
    }),
  ],
];

const BENCH_CASE = 'dhan bench config on a bench batch (32 rows, history 50, 800 categories, 40 parents)';
const benchShape = { ...BENCH_SHAPE, batchSize: 32, items: 3000 };

describe('dhan vs PyTorch reference', { skip: REFERENCE_SKIP }, () => {
  const cases: ParityCase[] = [];
  let reference: Map<string, ParityOutput>;
  before(async () => {
    await useBestBackend({ quiet: true });
    const padded = padBatch(referenceBatch(107), 2);
    for (const [label, config] of VARIANTS)
      cases.push(kitCase(label, 'dhan', config, label.endsWith('(padded batch)') ? { batch: padded } : {}));
    const bench = makeBenchBatches(1, 5, benchShape);
    cases.push(
      kitCase(BENCH_CASE, 'dhan', benchModelOverrides('dhan', benchShape), {
        batch: bench.batches[0],
        sizes: bench.sizes,
      }),
    );
    reference = runReference('dhan.py', cases);
  });
  for (const label of [...VARIANTS.map(([l]) => l), BENCH_CASE]) {
    it(label, () => {
      const c = cases.find((k) => k.label === label) as ParityCase;
      assertParity(c, reference.get(label) as ParityOutput);
    });
  }
});
