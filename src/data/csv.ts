/** A small CSV/TSV line splitter (RFC 4180 quotes within one line) and header handling. */
import { DataFormatError } from './errors';

/** Splits one line; fields may be "quoted" with "" as an escaped quote. */
export function splitCsvLine(line: string, delimiter: string, file: string, lineNo: number): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0)
          throw new DataFormatError(file, lineNo, 'a closing quote in a quoted field', 'unterminated quoted field');
        v += line.slice(i, q);
        if (line[q + 1] === '"') {
          v += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(v);
      if (i >= line.length) return out;
      if (line[i] !== delimiter)
        throw new DataFormatError(file, lineNo, `'${delimiter}' after a quoted field`, 'text after closing quote');
      i++;
    } else {
      const d = line.indexOf(delimiter, i);
      if (d < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, d));
      i = d + 1;
    }
  }
}

/** Delimiter from the header line: tab if present, else comma. */
export function detectDelimiter(header: string): string {
  return header.includes('\t') ? '\t' : ',';
}

/** Index of each required column in the header; throws naming the missing ones. */
export function columnIndices(header: string[], wanted: string[], file: string): number[] {
  const norm = header.map((h) => h.trim());
  const missing = wanted.filter((w) => !norm.includes(w));
  if (missing.length) {
    throw new DataFormatError(
      file,
      1,
      `a header with columns ${wanted.join(', ')}`,
      `missing column(s) ${missing.join(', ')} (header: ${norm.join(', ')})`,
    );
  }
  return wanted.map((w) => norm.indexOf(w));
}
