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
import { SYNTHETIC_PRESETS, SYNTHETIC_SIZES, generateSynthetic, resolveSyntheticOptions } from './synthetic';
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
  if (typeof spec !== 'string' || spec.trim() === '') throw new Error(`dataset spec must be a non-empty string; expected one of ${forms}`);
  const [head, ...rest] = spec.split(':');
  if (head === 'synthetic') {
    let preset = 'default';
    let size = 'default';
    for (const part of rest) {
      if (part in SYNTHETIC_PRESETS && preset === 'default') preset = part;
      else if (part in SYNTHETIC_SIZES) size = part;
      else throw new Error(`dataset spec '${spec}': unknown synthetic preset or size '${part}'; presets: ${Object.keys(SYNTHETIC_PRESETS).join(', ')}; sizes: ${Object.keys(SYNTHETIC_SIZES).join(', ')}`);
    }
    return { kind: 'synthetic', preset, size };
  }
  if (head === 'amazon') {
    const category = rest.join(':');
    if (!/^[A-Za-z0-9_&,-]+$/.test(category)) throw new Error(`dataset spec '${spec}': expected 'amazon:<Category>' with a category like Beauty, Electronics, Books`);
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
  if (!o.dataDir) throw new Error(`loadDataset: ${what} needs the option dataDir (the directory holding the raw files)`);
  return path.resolve(o.dataDir);
}

/** Builds (or loads from cache) a dataset. */
export async function loadDataset(spec: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const o = validateLoadOptions(options);
  const parsed = parseDatasetSpec(spec);
  if (parsed.kind !== 'synthetic' && o.synthetic !== undefined && Object.keys(o.synthetic).length > 0) {
    throw new Error(`loadDataset: synthetic options (${Object.keys(o.synthetic).join(', ')}) apply to 'synthetic[:preset][:size]' specs only, not to '${spec}'`);
  }
  const r = resolve(parsed, o);
  const warn = o.onWarning ?? (() => undefined);

  if (parsed.kind === 'synthetic') {
    const syn = resolveSyntheticOptions(parsed.preset, parsed.size, o.synthetic);
    const maxLen = o.maxLen ?? syn.historyLength;
    const name = `synthetic:${parsed.preset}:${parsed.size}`;
    const resolved = { seed: r.seed, maxLen, validFraction: r.validFraction, testFraction: r.testFraction, auxNegatives: r.auxNegatives, allowOwnHistoryNegatives: r.allowOwnHistoryNegatives, synthetic: syn };
    const checksum = valueHash({ v: DATA_PIPELINE_VERSION, name, resolved });
    const g = generateSynthetic(syn, r.seed, r);
    return new InMemoryDataset({
      name,
      protocol: 'synthetic',
      seed: r.seed,
      maxLen,
      levelNames: g.levelNames,
      parentLevels: g.levelNames.map((_, l) => l === 0),
      vocab: g.vocab,
      itemCats: g.itemCats,
      sequences: g.sequences,
      splits: g.splits,
      checksum,
      options: resolved,
      behaviours: g.behaviours,
      auxNegatives: r.auxNegatives,
      allowOwnHistoryNegatives: r.allowOwnHistoryNegatives,
      groundTruth: g.groundTruth,
    });
  }

  if (parsed.kind === 'csv') return loadBarsCsv(parsed.dir, o, r);

  // Real sources: cache key = source checksums + every option that changes the data.
  let sourceFiles: string[];
  let name: string;
  let protocolName: string;
  let resolved: Record<string, unknown>;
  if (parsed.kind === 'amazon') {
    const dir = requireDataDir(o, `'amazon:${parsed.category}'`);
    const f = amazonFiles(parsed.category, dir);
    sourceFiles = [f.reviews, f.meta];
    name = `amazon:${parsed.category}`;
    protocolName = r.protocol;
    resolved = { ...r, skipBadLines: !!o.skipBadLines };
  } else if (parsed.kind === 'movielens') {
    const dir = requireDataDir(o, "'movielens'");
    sourceFiles = [path.join(dir, 'ratings.csv'), path.join(dir, 'movies.csv')];
    name = 'movielens';
    protocolName = 'movielens';
    resolved = { seed: r.seed, maxLen: r.maxLen, validFraction: r.validFraction, testFraction: r.testFraction, userSplit: r.userSplit, auxNegatives: r.auxNegatives, allowOwnHistoryNegatives: r.allowOwnHistoryNegatives, positiveRating: o.positiveRating ?? 4, skipBadLines: !!o.skipBadLines };
  } else {
    if (!o.itemTable) throw new Error(`loadDataset: '${spec}' needs the option itemTable (CSV/TSV: item column then category columns)`);
    sourceFiles = [path.resolve(parsed.file), path.resolve(o.itemTable)];
    name = `log:${path.basename(parsed.file)}`;
    protocolName = r.protocol;
    resolved = { ...r, logColumns: o.logColumns ?? {}, skipBadLines: !!o.skipBadLines };
  }
  let key: string | undefined;
  let file: string | undefined;
  if (o.cacheDir) {
    const sums: string[] = [];
    for (const f of sourceFiles) sums.push(fs.existsSync(f) ? await fileSha256(f) : 'missing');
    key = valueHash({ v: DATA_PIPELINE_VERSION, name, sums, resolved });
    file = cacheFile(o.cacheDir, name, key);
    const cached = readCachedParts(file);
    if (cached && 'damaged' in cached) {
      // never silent: a damaged cache means something is wrong with the disk or a copy
      (o.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`)))(`dataset cache ${file} is damaged (${cached.damaged}); rebuilding it from the raw files`);
    } else if (cached && cached.parts.checksum === key) {
      warn(`dataset ${name}: loaded from cache ${file}`);
      return new InMemoryDataset(cached.parts);
    }
  }

  let parts: DatasetParts;
  if (parsed.kind === 'movielens') {
    const ml = await readMovieLens(requireDataDir(o, "'movielens'"), {
      seed: r.seed,
      validFraction: r.validFraction,
      testFraction: r.testFraction,
      userSplit: r.userSplit,
      positiveRating: o.positiveRating ?? 4,
      skipBadLines: o.skipBadLines,
      onProgress: o.onProgress,
      onWarning: o.onWarning,
    });
    key ??= valueHash({ v: DATA_PIPELINE_VERSION, name, sums: ml.sourceChecksums, resolved });
    parts = {
      name,
      protocol: protocolName,
      seed: r.seed,
      maxLen: r.maxLen,
      levelNames: ['genre'],
      parentLevels: [false],
      vocab: ml.vocab,
      itemCats: ml.itemCats,
      sequences: ml.sequences,
      splits: ml.splits,
      checksum: key,
      options: resolved,
      behaviours: ml.behaviours,
      auxNegatives: r.auxNegatives,
      allowOwnHistoryNegatives: r.allowOwnHistoryNegatives,
      multiLabel: ml.multiLabel,
    };
  } else {
    let log: BehaviourLog;
    if (parsed.kind === 'amazon') {
      log = await readAmazon(parsed.category, requireDataDir(o, name), { protocol: r.protocol, skipBadLines: o.skipBadLines, onProgress: o.onProgress, onWarning: o.onWarning });
    } else {
      log = await readBehaviourLogFile(sourceFiles[0], { itemTable: sourceFiles[1], columns: o.logColumns, skipBadLines: o.skipBadLines, onProgress: o.onProgress, onWarning: o.onWarning });
    }
    key ??= valueHash({ v: DATA_PIPELINE_VERSION, name, sums: log.sourceChecksums, resolved });
    o.onProgress?.(0, 1, `protocol ${r.protocol}`);
    const splits = applyProtocol(log, r);
    o.onProgress?.(1, 1, `protocol ${r.protocol}`);
    parts = {
      name,
      protocol: protocolName,
      seed: r.seed,
      maxLen: r.maxLen,
      levelNames: log.levelNames,
      parentLevels: log.levelNames.map(() => true),
      vocab: { users: log.users, items: log.items, cats: log.cats },
      itemCats: log.itemCats,
      sequences: log.sequences,
      splits,
      checksum: key,
      options: resolved,
      behaviours: log.sequences.items.length,
      auxNegatives: r.auxNegatives,
      allowOwnHistoryNegatives: r.allowOwnHistoryNegatives,
    };
  }
  if (file) writeCachedParts(file, parts);
  return new InMemoryDataset(parts);
}

/** 'csv:<dir>': the files are the samples; only maxLen applies (the splits come from the files). */
async function loadBarsCsv(dir: string, o: LoadDatasetOptions, r: Resolved): Promise<Dataset> {
  for (const key of ['protocol', 'negatives', 'testFraction', 'userSplit'] as const) {
    if (o[key] !== undefined) throw new Error(`loadDataset: option ${key} does not apply to 'csv:${dir}' (its rows are the samples, split by file)`);
  }
  const files = barsFiles(dir);
  if (!files.valid && o.validFraction !== undefined && o.validFraction > 0) {
    throw new Error(`loadDataset: validFraction ${o.validFraction} given but ${dir} has no valid.csv[.gz]; 'csv:<dir>' takes its splits from the files (use validFraction 0, or add valid.csv)`);
  }
  const data = await readBarsCsv(dir, { onProgress: o.onProgress });
  const sums: string[] = [];
  for (const f of Object.values(files)) sums.push(await fileSha256(f));
  const name = `csv:${path.basename(path.resolve(dir))}`;
  const resolved = { maxLen: r.maxLen };
  return new InMemoryDataset({
    name,
    protocol: 'csv',
    seed: r.seed,
    maxLen: r.maxLen,
    levelNames: ['category'],
    parentLevels: [false],
    vocab: data.vocab,
    itemCats: data.itemCats,
    sequences: data.sequences,
    splits: data.splits,
    checksum: valueHash({ v: DATA_PIPELINE_VERSION, name, sums, resolved }),
    options: resolved,
    behaviours: data.rows,
    auxNegatives: r.auxNegatives,
    allowOwnHistoryNegatives: r.allowOwnHistoryNegatives,
  });
}

/** Statistics of a dataset spec (DIN Table 2 style), for `dil data stats --json`. */
export async function datasetStats(spec: string, options: LoadDatasetOptions = {}): Promise<DatasetStats> {
  return (await loadDataset(spec, options)).stats();
}
