import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitFraction, modelFlops } from '../../src/bench/flops';
import { resolveConfig } from '../../src/models/model';
import { DIN_DEFAULTS } from '../../src/models/din';
import { DIEN_DEFAULTS } from '../../src/models/dien';
import { DMIN_DEFAULTS } from '../../src/models/dmin';
import { DHAN_DEFAULTS } from '../../src/models/dhan';

// Tiny shape for hand counts: B = 2 rows, T = 3 steps, De = 4; attention MLP 5-3, top MLP 6.
const shape = { B: 2, T: 3, De: 4 };
const mlp = { hidden: [6] };

test('DIN: attention unit, weighted sum and top MLP counted by hand', () => {
  const c = resolveConfig(DIN_DEFAULTS, { attention: { hidden: [5, 3] }, mlp }, 'test');
  const f = modelFlops('din', c, shape);
  // attention: 6 pairs x 2 x (16*5 + 5*3 + 3*1) = 1176; weighted sum 2*2*3*4 = 48;
  // top MLP on [target, pooled, target*pooled] (12): 2 x 2 x (12*6 + 6*1) = 312
  assert.equal(f.parts['attention unit'], 1176);
  assert.equal(f.parts['weighted sum'], 48);
  assert.equal(f.parts['top MLP'], 312);
  assert.equal(f.forward, 1536);
  assert.equal(f.auxForward, 0);
  assert.equal(f.trainStep, 3 * 1536);
  assert.equal(f.scoring, 1536);
  // no product feature: MLP input 8 -> 2 x 2 x (8*6 + 6) = 216
  const noProduct = modelFlops(
    'din',
    resolveConfig(DIN_DEFAULTS, { attention: { hidden: [5, 3] }, mlp, productFeature: false }, 'test'),
    shape,
  );
  assert.equal(noProduct.parts['top MLP'], 216);
});

test('DIEN: two GRUs, activation-unit attention, aux net (training only), top MLP', () => {
  const c = resolveConfig(
    DIEN_DEFAULTS,
    { hiddenSize: 4, evolutionAttention: 'activationUnit', auxWeight: 1, auxScorer: 'mlp', mlp },
    'test',
  );
  const f = modelFlops('dien', c, shape);
  // each GRU: 2 x B*T (6) x (4*12 + 4*12) = 1152
  assert.equal(f.parts['extractor GRU'], 1152);
  assert.equal(f.parts['evolution GRU'], 1152);
  // target projection 2 x 2 x 4*4 = 64 + the unit's default MLP 80-40 on 6 pairs: 2 x 6 x (16*80 + 80*40 + 40*1) =
  // 54240
  assert.equal(f.parts['evolution attention'], 54304);
  // MLP input [target, sum, target*sum, interest(4)] = 16: 2 x 2 x (16*6 + 6) = 408
  assert.equal(f.parts['top MLP'], 408);
  assert.equal(f.forward, 57016);
  // aux net on B*(T-1) = 4 pairs, [8 -> 100 -> 50 -> 1], positives and negatives: 2 x 2 x 4 x 5850
  assert.equal(f.auxForward, 93600);
  assert.equal(f.trainStep, 3 * (57016 + 93600));
  assert.equal(f.scoring, 57016);
  // paper's bilinear attention: target projection 2*2*4*4 = 64 + scores 2*2*3*4 = 48; inner-product aux: 2 x 2 x 4 x 4
  const bilinear = modelFlops(
    'dien',
    resolveConfig(DIEN_DEFAULTS, { hiddenSize: 4, auxScorer: 'inner', mlp }, 'test'),
    shape,
  );
  assert.equal(bilinear.parts['evolution attention'], 112);
  assert.equal(bilinear.auxForward, 64);
  const noAux = modelFlops('dien', resolveConfig(DIEN_DEFAULTS, { hiddenSize: 4, auxWeight: 0, mlp }, 'test'), shape);
  assert.equal(noAux.auxForward, 0);
});

test('DMIN: refiner, interest heads with positions, attention units, top MLP', () => {
  const c = resolveConfig(
    DMIN_DEFAULTS,
    { interestHeads: 2, auxWeight: 0, interestAttentionUnits: [5, 3], mlp },
    'test',
  );
  const f = modelFlops('dmin', c, shape);
  assert.equal(f.parts['refiner Q/K/V'], 576); // 2 x 6 x 4 x 12
  assert.equal(f.parts['refiner scores + context'], 288); // 2 x (2 x 2 x 3 x 3 x 4)
  assert.equal(f.parts['refiner output'], 192); // 2 x 6 x 4 x 4
  assert.equal(f.parts['refiner FFN'], 768); // 2 x 6 x (4*8 + 8*4)
  assert.equal(f.parts['interest Q/K/V'], 576); // heads of dk = 2: 2 x 6 x 4 x (3 x 2 x 2)
  assert.equal(f.parts['interest scores + context'], 288); // 2 heads x 2 x (2 x 2 x 3 x 3 x 2)
  assert.equal(f.parts['interest outputs'], 192); // 2 heads x 2 x 6 x 2 x 4
  assert.equal(f.parts['interest queries'], 320); // target 2x2x4x8 = 128 + positions 2x6x2x8 = 192
  assert.equal(f.parts['interest attention units'], 2352); // 2 x 1176
  assert.equal(f.parts['interest weighted sums'], 96);
  assert.equal(f.parts['top MLP'], 504); // input 12 + 2 interests x 4 = 20: 2 x 2 x (20*6 + 6)
  assert.equal(f.forward, 6152);
  const withAux = modelFlops(
    'dmin',
    resolveConfig(DMIN_DEFAULTS, { interestHeads: 2, interestAttentionUnits: [5, 3], mlp }, 'test'),
    shape,
  );
  assert.equal(withAux.auxForward, 64, "default 'inner' scorer: 2 x (2 x 4 pairs x 4)");
});

test('DHAN: behaviour unit, one unit per cluster level over the batch clusters, remedy in the MLP input', () => {
  const c = resolveConfig(DHAN_DEFAULTS, { dimensions: [[0, 1]], attention: { hidden: [5, 3] }, mlp }, 'test');
  const f = modelFlops('dhan', c, { ...shape, clusters: [[2, 1]] });
  assert.equal(f.parts['dimension 0: behaviour unit'], 1176);
  assert.equal(f.parts['dimension 0: cluster sums + flat sum'], 96);
  assert.equal(f.parts['dimension 0: level 2 unit'], 784); // 2 rows x 2 clusters x 2 x 98
  assert.equal(f.parts['dimension 0: level 2 sums'], 32);
  assert.equal(f.parts['dimension 0: level 3 unit'], 392);
  assert.equal(f.parts['dimension 0: level 3 sums'], 16);
  assert.equal(f.parts['top MLP'], 504); // [target, sum, product, hierarchical, flat] = 20
  assert.equal(f.forward, 3000);
  assert.throws(() => modelFlops('dhan', c, shape), /shape\.clusters/);
});

test('modelFlops names bad input; limitFraction = FLOPs at the limit speed / measured time', () => {
  assert.throws(() => modelFlops('pnn', {}, shape), /no FLOP count for model "pnn"/);
  assert.throws(
    () => modelFlops('din', resolveConfig(DIN_DEFAULTS, {}, 'test'), { B: 0, T: 3, De: 4 }),
    /positive integers/,
  );
  // 2e9 FLOPs at 20 GFLOP/s take 100 ms; a 400 ms step reaches a quarter of the limit
  assert.equal(limitFraction(2e9, 400, 20), 0.25);
  assert.equal(limitFraction(2e9, 0, 20), null);
});
