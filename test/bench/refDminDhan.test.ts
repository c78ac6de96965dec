import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeBenchBatches } from '../../src/bench/batches';
import {
  inProjectReferenceProblem,
  parsePytorchOutput,
  pytorchEnv,
  referenceInput,
  runPytorchReference,
} from '../../src/bench/pytorch';
import { defaultBenchOptions, dhanClusterNote, meanClusters, parseBenchArgs } from '../../src/bench/runBench';
import { BENCH_SHAPE, benchModelOverrides } from '../../src/bench/shape';
import { createModel } from '../../src/models';

const repo = path.resolve(__dirname, '..', '..');
const tiny = { ...BENCH_SHAPE, batchSize: 4, maxLen: 6, minLen: 2, items: 40, cats: 9, parentCats: 3 };

test('referenceInput writes typed arrays as plain arrays, with the model, config and sizes', () => {
  const { batches, sizes } = makeBenchBatches(1, 3, tiny);
  const parsed = JSON.parse(referenceInput('DHAN', { pooling: 'hierarchical' }, sizes, batches));
  assert.equal(parsed.model, 'DHAN');
  assert.deepEqual(parsed.config, { pooling: 'hierarchical' });
  assert.deepEqual(parsed.sizes, sizes);
  const b = parsed.batches[0];
  assert.deepEqual(b.histItems, Array.from(batches[0].histItems));
  assert.deepEqual(b.histCats[1], Array.from(batches[0].histCats[1]));
  assert.deepEqual(b.histMask, Array.from(batches[0].histMask));
  assert.equal(b.size, 4);
});

test('meanClusters counts the category ids of each row (the batch maximum, averaged over batches)', () => {
  const { batches } = makeBenchBatches(2, 5, tiny);
  const perRowMax = batches.map((b) => {
    let max = 0;
    for (let r = 0; r < b.size; r++)
      max = Math.max(
        max,
        new Set(Array.from(b.histCats[0].subarray(r * b.maxLen, (r + 1) * b.maxLen)).filter((c) => c !== 0)).size,
      );
    return max;
  });
  assert.equal(meanClusters(batches, [[0]])[0][0], (perRowMax[0] + perRowMax[1]) / 2);
});

test('dhanClusterNote: equal slots per row, unequal slots, no report', () => {
  assert.match(
    dhanClusterNote({ clusters: [[5.5, 3]] }, [[5.5, 3]]),
    /^PyTorch DHAN pools each row's own clusters, as the kit: 5\.5 -> 3\.0 slots per row/,
  );
  assert.match(
    dhanClusterNote({ clusters: [[787, 40]] }, [[50, 32]]),
    /pooled over 787\.0 -> 40\.0 cluster slots per row, the kit over 50\.0 -> 32\.0: unequal work, the DHAN ratio is not comparable/,
  );
  assert.match(dhanClusterNote({ clusters: [[50]] }, [[50, 32]]), /unequal work/);
  assert.match(dhanClusterNote({}, [[50, 32]]), /did not report its cluster slots per row/);
});

test('parseBenchArgs: reference steps, BLAS install switch; all cores by default', () => {
  const base = { ...defaultBenchOptions('/repo'), verbose: false };
  assert.deepEqual(base.pytorchThreads, [...new Set([1, os.availableParallelism()])]);
  assert.equal(base.installBlas, true);
  const o = parseBenchArgs(['--pytorch-steps', '10', '--pytorch-warmup=2', '--no-install-blas'], base);
  assert.equal(o.pytorchSteps, 10);
  assert.equal(o.pytorchWarmup, 2);
  assert.equal(o.installBlas, false);
  assert.throws(() => parseBenchArgs(['--pytorch-steps', '0'], base), /--pytorch-steps expects an integer >= 1/);
});

test("ref_dmin_dhan.py times the reference DMIN and DHAN modules on the kit's config and batches", (t) => {
  const python = '/usr/bin/python3';
  if (spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status !== 0)
    return t.skip('no torch in /usr/bin/python3');
  assert.equal(inProjectReferenceProblem(repo, 'DMIN'), undefined);
  assert.match(
    inProjectReferenceProblem('/nonexistent', 'DHAN') ?? '',
    /no \/nonexistent\/bench\/pytorch\/ref_dmin_dhan\.py/,
  );
  const { batches, sizes } = makeBenchBatches(2, 1, tiny);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-refdd-'));
  try {
    for (const [name, model] of [
      ['dmin', 'DMIN'],
      ['dhan', 'DHAN'],
    ] as const) {
      const kit = createModel(name, benchModelOverrides(name, tiny), sizes, 1);
      const input = path.join(dir, `${name}.json`);
      fs.writeFileSync(input, referenceInput(model, kit.config, sizes, batches));
      const dimensions = (kit.config as { dimensions?: number[][] }).dimensions;
      kit.dispose();
      const r = runPytorchReference({
        python,
        referenceDir: path.resolve(repo, '..', 'shared', 'bench', 'pytorch-reference'),
        model,
        threads: 1,
        warmup: 0,
        steps: 2,
        repoRoot: repo,
        input,
      });
      assert.equal(r.model, model);
      assert.ok(r.trainSamplesPerSecond > 0 && r.scoreSamplesPerSecond > 0);
      assert.ok(typeof r.blasGflops === 'number' && r.blasGflops > 0);
      const raw = r.raw as { loss_first: number; impl: string; clusters?: number[][] };
      assert.ok(Number.isFinite(raw.loss_first) && raw.loss_first > 0);
      assert.match(raw.impl, new RegExp(`test/reference/${name}\\.py`));
      // the PyTorch DHAN pools over each row's clusters: as many slots per row as the kit
      if (model === 'DHAN') assert.deepEqual(raw.clusters, meanClusters(batches, dimensions ?? []));
    }
    // the script refuses an input for another model than --model
    const res = spawnSync(
      python,
      [
        path.join(repo, 'bench', 'pytorch', 'ref_dmin_dhan.py'),
        '--input',
        path.join(dir, 'dmin.json'),
        '--model',
        'DHAN',
        '--steps',
        '1',
      ],
      { encoding: 'utf8', env: pytorchEnv(1) },
    );
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /--model DHAN but the input is for DMIN/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(
    parsePytorchOutput(
      '{"model":"DMIN","train":{"samples_per_s":1,"median_step_ms":1,"p10_ms":1,"p90_ms":1,"steps":1},' +
        '"infer":{"samples_per_s":1,"median_step_ms":1,"p10_ms":1,"p90_ms":1,"steps":1}}',
      { model: 'DMIN', threads: 1 },
    ).model,
    'DMIN',
  );
});
