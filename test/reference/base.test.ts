/**
 * BaseModel against the independent PyTorch reference (test/reference/base.py): logits,
 * losses and every gradient on one fixed batch. BaseModel is MLP([user?, target, pooled
 * history]) with no product term (official DNN / base_model).
 */
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import {
  assertParity,
  kitCase,
  ParityCase,
  ParityOutput,
  REFERENCE_SKIP,
  runReference,
  SMALL_EMBEDDING,
  smallMlp,
} from './harness';

const VARIANTS: [string, object][] = [
  ['base sum prelu', { embedding: SMALL_EMBEDDING, pooling: 'sum', productFeature: false, mlp: smallMlp('prelu') }],
  ['base mean dice', { embedding: SMALL_EMBEDDING, pooling: 'mean', productFeature: false, mlp: smallMlp('dice') }],
  [
    'base mean relu, BN after every hidden layer',
    {
      embedding: SMALL_EMBEDDING,
      pooling: 'mean',
      productFeature: false,
      mlp: { ...smallMlp('relu'), batchNorm: 'hidden' },
    },
  ],
  [
    'base sum prelu user',
    { embedding: { ...SMALL_EMBEDDING, userDim: 3 }, pooling: 'sum', productFeature: false, mlp: smallMlp('prelu') },
  ],
];

describe('base vs PyTorch reference', { skip: REFERENCE_SKIP }, () => {
  const cases: ParityCase[] = [];
  let reference: Map<string, ParityOutput>;
  before(async () => {
    await useBestBackend({ quiet: true });
    for (const [label, config] of VARIANTS) cases.push(kitCase(label, 'base', config));
    reference = runReference('base.py', cases);
  });
  for (const [label] of VARIANTS) {
    it(label, () => {
      const c = cases.find((k) => k.label === label) as ParityCase;
      assertParity(c, reference.get(label) as ParityOutput);
    });
  }
});
