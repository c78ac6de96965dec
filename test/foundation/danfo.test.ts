import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadDanfo, useBestBackend } from '../../src/backend';

test('danfojs-node loads on the selected backend and groups a DataFrame', async () => {
  await useBestBackend({ quiet: true });
  const dfd = loadDanfo();
  const df = new dfd.DataFrame({ user: [1, 2, 2, 3, 3, 3], clicks: [1, 0, 1, 1, 1, 0] });
  const sums = df.groupby(['user']).col(['clicks']).sum();
  const rows = dfd.toJSON(sums, { format: 'column' }) as Record<string, number>[];
  const byUser = new Map(rows.map((r) => [r.user, r.clicks_sum]));
  assert.deepEqual([...byUser.entries()].sort(), [[1, 1], [2, 1], [3, 2]]);
});
