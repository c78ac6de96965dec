/**
 * Published numbers the notebooks show beside ours, typed from the papers, the official
 * repositories and the BARS pages (docs/papers.md lists them). Each table names its source. These
 * are the only numbers in the kit not produced by our runs.
 *
 * DMIN's and DHAN's papers could not be obtained: their tables are not here (docs/papers.md
 * §4, §5); the BARS re-runs (FuxiCTR, PyTorch) are given instead where
 * they exist.
 */

import type { ResultTable } from './resultTable';

export type PublishedValue = number | string | null;

export interface PublishedTable {
  /** Stable id, e.g. `dien-table2`. */
  id: string;
  paper: 'din' | 'dien' | 'dmin' | 'dhan';
  /** Where the numbers come from (paper, version, table). */
  source: string;
  caption: string;
  /** Column headers (after the row label). */
  columns: string[];
  rows: Array<{ label: string; values: PublishedValue[] }>;
  notes: string[];
}

const DIN_PAPER = 'Zhou et al., Deep Interest Network for CTR Prediction, KDD 2018, arXiv 1706.06978v4';
const DIEN_PAPER = 'Zhou et al., Deep Interest Evolution Network for CTR Prediction, AAAI 2019, arXiv 1809.03672';
const BARS = 'BARS benchmark (reczoo/BARS @ 5b5e61f), AmazonElectronics_x1 leaderboard, FuxiCTR 2.0.x (PyTorch)';

export const PUBLISHED_TABLES: readonly PublishedTable[] = [
  {
    id: 'din-table2',
    paper: 'din',
    source: `${DIN_PAPER}, Table 2`,
    caption: 'DIN Table 2: dataset statistics',
    columns: ['Users', 'Goods', 'Categories', 'Samples'],
    rows: [
      { label: 'Amazon(Electro).', values: [192403, 63001, 801, 1689188] },
      { label: 'MovieLens.', values: [138493, 27278, 21, 20000263] },
      { label: 'Alibaba.', values: ['60 million', '0.6 billion', 100000, '2.14 billion'] },
    ],
    notes: [],
  },
  {
    id: 'din-table3',
    paper: 'din',
    source: `${DIN_PAPER}, Table 3`,
    caption: 'DIN Table 3: user-weighted AUC (GAUC) and RelaImpr vs BaseModel; all but LR use PReLU',
    columns: ['MovieLens AUC', 'MovieLens RelaImpr %', 'Amazon AUC', 'Amazon RelaImpr %'],
    rows: [
      { label: 'LR', values: [0.7263, -1.61, 0.7742, -24.34] },
      { label: 'BaseModel', values: [0.73, 0.0, 0.8624, 0.0] },
      { label: 'Wide&Deep', values: [0.7304, 0.17, 0.8637, 0.36] },
      { label: 'PNN', values: [0.7321, 0.91, 0.8679, 1.52] },
      { label: 'DeepFM', values: [0.7324, 1.04, 0.8683, 1.63] },
      { label: 'DIN', values: [0.7337, 1.61, 0.8818, 5.35] },
      { label: 'DIN with Dice', values: [0.7348, 2.09, 0.8871, 6.82] },
    ],
    notes: [
      'The paper\'s "AUC" is the impression-weighted user-averaged AUC (GAUC); repeated 5 times and averaged.',
      'The DIN rows were produced with code that leaked the label through an unshared ' +
        'BatchNorm (DIN repo issues #63, #76); after the fix the authors report GAUC ' +
        '0.8698 (DIN) and 0.8711 (DIN with Dice) on Amazon (repo README since 9765f96).',
    ],
  },
  {
    id: 'din-readme-fixed',
    paper: 'din',
    source: 'zhougr1993/DeepInterestNetwork README @ 9765f96 (2020-06-12), after the BatchNorm leak fix',
    caption: 'DIN official code, Amazon Electronics GAUC after the BatchNorm fix',
    columns: ['Amazon GAUC'],
    rows: [
      { label: 'PNN', values: [0.8679] },
      { label: 'DeepFM', values: [0.8683] },
      { label: 'DIN', values: [0.8698] },
      { label: 'DIN with Dice', values: [0.8711] },
    ],
    notes: ['Best test GAUC seen during training (model selection on the test set).'],
  },
  {
    id: 'din-table4',
    paper: 'din',
    source: `${DIN_PAPER}, Table 4`,
    caption: 'DIN Table 4: BaseModel with different regularizations, Alibaba dataset (RelaImpr vs the first line)',
    columns: ['AUC', 'RelaImpr %'],
    rows: [
      { label: 'Without goods_ids feature and Reg.', values: [0.594, 0.0] },
      { label: 'With goods_ids feature without Reg.', values: [0.5959, 2.02] },
      { label: 'With goods_ids feature and Dropout Reg.', values: [0.597, 3.19] },
      { label: 'With goods_ids feature and Filter Reg.', values: [0.5983, 4.57] },
      { label: 'With goods_ids feature and Difacto Reg.', values: [0.5954, 1.49] },
      { label: 'With goods_ids feature and MBA. Reg.', values: [0.6031, 9.68] },
    ],
    notes: [
      'Alibaba production data (not public). The paper has no plain L2 row and did not ' +
        'test regularization on Amazon or MovieLens (section 6.5).',
    ],
  },
  {
    id: 'dien-table1',
    paper: 'dien',
    source: `${DIEN_PAPER}, Table 1`,
    caption: 'DIEN Table 1: dataset statistics (public samples = users: one labelled target per user)',
    columns: ['Users', 'Goods', 'Categories', 'Samples'],
    rows: [
      { label: 'Books', values: [603668, 367982, 1600, 603668] },
      { label: 'Electronics', values: [192403, 63001, 801, 192403] },
      { label: 'Industrial dataset', values: ['0.8 billion', '0.82 billion', 18006, '7.0 billion'] },
    ],
    notes: [],
  },
  {
    id: 'dien-table2',
    paper: 'dien',
    source: `${DIEN_PAPER}, Table 2`,
    caption: 'DIEN Table 2: AUC on public datasets (mean ± std over 5 runs)',
    columns: ['Electronics', 'Books'],
    rows: [
      { label: 'BaseModel', values: ['0.7435 ± 0.00128', '0.7686 ± 0.00253'] },
      { label: 'Wide&Deep', values: ['0.7456 ± 0.00127', '0.7735 ± 0.00051'] },
      { label: 'PNN', values: ['0.7543 ± 0.00101', '0.7799 ± 0.00181'] },
      { label: 'DIN', values: ['0.7603 ± 0.00028', '0.7880 ± 0.00216'] },
      { label: 'Two layer GRU Attention', values: ['0.7605 ± 0.00059', '0.7890 ± 0.00268'] },
      { label: 'DIEN', values: ['0.7792 ± 0.00243', '0.8453 ± 0.00476'] },
    ],
    notes: [
      'Global AUC, DIEN protocol: one (negative, positive) pair per user at the last review, users split about 90/10.',
    ],
  },
  {
    id: 'dien-table4',
    paper: 'dien',
    source: `${DIEN_PAPER}, Table 4`,
    caption: 'DIEN Table 4: effect of AUGRU and the auxiliary loss (AUC, mean ± std)',
    columns: ['Electronics', 'Books'],
    rows: [
      { label: 'BaseModel', values: ['0.7435 ± 0.00128', '0.7686 ± 0.00253'] },
      { label: 'Two layer GRU attention', values: ['0.7605 ± 0.00059', '0.7890 ± 0.00268'] },
      { label: 'BaseModel + GRU + AIGRU', values: ['0.7606 ± 0.00061', '0.7892 ± 0.00222'] },
      { label: 'BaseModel + GRU + AGRU', values: ['0.7628 ± 0.00015', '0.7890 ± 0.00268'] },
      { label: 'BaseModel + GRU + AUGRU', values: ['0.7640 ± 0.00073', '0.7911 ± 0.00150'] },
      { label: 'DIEN', values: ['0.7792 ± 0.00243', '0.8453 ± 0.00476'] },
    ],
    notes: [
      'The Books value of the AGRU row is printed identical to the two-layer row in the paper.',
      'DIEN = AUGRU + auxiliary loss (alpha = 1).',
    ],
  },
  {
    id: 'bars-amazonelectronics',
    paper: 'dmin',
    source: BARS,
    caption: 'BARS re-runs on AmazonElectronics_x1 (DIN protocol): gAUC, AUC, logloss',
    columns: ['gAUC', 'AUC', 'logloss'],
    rows: [
      { label: 'DeepFM', values: [0.87889, 0.881583, 0.437653] },
      { label: 'DIN', values: [0.883526, 0.886028, 0.43019] },
      { label: 'DIEN', values: [0.885625, 0.888777, 0.425708] },
      { label: 'DMIN', values: [0.885636, 0.887665, 0.424567] },
    ],
    notes: [
      'Not the DMIN paper: its tables could not be obtained (unverified). BARS uses ' +
        'the test set for early stopping; DIEN aux-loss weight 0 and DMIN aux-loss weight ' +
        '0 in these runs; DMIN with 8 heads, position embedding 4, behaviour refiner on.',
      'BARS DMIN position-embedding sizes 4 / 8 / 16 gave gAUC 0.885636 / 0.883936 / 0.884420.',
    ],
  },
];

/** The published table with `id`; throws listing the known ids. */
export function publishedTable(id: string): PublishedTable {
  const found = PUBLISHED_TABLES.find((t) => t.id === id);
  if (!found) {
    throw new Error(
      `publishedTable: no published table "${id}"; known: ${PUBLISHED_TABLES.map((t) => t.id).join(', ')}`,
    );
  }
  return found;
}

function normaliseLabel(label: string): string {
  return label.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The published value of row `label` (matched case- and space-insensitively) in `column`, or
 * null when the table has no such row. A "m ± s" string yields its mean when `asNumber`.
 */
export function publishedValue(id: string, label: string, column: string, asNumber = false): PublishedValue {
  const table = publishedTable(id);
  const c = table.columns.indexOf(column);
  if (c < 0)
    throw new Error(`publishedValue: table "${id}" has no column "${column}"; columns: ${table.columns.join(', ')}`);
  const row = table.rows.find((r) => normaliseLabel(r.label) === normaliseLabel(label));
  if (!row) return null;
  const value = row.values[c];
  if (asNumber && typeof value === 'string') {
    const parsed = Number.parseFloat(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return value;
}

/**
 * A published table as a ResultTable (shown in notebooks next to ours; written, if at all, as
 * results/tables/<paper>/published-<id>.*), with its source as the first note.
 */
export function publishedResultTable(id: string): ResultTable {
  const table = publishedTable(id);
  return {
    paper: table.paper,
    name: `published-${table.id}`,
    title: `${table.caption} (published)`,
    columns: [{ key: 'label', header: 'Model' }, ...table.columns.map((header, i) => ({ key: `c${i}`, header }))],
    rows: table.rows.map((row) => {
      const cells: Record<string, string | number | null> = { label: row.label };
      row.values.forEach((value, i) => {
        cells[`c${i}`] = value;
      });
      return cells;
    }),
    notes: [`Source: ${table.source}.`, ...table.notes],
  };
}
