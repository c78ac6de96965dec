/**
 * Reader of the BARS / FuxiCTR sample layout (AmazonElectronics_x1 and the like): a folder with
 * `train.csv[.gz]`, an optional `valid.csv[.gz]` and `test.csv[.gz]`, one sample per line,
 *
 *   label,user_id,item_id,cate_id,item_history,cate_history
 *   1,17,305,4,12^88^305,3^4^4
 *
 * histories `^`-joined, oldest first, untruncated (empty = no history). The rows are the samples
 * themselves (no protocol is applied). Ids are tokens; each vocabulary is numbered 1.. in order of
 * first appearance (0 is padding).
 *
 * The kit stores one behaviour sequence per user and each sample's history as a prefix of it
 * (src/data/types.ts). So every history of a user must be a prefix of that user's longest
 * history, as the DIN protocol makes them, and every item must keep one category; rows that
 * break either are errors naming the file and line.
 */
import * as fs from 'fs';
import * as path from 'path';
import { columnIndices, detectDelimiter, splitCsvLine } from './csv';
import { DataFormatError } from './errors';
import { readLines } from './lines';
import type { ProgressCallback, SampleTable, SplitName, UserSequences } from './types';

export const BARS_COLUMNS = ['label', 'user_id', 'item_id', 'cate_id', 'item_history', 'cate_history'] as const;
const HISTORY_SEPARATOR = '^';

/** The files of one split: `<split>.csv` or `<split>.csv.gz`, undefined when neither exists. */
export function barsSplitFile(dir: string, split: SplitName): string | undefined {
  for (const name of [`${split}.csv`, `${split}.csv.gz`]) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/** The split files of `dir` (train and test required). */
export function barsFiles(dir: string): Partial<Record<SplitName, string>> & { train: string; test: string } {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new DataFormatError(dir, 0, 'a directory holding train.csv[.gz] and test.csv[.gz]', 'not a directory');
  const train = barsSplitFile(dir, 'train');
  const test = barsSplitFile(dir, 'test');
  const valid = barsSplitFile(dir, 'valid');
  for (const [split, file] of [
    ['train', train],
    ['test', test],
  ] as const) {
    if (!file)
      throw new DataFormatError(
        path.join(dir, `${split}.csv`),
        0,
        `${split}.csv or ${split}.csv.gz in ${dir}`,
        'file not found',
      );
  }
  return { train: train!, test: test!, ...(valid ? { valid } : {}) };
}

export interface BarsData {
  vocab: { users: string[]; items: string[]; cats: string[][] };
  /** One level: [items] category of each item. */
  itemCats: Int32Array[];
  sequences: UserSequences;
  splits: Record<SplitName, SampleTable>;
  /** Rows over every file. */
  rows: number;
}

class Vocabulary {
  readonly tokens: string[] = ['<pad>'];
  private readonly ids = new Map<string, number>();
  id(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) {
      id = this.tokens.length;
      this.ids.set(token, id);
      this.tokens.push(token);
    }
    return id;
  }
}

interface SplitRows {
  user: number[];
  target: number[];
  label: number[];
  histLen: number[];
}

/** Reads the folder's splits; throws `DataFormatError` (file:line) on a malformed row. */
export async function readBarsCsv(dir: string, options: { onProgress?: ProgressCallback } = {}): Promise<BarsData> {
  const files = barsFiles(dir);
  const users = new Vocabulary();
  const items = new Vocabulary();
  const cats = new Vocabulary();
  const catOf: number[] = [0];
  const longest: number[][] = [[]];
  const rows: Partial<Record<SplitName, SplitRows>> = {};
  let total = 0;

  const itemWithCat = (itemToken: string, catToken: string, file: string, lineNo: number, field: string): number => {
    if (itemToken === '' || catToken === '')
      throw new DataFormatError(file, lineNo, `non-empty ids in ${field}`, 'empty id');
    const item = items.id(itemToken);
    const cat = cats.id(catToken);
    if (catOf[item] === undefined) catOf[item] = cat;
    else if (catOf[item] !== cat) {
      throw new DataFormatError(
        file,
        lineNo,
        `one category per item (item ${itemToken} has category ${cats.tokens[catOf[item]]} on an earlier row)`,
        `item ${itemToken} with category ${catToken} in ${field}`,
      );
    }
    return item;
  };

  for (const split of ['train', 'valid', 'test'] as const) {
    const file = files[split];
    const out: SplitRows = { user: [], target: [], label: [], histLen: [] };
    rows[split] = out;
    if (!file) continue;
    let index: number[] | undefined;
    let width = 0;
    let delimiter = ',';
    for await (const [lineNo, line] of readLines(file, {
      onProgress: options.onProgress,
      label: file,
      expected: `a header line ${BARS_COLUMNS.join(',')}`,
    })) {
      if (index === undefined) {
        delimiter = detectDelimiter(line);
        index = columnIndices(splitCsvLine(line, delimiter, file, lineNo), [...BARS_COLUMNS], file);
        width = Math.max(...index) + 1;
        continue;
      }
      if (line.trim() === '') continue;
      const fields = splitCsvLine(line, delimiter, file, lineNo);
      if (fields.length < width)
        throw new DataFormatError(
          file,
          lineNo,
          `${width} fields (${BARS_COLUMNS.join(', ')})`,
          `${fields.length} field(s)`,
        );
      const [labelText, userText, itemText, catText, itemHist, catHist] = index.map((i) => fields[i].trim());
      if (labelText !== '0' && labelText !== '1')
        throw new DataFormatError(file, lineNo, 'label 0 or 1', `label "${labelText}"`);
      if (userText === '') throw new DataFormatError(file, lineNo, 'a non-empty user_id', 'empty user_id');
      const histItems = itemHist === '' ? [] : itemHist.split(HISTORY_SEPARATOR);
      const histCats = catHist === '' ? [] : catHist.split(HISTORY_SEPARATOR);
      if (histItems.length !== histCats.length) {
        throw new DataFormatError(
          file,
          lineNo,
          'item_history and cate_history of equal length',
          `${histItems.length} items and ${histCats.length} categories`,
        );
      }
      const user = users.id(userText);
      const target = itemWithCat(itemText, catText, file, lineNo, 'item_id/cate_id');
      const history = histItems.map((it, t) =>
        itemWithCat(it.trim(), histCats[t].trim(), file, lineNo, 'item_history/cate_history'),
      );
      const seq = (longest[user] ??= []);
      const common = Math.min(seq.length, history.length);
      for (let t = 0; t < common; t++) {
        if (seq[t] !== history[t]) {
          throw new DataFormatError(
            file,
            lineNo,
            `every history of user ${userText} to be a prefix of the user's longest history ` +
              `(one behaviour sequence per user, as the DIN protocol builds them)`,
            `position ${t + 1} holds item ${items.tokens[history[t]]} where another row of ` +
              `the user has ${items.tokens[seq[t]]}`,
          );
        }
      }
      if (history.length > seq.length) longest[user] = history;
      out.user.push(user);
      out.target.push(target);
      out.label.push(labelText === '1' ? 1 : 0);
      out.histLen.push(history.length);
      total++;
    }
    if (out.user.length === 0)
      throw new DataFormatError(file, 0, `at least one sample row after the header`, 'no rows');
  }

  const U = users.tokens.length;
  const offsets = new Int32Array(U + 1);
  for (let u = 0; u < U; u++) offsets[u + 1] = offsets[u] + (longest[u]?.length ?? 0);
  const seqItems = new Int32Array(offsets[U]);
  for (let u = 1; u < U; u++) if (longest[u]) seqItems.set(longest[u], offsets[u]);
  const itemCats = new Int32Array(items.tokens.length);
  for (let i = 1; i < itemCats.length; i++) itemCats[i] = catOf[i];
  const table = (r: SplitRows): SampleTable => ({
    user: Int32Array.from(r.user),
    target: Int32Array.from(r.target),
    label: Uint8Array.from(r.label),
    histLen: Int32Array.from(r.histLen),
  });
  return {
    vocab: { users: users.tokens, items: items.tokens, cats: [cats.tokens] },
    itemCats: [itemCats],
    sequences: { offsets, items: seqItems },
    splits: { train: table(rows.train!), valid: table(rows.valid!), test: table(rows.test!) },
    rows: total,
  };
}
