/**
 * Sweep summary: per variant the mean and sample std of test AUC (and gAUC, logloss) over
 * seeds, the difference to the named base variant, a paired t-test across seeds (pairs =
 * same seed), and RelaImpr against the base's mean AUC.
 */
import { meanOf, pairedTTest, relaImpr, sampleStdOf } from '../metrics';
import { RunRecord } from './runRecord';

export interface VariantSummary {
  variant: string;
  label: string;
  runs: number;
  seeds: number[];
  meanAuc: number;
  stdAuc: number;
  meanGauc: number;
  stdGauc: number;
  meanLogloss: number;
  /** meanAuc - base meanAuc (0 for the base). */
  diffAuc: number;
  /** Paired t-test p-value vs the base over the seeds both have (NaN with < 2 pairs or for the base). */
  pValue: number;
  /** Number of seed pairs behind pValue. */
  pairs: number;
  /** RelaImpr (%) of meanAuc against the base's meanAuc (NaN when base AUC <= 0.5). */
  relaImpr: number;
  samplesPerSecond: number;
}

export interface ExperimentSummary {
  paper: string;
  experiment: string;
  baseVariant: string;
  /** Metric summarised ('auc' = global test AUC). */
  metric: 'auc' | 'gauc';
  variants: VariantSummary[];
  /** True when any run picked its epoch on the test set (official-code behaviour). */
  selectedOnTest: boolean;
  /** Runs whose records disagreed on config hash per variant+seed (a changed config; newest kept). */
  warnings: string[];
}

export interface SummaryOptions {
  /** Variant order and labels (default: order of first appearance, label = variant name or the record's). */
  variants?: { name: string; label: string }[];
  baseVariant?: string;
  /** 'auc' (default) or 'gauc' is the main metric (meanAuc/pValue use it). */
  metric?: 'auc' | 'gauc';
}

/** Summarises records of one experiment. */
export function summarizeRuns(records: RunRecord[], options: SummaryOptions = {}): ExperimentSummary {
  const metric = options.metric ?? 'auc';
  const warnings: string[] = [];
  const byVariant = new Map<string, Map<number, RunRecord>>();
  for (const record of records) {
    let bySeed = byVariant.get(record.variant);
    if (!bySeed) byVariant.set(record.variant, (bySeed = new Map()));
    const previous = bySeed.get(record.seed);
    if (previous) {
      warnings.push(
        `variant ${record.variant} seed ${record.seed}: two records (config ` +
          `${previous.configHash} and ${record.configHash}); keeping the newer`,
      );
      if (previous.finishedAt > record.finishedAt) continue;
    }
    bySeed.set(record.seed, record);
  }
  const order = options.variants ?? [...byVariant.keys()].map((name) => ({ name, label: name }));
  const baseVariant = options.baseVariant ?? order[0]?.name ?? '';
  const value = (r: RunRecord) => (metric === 'auc' ? r.best.test.auc : r.best.test.gauc);
  const base = byVariant.get(baseVariant);
  const baseMean = base ? meanOf([...base.values()].map(value)) : NaN;
  const variants: VariantSummary[] = [];
  for (const { name, label } of order) {
    const bySeed = byVariant.get(name);
    if (!bySeed || bySeed.size === 0) continue;
    const seeds = [...bySeed.keys()].sort((a, b) => a - b);
    const runs = seeds.map((s) => bySeed.get(s)!);
    const values = runs.map(value);
    let pValue = NaN;
    let pairs = 0;
    if (base && name !== baseVariant) {
      const shared = seeds.filter((s) => base.has(s));
      pairs = shared.length;
      if (pairs >= 2) {
        pValue = pairedTTest(
          shared.map((s) => value(bySeed.get(s)!)),
          shared.map((s) => value(base.get(s)!)),
        ).pValue;
      }
    }
    const meanValue = meanOf(values);
    variants.push({
      variant: name,
      label: label === name && runs[0]?.label ? runs[0].label : label,
      runs: runs.length,
      seeds,
      meanAuc: meanValue,
      stdAuc: sampleStdOf(values),
      meanGauc: meanOf(runs.map((r) => r.best.test.gauc)),
      stdGauc: sampleStdOf(runs.map((r) => r.best.test.gauc)),
      meanLogloss: meanOf(runs.map((r) => r.best.test.logloss)),
      diffAuc: meanValue - baseMean,
      pValue,
      pairs,
      relaImpr: baseMean > 0.5 ? relaImpr(meanValue, baseMean) : NaN,
      samplesPerSecond: meanOf(runs.map((r) => r.samplesPerSecond)),
    });
  }
  return {
    paper: records[0]?.paper ?? '',
    experiment: records[0]?.experiment ?? '',
    baseVariant,
    metric,
    variants,
    selectedOnTest: records.some((r) => r.selectedOnTest),
    warnings,
  };
}

/** Groups records by `paper/experiment`. */
export function groupRecordsByExperiment(records: RunRecord[]): Map<string, RunRecord[]> {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const key = `${r.paper}/${r.experiment}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  return groups;
}

function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Plain-text table (terminal): variant, mean ± std, diff, p-value, RelaImpr, runs. */
export function formatSummaryText(summary: ExperimentSummary, title?: string): string {
  const metricName = summary.metric === 'auc' ? 'test AUC' : 'test gAUC';
  const header = ['Model', `${metricName} (mean ± std)`, 'diff vs base', 'p (paired t)', 'RelaImpr', 'runs'];
  const rows = summary.variants.map((v) => [
    v.label,
    `${fmt(v.meanAuc, 4)} ± ${fmt(v.stdAuc, 4)}`,
    v.variant === summary.baseVariant ? 'base' : `${v.diffAuc >= 0 ? '+' : ''}${fmt(v.diffAuc, 4)}`,
    v.variant === summary.baseVariant
      ? ''
      : Number.isNaN(v.pValue)
        ? 'n/a'
        : v.pValue < 0.001
          ? '< 0.001'
          : v.pValue.toFixed(3),
    v.variant === summary.baseVariant ? '0.00%' : Number.isFinite(v.relaImpr) ? `${v.relaImpr.toFixed(2)}%` : 'n/a',
    String(v.runs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  const out: string[] = [];
  if (title) out.push(title);
  out.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line));
  if (summary.selectedOnTest)
    out.push(
      'NOTE: model selection on the TEST split (selectOn: test, official-code behaviour); numbers are optimistic.',
    );
  for (const w of summary.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n')}\n`;
}
