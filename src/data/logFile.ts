/**
 * Any behaviour log: a CSV/TSV with a header and columns `user, item, timestamp` (names
 * configurable), plus an item table (CSV/TSV with a header: the item column and one or more
 * category columns, finest first, e.g. `item,leaf,parent,brand`). Builds the same
 * BehaviourLog as the Amazon reader, so both protocols apply. Consecutive category columns
 * are treated as a tree (level l+1 = parent of level l) for DHAN; put non-tree dimensions last.
 * Items missing from the item table get the category '<unknown>' (with a warning).
 */
import { BehaviourLog, GrowableColumn, Interner, buildBehaviourLog } from './behaviourLog';
import { fileSha256 } from './checksum';
import { columnIndices, detectDelimiter, splitCsvLine } from './csv';
import { BadLinePolicy, DataFormatError } from './errors';
import { readLines } from './lines';
import type { ProgressCallback } from './types';

export interface LogFileOptions {
  itemTable: string;
  columns?: { user?: string; item?: string; timestamp?: string; itemTableItem?: string; categoryColumns?: string[] };
  skipBadLines?: boolean;
  onProgress?: ProgressCallback;
  onWarning?: (message: string) => void;
}

export async function readBehaviourLogFile(file: string, o: LogFileOptions): Promise<BehaviourLog> {
  const c = o.columns ?? {};
  const userCol = c.user ?? 'user';
  const itemCol = c.item ?? 'item';
  const timeCol = c.timestamp ?? 'timestamp';
  const tableItemCol = c.itemTableItem ?? 'item';
  const users = new Interner();
  const items = new Interner();
  const eu = new GrowableColumn(new Int32Array(1 << 12));
  const ei = new GrowableColumn(new Int32Array(1 << 12));
  const et = new GrowableColumn(new Float64Array(1 << 12));
  let idx: number[] | undefined;
  let delim = ',';
  const policy = new BadLinePolicy(!!o.skipBadLines);
  const expected = `a CSV/TSV with a header and columns ${userCol}, ${itemCol}, ${timeCol}`;
  for await (const [line, text] of readLines(file, { expected, onProgress: o.onProgress, label: 'log' })) {
    if (text.trim() === '') continue;
    if (!idx) {
      delim = detectDelimiter(text);
      idx = columnIndices(splitCsvLine(text, delim, file, line), [userCol, itemCol, timeCol], file);
      continue;
    }
    try {
      const f = splitCsvLine(text, delim, file, line);
      if (f.length <= Math.max(...idx)) throw new DataFormatError(file, line, expected, `only ${f.length} field(s)`);
      const u = f[idx[0]].trim();
      const it = f[idx[1]].trim();
      const tsText = f[idx[2]].trim();
      const ts = Number(tsText);
      if (u === '') throw new DataFormatError(file, line, `a non-empty ${userCol}`, `empty ${userCol}`);
      if (it === '') throw new DataFormatError(file, line, `a non-empty ${itemCol}`, `empty ${itemCol}`);
      if (tsText === '' || !Number.isFinite(ts))
        throw new DataFormatError(file, line, `a numeric ${timeCol}`, `bad ${timeCol} ${JSON.stringify(tsText)}`);
      eu.push(users.intern(u));
      ei.push(items.intern(it));
      et.push(ts);
    } catch (err) {
      policy.handle(err);
    }
  }
  if (policy.report(file)) o.onWarning?.(policy.report(file)!);
  if (eu.length === 0) throw new DataFormatError(file, 0, `${expected}, and at least one row`, 'no rows');

  let tIdx: number[] | undefined;
  let levelNames: string[] = [];
  const keys: string[][] = [];
  const tablePolicy = new BadLinePolicy(!!o.skipBadLines);
  for await (const [line, text] of readLines(o.itemTable, {
    expected: `an item table with a header: ${tableItemCol} then category columns`,
  })) {
    if (text.trim() === '') continue;
    if (!tIdx) {
      delim = detectDelimiter(text);
      const header = splitCsvLine(text, delim, o.itemTable, line).map((h) => h.trim());
      levelNames = c.categoryColumns ?? header.filter((h) => h !== tableItemCol);
      if (levelNames.length === 0)
        throw new DataFormatError(
          o.itemTable,
          line,
          `at least one category column besides ${tableItemCol}`,
          'no category column',
        );
      tIdx = columnIndices(header, [tableItemCol, ...levelNames], o.itemTable);
      for (let l = 0; l < levelNames.length; l++) keys.push(new Array(items.keys.length));
      continue;
    }
    try {
      const f = splitCsvLine(text, delim, o.itemTable, line);
      if (f.length <= Math.max(...tIdx))
        throw new DataFormatError(o.itemTable, line, `${tIdx.length} columns`, `only ${f.length} field(s)`);
      const i = items.index.get(f[tIdx[0]].trim());
      if (i === undefined) continue;
      for (let l = 0; l < levelNames.length; l++) {
        const v = f[tIdx[l + 1]].trim();
        if (v === '')
          throw new DataFormatError(o.itemTable, line, `a non-empty ${levelNames[l]}`, `empty ${levelNames[l]}`);
        keys[l][i] = v;
      }
    } catch (err) {
      tablePolicy.handle(err);
    }
  }
  if (!tIdx) throw new DataFormatError(o.itemTable, 0, 'an item table with a header line', 'no header');
  if (tablePolicy.report(o.itemTable)) o.onWarning?.(tablePolicy.report(o.itemTable)!);
  let missing = 0;
  for (let i = 0; i < items.keys.length; i++) {
    if (keys[0][i] === undefined) {
      missing++;
      for (const k of keys) k[i] = '<unknown>';
    }
  }
  if (missing)
    o.onWarning?.(`${o.itemTable}: ${missing} item(s) of the log are not in the item table; category '<unknown>'`);
  return buildBehaviourLog({
    name: `log:${file}`,
    sourceChecksums: [await fileSha256(file), await fileSha256(o.itemTable)],
    users,
    items,
    eventUser: eu.toArray(),
    eventItem: ei.toArray(),
    eventTime: et.toArray(),
    itemCatKeys: keys,
    levelNames,
  });
}
