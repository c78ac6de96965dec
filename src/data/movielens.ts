/**
 * MovieLens (ratings.csv + movies.csv of the GroupLens releases, e.g. ml-latest-small).
 *
 * Protocol (DIN paper §6.1 for MovieLens): ratings >= 4 are positives (label 1), others
 * negatives (label 0). Per user, ratings in time order (ties: file order); every rating with
 * at least one earlier positive gives a sample whose history = the earlier positively rated
 * movies. Users are split by a seeded ratio (DIN: 100,000 train / 38,493 test users of 138,493,
 * hence the default testFraction 38493/138493); 'valid' is carved from the training users.
 * Category level 0 = the first genre; every genre of a movie is kept as `multiLabel`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../random';
import { GrowableColumn, Interner } from './behaviourLog';
import { fileSha256 } from './checksum';
import { columnIndices, detectDelimiter, splitCsvLine } from './csv';
import { BadLinePolicy, DataFormatError } from './errors';
import { readLines } from './lines';
import { SampleTableBuilder } from './sampleTable';
import type {
  MultiLabelAttribute,
  ProgressCallback,
  SampleTable,
  SplitName,
  UserSequences,
  UserSplitMode,
} from './types';
import { holdOutUsers } from './userSplit';

export const MOVIELENS_TEST_FRACTION = 38493 / 138493;

export interface MovieLensBuild {
  sourceChecksums: string[];
  vocab: { users: string[]; items: string[]; cats: string[][] };
  itemCats: Int32Array[];
  sequences: UserSequences;
  splits: Record<SplitName, SampleTable>;
  multiLabel: MultiLabelAttribute;
  behaviours: number;
  ratings: number;
}

export interface MovieLensOptions {
  seed: number;
  validFraction: number;
  testFraction: number;
  userSplit: UserSplitMode;
  positiveRating: number;
  skipBadLines?: boolean;
  onProgress?: ProgressCallback;
  onWarning?: (message: string) => void;
}

export async function readMovieLens(dataDir: string, o: MovieLensOptions): Promise<MovieLensBuild> {
  const ratingsFile = path.join(dataDir, 'ratings.csv');
  const moviesFile = path.join(dataDir, 'movies.csv');
  for (const f of [ratingsFile, moviesFile]) {
    if (!fs.existsSync(f))
      throw new Error(
        `MovieLens: ${f} not found; expected ratings.csv and movies.csv of a GroupLens release in ${dataDir}`,
      );
  }
  const sums = [await fileSha256(ratingsFile), await fileSha256(moviesFile)];
  // movies.csv: movieId,title,genres (genres '|'-separated).
  const genresOf = new Map<string, string[]>();
  let cols: number[] | undefined;
  let delim = ',';
  const moviePolicy = new BadLinePolicy(!!o.skipBadLines);
  for await (const [line, text] of readLines(moviesFile, { expected: 'a CSV with movieId,title,genres' })) {
    if (text.trim() === '') continue;
    try {
      if (!cols) {
        delim = detectDelimiter(text);
        cols = columnIndices(splitCsvLine(text, delim, moviesFile, line), ['movieId', 'genres'], moviesFile);
        continue;
      }
      const f = splitCsvLine(text, delim, moviesFile, line);
      if (f.length <= Math.max(...cols))
        throw new DataFormatError(moviesFile, line, 'movieId,title,genres', `only ${f.length} field(s)`);
      const g = f[cols[1]].trim();
      genresOf.set(f[cols[0]].trim(), g === '' || g === '(no genres listed)' ? ['(no genres listed)'] : g.split('|'));
    } catch (err) {
      moviePolicy.handle(err);
    }
  }
  if (moviePolicy.report(moviesFile)) o.onWarning?.(moviePolicy.report(moviesFile)!);

  const users = new Interner();
  const items = new Interner();
  const eu = new GrowableColumn(new Int32Array(1 << 16));
  const ei = new GrowableColumn(new Int32Array(1 << 16));
  const et = new GrowableColumn(new Float64Array(1 << 16));
  const er = new GrowableColumn(new Float64Array(1 << 16));
  cols = undefined;
  const ratingPolicy = new BadLinePolicy(!!o.skipBadLines);
  for await (const [line, text] of readLines(ratingsFile, {
    expected: 'a CSV with userId,movieId,rating,timestamp',
    onProgress: o.onProgress,
    label: 'ratings',
  })) {
    if (text.trim() === '') continue;
    try {
      if (!cols) {
        delim = detectDelimiter(text);
        cols = columnIndices(
          splitCsvLine(text, delim, ratingsFile, line),
          ['userId', 'movieId', 'rating', 'timestamp'],
          ratingsFile,
        );
        continue;
      }
      const f = splitCsvLine(text, delim, ratingsFile, line);
      if (f.length <= Math.max(...cols))
        throw new DataFormatError(ratingsFile, line, 'userId,movieId,rating,timestamp', `only ${f.length} field(s)`);
      const rating = Number(f[cols[2]]);
      const ts = Number(f[cols[3]]);
      if (f[cols[2]].trim() === '' || !Number.isFinite(rating))
        throw new DataFormatError(ratingsFile, line, 'a numeric rating', `bad rating ${JSON.stringify(f[cols[2]])}`);
      if (f[cols[3]].trim() === '' || !Number.isFinite(ts))
        throw new DataFormatError(
          ratingsFile,
          line,
          'a numeric timestamp',
          `bad timestamp ${JSON.stringify(f[cols[3]])}`,
        );
      const movie = f[cols[1]].trim();
      if (!genresOf.has(movie))
        throw new DataFormatError(ratingsFile, line, `a movieId listed in ${moviesFile}`, `unknown movieId ${movie}`);
      eu.push(users.intern(f[cols[0]].trim()));
      ei.push(items.intern(movie));
      et.push(ts);
      er.push(rating);
    } catch (err) {
      ratingPolicy.handle(err);
    }
  }
  if (ratingPolicy.report(ratingsFile)) o.onWarning?.(ratingPolicy.report(ratingsFile)!);
  if (eu.length === 0)
    throw new DataFormatError(ratingsFile, 0, 'at least one rating line after the header', 'no ratings');

  // Ids: sorted numerically when keys are numbers (MovieLens ids), else lexicographically.
  const sortIds = (interner: Interner): { vocab: string[]; idOf: Int32Array } => {
    const order = interner.keys
      .map((_, i) => i)
      .sort(
        (a, b) => Number(interner.keys[a]) - Number(interner.keys[b]) || (interner.keys[a] < interner.keys[b] ? -1 : 1),
      );
    const idOf = new Int32Array(interner.keys.length);
    const vocab = ['<pad>'];
    order.forEach((k, r) => {
      idOf[k] = r + 1;
      vocab.push(interner.keys[k]);
    });
    return { vocab, idOf };
  };
  const U = sortIds(users);
  const M = sortIds(items);
  const genreInterner = new Interner();
  for (const k of M.vocab.slice(1)) for (const g of genresOf.get(k)!) genreInterner.intern(g);
  const G = genreInterner.sortedIds();
  const genreId = (g: string): number => G.idOf[genreInterner.index.get(g)!];
  const first = new Int32Array(M.vocab.length);
  const mlOffsets = new Int32Array(M.vocab.length + 1);
  const mlIds: number[] = [];
  for (let m = 1; m < M.vocab.length; m++) {
    const gs = genresOf.get(M.vocab[m])!;
    first[m] = genreId(gs[0]);
    mlOffsets[m] = mlIds.length;
    for (const g of gs) mlIds.push(genreId(g));
  }
  mlOffsets[M.vocab.length] = mlIds.length;

  // Group events per user, stable by (time, file order).
  const n = eu.length;
  const nu = U.vocab.length;
  const byUser: number[][] = Array.from({ length: nu }, () => []);
  for (let e = 0; e < n; e++) byUser[U.idOf[eu.get(e)]].push(e);
  const offsets = new Int32Array(nu + 1);
  const seq: number[] = [];
  const root = new Rng(o.seed);
  const candidates: number[] = [];
  const userEvents: number[][] = [];
  for (let u = 0; u < nu; u++) {
    offsets[u] = seq.length;
    const ev = byUser[u].sort((a, b) => et.get(a) - et.get(b) || a - b);
    userEvents.push(ev);
    for (const e of ev) if (er.get(e) >= o.positiveRating) seq.push(M.idOf[ei.get(e)]);
    if (u > 0) candidates.push(u);
  }
  offsets[nu] = seq.length;
  const cand = Int32Array.from(candidates);
  const testMark = holdOutUsers(cand, o.testFraction, o.userSplit, root.fork('movielens-test'));
  const rest = cand.filter((_, i) => !testMark[i]);
  const validMark = holdOutUsers(rest, o.validFraction, o.userSplit, root.fork('movielens-valid'));
  const where = new Uint8Array(nu);
  cand.forEach((u, i) => (where[u] = testMark[i] ? 2 : 0));
  rest.forEach((u, i) => (where[u] = validMark[i] ? 1 : 0));
  const builders = [new SampleTableBuilder(), new SampleTableBuilder(), new SampleTableBuilder()];
  for (let u = 1; u < nu; u++) {
    let positivesBefore = 0;
    for (const e of userEvents[u]) {
      const positive = er.get(e) >= o.positiveRating;
      if (positivesBefore >= 1) builders[where[u]].add(u, M.idOf[ei.get(e)], positive ? 1 : 0, positivesBefore);
      if (positive) positivesBefore++;
    }
  }
  return {
    sourceChecksums: sums,
    vocab: { users: U.vocab, items: M.vocab, cats: [G.vocab] },
    itemCats: [first],
    sequences: { offsets, items: Int32Array.from(seq) },
    splits: { train: builders[0].build(), valid: builders[1].build(), test: builders[2].build() },
    multiLabel: { name: 'genres', vocab: G.vocab, offsets: mlOffsets, ids: Int32Array.from(mlIds) },
    behaviours: seq.length,
    ratings: n,
  };
}
