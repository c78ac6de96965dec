/**
 * DIN against the independent PyTorch reference (test/reference/din.py): logits, losses and
 * every gradient on one fixed batch, for both attention normalisations (paper 'none',
 * official 'softmax' with the DIN code's 1/sqrt(D) scale), Dice and PReLU, and the DIEN
 * repository's DIN input (historySum).
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

const De = SMALL_EMBEDDING.itemDim + SMALL_EMBEDDING.catDim;
const attention = (normalize: 'none' | 'softmax', firstLayer: 'split' | 'concat' = 'split'): object => ({
  hidden: [8, 4],
  activation: 'sigmoid',
  normalize,
  scale: normalize === 'softmax' ? 1 / Math.sqrt(De) : 1,
  firstLayer,
});
const din = (normalize: 'none' | 'softmax', act: 'dice' | 'prelu', extra: object = {}): object => ({
  embedding: SMALL_EMBEDDING,
  attention: attention(normalize),
  productFeature: true,
  historySum: false,
  mlp: smallMlp(act),
  ...extra,
});

const VARIANTS: [string, object][] = [
  ['din none dice', din('none', 'dice')],
  ['din none prelu', din('none', 'prelu')],
  ['din softmax dice', din('softmax', 'dice')],
  ['din softmax prelu', din('softmax', 'prelu')],
  [
    'din none, Dice in the attention unit (statistics over real positions)',
    din('none', 'prelu', {
      attention: {
        ...attention('none'),
        activation: 'dice',
        dice: { statistics: 'paper', epsilon: 1e-8, momentum: 0.99, alphaInit: 0 },
      },
    }),
  ],
  [
    'din softmax, DIEN repo Dice (batch statistics at inference), official BN (inference mode)',
    din('softmax', 'dice', {
      mlp: {
        ...smallMlp('dice'),
        batchNormMode: 'officialInference',
        dice: { statistics: 'batchAlways', epsilon: 1e-8, momentum: 0.99, alphaInit: 0 },
      },
    }),
  ],
  ['din none dice, literal concat first layer', din('none', 'dice', { attention: attention('none', 'concat') })],
  [
    'din softmax dice, DIEN repo Model_DIN input (historySum, no target x interest), user',
    din('softmax', 'dice', { historySum: true, productFeature: false, embedding: { ...SMALL_EMBEDDING, userDim: 3 } }),
  ],
];

describe('din vs PyTorch reference', { skip: REFERENCE_SKIP }, () => {
  const cases: ParityCase[] = [];
  let reference: Map<string, ParityOutput>;
  before(async () => {
    await useBestBackend({ quiet: true });
    for (const [label, config] of VARIANTS) cases.push(kitCase(label, 'din', config));
    reference = runReference('din.py', cases);
  });
  for (const [label] of VARIANTS) {
    it(label, () => {
      const c = cases.find((k) => k.label === label) as ParityCase;
      assertParity(c, reference.get(label) as ParityOutput);
    });
  }
});
