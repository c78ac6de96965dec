/**
 * Reader of the Amazon 2014 review dump (McAuley et al.): `reviews_<Category>_5.json(.gz)`,
 * strict JSON per line, and `meta_<Category>.json(.gz)`, one Python-literal dict per line.
 * Only reviewerID, asin, unixReviewTime (reviews) and asin, categories (meta) are required.
 *
 * Category levels carried (every level is a function of the item):
 *   level 0 'category': the protocol's category — DIN `categories[-1][-1]`, DIEN `categories[0][-1]`;
 *   level 1 'parent':   the element before that leaf in the same category path (DHAN's hierarchy),
 *                       or the leaf itself when the path has one element.
 * Items without a meta line get the category '<unknown>' (DIEN's `default_cat`) and a warning.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BehaviourLog, GrowableColumn, Interner, buildBehaviourLog } from './behaviourLog';
import { fileSha256 } from './checksum';
import { BadLinePolicy, DataFormatError } from './errors';
import { readLines } from './lines';
import { parsePythonLiteral, PythonLiteralError, PyValue } from './pythonLiteral';
import type { ProgressCallback, ProtocolName } from './types';

export const REVIEW_FIELDS = ['reviewerID', 'asin', 'unixReviewTime'] as const;

/** The two raw files of a category inside `dataDir` (prefers .json.gz, accepts .json). */
export function amazonFiles(category: string, dataDir: string): { reviews: string; meta: string } {
  const pick = (base: string): string => {
    for (const name of [`${base}.json.gz`, `${base}.json`]) {
      const p = path.join(dataDir, name);
      if (fs.existsSync(p)) return p;
    }
    throw new Error(
      `Amazon ${category}: neither ${base}.json.gz nor ${base}.json in ${dataDir}; ` +
        `download them with \`dil data amazon ${category} --data-dir ${dataDir}\``,
    );
  };
  return { reviews: pick(`reviews_${category}_5`), meta: pick(`meta_${category}`) };
}

export interface AmazonReadOptions {
  protocol: ProtocolName;
  skipBadLines?: boolean;
  onProgress?: ProgressCallback;
  onWarning?: (message: string) => void;
}

function requireString(rec: Record<string, unknown>, key: string, file: string, line: number): string {
  const v = rec[key];
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number') return String(v);
  throw new DataFormatError(
    file,
    line,
    `a non-empty string field "${key}"`,
    v === undefined ? `missing field "${key}"` : `bad "${key}"`,
  );
}

/** Parses one review line; throws DataFormatError naming what is missing. */
export function parseReviewLine(
  text: string,
  file: string,
  line: number,
): { user: string; item: string; time: number } {
  let rec: unknown;
  try {
    rec = JSON.parse(text);
  } catch (err) {
    throw new DataFormatError(
      file,
      line,
      'one JSON object per line with reviewerID, asin, unixReviewTime',
      `malformed JSON (${(err as Error).message})`,
    );
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
    throw new DataFormatError(file, line, 'a JSON object with reviewerID, asin, unixReviewTime', 'not an object');
  }
  const r = rec as Record<string, unknown>;
  const user = requireString(r, 'reviewerID', file, line);
  const item = requireString(r, 'asin', file, line);
  const t = r.unixReviewTime;
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw new DataFormatError(
      file,
      line,
      'a numeric field "unixReviewTime"',
      t === undefined ? 'missing field "unixReviewTime"' : 'bad "unixReviewTime"',
    );
  }
  return { user, item, time: t };
}

/** Parses one meta line (Python literal); returns asin and category paths. */
export function parseMetaLine(text: string, file: string, line: number): { item: string; categories: string[][] } {
  let rec: PyValue;
  try {
    rec = parsePythonLiteral(text);
  } catch (err) {
    if (err instanceof PythonLiteralError) {
      throw new DataFormatError(
        file,
        line,
        "one Python-literal dict per line with 'asin' and 'categories'",
        `malformed literal at ${err.message}`,
      );
    }
    throw err;
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
    throw new DataFormatError(file, line, "a dict with 'asin' and 'categories'", 'not a dict');
  }
  const item = requireString(rec as Record<string, unknown>, 'asin', file, line);
  const cats = (rec as Record<string, PyValue>).categories;
  if (cats === undefined)
    throw new DataFormatError(
      file,
      line,
      "a field 'categories' (a list of category paths)",
      "missing field 'categories'",
    );
  if (
    !Array.isArray(cats) ||
    cats.length === 0 ||
    !cats.every((p) => Array.isArray(p) && p.length > 0 && p.every((c) => typeof c === 'string'))
  ) {
    throw new DataFormatError(
      file,
      line,
      "'categories' as a non-empty list of non-empty lists of strings",
      "bad 'categories'",
    );
  }
  return { item, categories: cats as string[][] };
}

/** The (leaf, parent) category keys of an item under a protocol. */
export function categoryLevels(categories: string[][], protocol: ProtocolName): [string, string] {
  const p = protocol === 'din' ? categories[categories.length - 1] : categories[0];
  const leaf = p[p.length - 1];
  const parent = p.length >= 2 ? p[p.length - 2] : leaf;
  return [leaf, parent];
}

/** Streams both files of a category into a BehaviourLog. */
export async function readAmazon(category: string, dataDir: string, options: AmazonReadOptions): Promise<BehaviourLog> {
  const files = amazonFiles(category, dataDir);
  const [reviewSum, metaSum] = await Promise.all([fileSha256(files.reviews), fileSha256(files.meta)]);
  const users = new Interner();
  const items = new Interner();
  const eventUser = new GrowableColumn(new Int32Array(1 << 16));
  const eventItem = new GrowableColumn(new Int32Array(1 << 16));
  const eventTime = new GrowableColumn(new Float64Array(1 << 16));
  const reviewPolicy = new BadLinePolicy(!!options.skipBadLines);
  let records = 0;
  for await (const [line, text] of readLines(files.reviews, {
    onProgress: options.onProgress,
    label: 'reviews',
    expected: 'one JSON object per line with reviewerID, asin, unixReviewTime',
  })) {
    if (text.trim() === '') continue;
    try {
      const r = parseReviewLine(text, files.reviews, line);
      eventUser.push(users.intern(r.user));
      eventItem.push(items.intern(r.item));
      eventTime.push(r.time);
      records++;
    } catch (err) {
      reviewPolicy.handle(err);
    }
  }
  const skippedReviews = reviewPolicy.report(files.reviews);
  if (skippedReviews) options.onWarning?.(skippedReviews);
  if (records === 0) throw new DataFormatError(files.reviews, 0, 'at least one review line', 'no valid reviews');

  const leaf: (string | undefined)[] = new Array(items.keys.length);
  const parent: (string | undefined)[] = new Array(items.keys.length);
  const metaPolicy = new BadLinePolicy(!!options.skipBadLines);
  let metaLines = 0;
  for await (const [line, text] of readLines(files.meta, {
    onProgress: options.onProgress,
    label: 'meta',
    expected: "one Python-literal dict per line with 'asin' and 'categories'",
  })) {
    if (text.trim() === '') continue;
    metaLines++;
    try {
      // Cheap pre-filter: most meta lines of a full dump are items without 5-core reviews.
      const m = /^\s*\{\s*['"]asin['"]\s*:\s*['"]([^'"]+)['"]/.exec(text);
      if (m && !items.index.has(m[1])) continue;
      const rec = parseMetaLine(text, files.meta, line);
      const idx = items.index.get(rec.item);
      if (idx === undefined) continue;
      const [l0, l1] = categoryLevels(rec.categories, options.protocol);
      leaf[idx] = l0;
      parent[idx] = l1;
    } catch (err) {
      metaPolicy.handle(err);
    }
  }
  const skippedMeta = metaPolicy.report(files.meta);
  if (skippedMeta) options.onWarning?.(skippedMeta);
  if (metaLines === 0)
    throw new DataFormatError(
      files.meta,
      0,
      "one Python-literal dict per line with 'asin' and 'categories'",
      'no meta lines',
    );
  let missing = 0;
  for (let i = 0; i < leaf.length; i++) {
    if (leaf[i] === undefined) {
      missing++;
      leaf[i] = '<unknown>';
      parent[i] = '<unknown>';
    }
  }
  if (missing > 0)
    options.onWarning?.(`${files.meta}: ${missing} reviewed item(s) have no meta line; category '<unknown>'`);
  return buildBehaviourLog({
    name: `amazon:${category}`,
    sourceChecksums: [reviewSum, metaSum],
    users,
    items,
    eventUser: eventUser.toArray(),
    eventItem: eventItem.toArray(),
    eventTime: eventTime.toArray(),
    itemCatKeys: [leaf as string[], parent as string[]],
    levelNames: ['category', 'parent'],
  });
}
