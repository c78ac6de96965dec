/**
 * Report layer: result tables (md/csv/tex), Plotly figures (inline in notebooks, static
 * SVG/PNG through headless Chromium), published reference numbers, notebook execution.
 */
export { reportResultsDir } from './resultsDir';
export {
  csvField,
  escapeLatex,
  escapeMarkdown,
  resultTableToCsv,
  resultTableToLatex,
  resultTableToMarkdown,
  validateResultTable,
  writeResultTable,
} from './resultTable';
export type { MeanStd, ResultTable, TableCell, TableColumn, TableColumnKind, WrittenTable } from './resultTable';
export { CHROMIUM_FLAGS, HeadlessChromium, findChromium } from './chromium';
export type { ChromiumOptions } from './chromium';
export { plotlySource, plotlyVersion } from './plotlySource';
export {
  FigureRenderer,
  closeSharedFigureRenderer,
  exportFigures,
  figurePaths,
  figureSize,
  sharedFigureRenderer,
  writeStaticImages,
} from './figureRenderer';
export type { NamedFigure, PlotlyFigure, StaticImageOptions, StaticImages, WrittenFigure } from './figureRenderer';
export {
  attentionBarsFigure,
  attentionHeatmapFigure,
  attentionTreeFigure,
  trainingCurvesFigure,
  variantBarFigure,
} from './figures';
export type { AttentionCluster, CurveSeries, VariantBarInput } from './figures';
export {
  displayMimeBundle,
  figureMimeBundle,
  inNotebook,
  plotlyLoaderHtml,
  renderAndShowFigure,
  showFigure,
  showMarkdown,
  showNamedFigure,
  showTable,
} from './display';
export type { ShowFigureOptions } from './display';
export type { MimeBundle } from '../tslabHook';
export { PUBLISHED_TABLES, publishedResultTable, publishedTable, publishedValue } from './publishedTables';
export type { PublishedTable, PublishedValue } from './publishedTables';
export { curveSeriesFromRecords, recordsCurvesFigure, summaryBarFigure, summaryResultTable } from './summaryReport';
export type { CurveMetric, PublishedColumn, RecordLike, SummaryLike, SummaryVariantLike } from './summaryReport';
export {
  NOTEBOOK_PROFILES,
  NotebookExecutionError,
  executeNotebook,
  executeNotebooks,
  findJupyterPython,
  listNotebooks,
  notebookFailureText,
  notebookEnvironment,
} from './executeNotebooks';
export type { ExecuteNotebooksOptions, NotebookParameters, NotebookProfile, NotebookRun } from './executeNotebooks';
export { describeSettings, notebookAblationOptions, notebookExperimentSpec, notebookSettings } from './notebookSession';
export type { NotebookSettings } from './notebookSession';
export { compareCurvesFigure, runPaperExperiment, showExperiment, writeExperiment } from './paperExperiment';
export type { ExperimentReport, ShownExperiment } from './paperExperiment';
export { datasetStatsTable, loadNotebookDataset, notebookDatasetSpec } from './notebookData';
export { categoryDistributionFigure, groundTruthFigure, historyLengthFigure } from './dataFigures';
export { datasetFrames } from './datasetFrames';
export type { DatasetFrames } from './datasetFrames';
export { trainVariantModel, userAttention } from './userAttention';
export type { UserAttention } from './userAttention';
