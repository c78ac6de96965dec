import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBenchBatches } from '../../src/bench/batches';
import { modelSubject, withoutNegatives } from '../../src/bench/runBench';
import { BENCH_OPTIMIZER, BENCH_SHAPE, benchModelOverrides } from '../../src/bench/shape';
import { createModel } from '../../src/models';
import { createOptimizer } from '../../src/train/optimizers';
import { trainStep } from '../../src/train/step';

const tiny = { ...BENCH_SHAPE, batchSize: 6, maxLen: 5, minLen: 2, items: 30, cats: 7, parentCats: 2 };

function tables(model: { getWeights(): { weights: { name: string; values: ArrayLike<number> }[] } }): number[] {
  return model
    .getWeights()
    .weights.filter((w) => w.name.startsWith('embedding.'))
    .flatMap((w) => Array.from(w.values));
}

test('withoutNegatives drops the auxiliary negatives and keeps the rest', () => {
  const { batches } = makeBenchBatches(1, 2, tiny);
  const b = withoutNegatives(batches[0]);
  assert.equal(b.negHistItems, undefined);
  assert.equal(b.negHistCats, undefined);
  assert.equal(b.histItems, batches[0].histItems);
  assert.ok(batches[0].negHistItems, 'the original keeps its negatives');
});

test('the bench trains a model without auxiliary loss on batches without negatives, as the trainer does', () => {
  const { batches, sizes } = makeBenchBatches(3, 4, tiny);
  const made = modelSubject('din', sizes, 5);
  const plain = createModel('din', benchModelOverrides('din'), sizes, 5);
  const withNeg = createModel('din', benchModelOverrides('din'), sizes, 5);
  const [o1, o2] = [createOptimizer({ ...BENCH_OPTIMIZER }), createOptimizer({ ...BENCH_OPTIMIZER })];
  try {
    for (const b of batches) {
      made.subject.train(b);
      trainStep(plain, withoutNegatives(b), o1);
      trainStep(withNeg, b, o2);
    }
    assert.deepEqual(tables(made.model), tables(plain));
    // lazy Adam moves rows that occur only as negatives: the two differ
    assert.notDeepEqual(tables(withNeg), tables(plain));
  } finally {
    made.subject.dispose();
    plain.dispose();
    withNeg.dispose();
  }
});
