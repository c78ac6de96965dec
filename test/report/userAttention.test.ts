import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useBestBackend } from '../../src/backend';
import { notebookSettings } from '../../src/report/notebookSession';
import { runPaperExperiment } from '../../src/report/paperExperiment';
import { trainVariantModel, userAttention } from '../../src/report/userAttention';

test("userAttention: DIN weights per candidate and DMIN weights per head over one user's real history", async () => {
  await useBestBackend({ quiet: true });
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-attention-'));
  try {
    const settings = notebookSettings({ DIL_PROFILE: 'smoke', DIL_JOBS: '1', DIL_RESULTS: resultsDir });
    const din = await runPaperExperiment('din', 'softmax', settings);
    const trained = await trainVariantModel(din, 'softmax');
    const a = userAttention(trained.model, trained.dataset);
    trained.model.dispose();
    assert.equal(a.candidates.length, 2);
    assert.notEqual(a.candidates[0], a.candidates[1]);
    assert.equal(a.weights!.length, 2);
    assert.ok(a.behaviours.length > 0);
    for (const w of a.weights!) {
      assert.equal(w.length, a.behaviours.length, 'one weight per real behaviour (padding cut)');
      // softmax variant: the weights over the real behaviours sum to 1
      assert.ok(Math.abs(w.reduce((s, v) => s + v, 0) - 1) < 1e-4, `sum ${w.reduce((s, v) => s + v, 0)}`);
    }
    const dmin = await runPaperExperiment('dmin', 'heads', settings);
    const m = await trainVariantModel(dmin, 'heads-4');
    const h = userAttention(m.model, m.dataset);
    m.model.dispose();
    assert.equal(h.headWeights!.length, 4, 'one row per interest head');
    for (const w of h.headWeights!) assert.equal(w.length, h.behaviours.length);
    await assert.rejects(trainVariantModel(dmin, 'heads-99'), /no variant "heads-99"/);
  } finally {
    fs.rmSync(resultsDir, { recursive: true, force: true });
  }
});
