import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  curveSeriesFromRecords,
  summaryBarFigure,
  summaryResultTable,
  SummaryLike,
  RecordLike,
} from '../../src/report/summaryReport';
import { publishedResultTable, publishedValue, PUBLISHED_TABLES } from '../../src/report/publishedTables';
import { resultTableToCsv, resultTableToMarkdown } from '../../src/report/resultTable';
import { attentionTreeFigure, variantBarFigure, wrapTickLabel } from '../../src/report/figures';

const summary: SummaryLike = {
  paper: 'dien',
  experiment: 'table4',
  baseVariant: 'base',
  metric: 'auc',
  selectedOnTest: true,
  variants: [
    { variant: 'base', label: 'BaseModel', runs: 3, meanAuc: 0.7, stdAuc: 0.01, pValue: NaN, diffAuc: 0, relaImpr: 0 },
    {
      variant: 'gru-augru',
      label: 'BaseModel + GRU + AUGRU',
      runs: 3,
      meanAuc: 0.72,
      stdAuc: 0.002,
      pValue: 0.0123,
      diffAuc: 0.02,
      relaImpr: 10,
    },
    { variant: 'x', label: 'Unpublished', runs: 1, meanAuc: 0.71, stdAuc: 0, pValue: NaN, diffAuc: 0.01, relaImpr: 5 },
  ],
};

test('summaryResultTable: ours with std, diff, p, RelaImpr, seeds and the published column matched by label', () => {
  const table = summaryResultTable(summary, {
    title: 'T4',
    published: [{ tableId: 'dien-table4', column: 'Electronics' }],
  });
  assert.equal(table.paper, 'dien');
  assert.equal(table.name, 'table4');
  const md = resultTableToMarkdown(table).split('\n');
  assert.equal(
    md[2],
    '| Model | test AUC, ours (mean ± std) | diff vs base | p (paired t vs base) | ' +
      'RelaImpr | seeds | Electronics (paper) |',
  );
  assert.equal(md[4], '| BaseModel (base) | 0.7000 ± 0.0100 |  |  | 0.00% | 3 | 0.7435 ± 0.00128 |');
  assert.equal(md[5], '| BaseModel + GRU + AUGRU | 0.7200 ± 0.0020 | 0.0200 | 0.012 | 10.00% | 3 | 0.7640 ± 0.00073 |');
  // one seed: no spread shown; no published row: empty cell
  assert.equal(md[6], '| Unpublished | 0.7100 | 0.0100 | n/a | 5.00% | 1 |  |');
  const notes = table.notes!.join('\n');
  assert.match(notes, /Electronics \(paper\)": Zhou et al\., Deep Interest Evolution Network.*Table 4/);
  assert.match(notes, /TEST split/);
  const csv = resultTableToCsv(table).split('\n');
  assert.equal(csv[2], 'BaseModel + GRU + AUGRU,0.72,0.002,0.02,0.0123,10,3,0.7640 ± 0.00073');
  assert.equal(csv[3], 'Unpublished,0.71,,0.01,,5,1,');
});

test('summaryBarFigure: published means (from "m ± s") as markers, null where the paper has none', () => {
  const figure = summaryBarFigure(summary, { published: { tableId: 'dien-table4', column: 'Books' } });
  assert.deepEqual(figure.data[0].y, [0.7, 0.72, 0.71]);
  assert.deepEqual((figure.data[0].error_y as { array: number[] }).array, [0.01, 0.002, 0]);
  assert.deepEqual(figure.data[1].y, [0.7686, 0.7911, null]);
});

test('published tables: lookups, unknown ids and columns are errors, every row has one value per column', () => {
  assert.equal(publishedValue('din-table3', 'DIN with Dice', 'Amazon AUC'), 0.8871);
  assert.equal(publishedValue('din-table3', '  din   WITH dice ', 'Amazon AUC'), 0.8871);
  assert.equal(publishedValue('dien-table2', 'DIEN', 'Books', true), 0.8453);
  assert.equal(publishedValue('dien-table2', 'Nope', 'Books'), null);
  assert.throws(
    () => publishedValue('dien-table9', 'DIEN', 'Books'),
    /no published table "dien-table9"; known: din-table2/,
  );
  assert.throws(
    () => publishedValue('dien-table2', 'DIEN', 'Movies'),
    /has no column "Movies"; columns: Electronics, Books/,
  );
  for (const table of PUBLISHED_TABLES) {
    assert.ok(table.source.length > 10, `${table.id} names its source`);
    for (const row of table.rows) assert.equal(row.values.length, table.columns.length, `${table.id} / ${row.label}`);
  }
  // RelaImpr column of DIN Table 3 is consistent with its AUC column: ((0.8871-0.5)/(0.8624-0.5)-1)*100 = 6.82
  const dice = publishedValue('din-table3', 'DIN with Dice', 'Amazon AUC') as number;
  const base = publishedValue('din-table3', 'BaseModel', 'Amazon AUC') as number;
  assert.equal(
    Number((((dice - 0.5) / (base - 0.5) - 1) * 100).toFixed(2)),
    publishedValue('din-table3', 'DIN with Dice', 'Amazon RelaImpr %'),
  );
  const shown = resultTableToMarkdown(publishedResultTable('din-readme-fixed'));
  assert.match(shown, /\| DIN with Dice \| 0\.8711 \|/);
  assert.match(shown, /Source: zhougr1993\/DeepInterestNetwork README/);
});

test('curveSeriesFromRecords: mean and sample std over seeds per epoch, 1-based, variants in order', () => {
  const records: RecordLike[] = [
    {
      variant: 'a',
      label: 'A',
      seed: 1,
      history: [
        { epoch: 0, trainLoss: 0.7, test: { auc: 0.6 } },
        { epoch: 1, trainLoss: 0.5, test: { auc: 0.7 } },
      ],
    },
    {
      variant: 'a',
      label: 'A',
      seed: 2,
      history: [
        { epoch: 0, trainLoss: 0.5, test: { auc: 0.64 } },
        { epoch: 1, trainLoss: 0.3, test: { auc: 0.7 } },
      ],
    },
    { variant: 'b', label: 'B', seed: 1, history: [{ epoch: 0, trainLoss: 0.9, auxLoss: 0.4 }] },
  ];
  const loss = curveSeriesFromRecords(records, 'trainLoss', ['b', 'a']);
  assert.deepEqual(
    loss.map((s) => s.name),
    ['B', 'A'],
  );
  assert.deepEqual(loss[1].x, [1, 2]);
  assert.ok(Math.abs(loss[1].y[0] - 0.6) < 1e-12 && Math.abs(loss[1].y[1] - 0.4) < 1e-12);
  // sample std of {0.7, 0.5} = sqrt(((0.1)^2 + (0.1)^2) / 1) = 0.1414...
  assert.ok(Math.abs(loss[1].std![0] - Math.SQRT2 / 10) < 1e-12);
  assert.equal(loss[0].std, undefined, 'one seed: no band');
  const auc = curveSeriesFromRecords(records, 'testAuc');
  assert.deepEqual(
    auc.map((s) => s.name),
    ['A'],
    'variants without the metric are left out',
  );
  assert.ok(Math.abs(auc[0].y[0] - 0.62) < 1e-12);
  assert.deepEqual(
    curveSeriesFromRecords(records, 'auxLoss').map((s) => s.y),
    [[0.4]],
  );
});

test('figure builders reject mismatched lengths and scale the attention tree by level weights', () => {
  assert.throws(
    () => variantBarFigure({ title: 't', metric: 'm', variants: ['a', 'b'], means: [1], stds: [0, 0] }),
    /means has 1 entries, expected 2/,
  );
  const tree = attentionTreeFigure({
    title: 't',
    root: 'r',
    clusters: [
      {
        label: 'c1',
        weight: 3,
        items: [
          { label: 'i1', weight: 1 },
          { label: 'i2', weight: 3 },
        ],
      },
      { label: 'c2', weight: 1, items: [{ label: 'i3', weight: 5 }] },
    ],
  });
  const trace = tree.data[0] as { ids: string[]; values: number[]; parents: string[] };
  // cluster shares 0.75 / 0.25; items share their cluster by level-1 weight: 0.75*1/4, 0.75*3/4, 0.25*1
  assert.deepEqual(trace.ids, ['root', 'c0', 'c0-i0', 'c0-i1', 'c1', 'c1-i0']);
  assert.deepEqual(trace.values, [0, 0, 0.1875, 0.5625, 0, 0.25]);
  assert.deepEqual(trace.parents, ['', 'root', 'c0', 'c0', 'root', 'c1']);
});

test('wrapTickLabel breaks long variant names at spaces into lines of at most the width', () => {
  assert.equal(wrapTickLabel('DHAN, hierarchical without remedy', 12), 'DHAN,<br>hierarchical<br>without<br>remedy');
  assert.equal(wrapTickLabel('Flat attention pooling (DIN)', 22), 'Flat attention pooling<br>(DIN)');
  assert.equal(wrapTickLabel('LR', 10), 'LR');
  // a single word longer than the width stays whole
  assert.equal(wrapTickLabel('Wide&Deep-with-a-long-name x', 10), 'Wide&Deep-with-a-long-name<br>x');
  const bars = variantBarFigure({
    title: 't',
    metric: 'AUC',
    variants: ['BaseModel + GRU + AUGRU', 'DIN'],
    means: [0.7, 0.8],
    stds: [0, 0],
  });
  assert.deepEqual(
    (bars.data[0] as { x: string[] }).x,
    ['BaseModel + GRU + AUGRU<br><b>0.7000</b>', 'DIN<br><b>0.8000</b>'],
    'two bars: 40 characters each fit on one line; the mean under the name',
  );
  const many = variantBarFigure({
    title: 't',
    metric: 'AUC',
    variants: Array.from({ length: 6 }, (_, i) => `BaseModel + GRU + AUGRU ${i}`),
    means: Array(6).fill(0.7),
    stds: Array(6).fill(0),
  });
  assert.equal((many.data[0] as { x: string[] }).x[0], 'BaseModel +<br>GRU + AUGRU 0<br><b>0.7000</b>');
});
