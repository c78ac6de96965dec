/**
 * `--preset fuxictr` resolves to exactly the peer's settings (shared/reference/peer.md), for
 * the training, the data and every model it covers; flags still override it; a tiny CLI run on
 * a fixture reports the last epoch's test AUC and gAUC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createModel } from '../../src/models';
import { main } from '../../src/cli/main';
import { resolveRunConfig } from '../../src/experiments/runConfig';
import { applyRunPreset } from '../../src/experiments/runPresets';
import { agreementRow, formatAgreement, AGREEMENT_MODELS } from '../../src/bench/agreement';

const SIZES = { users: 30, items: 40, cats: [6] };

function resolved(model: string, extra: Record<string, unknown> = {}) {
  return resolveRunConfig(applyRunPreset('fuxictr', { model, dataset: 'csv:x', seed: 2021, ...extra }));
}

test('fuxictr preset: training and data settings', () => {
  const c = resolved('din');
  assert.deepEqual(c.train, {
    optimizer: 'adam',
    learningRate: 1e-3,
    embeddingAdam: 'dense',
    schedule: { kind: 'constant' },
    batchSize: 128,
    evalBatchSize: 512,
    epochs: 2,
    clipNorm: 10,
    dropout: 0,
    l2: 0,
    mba: 0,
    auxWeight: 0,
    selectOn: 'last',
    selectMetric: 'auc',
    maxStepsPerEpoch: 0,
    maxEvalRows: 0,
    bootstrapResamples: 0,
  });
  assert.deepEqual(c.data, { maxLen: 50, validFraction: 0 });
  // flags win over the preset
  const o = resolved('din', {
    train: { embeddingAdam: 'lazy' },
    data: { maxLen: 20 },
    modelOptions: { attention: { normalize: 'softmax' } },
  });
  assert.equal(o.train.embeddingAdam, 'lazy');
  assert.equal(o.data.maxLen, 20);
  assert.deepEqual(o.modelOptions.attention, {
    hidden: [80, 40],
    activation: 'sigmoid',
    scale: 1,
    normalize: 'softmax',
  });
  assert.throws(
    () => resolved('dhan'),
    /preset "fuxictr" has no settings for model "dhan"; it covers: base, din, dien, dmin/,
  );
  assert.throws(() => resolved('din', { trainPreset: 'dien' }), /do not combine it with train preset "dien"/);
});

test('fuxictr preset: every model config, MLP input width and initialisation', () => {
  const mlp = { hidden: [200, 80], activation: 'relu', dropout: 0, batchNorm: 'none' };
  const embedding = { itemDim: 18, catDim: 18, catLevels: 1, userDim: 0, initStd: 1e-4, glorot: 'normal' };
  const expected: Record<string, Record<string, unknown>> = {
    base: { pooling: 'sum', productFeature: false },
    din: {
      productFeature: false,
      historySum: false,
      attention: { hidden: [80, 40], activation: 'sigmoid', normalize: 'none', scale: 1 },
    },
    dien: {
      evolution: 'AUGRU',
      auxWeight: 0,
      hiddenSize: 36,
      evolutionAttention: 'activationUnit',
      attentionUnit: { normalize: 'softmax' },
    },
    dmin: {
      refiner: true,
      auxWeight: 0,
      interestHeads: 4,
      positionEncoding: true,
      positionDim: 4,
      interestAttentionUnits: [80, 40],
    },
  };
  // MLP input: [item, cate, pooled] = 72 (base, din); [item, cate, final interest] + the kit's DIEN sum terms otherwise
  const width: Record<string, number> = { base: 72, din: 72 };
  for (const [name, fields] of Object.entries(expected)) {
    const model = createModel(name, resolved(name).modelOptions, SIZES, 2021);
    try {
      const config = model.config as unknown as Record<string, unknown>;
      assert.deepEqual(config.embedding, embedding, name);
      for (const [k, v] of Object.entries({ ...fields, mlp })) {
        const actual = config[k] as Record<string, unknown>;
        if (v && typeof v === 'object' && !Array.isArray(v))
          for (const [kk, vv] of Object.entries(v)) assert.deepEqual(actual[kk], vv, `${name}.${k}.${kk}`);
        else assert.deepEqual(actual, v, `${name}.${k}`);
      }
      const weights = model.getWeights().weights;
      const kernel = weights.find((w) => w.name === `${name}/head/mlp/dense0/kernel`)!;
      assert.ok(kernel, `${name}: head kernel`);
      if (width[name]) assert.equal(kernel.shape[0], width[name], `${name}: MLP input width`);
      // Xavier normal: std sqrt(2 / (fanIn + fanOut)), and values beyond the uniform bound sqrt(6 / (fanIn + fanOut))
      const [fanIn, fanOut] = kernel.shape;
      const std = Math.sqrt(kernel.values.reduce((a, x) => a + x * x, 0) / kernel.values.length);
      assert.ok(Math.abs(std / Math.sqrt(2 / (fanIn + fanOut)) - 1) < 0.05, `${name}: kernel std ${std}`);
      assert.ok(
        kernel.values.some((x) => Math.abs(x) > Math.sqrt(6 / (fanIn + fanOut))),
        `${name}: kernel looks uniform`,
      );
      assert.ok(
        weights.filter((w) => w.name.endsWith('/bias')).every((w) => w.values.every((x) => x === 0)),
        `${name}: biases zero`,
      );
      const items = weights.find((w) => w.name === 'embedding.items')!;
      const rows = items.values.subarray(items.shape[1]);
      const estd = Math.sqrt(rows.reduce((a, x) => a + x * x, 0) / rows.length);
      assert.ok(Math.abs(estd / 1e-4 - 1) < 0.1, `${name}: embedding std ${estd}`);
    } finally {
      model.dispose();
    }
  }
});

test('dil train --preset fuxictr on a csv fixture: exactly 2 epochs, the last one reported', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-fuxictr-'));
  try {
    // 12 users; a user clicks items of one category; negatives come from the other category
    const header = 'label,user_id,item_id,cate_id,item_history,cate_history';
    const train = [header];
    const testRows = [header];
    for (let u = 1; u <= 12; u++) {
      const cat = u % 2;
      const seq = [0, 1, 2, 3].map((k) => `i${cat}${(u + k) % 5}`);
      const neg = (k: number) => `i${1 - cat}${(u + k) % 5}`;
      const hist = (n: number) =>
        `${seq.slice(0, n).join('^')},${seq
          .slice(0, n)
          .map((it) => it[1])
          .join('^')}`;
      for (let n = 1; n < 3; n++)
        train.push(`1,u${u},${seq[n]},${cat},${hist(n)}`, `0,u${u},${neg(n)},${1 - cat},${hist(n)}`);
      testRows.push(`1,u${u},${seq[3]},${cat},${hist(3)}`, `0,u${u},${neg(3)},${1 - cat},${hist(3)}`);
    }
    fs.writeFileSync(path.join(dir, 'train.csv'), train.join('\n'));
    fs.writeFileSync(path.join(dir, 'test.csv'), testRows.join('\n'));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(
      [
        'train',
        '--model',
        'din',
        '--dataset',
        `csv:${dir}`,
        '--preset',
        'fuxictr',
        '--seed',
        '2021',
        '--batch-size',
        '8',
        '--progress',
        'off',
        '--json',
      ],
      {
        out: (l) => out.push(l),
        err: (l) => err.push(l),
      },
    );
    assert.equal(code, 0, err.join('\n'));
    const summary = JSON.parse(out[out.length - 1]);
    assert.equal(summary.history.length, 2);
    assert.equal(summary.bestEpoch, 1);
    assert.equal(summary.selectedOn, 'last');
    assert.deepEqual(summary.test, summary.history[1].test);
    assert.equal(summary.test.rows, 24);
    assert.ok(summary.test.auc >= 0 && summary.test.auc <= 1 && summary.test.gauc >= 0 && summary.test.gauc <= 1);
    assert.equal(summary.config.train.embeddingAdam, 'dense');
    assert.equal(summary.config.data.maxLen, 50);
    assert.match(err.join('\n'), /last epoch 2 \(selected on last\): test AUC/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('agreement table: mean ± std, peer mean, signed gap, ordering', () => {
  const [base, dinNone] = AGREEMENT_MODELS;
  const text = formatAgreement([
    agreementRow(base, [
      { seed: 2021, auc: 0.8, gauc: 0.78 },
      { seed: 2022, auc: 0.802, gauc: 0.776 },
    ]),
    agreementRow(dinNone, [{ seed: 2021, auc: 0.81, gauc: 0.77 }]),
  ]);
  // base: peer AUC (0.7980 + 0.7968) / 2 = 0.7974, ours 0.801 ± 0.001414 -> gap +0.0036
  assert.match(
    text,
    /\| BaseModel \(sum pooling\) \| 2021, 2022 \| 0\.8010 ± 0\.0014 \| 0\.7974 \| \+0\.0036 \| 0\.7780 ± 0\.0028 \| 0\.7746 \| \+0\.0034 \|/,
  );
  // DIN none: peer gAUC (0.7829 + 0.7854) / 2 = 0.78415 -> gap -0.01415, printed −0.0141 (outside the tolerance)
  assert.match(
    text,
    /\| DIN, no softmax \| 2021 \| 0\.8100 ± 0\.0000 \| 0\.8065 \| \+0\.0036 \| 0\.7700 ± 0\.0000 \| 0\.7842 \| −0\.0141 \|/,
  );
  assert.match(text, /ordering by AUC: ours din-none > base; peer din-none > base \(same\)/);
  assert.match(text, /ordering by gAUC: ours base > din-none; peer din-none > base \(DIFFERENT\)/);
  assert.match(text, /every gap within 0\.005: NO/);
});
