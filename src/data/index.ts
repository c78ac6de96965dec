/**
 * Data layer: readers (Amazon 2014 dump, MovieLens, any behaviour log), the DIN and DIEN
 * protocols, the synthetic generator with ground truth, datasets and batches, the processed-
 * dataset cache, the Amazon downloader, statistics.
 *
 * Entry point: `loadDataset(spec, options)` -> `Dataset` (see types.ts); `dataset.batches(...)`
 * yields `Batch` (batch.ts).
 */
export type { Batch, FeatureSizes } from './batch';
export type {
  BatchOptions,
  CategoryHierarchy,
  Dataset,
  DatasetFields,
  DatasetStats,
  HistoryLengthStats,
  MultiLabelAttribute,
  NegativeSampler,
  ProgressCallback,
  ProtocolName,
  SampleTable,
  SplitName,
  SyntheticGroundTruth,
  UserSequences,
  UserSplitMode,
  Vocabularies,
} from './types';
export { SPLIT_NAMES } from './types';
export type { LoadDatasetOptions } from './options';
export { LOAD_OPTION_KEYS } from './options';
export { loadDataset, datasetStats, parseDatasetSpec, DATA_PIPELINE_VERSION } from './load';
export type { ParsedSpec } from './load';
export type { SyntheticOptions } from './syntheticOptions';
export { SYNTHETIC_DEFAULTS, SYNTHETIC_PRESETS, SYNTHETIC_SIZES, resolveSyntheticOptions } from './syntheticOptions';
export { generateSynthetic } from './synthetic';
export { downloadAmazon, verifyGzip, amazonFileNames, AMAZON_BASE_URL } from './download';
export type { DownloadAmazonOptions, DownloadResult } from './download';
export { readAmazon, amazonFiles, parseReviewLine, parseMetaLine, categoryLevels } from './amazon';
export { readMovieLens, MOVIELENS_TEST_FRACTION } from './movielens';
export { readBehaviourLogFile } from './logFile';
export type { BehaviourLog } from './behaviourLog';
export { applyProtocol, dinProtocol, dienProtocol } from './protocols';
export type { ProtocolOptions } from './protocols';
export { InMemoryDataset } from './dataset';
export { buildHierarchy } from './hierarchy';
export { serializeDatasetParts, deserializeDatasetParts } from './datasetBytes';
export type { DatasetParts } from './dataset';
export { DataFormatError } from './errors';
export { parsePythonLiteral, PythonLiteralError } from './pythonLiteral';
export type { PyValue } from './pythonLiteral';
