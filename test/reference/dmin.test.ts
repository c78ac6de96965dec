/**
 * DMIN against the independent PyTorch reference (test/reference/dmin.py): logits, losses
 * (auxiliary loss included) and every gradient on one fixed batch. The refiner is causal
 * whenever the auxiliary loss is on (official); position ids count forward (official) or,
 * the Porting-note option, in reverse; one LayerNorm per interest head. Each Porting-note
 * option of the refiner (scale, LayerNorm after the FFN, padding mask) and of the auxiliary
 * loss (scorer, reduction) is run in both settings.
 */
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { withExtraPadding } from '../models/seq-fixtures';
import { assertParity, kitCase, PARITY_RTOL, ParityCase, ParityOutput, referenceBatch, REFERENCE_SKIP, runReference, SMALL_EMBEDDING, smallMlp } from './harness';

const dmin = (extra: object = {}): object => ({
  embedding: SMALL_EMBEDDING,
  refiner: true,
  refinerHeads: 2,
  refinerCausal: true,
  refinerPaddingMask: false,
  refinerScale: 'perHead',
  refinerFfnLayerNorm: true,
  auxLoss: 1,
  auxScorer: 'inner',
  auxReduction: 'perSample',
  interestHeads: 2,
  interestHeadSize: 0,
  positionEncoding: true,
  positionOrder: 'forward',
  positionDim: 2,
  maxPositions: 10,
  interestAttentionUnits: [8, 4],
  interestNormalize: 'softmax',
  mlp: smallMlp('dice'),
  ...extra,
});

/**
 * Known difference, not fixed here: the official extractor (`self_multi_head_attn_v2` and the
 * FFN after it in `Model_DNN_Multi_Head`) masks causally (no padding mask), scales by
 * 1/sqrt(num_units = De) and adds FFN(s_h) + residual to every head's sequence. The kit's
 * extractor (src/layers/multiInterest.ts) masks padding without the causal mask, scales by
 * 1/sqrt(De / H_E) and has no FFN, with no config option for any of the three (its Porting
 * note names the mask and the FFN, not the scale).
 */
const OFFICIAL_EXTRACTOR_DEFECT =
  'kit defect: src/layers/multiInterest.ts has no option for the official extractor (causal mask, 1/sqrt(De) scale, FFN after each head)';

/**
 * Gradients compare relative to max(own largest, GRADIENT_FLOOR x the case's largest). The
 * score biases in front of every head's softmax have an exactly zero gradient (shift
 * invariance), where the kit's float32 leaves rounding of ~1e-7 of the largest gradient; the
 * harness default floor 1e-3 would allow only 1e-7 there at rtol 1e-4.
 */
const GRADIENT_FLOOR = 1e-2;

/** Variants whose label ends in ' (padded batch)' run on the batch with 2 padded steps more than its longest history. */
const VARIANTS: [string, object][] = [
  ['dmin causal refiner, aux inner perSample, forward positions', dmin()],
  ['dmin official refiner (1/sqrt(De), no FFN LayerNorm), official aux net and reduction (padded batch)', dmin({ refinerScale: 'official', refinerFfnLayerNorm: false, auxScorer: 'mlp', auxReduction: 'official', auxLoss: 0.5 })],
  ['dmin causal + padding mask, aux perStep, reverse positions, 4 heads', dmin({ refinerPaddingMask: true, auxReduction: 'perStep', positionOrder: 'reverse', interestHeads: 4 })],
  ['dmin refiner without aux: padding mask only (non-causal), no positions, raw scores, user', dmin({ auxLoss: 0, refinerCausal: false, refinerPaddingMask: true, positionEncoding: false, interestNormalize: 'none', embedding: { ...SMALL_EMBEDDING, userDim: 3 } })],
  ['dmin no refiner, one head of width 3, prelu head', dmin({ refiner: false, auxLoss: 0, interestHeads: 1, interestHeadSize: 3, mlp: smallMlp('prelu') })],
];

describe('dmin vs PyTorch reference', { skip: REFERENCE_SKIP }, () => {
  const cases: ParityCase[] = [];
  let reference: Map<string, ParityOutput>;
  before(async () => {
    await useBestBackend({ quiet: true });
    const padded = withExtraPadding(referenceBatch(107), 2);
    for (const [label, config] of VARIANTS) cases.push(kitCase(label, 'dmin', config, label.endsWith('(padded batch)') ? { batch: padded } : {}));
    reference = runReference('dmin.py', cases);
  });
  for (const [label] of VARIANTS) {
    it(label, () => {
      const c = cases.find((k) => k.label === label) as ParityCase;
      assertParity(c, reference.get(label) as ParityOutput, PARITY_RTOL, GRADIENT_FLOOR);
    });
  }
  it('dmin extractor as the official code', { skip: OFFICIAL_EXTRACTOR_DEFECT }, () => {
    // Once the kit has the options, set them in the kit config and drop the overrides.
    const c = kitCase('dmin official extractor', 'dmin', dmin());
    c.config = { ...c.config, referenceOverrides: { extractor_mask: 'causal', extractor_scale: 'official', extractor_ffn: true } };
    assertParity(c, runReference('dmin.py', [c]).get(c.label) as ParityOutput, PARITY_RTOL, GRADIENT_FLOOR);
  });
});
