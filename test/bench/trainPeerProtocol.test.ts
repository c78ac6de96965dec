/**
 * bench/pytorch/train_peer_protocol.py (plain PyTorch training on the peer's CSV layout):
 * its AUC / gAUC against the kit's metrics, the truncation of histories, and a tiny end-to-end
 * run that must learn a planted rule. Skipped when /usr/bin/python3 has no torch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { auc } from '../../src/metrics/auc';
import { gauc } from '../../src/metrics/gauc';
import { Rng } from '../../src/random';

const PYTHON = '/usr/bin/python3';
const repo = path.resolve(__dirname, '..', '..');
const script = path.join(repo, 'bench', 'pytorch', 'train_peer_protocol.py');
const noTorch =
  spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status !== 0 ? `no torch in ${PYTHON}` : false;

/** Runs `code` with the script's module imported as `t`; returns its stdout parsed as JSON. */
function python(code: string, input: unknown): unknown {
  const prelude =
    `import sys, json; sys.path.insert(0, ${JSON.stringify(path.dirname(script))}); ` +
    `import train_peer_protocol as t\n`;
  const r = spawnSync(PYTHON, ['-c', prelude + code], { input: JSON.stringify(input), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** A BARS CSV folder in a temp dir: rows are [label, user, item, cat, historyItems, historyCats]. */
function csvFolder(splits: Record<string, (number | number[])[][]>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-peerproto-'));
  for (const [name, rows] of Object.entries(splits)) {
    const lines = ['label,user_id,item_id,cate_id,item_history,cate_history'];
    for (const r of rows) lines.push(r.map((v) => (Array.isArray(v) ? v.join('^') : String(v))).join(','));
    fs.writeFileSync(path.join(dir, `${name}.csv`), lines.join('\n') + '\n');
  }
  return dir;
}

test("auc and gauc of the script equal the kit's metrics (ties, users with one class)", { skip: noTorch }, () => {
  const rng = new Rng(7);
  const rand = () => rng.next();
  const n = 300;
  const labels = Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0));
  // coarse scores: many ties
  const scores = Array.from({ length: n }, (_, i) => Math.round((rand() + 0.3 * labels[i]) * 8) / 8);
  const users = Array.from({ length: n }, () => 1 + Math.floor(rand() * 40));
  const out = python(
    'd = json.load(sys.stdin); import numpy as np\n' +
      'l = np.array(d["labels"]); s = np.array(d["scores"]); u = np.array(d["users"])\n' +
      'print(json.dumps([t.auc(l, s), t.gauc(u, l, s)]))',
    { labels, scores, users },
  ) as number[];
  assert.ok(Math.abs(out[0] - auc(labels, scores)) < 1e-12, `auc ${out[0]} vs ${auc(labels, scores)}`);
  assert.ok(Math.abs(out[1] - gauc(labels, scores, users)) < 1e-12, `gauc ${out[1]} vs ${gauc(labels, scores, users)}`);
});

test(
  'read_split keeps the latest max_len behaviours (or the earliest), left-aligned, 0-padded',
  { skip: noTorch },
  () => {
    const dir = csvFolder({
      train: [
        [1, 3, 9, 2, [4, 5, 6, 7, 8], [1, 2, 1, 2, 1]],
        [0, 3, 4, 1, [], []],
      ],
    });
    const read = (keep: string) =>
      python(
        `r = t.read_split(${JSON.stringify(path.join(dir, 'train.csv'))}, 3, ${JSON.stringify(keep)})\n` +
          'print(json.dumps({k: v.tolist() for k, v in r.items()}))',
        null,
      ) as Record<string, number[] | number[][]>;
    const latest = read('latest');
    assert.deepEqual(latest.hist_item, [
      [6, 7, 8],
      [0, 0, 0],
    ]);
    assert.deepEqual(latest.hist_cat, [
      [1, 2, 1],
      [0, 0, 0],
    ]);
    assert.deepEqual(latest.full_len, [5, 0]);
    assert.deepEqual(latest.item, [9, 4]);
    assert.deepEqual(read('earliest').hist_item, [
      [4, 5, 6],
      [0, 0, 0],
    ]);
  },
);

test('a tiny run learns a planted rule and reports both epochs', { skip: noTorch }, () => {
  // label 1 iff the target's category equals the category of the user's history (items of
  // category c are 10c+1..10c+9); the BaseModel must find it from the pooled history
  const rng = new Rng(3);
  const rand = () => rng.next();
  const rows = (n: number, userBase: number) =>
    Array.from({ length: n }, (_, r) => {
      const c = 1 + Math.floor(rand() * 4);
      const hist = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => 10 * c + 1 + Math.floor(rand() * 9));
      const label = rand() < 0.5 ? 1 : 0;
      const tc = label ? c : 1 + ((c + Math.floor(rand() * 3)) % 4);
      return [label, userBase + Math.floor(r / 2), 10 * tc + 1 + Math.floor(rand() * 9), tc, hist, hist.map(() => c)];
    });
  const dir = csvFolder({ train: rows(1500, 1), test: rows(300, 5000) });
  const r = spawnSync(PYTHON, [script, '--data', dir, '--seed', '1', '--lr', '0.01', '--max-len', '3'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => [l.epoch, l.final]),
    [
      [1, false],
      [2, true],
    ],
  );
  assert.deepEqual(lines[1].rows, { train: 1500, test: 300, items: 50, cats: 5 });
  assert.ok(
    lines[1].auc > 0.95 && lines[1].gauc > 0.9,
    `test AUC ${lines[1].auc}, gAUC ${lines[1].gauc} after 2 epochs; the rule is learnable`,
  );
});
