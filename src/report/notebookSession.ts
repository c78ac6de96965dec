/**
 * What the paper notebooks call, so that they stay thin: read the parameters (DIL_* environment
 * variables with defaults), run one of a paper's experiments (resumable sweep: finished runs
 * are reused from their run records), and show + write its table and figures.
 *
 *   const settings = notebookSettings();
 *   const table4 = await runPaperExperiment('dien', 'table4', settings);
 *   await showExperiment(table4);
 */
import type { Dataset, SplitName } from '../data/types';
import { loadDanfo } from '../backend';
import { loadDataset } from '../data/load';
import { ablationSpecs, runAblation } from '../experiments/ablation';
import type { AblationOptions } from '../experiments/ablation';
import { defaultJobs } from '../experiments/runner';
import { paperExperiments } from '../experiments/papers';
import { DHAN_TEMPLATES, DIEN_TEMPLATES, DIN_TEMPLATES, DMIN_TEMPLATES } from '../experiments/papers';
import type { PaperExperimentTemplate } from '../experiments/papers';
import type { RunRecord } from '../experiments/runRecord';
import type { ExperimentSpec, PaperName, ProfileName } from '../experiments/spec';
import type { ExperimentSummary } from '../experiments/summary';
import { readNotebookParameters, seedList } from '../experiments/notebookParameters';
import { renderAndShowFigure, showMarkdown } from './display';
import type { PlotlyFigure, WrittenFigure } from './figureRenderer';
import { attentionHeatmapFigure, trainingCurvesFigure } from './figures';
import { reportResultsDir } from './resultsDir';
import { ResultTable, WrittenTable, resultTableToMarkdown, writeResultTable } from './resultTable';
import { CurveMetric, recordsCurvesFigure, summaryBarFigure, summaryResultTable } from './summaryReport';

/** The parameters of a notebook run (first cell). */
export interface NotebookSettings {
  profile: ProfileName;
  /** Dataset spec, or undefined for each experiment's own synthetic preset (`synthetic`). */
  dataset?: string;
  dataDir?: string;
  /** Seeds (explicit list), or undefined for the profile's. */
  seeds?: number[];
  jobs: number;
  resultsDir: string;
}

/**
 * The settings from DIL_PROFILE (smoke | default | full; default `default`), DIL_DATASET
 * (`synthetic` = each experiment's synthetic preset; `amazon:<Category>`, `movielens`),
 * DIL_DATA_DIR, DIL_SEEDS (count or list), DIL_JOBS (default: cores), DIL_RESULTS (default
 * <project>/results), as `readNotebookParameters` reads them.
 */
export function notebookSettings(env: NodeJS.ProcessEnv = process.env): NotebookSettings {
  const values = readNotebookParameters(env);
  return {
    profile: values.profile ?? 'default',
    dataset: values.dataset,
    dataDir: values.dataDir,
    seeds: values.seeds ? seedList(values.seeds) : undefined,
    jobs: values.jobs ?? defaultJobs(),
    resultsDir: values.resultsDir ?? reportResultsDir(env),
  };
}

/** One line for the notebook: the settings in force. */
export function describeSettings(settings: NotebookSettings): string {
  return [
    `profile=${settings.profile}`,
    `dataset=${settings.dataset ?? 'synthetic (each experiment\'s preset)'}`,
    settings.dataDir ? `dataDir=${settings.dataDir}` : '',
    `seeds=${settings.seeds ? settings.seeds.join(',') : 'profile default'}`,
    `jobs=${settings.jobs}`,
    `results=${settings.resultsDir}`,
  ]
    .filter(Boolean)
    .join('  ');
}

const TEMPLATES: PaperExperimentTemplate[] = [...DIN_TEMPLATES, ...DIEN_TEMPLATES, ...DMIN_TEMPLATES, ...DHAN_TEMPLATES];

/**
 * The options `dil ablate <paper> --experiment <experiment>` would use for the notebook's
 * settings (profile, dataset, data dir, seeds, jobs, results folder), so a notebook and the
 * CLI plan the same runs (same config hashes: records are shared) with the same choices
 * (e.g. the profile's history cap on real data, the dataset cache under <results>/cache).
 * `experiment` undefined: every experiment of the paper (what `dil reproduce` runs first).
 */
export function notebookAblationOptions(experiment: string | undefined, settings: NotebookSettings): AblationOptions {
  return {
    profile: settings.profile,
    experiments: experiment === undefined ? undefined : [experiment],
    dataset: settings.dataset,
    dataDir: settings.dataDir,
    seedList: settings.seeds,
    jobs: settings.jobs,
    resultsDir: settings.resultsDir,
  };
}

/** The experiment spec of `paper`/`experiment` under the notebook's settings (as `dil ablate` plans it; no run executed). */
export function notebookExperimentSpec(paper: PaperName, experiment: string, settings: NotebookSettings): ExperimentSpec {
  const known = paperExperiments(paper, settings.profile).map((s) => s.name);
  if (!known.includes(experiment)) throw new Error(`no experiment "${experiment}" for ${paper}; expected one of: ${known.join(', ')}`);
  return ablationSpecs(paper, notebookAblationOptions(experiment, settings)).specs[0];
}

export interface ExperimentReport {
  spec: ExperimentSpec;
  template?: PaperExperimentTemplate;
  records: RunRecord[];
  summary: ExperimentSummary;
  table: ResultTable;
  /** Runs that failed (message per run); their variants are missing from the table. */
  failures: string[];
  settings: NotebookSettings;
}

/**
 * Runs (or reuses) every run of one experiment and summarises it: mean ± std over seeds, paired
 * p-value vs the base variant, the paper's published columns. Goes through `runAblation`
 * exactly like `dil ablate` (profile history cap on real data, dataset cache under
 * <results>/cache), so the notebook and the CLI share run records.
 */
export async function runPaperExperiment(paper: PaperName, experiment: string, settings: NotebookSettings): Promise<ExperimentReport> {
  notebookExperimentSpec(paper, experiment, settings); // clear error for an unknown experiment
  const template = TEMPLATES.find((t) => t.paper === paper && t.name === experiment);
  const result = await runAblation(paper, notebookAblationOptions(experiment, settings)); // summarised by the paper's metric (spec.metric)
  const { spec, summary, records } = result.experiments[0];
  const failures = result.failures.map((f) => `${f.run.key.variant} seed ${f.run.key.seed}: ${f.error}`);
  const datasets = [...new Set(records.map((r) => r.config.dataset))];
  const notes = [
    ...(spec.notes ?? []),
    `Our data: ${datasets.join(', ') || spec.dataset}; seeds ${spec.seeds.join(', ')}.`,
    ...result.notes,
    ...summary.warnings,
    ...failures.map((f) => `FAILED run ${f}`),
  ];
  const table = summaryResultTable(summary, { title: spec.title, name: experiment, published: template?.published, notes });
  return { spec, template, records, summary, table, failures, settings };
}

export interface ShownExperiment {
  table: WrittenTable;
  figures: WrittenFigure[];
}

/**
 * Shows and writes an experiment's table (results/tables/<paper>/<experiment>.*), its bar chart
 * with the first published column as markers (<experiment>-bars) and per-epoch curves
 * (<experiment>-<metric>) for each of `curves` (default test AUC and training loss).
 * Resolves to nothing (so the notebook prints nothing else); `writeExperiment` returns the paths.
 */
export async function showExperiment(report: ExperimentReport, options: { curves?: CurveMetric[] } = {}): Promise<void> {
  await writeExperiment(report, options);
}

/** `showExperiment` returning the written table and figure paths. */
export async function writeExperiment(report: ExperimentReport, options: { curves?: CurveMetric[] } = {}): Promise<ShownExperiment> {
  const { spec, summary } = report;
  const table = writeResultTable(report.table, { resultsDir: report.settings.resultsDir });
  showMarkdown(resultTableToMarkdown(report.table));
  const figures: WrittenFigure[] = [];
  if (report.failures.length > 0) showMarkdown(`**${report.failures.length} run(s) failed:**\n\n${report.failures.map((f) => `- ${f}`).join('\n')}`);
  if (summary.variants.length === 0) return { table, figures };
  const bars = summaryBarFigure(summary, { title: spec.title, published: report.template?.published?.[0] });
  const written = await renderAndShowFigure(bars, { paper: spec.paper, name: `${spec.name}-bars`, resultsDir: report.settings.resultsDir });
  if (written) figures.push(written);
  for (const metric of options.curves ?? (['testAuc', 'trainLoss'] as CurveMetric[])) {
    const hasValues = report.records.some((r) => r.history.some((h) => (metric === 'auxLoss' ? h.auxLoss !== undefined : true)));
    if (!hasValues) continue;
    const figure = recordsCurvesFigure(report.records, { metric, title: `${spec.title}: ${metric} per epoch` });
    if (figure.data.length === 0) continue;
    const file = await renderAndShowFigure(figure, { paper: spec.paper, name: `${spec.name}-${metric}`, resultsDir: report.settings.resultsDir });
    if (file) figures.push(file);
  }
  return { table, figures };
}

/** The dataset 00-data shows: DIL_DATASET, else the profile's built-in synthetic data. */
export function notebookDatasetSpec(settings: NotebookSettings, preset = 'default'): string {
  if (settings.dataset) return settings.dataset;
  if (settings.profile === 'smoke') return `synthetic:${preset}:tiny`;
  if (settings.profile === 'default') return `synthetic:${preset}:small`;
  return `synthetic:${preset}`;
}

/** Loads the notebook's dataset (DIN protocol unless given). */
export function loadNotebookDataset(settings: NotebookSettings, options: { spec?: string; protocol?: 'din' | 'dien' } = {}): Promise<Dataset> {
  return loadDataset(options.spec ?? notebookDatasetSpec(settings), { dataDir: settings.dataDir, protocol: options.protocol ?? 'din' });
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
    notes: ['Behaviours: reviews (Amazon), positive ratings (MovieLens) or generated clicks (synthetic). Rows: labelled samples of each split.'],
  };
}

/** Histogram of history lengths (the data layer's bins). */
export function historyLengthFigure(dataset: Dataset): PlotlyFigure {
  const h = dataset.stats().historyLength;
  const labels = h.counts.map((_, i) => (i + 1 < h.edges.length ? `${h.edges[i]}-${h.edges[i + 1] - 1}` : `${h.edges[i]}+`));
  return {
    data: [{ type: 'bar', x: labels, y: h.counts, marker: { color: '#1f77b4' }, name: 'samples' }],
    layout: {
      title: { text: `${dataset.name}: history length per sample (mean ${h.mean.toFixed(1)}, median ${h.median}, p90 ${h.p90})` },
      xaxis: { title: { text: 'history length' } },
      yaxis: { title: { text: 'samples' } },
      font: { family: 'DejaVu Sans, Arial, sans-serif', size: 13 },
    },
  };
}

/** Behaviours per level-0 category, the `top` most frequent (from the training-split counts). */
export function categoryDistributionFigure(dataset: Dataset, top = 30): PlotlyFigure {
  const counts = dataset.catCounts[0];
  const ids = Array.from({ length: counts.length - 1 }, (_, i) => i + 1).sort((a, b) => counts[b] - counts[a]).slice(0, top);
  const names = dataset.vocab.cats[0];
  const label = (id: number): string => (names && names[id] !== undefined ? String(names[id]) : `cat ${id}`);
  return {
    data: [{ type: 'bar', x: ids.map(label), y: ids.map((id) => counts[id]), marker: { color: '#1f77b4' }, name: 'occurrences' }],
    layout: {
      title: { text: `${dataset.name}: the ${ids.length} most frequent categories (level "${dataset.levelNames[0] ?? 0}", training split)` },
      xaxis: { tickangle: -40, automargin: true },
      yaxis: { title: { text: 'occurrences (targets + histories)' } },
      font: { family: 'DejaVu Sans, Arial, sans-serif', size: 13 },
    },
  };
}

/**
 * The synthetic generator's ground truth for one user: which level-0 category each of the
 * user's concurrent interests sits on at every step (a heat map, interests x steps).
 */
export function groundTruthFigure(dataset: Dataset, user = 1): PlotlyFigure {
  const truth = dataset.groundTruth;
  if (!truth) throw new Error(`dataset ${dataset.name} has no ground truth (only synthetic data has one)`);
  const { interests: K, steps } = truth;
  const z: number[][] = [];
  for (let k = 0; k < K; k++) {
    const row: number[] = [];
    for (let t = 0; t < steps; t++) row.push(truth.trajectory[(user * steps + t) * K + k]);
    z.push(row);
  }
  const weights = Array.from({ length: K }, (_, k) => truth.interestWeights[user * K + k]);
  const figure = attentionHeatmapFigure({
    title: `${dataset.name}: ground-truth interests of user ${user} (cell = category id)`,
    rows: weights.map((w, k) => `interest ${k + 1} (weight ${w.toFixed(2)})`),
    columns: Array.from({ length: steps }, (_, t) => String(t + 1)),
    z,
    rowTitle: 'interest',
    columnTitle: 'step',
  });
  (figure.data[0] as Record<string, unknown>).colorscale = 'Viridis';
  (figure.data[0] as Record<string, unknown>).colorbar = { title: { text: 'category id' } };
  return figure;
}

/** Lines of the per-epoch curves of one experiment for the given variants only (e.g. with / without aux loss). */
export function compareCurvesFigure(report: ExperimentReport, variants: string[], metric: CurveMetric, title: string): PlotlyFigure {
  const figure = recordsCurvesFigure(report.records, { metric, variants, title });
  return figure.data.length > 0 ? figure : trainingCurvesFigure({ title: `${title} (no runs)`, metric, series: [] });
}

type DanfoFrame = InstanceType<ReturnType<typeof loadDanfo>['DataFrame']>;

/** The DataFrames 00-data shows (danfojs-node, loaded with `loadDanfo`). */
export interface DatasetFrames {
  /** One row per labelled sample: split, user, label (0/1), histLen (before capping), category (the target's level-0 category name). */
  samples: DanfoFrame;
  /** Per split: histLen_count (samples), histLen_mean, histLen_max, label_mean (positive share). */
  perSplit: DanfoFrame;
  /** `describe()` of histLen and label over all samples. */
  described: DanfoFrame;
  /** Samples per history length (histLen, user_count), shortest first. */
  historyLengths: DanfoFrame;
  /** Samples and positive share per target category (label_count, label_mean), most frequent first. */
  categories: DanfoFrame;
}

/** The samples of every split of `dataset` as danfojs DataFrames, with per-split statistics (groupby), describe(), the history-length and category distributions. */
export function datasetFrames(dataset: Dataset): DatasetFrames {
  const dfd = loadDanfo();
  const splits: SplitName[] = ['train', 'valid', 'test'];
  const column = (pick: (split: SplitName) => ArrayLike<number>): number[] => splits.flatMap((s) => Array.from(pick(s)));
  const cats = dataset.itemCats[0];
  const names = dataset.vocab.cats[0];
  const samples = new dfd.DataFrame({
    split: splits.flatMap((s) => new Array<string>(dataset.splitSize(s)).fill(s)),
    user: column((s) => dataset.splits[s].user),
    label: column((s) => dataset.splits[s].label),
    histLen: column((s) => dataset.splits[s].histLen),
    category: column((s) => dataset.splits[s].target).map((item) => names?.[cats[item]] ?? `cat ${cats[item]}`),
  });
  return {
    samples,
    perSplit: samples.groupby(['split']).agg({ histLen: ['count', 'mean', 'max'], label: 'mean' }),
    described: samples.loc({ columns: ['histLen', 'label'] }).describe(),
    historyLengths: samples.groupby(['histLen']).col(['user']).count().sortValues('histLen'),
    categories: samples.groupby(['category']).col(['label']).agg({ label: ['count', 'mean'] }).sortValues('label_count', { ascending: false }),
  };
}

