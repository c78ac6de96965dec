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
export {
  categoryDistributionFigure,
  compareCurvesFigure,
  datasetFrames,
  datasetStatsTable,
  describeSettings,
  groundTruthFigure,
  historyLengthFigure,
  loadNotebookDataset,
  notebookDatasetSpec,
  notebookAblationOptions,
  notebookExperimentSpec,
  notebookSettings,
  runPaperExperiment,
  showExperiment,
  writeExperiment,
} from './notebookSession';
export type { DatasetFrames, ExperimentReport, NotebookSettings, ShownExperiment } from './notebookSession';
export { trainVariantModel, userAttention } from './userAttention';
export type { UserAttention } from './userAttention';
