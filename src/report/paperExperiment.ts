/**
 * One paper experiment in a notebook: run (or reuse) its runs, summarise them into the table,
 * and show + write the table and figures.
 */
import { runAblation } from '../experiments/ablation';
import { DHAN_TEMPLATES, DIEN_TEMPLATES, DIN_TEMPLATES, DMIN_TEMPLATES } from '../experiments/papers';
import type { PaperExperimentTemplate } from '../experiments/papers';
import type { RunRecord } from '../experiments/runRecord';
import type { ExperimentSpec, PaperName } from '../experiments/spec';
import type { ExperimentSummary } from '../experiments/summary';
import { renderAndShowFigure, showMarkdown } from './display';
import type { PlotlyFigure, WrittenFigure } from './figureRenderer';
import { trainingCurvesFigure } from './figures';
import { notebookAblationOptions, notebookExperimentSpec } from './notebookSession';
import type { NotebookSettings } from './notebookSession';
import { ResultTable, WrittenTable, resultTableToMarkdown, writeResultTable } from './resultTable';
import { CurveMetric, recordsCurvesFigure, summaryBarFigure, summaryResultTable } from './summaryReport';

const TEMPLATES: PaperExperimentTemplate[] = [
  ...DIN_TEMPLATES,
  ...DIEN_TEMPLATES,
  ...DMIN_TEMPLATES,
  ...DHAN_TEMPLATES,
];

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
export async function runPaperExperiment(
  paper: PaperName,
  experiment: string,
  settings: NotebookSettings,
): Promise<ExperimentReport> {
  notebookExperimentSpec(paper, experiment, settings); // clear error for an unknown experiment
  const template = TEMPLATES.find((t) => t.paper === paper && t.name === experiment);
  // summarised by the paper's metric (spec.metric)
  const result = await runAblation(paper, notebookAblationOptions(experiment, settings));
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
  const table = summaryResultTable(summary, {
    title: spec.title,
    name: experiment,
    published: template?.published,
    notes,
  });
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
export async function showExperiment(
  report: ExperimentReport,
  options: { curves?: CurveMetric[] } = {},
): Promise<void> {
  await writeExperiment(report, options);
}

/** `showExperiment` returning the written table and figure paths. */
export async function writeExperiment(
  report: ExperimentReport,
  options: { curves?: CurveMetric[] } = {},
): Promise<ShownExperiment> {
  const { spec, summary } = report;
  const table = writeResultTable(report.table, { resultsDir: report.settings.resultsDir });
  showMarkdown(resultTableToMarkdown(report.table));
  const figures: WrittenFigure[] = [];
  if (report.failures.length > 0)
    showMarkdown(`**${report.failures.length} run(s) failed:**\n\n${report.failures.map((f) => `- ${f}`).join('\n')}`);
  if (summary.variants.length === 0) return { table, figures };
  const bars = summaryBarFigure(summary, { title: spec.title, published: report.template?.published?.[0] });
  const written = await renderAndShowFigure(bars, {
    paper: spec.paper,
    name: `${spec.name}-bars`,
    resultsDir: report.settings.resultsDir,
  });
  if (written) figures.push(written);
  for (const metric of options.curves ?? (['testAuc', 'trainLoss'] as CurveMetric[])) {
    const hasValues = report.records.some((r) =>
      r.history.some((h) => (metric === 'auxLoss' ? h.auxLoss !== undefined : true)),
    );
    if (!hasValues) continue;
    const figure = recordsCurvesFigure(report.records, { metric, title: `${spec.title}: ${metric} per epoch` });
    if (figure.data.length === 0) continue;
    const file = await renderAndShowFigure(figure, {
      paper: spec.paper,
      name: `${spec.name}-${metric}`,
      resultsDir: report.settings.resultsDir,
    });
    if (file) figures.push(file);
  }
  return { table, figures };
}

/** Lines of the per-epoch curves of one experiment for the given variants only (e.g. with / without aux loss). */
export function compareCurvesFigure(
  report: ExperimentReport,
  variants: string[],
  metric: CurveMetric,
  title: string,
): PlotlyFigure {
  const figure = recordsCurvesFigure(report.records, { metric, variants, title });
  return figure.data.length > 0 ? figure : trainingCurvesFigure({ title: `${title} (no runs)`, metric, series: [] });
}
