/**
 * The auxiliary loss is a training objective only: scoring (forward with training = false)
 * computes none, needs no auxiliary negatives, and gives the same logits with or without them
 * in the batch. Training still returns it.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend } from '../../src/backend';
import type { Batch } from '../../src/data/batch';
import type { CtrModel } from '../../src/models/model';
import { DienModel } from '../../src/models/dien';
import { DminModel } from '../../src/models/dmin';
import { DhanModel } from '../../src/models/dhan';
import { SIZES, tinyBatch } from './seq-fixtures';

before(async () => {
  await useBestBackend({ quiet: true });
});

const small = { mlp: { hidden: [8, 4] } };
const VARIANTS: [string, () => CtrModel][] = [
  ['dien AUGRU + aux', () => new DienModel({ ...small, auxWeight: 1 }, SIZES, 3)],
  ['dien official attention + mlp aux', () => new DienModel({ ...small, hiddenSize: 8, auxWeight: 1, evolutionAttention: 'activationUnit', auxScorer: 'mlp' }, SIZES, 3)],
  ['dmin + aux', () => new DminModel({ ...small, auxWeight: 1 }, SIZES, 3)],
  ['dhan on DIEN + aux', () => new DhanModel({ ...small, onDien: true }, SIZES, 3)],
];

function withoutNegatives(b: Batch): Batch {
  const { negHistItems: _items, negHistCats: _cats, ...rest } = b;
  return rest;
}

/** Runs forward(prepare(batch), training) and returns the logits and the aux loss value (undefined if none). */
function run(model: CtrModel, batch: Batch, training: boolean): { logits: Float32Array; aux?: number } {
  const inputs = model.prepare(batch);
  try {
    return tf.tidy(() => {
      const out = model.forward(inputs, training);
      return { logits: out.logit.dataSync() as Float32Array, aux: out.auxLoss?.dataSync()[0] };
    });
  } finally {
    inputs.dispose();
  }
}

describe('auxiliary loss only when training', () => {
  for (const [label, make] of VARIANTS) {
    it(`${label}: scoring returns no auxLoss and the same logits without negatives`, () => {
      const model = make();
      try {
        const batch = tinyBatch(11, 8, 6);
        assert.ok(batch.negHistItems, 'the fixture batch carries negatives');
        const withNeg = run(model, batch, false);
        assert.equal(withNeg.aux, undefined, 'forward(inputs, false) must not return an auxLoss');
        const noNeg = run(model, withoutNegatives(batch), false);
        assert.equal(noNeg.aux, undefined);
        assert.deepEqual(Array.from(noNeg.logits), Array.from(withNeg.logits));
        const trained = run(model, batch, true);
        assert.ok(trained.aux !== undefined && Number.isFinite(trained.aux) && trained.aux > 0, `training returns the aux loss, got ${trained.aux}`);
      } finally {
        model.dispose();
      }
    });
  }
});
