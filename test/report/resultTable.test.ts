import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  csvField,
  escapeLatex,
  escapeMarkdown,
  resultTableToCsv,
  resultTableToLatex,
  resultTableToMarkdown,
  ResultTable,
  writeResultTable,
} from '../../src/report/resultTable';

const table: ResultTable = {
  paper: 'dien',
  name: 'table4',
  title: 'AUGRU & aux_loss',
  columns: [
    { key: 'model', header: 'Model' },
    { key: 'auc', header: 'AUC', kind: 'meanStd', digits: 4 },
    { key: 'p', header: 'p', kind: 'pvalue' },
    { key: 'gain', header: 'RelaImpr', kind: 'percent', digits: 1 },
    { key: 'paper', header: 'Paper, "Table 4"' },
  ],
  rows: [
    { model: 'Base|Model_1', auc: { mean: 0.74351, std: 0.00128 }, p: null, gain: 0, paper: '0.7435 ± 0.00128' },
    { model: 'GRU, "AUGRU" 50% $x^2$', auc: { mean: 0.76, std: 0.0007 }, p: 0.0004, gain: 6.8234 },
    { model: 'Two\nlines #1 {a} ~\\', auc: { mean: NaN, std: NaN }, p: 0.04567 },
  ],
  notes: ['Source: <DIEN>'],
};

test('Markdown: escapes pipes, underscores, $ and ~, formats mean ± std, p-values and percents', () => {
  const expected = [
    '**AUGRU & aux\\_loss**',
    '',
    '| Model | AUC | p | RelaImpr | Paper, "Table 4" |',
    '|:---|---:|---:|---:|:---|',
    '| Base\\|Model\\_1 | 0.7435 ± 0.0013 |  | 0.0% | 0.7435 ± 0.00128 |',
    '| GRU, "AUGRU" 50% \\$x^2\\$ | 0.7600 ± 0.0007 | < 0.001 | 6.8% |  |',
    '| Two lines #1 {a} \\~\\\\ | n/a | 0.046 |  |  |',
    '',
    'Source: &lt;DIEN&gt;  ',
    '',
  ].join('\n');
  assert.equal(resultTableToMarkdown(table), expected);
});

test('CSV: RFC 4180 quoting, raw numbers at full precision, mean/std split into two columns, no notes', () => {
  const expected = [
    'Model,AUC mean,AUC std,p,RelaImpr,"Paper, ""Table 4"""',
    'Base|Model_1,0.74351,0.00128,,0,0.7435 ± 0.00128',
    '"GRU, ""AUGRU"" 50% $x^2$",0.76,0.0007,0.0004,6.8234,',
    '"Two\nlines #1 {a} ~\\",,,0.04567,,',
    '',
  ].join('\n');
  assert.equal(resultTableToCsv(table), expected);
});

test('LaTeX: booktabs table with escaped specials, math for ± and <, label from paper and name', () => {
  const expected = [
    '\\begin{table}[t]',
    '\\centering',
    '\\caption{AUGRU \\& aux\\_loss}',
    '\\label{tab:dien-table4}',
    '\\begin{tabular}{lrrrl}',
    '\\toprule',
    'Model & AUC & p & RelaImpr & Paper, "Table 4" \\\\',
    '\\midrule',
    'Base\\textbar{}Model\\_1 & $0.7435 \\pm 0.0013$ &  & 0.0\\% & 0.7435 $\\pm$ 0.00128 \\\\',
    'GRU, "AUGRU" 50\\% \\$x\\textasciicircum{}2\\$ & $0.7600 \\pm 0.0007$ & $<0.001$ & 6.8\\% &  \\\\',
    'Two lines \\#1 \\{a\\} \\textasciitilde{}\\textbackslash{} & n/a & 0.046 &  &  \\\\',
    '\\bottomrule',
    '\\end{tabular}',
    '\\par\\smallskip{\\footnotesize Source: \\textless{}DIEN\\textgreater{}}',
    '\\end{table}',
    '',
  ].join('\n');
  assert.equal(resultTableToLatex(table), expected);
});

test('escape helpers', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField(' lead'), '" lead"');
  assert.equal(csvField('a"b'), '"a""b"');
  assert.equal(csvField('a\r\nb'), '"a\r\nb"');
  assert.equal(escapeLatex('a_b & 5% of $1 #2 {x}'), 'a\\_b \\& 5\\% of \\$1 \\#2 \\{x\\}');
  assert.equal(escapeLatex('0.5 × 2 − 1 ± 0'), '0.5 $\\times$ 2 - 1 $\\pm$ 0');
  assert.equal(escapeMarkdown('*bold* `code` <b>'), '\\*bold\\* \\`code\\` &lt;b&gt;');
});

test('malformed tables are rejected with the table and the problem named', () => {
  assert.throws(() => resultTableToMarkdown({ ...table, name: '../evil' }), /dien\/\.\.\/evil.*plain file stem/);
  assert.throws(() => resultTableToMarkdown({ ...table, rows: [{ modle: 'x' }] }), /row 0 has key "modle"/);
  assert.throws(
    () => resultTableToCsv({ ...table, rows: [{ auc: 0.5 as unknown as { mean: number; std: number } }] }),
    /column "auc": expected \{ mean, std \}/,
  );
  assert.throws(() => resultTableToLatex({ ...table, columns: [] }), /at least one column/);
});

test('writeResultTable writes md, csv and tex atomically under tables/<paper>/ (no temp files left)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-report-table-'));
  try {
    const written = writeResultTable(table, { resultsDir: dir });
    assert.equal(written.md, path.join(dir, 'tables', 'dien', 'table4.md'));
    assert.equal(fs.readFileSync(written.md, 'utf8'), resultTableToMarkdown(table));
    assert.equal(fs.readFileSync(written.csv, 'utf8'), resultTableToCsv(table));
    assert.equal(fs.readFileSync(written.tex, 'utf8'), resultTableToLatex(table));
    assert.deepEqual(fs.readdirSync(path.join(dir, 'tables', 'dien')).sort(), [
      'table4.csv',
      'table4.md',
      'table4.tex',
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
