/**
 * Executes one planned run in this process: loads (and caches per process) the dataset,
 * trains, writes the run record atomically. Used in-process for `--jobs 1` and by workers.
 */
import { useBestBackend } from '../backend';
import { loadDataset } from '../data';
import type { Dataset } from '../data/types';
import { canonicalJson, RunConfig } from './runConfig';
import { gitCommit, hostDescription } from './provenance';
import { trainRun } from './runModel';
import { RunRecord, runRecordPath, writeRunRecord } from './runRecord';
import type { PlannedRun } from './spec';

const datasetCache = new Map<string, Dataset>();
const DATASET_CACHE_LIMIT = 2;

/** The dataset of a run config: `data.seed` or else the run seed fixes splits and negatives. */
export async function datasetForRun(config: RunConfig): Promise<Dataset> {
  const { seed: dataSeed, ...data } = config.data;
  const options = { ...data, seed: dataSeed ?? config.seed };
  const key = canonicalJson({ dataset: config.dataset, options });
  const cached = datasetCache.get(key);
  if (cached) return cached;
  const dataset = await loadDataset(config.dataset, options as Parameters<typeof loadDataset>[1]);
  if (datasetCache.size >= DATASET_CACHE_LIMIT) datasetCache.delete(datasetCache.keys().next().value as string);
  datasetCache.set(key, dataset);
  return dataset;
}

/**
 * Trains the run and writes its record; returns the record. `beforeWrite` runs just before the record is written (a
 * worker exits there when its parent is gone).
 */
export async function executePlannedRun(
  run: PlannedRun,
  resultsDir: string,
  hooks: { beforeWrite?: () => void } = {},
): Promise<RunRecord> {
  const backend = await useBestBackend({ quiet: true });
  const startedAt = new Date().toISOString();
  const dataset = await datasetForRun(run.config);
  const { outcome, model } = await trainRun(run.config, dataset);
  model.dispose();
  const record: RunRecord = {
    format: 'dil-run/1',
    paper: run.key.paper,
    experiment: run.key.experiment,
    variant: run.key.variant,
    label: run.label,
    seed: run.key.seed,
    configHash: run.key.configHash,
    config: run.config,
    datasetChecksum: dataset.checksum,
    backend: backend.name,
    gitCommit: gitCommit(),
    host: hostDescription(),
    startedAt,
    finishedAt: new Date().toISOString(),
    selectedOnTest: run.config.train.selectOn === 'test',
    ...outcome,
  };
  hooks.beforeWrite?.();
  writeRunRecord(runRecordPath(resultsDir, run.key), record);
  return record;
}
