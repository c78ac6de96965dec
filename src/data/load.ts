/**
 * `loadDataset(spec, options)`: the one entry point from raw files (or the generator) to a
 * `Dataset`.
 *
 * Specs:
 *   'synthetic[:<preset>][:<size>]'  presets default|drift|multi|hier, sizes tiny|small|default
 *   'amazon:<Category>'              + dataDir, protocol 'din' | 'dien'
 *   'movielens'                      + dataDir (ratings.csv, movies.csv)
 *   'log:<path>'                     + itemTable, protocol, logColumns
 *   'csv:<dir>'                      BARS/FuxiCTR sample files (train, [valid,] test .csv[.gz])
 *
 * One function per source below; `buildParts` adds the fields every source shares, and
 * `cachedDataset` puts the raw-file sources (amazon, movielens, log) behind the cache.
 */
import * as fs from 'fs';
import * as path from 'path';
import { amazonFiles, readAmazon } from './amazon';
import { barsFiles, readBarsCsv } from './barsCsv';
import type { BehaviourLog } from './behaviourLog';
import { cacheFile, readCachedParts, writeCachedParts } from './cache';
import { fileSha256, valueHash } from './checksum';
import { DatasetParts, InMemoryDataset } from './dataset';
import { readBehaviourLogFile } from './logFile';
import { MOVIELENS_TEST_FRACTION, readMovieLens } from './movielens';
import { LoadDatasetOptions, validateLoadOptions } from './options';
import { applyProtocol } from './protocols';
import { generateSynthetic } from './synthetic';
import { SYNTHETIC_PRESETS, SYNTHETIC_SIZES, resolveSyntheticOptions } from './syntheticOptions';
import type { Dataset, DatasetStats, NegativeSampler, ProtocolName, UserSplitMode } from './types';

/** Bumped whenever the processing changes, so old caches are not reused. */
export const DATA_PIPELINE_VERSION = 1;

export type ParsedSpec =
  | { kind: 'synthetic'; preset: string; size: string }
  | { kind: 'amazon'; category: string }
  | { kind: 'movielens' }
  | { kind: 'log'; file: string }
  | { kind: 'csv'; dir: string };

/** Parses a dataset spec; throws listing the accepted forms. */
export function parseDatasetSpec(spec: string): ParsedSpec {
  const forms = "'synthetic[:preset][:size]', 'amazon:<Category>', 'movielens', 'log:<path>', 'csv:<dir>'";
  if (typeof spec !== 'string' || spec.trim() === '')
    throw new Error(`dataset spec must be a non-empty string; expected one of ${forms}`);
  const [head, ...rest] = spec.split(':');
  if (head === 'synthetic') {
    let preset = 'default';
    let size = 'default';
    for (const part of rest) {
      if (part in SYNTHETIC_PRESETS && preset === 'default') preset = part;
      else if (part in SYNTHETIC_SIZES) size = part;
      else
        throw new Error(
          `dataset spec '${spec}': unknown synthetic preset or size '${part}'; presets: ` +
            `${Object.keys(SYNTHETIC_PRESETS).join(', ')}; sizes: ` +
            `${Object.keys(SYNTHETIC_SIZES).join(', ')}`,
        );
    }
    return { kind: 'synthetic', preset, size };
  }
  if (head === 'amazon') {
    const category = rest.join(':');
    if (!/^[A-Za-z0-9_&,-]+$/.test(category))
      throw new Error(
        `dataset spec '${spec}': expected 'amazon:<Category>' with a category like Beauty, Electronics, Books`,
      );
    return { kind: 'amazon', category };
  }
  if (head === 'movielens' && rest.length === 0) return { kind: 'movielens' };
  if (head === 'log' && rest.length > 0) return { kind: 'log', file: rest.join(':') };
  if (head === 'csv' && rest.join(':') !== '') return { kind: 'csv', dir: rest.join(':') };
  throw new Error(`unknown dataset spec '${spec}'; expected one of ${forms}`);
}

interface Resolved {
  seed: number;
  protocol: ProtocolName;
  validFraction: number;
  testFraction: number;
  userSplit: UserSplitMode;
  negatives: NegativeSampler;
  auxNegatives: NegativeSampler;
  allowOwnHistoryNegatives: boolean;
  maxLen: number;
}

function resolve(spec: ParsedSpec, o: LoadDatasetOptions): Resolved {
  const protocol = o.protocol ?? 'din';
  return {
    seed: o.seed ?? 1234,
    protocol,
    validFraction: o.validFraction ?? 0.1,
    testFraction: o.testFraction ?? (spec.kind === 'movielens' ? MOVIELENS_TEST_FRACTION : 0.1),
    userSplit: o.userSplit ?? 'exact',
    negatives: o.negatives ?? (protocol === 'din' ? 'uniform' : 'popularity'),
    auxNegatives: o.auxNegatives ?? 'popularity',
    allowOwnHistoryNegatives: o.allowOwnHistoryNegatives ?? false,
    maxLen: o.maxLen ?? 100,
  };
}

function requireDataDir(o: LoadDatasetOptions, what: string): string {
  if (!o.dataDir)
    throw new Error(`loadDataset: ${what} needs the option dataDir (the directory holding the raw files)`);
  return path.resolve(o.dataDir);
}

/** Builds (or loads from cache) a dataset. */
export async function loadDataset(spec: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const o = validateLoadOptions(options);
  const parsed = parseDatasetSpec(spec);
  if (parsed.kind !== 'synthetic' && o.synthetic !== undefined && Object.keys(o.synthetic).length > 0) {
    throw new Error(
      `loadDataset: synthetic options (${Object.keys(o.synthetic).join(', ')}) apply ` +
        `to 'synthetic[:preset][:size]' specs only, not to '${spec}'`,
    );
  }
  const r = resolve(parsed, o);
  switch (parsed.kind) {
    case 'synthetic':
      return syntheticDataset(parsed.preset, parsed.size, o, r);
    case 'csv':
      return barsCsvDataset(parsed.dir, o, r);
    case 'amazon':
      return cachedDataset(amazonSource(parsed.category, o, r), o, r);
    case 'movielens':
      return cachedDataset(movieLensSource(o, r), o, r);
    case 'log':
      return cachedDataset(logSource(parsed.file, o, r), o, r);
  }
}

/** What a source contributes to the parts; the rest comes from the options (`buildParts`). */
type SourceData = Pick<
  DatasetParts,
  | 'levelNames'
  | 'parentLevels'
  | 'vocab'
  | 'itemCats'
  | 'sequences'
  | 'splits'
  | 'behaviours'
  | 'multiLabel'
  | 'groundTruth'
>;

/**
 * The parts of every source: its name and protocol, the resolved options, the checksum, its
 * data. Field by field, since sources pass their reader's whole result.
 */
function buildParts(
  id: { name: string; protocol: string; maxLen: number; checksum: string; options: Record<string, unknown> },
  r: Resolved,
  data: SourceData,
): DatasetParts {
  return {
    name: id.name,
    protocol: id.protocol,
    seed: r.seed,
    maxLen: id.maxLen,
    levelNames: data.levelNames,
    parentLevels: data.parentLevels,
    vocab: data.vocab,
    itemCats: data.itemCats,
    sequences: data.sequences,
    splits: data.splits,
    checksum: id.checksum,
    options: id.options,
    behaviours: data.behaviours,
    auxNegatives: r.auxNegatives,
    allowOwnHistoryNegatives: r.allowOwnHistoryNegatives,
    ...(data.multiLabel && { multiLabel: data.multiLabel }),
    ...(data.groundTruth && { groundTruth: data.groundTruth }),
  };
}

/** 'synthetic[:preset][:size]': generated from the seed; maxLen defaults to the history length. */
function syntheticDataset(preset: string, size: string, o: LoadDatasetOptions, r: Resolved): Dataset {
  const syn = resolveSyntheticOptions(preset, size, o.synthetic);
  const maxLen = o.maxLen ?? syn.historyLength;
  const name = `synthetic:${preset}:${size}`;
  const resolved = {
    seed: r.seed,
    maxLen,
    validFraction: r.validFraction,
    testFraction: r.testFraction,
    auxNegatives: r.auxNegatives,
    allowOwnHistoryNegatives: r.allowOwnHistoryNegatives,
    synthetic: syn,
  };
  const checksum = valueHash({ v: DATA_PIPELINE_VERSION, name, resolved });
  const g = generateSynthetic(syn, r.seed, r);
  const parentLevels = g.levelNames.map((_, l) => l === 0); // sub -> top; brands are no tree level
  return new InMemoryDataset(
    buildParts({ name, protocol: 'synthetic', maxLen, checksum, options: resolved }, r, { ...g, parentLevels }),
  );
}

/** 'csv:<dir>': the files are the samples; only maxLen applies (the splits come from the files). */
async function barsCsvDataset(dir: string, o: LoadDatasetOptions, r: Resolved): Promise<Dataset> {
  for (const key of ['protocol', 'negatives', 'testFraction', 'userSplit'] as const) {
    if (o[key] !== undefined)
      throw new Error(
        `loadDataset: option ${key} does not apply to 'csv:${dir}' (its rows are the samples, split by file)`,
      );
  }
  const files = barsFiles(dir);
  if (!files.valid && o.validFraction !== undefined && o.validFraction > 0) {
    throw new Error(
      `loadDataset: validFraction ${o.validFraction} given but ${dir} has no ` +
        `valid.csv[.gz]; 'csv:<dir>' takes its splits from the files (use validFraction ` +
        `0, or add valid.csv)`,
    );
  }
  const data = await readBarsCsv(dir, { onProgress: o.onProgress });
  const sums: string[] = [];
  for (const f of Object.values(files)) sums.push(await fileSha256(f));
  const name = `csv:${path.basename(path.resolve(dir))}`;
  const resolved = { maxLen: r.maxLen };
  const checksum = valueHash({ v: DATA_PIPELINE_VERSION, name, sums, resolved });
  return new InMemoryDataset(
    buildParts({ name, protocol: 'csv', maxLen: r.maxLen, checksum, options: resolved }, r, {
      ...data,
      levelNames: ['category'],
      parentLevels: [false],
      behaviours: data.rows,
    }),
  );
}

/** A source of raw files, read through the cache. */
interface RawSource {
  name: string;
  protocol: string;
  /** The raw files; their checksums key the cache. */
  files: string[];
  /** Every option that changes the data (part of the cache key). */
  resolved: Record<string, unknown>;
  read(): Promise<{ data: SourceData; sourceChecksums: string[] }>;
}

/** 'amazon:<Category>': the review dump under dataDir, through the DIN or DIEN protocol. */
function amazonSource(category: string, o: LoadDatasetOptions, r: Resolved): RawSource {
  const dir = requireDataDir(o, `'amazon:${category}'`);
  const f = amazonFiles(category, dir);
  return {
    name: `amazon:${category}`,
    protocol: r.protocol,
    files: [f.reviews, f.meta],
    resolved: { ...r, skipBadLines: !!o.skipBadLines },
    read: async () =>
      protocolData(
        await readAmazon(category, dir, {
          protocol: r.protocol,
          skipBadLines: o.skipBadLines,
          onProgress: o.onProgress,
          onWarning: o.onWarning,
        }),
        o,
        r,
      ),
  };
}

/** 'log:<path>': any behaviour log with an item table, through the DIN or DIEN protocol. */
function logSource(logFile: string, o: LoadDatasetOptions, r: Resolved): RawSource {
  if (!o.itemTable)
    throw new Error(
      `loadDataset: 'log:${logFile}' needs the option itemTable (CSV/TSV: item column then category columns)`,
    );
  const [file, itemTable] = [path.resolve(logFile), path.resolve(o.itemTable)];
  return {
    name: `log:${path.basename(logFile)}`,
    protocol: r.protocol,
    files: [file, itemTable],
    resolved: { ...r, logColumns: o.logColumns ?? {}, skipBadLines: !!o.skipBadLines },
    read: async () =>
      protocolData(
        await readBehaviourLogFile(file, {
          itemTable,
          columns: o.logColumns,
          skipBadLines: o.skipBadLines,
          onProgress: o.onProgress,
          onWarning: o.onWarning,
        }),
        o,
        r,
      ),
  };
}

/** Splits a behaviour log into samples by the protocol; its category levels form a tree. */
function protocolData(
  log: BehaviourLog,
  o: LoadDatasetOptions,
  r: Resolved,
): { data: SourceData; sourceChecksums: string[] } {
  o.onProgress?.(0, 1, `protocol ${r.protocol}`);
  const splits = applyProtocol(log, r);
  o.onProgress?.(1, 1, `protocol ${r.protocol}`);
  const data = {
    levelNames: log.levelNames,
    parentLevels: log.levelNames.map(() => true),
    vocab: { users: log.users, items: log.items, cats: log.cats },
    itemCats: log.itemCats,
    sequences: log.sequences,
    splits,
    behaviours: log.sequences.items.length,
  };
  return { data, sourceChecksums: log.sourceChecksums };
}

/**
 * 'movielens': ratings.csv and movies.csv under dataDir; ratings >= positiveRating are clicks, genres the one level.
 */
function movieLensSource(o: LoadDatasetOptions, r: Resolved): RawSource {
  const dir = requireDataDir(o, "'movielens'");
  const positiveRating = o.positiveRating ?? 4;
  return {
    name: 'movielens',
    protocol: 'movielens',
    files: [path.join(dir, 'ratings.csv'), path.join(dir, 'movies.csv')],
    resolved: {
      seed: r.seed,
      maxLen: r.maxLen,
      validFraction: r.validFraction,
      testFraction: r.testFraction,
      userSplit: r.userSplit,
      auxNegatives: r.auxNegatives,
      allowOwnHistoryNegatives: r.allowOwnHistoryNegatives,
      positiveRating,
      skipBadLines: !!o.skipBadLines,
    },
    read: async () => {
      const ml = await readMovieLens(dir, {
        seed: r.seed,
        validFraction: r.validFraction,
        testFraction: r.testFraction,
        userSplit: r.userSplit,
        positiveRating,
        skipBadLines: o.skipBadLines,
        onProgress: o.onProgress,
        onWarning: o.onWarning,
      });
      return { data: { ...ml, levelNames: ['genre'], parentLevels: [false] }, sourceChecksums: ml.sourceChecksums };
    },
  };
}

/** Loads a raw source from the cache when its key matches, else reads it and writes the cache. */
async function cachedDataset(source: RawSource, o: LoadDatasetOptions, r: Resolved): Promise<Dataset> {
  const { name, resolved } = source;
  const keyOf = (sums: string[]): string => valueHash({ v: DATA_PIPELINE_VERSION, name, sums, resolved });
  let key: string | undefined;
  let file: string | undefined;
  if (o.cacheDir) {
    const sums: string[] = [];
    for (const f of source.files) sums.push(fs.existsSync(f) ? await fileSha256(f) : 'missing');
    key = keyOf(sums);
    file = cacheFile(o.cacheDir, name, key);
    const cached = readCachedParts(file);
    if (cached && 'damaged' in cached) {
      // never silent: a damaged cache means something is wrong with the disk or a copy
      (o.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`)))(
        `dataset cache ${file} is damaged (${cached.damaged}); rebuilding it from the raw files`,
      );
    } else if (cached && cached.parts.checksum === key) {
      o.onWarning?.(`dataset ${name}: loaded from cache ${file}`);
      return new InMemoryDataset(cached.parts);
    }
  }
  const { data, sourceChecksums } = await source.read();
  const parts = buildParts(
    { name, protocol: source.protocol, maxLen: r.maxLen, checksum: key ?? keyOf(sourceChecksums), options: resolved },
    r,
    data,
  );
  if (file) writeCachedParts(file, parts);
  return new InMemoryDataset(parts);
}

/** Statistics of a dataset spec (DIN Table 2 style), for `dil data stats --json`. */
export async function datasetStats(spec: string, options: LoadDatasetOptions = {}): Promise<DatasetStats> {
  return (await loadDataset(spec, options)).stats();
}
