/** The dataset a notebook shows (00-data): which one, loading it, and its statistics table. */
import { loadDataset } from '../data/load';
import type { Dataset } from '../data/types';
import type { NotebookSettings } from './notebookSession';
import type { ResultTable } from './resultTable';

/** The dataset 00-data shows: DIL_DATASET, else the profile's built-in synthetic data. */
export function notebookDatasetSpec(settings: NotebookSettings, preset = 'default'): string {
  if (settings.dataset) return settings.dataset;
  if (settings.profile === 'smoke') return `synthetic:${preset}:tiny`;
  if (settings.profile === 'default') return `synthetic:${preset}:small`;
  return `synthetic:${preset}`;
}

/** Loads the notebook's dataset (DIN protocol unless given). */
export function loadNotebookDataset(
  settings: NotebookSettings,
  options: { spec?: string; protocol?: 'din' | 'dien' } = {},
): Promise<Dataset> {
  return loadDataset(options.spec ?? notebookDatasetSpec(settings), {
    dataDir: settings.dataDir,
    protocol: options.protocol ?? 'din',
  });
}

/**
 * DIN Table 2 style statistics of datasets, one row each (identical datasets, e.g. synthetic
 * data loaded under two protocols, once), with split sizes and history lengths.
 */
export function datasetStatsTable(datasets: Dataset[], name = 'dataset-stats'): ResultTable {
  datasets = datasets.filter((d, i) => datasets.findIndex((e) => e.checksum === d.checksum) === i);
  return {
    paper: 'data',
    name,
    title: 'Dataset statistics (DIN Table 2 style) and protocol splits',
    columns: [
      { key: 'dataset', header: 'Dataset' },
      { key: 'protocol', header: 'Protocol' },
      { key: 'users', header: 'Users', kind: 'number', digits: 0 },
      { key: 'items', header: 'Goods', kind: 'number', digits: 0 },
      { key: 'categories', header: 'Categories', kind: 'number', digits: 0 },
      { key: 'samples', header: 'Behaviours', kind: 'number', digits: 0 },
      { key: 'train', header: 'Train rows', kind: 'number', digits: 0 },
      { key: 'valid', header: 'Valid rows', kind: 'number', digits: 0 },
      { key: 'test', header: 'Test rows', kind: 'number', digits: 0 },
      { key: 'positive', header: 'Positive share', kind: 'number', digits: 3 },
      { key: 'histMean', header: 'Mean history', kind: 'number', digits: 1 },
      { key: 'histMax', header: 'Max history', kind: 'number', digits: 0 },
    ],
    rows: datasets.map((d) => {
      const s = d.stats();
      return {
        dataset: s.name,
        protocol: s.protocol,
        users: s.users,
        items: s.items,
        categories: s.categories,
        samples: s.samples,
        train: s.fitRows,
        valid: s.validRows,
        test: s.testRows,
        positive: s.positiveShare,
        histMean: s.historyLength.mean,
        histMax: s.historyLength.max,
      };
    }),
    notes: [
      'Behaviours: reviews (Amazon), positive ratings (MovieLens) or generated clicks ' +
        '(synthetic). Rows: labelled samples of each split.',
    ],
  };
}
