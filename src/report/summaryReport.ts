/**
 * From an experiment summary (the experiments layer's `summarizeRuns` output) and run records to
 * the report's tables and figures: our mean ± std over seeds, the difference and paired p-value
 * against the base variant, RelaImpr, and the paper's published numbers in extra columns.
 *
 * The input types here are structural (only the fields used), so any summary or record with
 * these fields works.
 */
import { PlotlyFigure } from './figureRenderer';
import { CurveSeries, trainingCurvesFigure, variantBarFigure } from './figures';
import { PublishedValue, publishedTable, publishedValue } from './publishedTables';
import { ResultTable, TableCell, TableColumn } from './resultTable';

export interface SummaryVariantLike {
  variant: string;
  label: string;
  runs: number;
  meanAuc: number;
  stdAuc: number;
  /** Paired t-test p-value vs the base (NaN for the base or with < 2 pairs). */
  pValue: number;
  diffAuc?: number;
  relaImpr?: number;
}

export interface SummaryLike {
  paper: string;
  experiment: string;
  baseVariant: string;
  metric: 'auc' | 'gauc';
  variants: SummaryVariantLike[];
  selectedOnTest?: boolean;
}

/** One published column to put beside ours. */
export interface PublishedColumn {
  /** A `PUBLISHED_TABLES` id, e.g. `dien-table4`. */
  tableId: string;
  /** A column of that table, e.g. `Electronics`. */
  column: string;
  /** Header in our table (default "<column> (paper)"). */
  header?: string;
  /** Our variant name (or label) -> the published row label, where they differ. */
  rowLabels?: Record<string, string>;
}

function publishedFor(column: PublishedColumn, variant: SummaryVariantLike, asNumber: boolean): PublishedValue {
  const label = column.rowLabels?.[variant.variant] ?? column.rowLabels?.[variant.label] ?? variant.label;
  return publishedValue(column.tableId, label, column.column, asNumber);
}

function metricName(summary: SummaryLike): string {
  return summary.metric === 'gauc' ? 'test gAUC' : 'test AUC';
}

/**
 * The result table of one experiment: Model, ours (mean ± std), diff vs base, paired p-value,
 * RelaImpr, runs, then the published columns. Notes name the published sources and flag
 * test-set model selection.
 */
export function summaryResultTable(
  summary: SummaryLike,
  options: { title?: string; name?: string; published?: PublishedColumn[]; notes?: string[] } = {},
): ResultTable {
  const ours = `${metricName(summary)}, ours (mean ± std)`;
  const columns: TableColumn[] = [
    { key: 'model', header: 'Model' },
    { key: 'ours', header: ours, kind: 'meanStd', digits: 4 },
    { key: 'diff', header: 'diff vs base', kind: 'number', digits: 4 },
    { key: 'p', header: 'p (paired t vs base)', kind: 'pvalue' },
    { key: 'relaImpr', header: 'RelaImpr', kind: 'percent', digits: 2 },
    { key: 'runs', header: 'seeds', kind: 'number', digits: 0 },
  ];
  const published = options.published ?? [];
  published.forEach((p, i) =>
    columns.push({ key: `published${i}`, header: p.header ?? `${p.column} (paper)`, kind: 'text' }),
  );
  const rows = summary.variants.map((v) => {
    const isBase = v.variant === summary.baseVariant;
    const row: Record<string, TableCell> = {
      model: isBase ? `${v.label} (base)` : v.label,
      ours: { mean: v.meanAuc, std: v.runs < 2 ? NaN : v.stdAuc, n: v.runs },
      diff: isBase ? null : v.diffAuc,
      p: isBase ? null : v.pValue,
      relaImpr: v.relaImpr,
      runs: v.runs,
    };
    published.forEach((p, i) => {
      const value = publishedFor(p, v, false);
      row[`published${i}`] = value === null ? '' : String(value);
    });
    return row;
  });
  const notes = [...(options.notes ?? [])];
  for (const p of published)
    notes.push(`Published column "${p.header ?? `${p.column} (paper)`}": ${publishedTable(p.tableId).source}.`);
  notes.push(
    'Ours: mean ± sample std over seeds (no std with one seed); p: two-sided paired ' +
      't-test over seeds against the base variant (n/a with fewer than 2 seeds).',
  );
  if (summary.selectedOnTest)
    notes.push('Model selection on the TEST split (official-code behaviour): numbers are optimistic.');
  return {
    paper: summary.paper,
    name: options.name ?? summary.experiment,
    title: options.title,
    columns,
    rows,
    notes,
  };
}

/** Bars of our mean ± std per variant, with the published values (one column) as markers. */
export function summaryBarFigure(
  summary: SummaryLike,
  options: { title?: string; published?: PublishedColumn } = {},
): PlotlyFigure {
  const p = options.published;
  return variantBarFigure({
    title: options.title ?? `${summary.paper.toUpperCase()} ${summary.experiment}: ${metricName(summary)}`,
    metric: metricName(summary),
    variants: summary.variants.map((v) => v.label),
    means: summary.variants.map((v) => v.meanAuc),
    stds: summary.variants.map((v) => v.stdAuc),
    published: p ? summary.variants.map((v) => publishedFor(p, v, true) as number | null) : undefined,
    publishedLabel: p ? `paper (${publishedTable(p.tableId).caption.split(':')[0]}, ${p.column})` : undefined,
  });
}

export interface RecordLike {
  variant: string;
  label: string;
  seed: number;
  history: Array<{
    epoch: number;
    trainLoss: number;
    auxLoss?: number;
    test?: { auc: number };
    valid?: { auc: number };
  }>;
}

export type CurveMetric = 'testAuc' | 'validAuc' | 'trainLoss' | 'auxLoss';

const CURVE_TITLES: Record<CurveMetric, string> = {
  testAuc: 'test AUC',
  validAuc: 'validation AUC',
  trainLoss: 'training loss',
  auxLoss: 'auxiliary loss',
};

function curveValue(entry: RecordLike['history'][number], metric: CurveMetric): number | undefined {
  switch (metric) {
    case 'testAuc':
      return entry.test?.auc;
    case 'validAuc':
      return entry.valid?.auc;
    case 'trainLoss':
      return entry.trainLoss;
    case 'auxLoss':
      return entry.auxLoss;
  }
}

/**
 * Per-epoch curves, one line per variant: the mean over seeds at each epoch (epochs shown
 * 1-based), with a ± std band when more than one seed has the epoch.
 */
export function curveSeriesFromRecords(records: RecordLike[], metric: CurveMetric, variants?: string[]): CurveSeries[] {
  const byVariant = new Map<string, { label: string; values: Map<number, number[]> }>();
  for (const record of records) {
    if (variants && !variants.includes(record.variant)) continue;
    let entry = byVariant.get(record.variant);
    if (!entry) byVariant.set(record.variant, (entry = { label: record.label, values: new Map() }));
    for (const h of record.history) {
      const v = curveValue(h, metric);
      if (v === undefined || !Number.isFinite(v)) continue;
      const list = entry.values.get(h.epoch) ?? [];
      list.push(v);
      entry.values.set(h.epoch, list);
    }
  }
  const order = variants ?? [...byVariant.keys()];
  const series: CurveSeries[] = [];
  for (const name of order) {
    const entry = byVariant.get(name);
    if (!entry || entry.values.size === 0) continue;
    const epochs = [...entry.values.keys()].sort((a, b) => a - b);
    const means = epochs.map((e) => {
      const vs = entry.values.get(e)!;
      return vs.reduce((s, v) => s + v, 0) / vs.length;
    });
    const stds = epochs.map((e, i) => {
      const vs = entry.values.get(e)!;
      if (vs.length < 2) return 0;
      return Math.sqrt(vs.reduce((s, v) => s + (v - means[i]) ** 2, 0) / (vs.length - 1));
    });
    const multiSeed = epochs.some((e) => entry.values.get(e)!.length > 1);
    series.push({ name: entry.label, x: epochs.map((e) => e + 1), y: means, std: multiSeed ? stds : undefined });
  }
  return series;
}

/** Training curves figure of `metric` from run records (one line per variant). */
export function recordsCurvesFigure(
  records: RecordLike[],
  options: { metric: CurveMetric; title?: string; variants?: string[] },
): PlotlyFigure {
  return trainingCurvesFigure({
    title: options.title ?? `${CURVE_TITLES[options.metric]} per epoch`,
    metric: CURVE_TITLES[options.metric],
    series: curveSeriesFromRecords(records, options.metric, options.variants),
  });
}
