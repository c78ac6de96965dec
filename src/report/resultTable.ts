/**
 * Result tables: one typed description (columns + rows) rendered to Markdown (for notebooks
 * and READMEs), CSV (for re-analysis; raw numbers, RFC 4180 quoting) and LaTeX (booktabs, for
 * papers), written atomically to `results/tables/<paper>/<name>.{md,csv,tex}`.
 *
 * Cell kinds (per column):
 * - `text`     strings (numbers printed as given)
 * - `number`   numbers with `digits` decimals
 * - `meanStd`  `{ mean, std }` printed "m ± s" (just "m" when std is NaN, e.g. one seed); CSV gets
 *              two columns "<header> mean", "<header> std"
 * - `pvalue`   p-values: "< 0.001" below 0.001, else 3 decimals
 * - `percent`  numbers already in percent units, printed with `digits` decimals and "%"
 * Empty cells: `null` / `undefined`; NaN prints as "n/a".
 */
import * as path from 'path';
import { writeFileAtomic } from '../atomicWrite';
import { reportResultsDir } from './resultsDir';

export interface MeanStd {
  mean: number;
  std: number;
  /** Number of values (seeds) behind the mean, if known. */
  n?: number;
}

export type TableCell = string | number | MeanStd | null | undefined;
export type TableColumnKind = 'text' | 'number' | 'meanStd' | 'pvalue' | 'percent';

export interface TableColumn {
  /** Key into each row. */
  key: string;
  /** Header text (plain text; escaped per format). */
  header: string;
  /** Default `text`. */
  kind?: TableColumnKind;
  /** Decimals for `number`, `meanStd` and `percent` (default 4, percent 2). */
  digits?: number;
}

export interface ResultTable {
  /** Folder under `results/tables/` (e.g. `din`); letters, digits, `.`, `_`, `-`. */
  paper: string;
  /** File stem (e.g. `table3-amazon`); same alphabet as `paper`. */
  name: string;
  /** Caption (Markdown bold line, LaTeX \caption). */
  title?: string;
  columns: TableColumn[];
  rows: Array<Record<string, TableCell>>;
  /** Sources, protocol differences: printed under the table (Markdown, LaTeX) and as `#` lines (not in CSV). */
  notes?: string[];
}

export interface WrittenTable {
  md: string;
  csv: string;
  tex: string;
}

const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

function isMeanStd(cell: TableCell): cell is MeanStd {
  return typeof cell === 'object' && cell !== null && typeof (cell as MeanStd).mean === 'number';
}

/** Throws (naming the table and the problem) when a table is malformed. */
export function validateResultTable(table: ResultTable): void {
  const where = `result table ${table.paper}/${table.name}`;
  if (!SAFE_SEGMENT.test(table.paper) || table.paper.startsWith('.')) {
    throw new Error(`${where}: paper "${table.paper}" must be a plain folder name (letters, digits, . _ -)`);
  }
  if (!SAFE_SEGMENT.test(table.name) || table.name.startsWith('.')) {
    throw new Error(`${where}: name "${table.name}" must be a plain file stem (letters, digits, . _ -)`);
  }
  if (table.columns.length === 0) throw new Error(`${where}: expected at least one column`);
  const keys = new Set<string>();
  for (const column of table.columns) {
    if (keys.has(column.key)) throw new Error(`${where}: column key "${column.key}" appears twice`);
    keys.add(column.key);
  }
  table.rows.forEach((row, index) => {
    for (const key of Object.keys(row)) {
      if (!keys.has(key)) {
        throw new Error(`${where}: row ${index} has key "${key}", expected one of: ${[...keys].join(', ')}`);
      }
    }
    for (const column of table.columns) {
      const cell = row[column.key];
      if (cell === null || cell === undefined) continue;
      const kind = column.kind ?? 'text';
      if (kind === 'meanStd' && !isMeanStd(cell) && typeof cell !== 'string') {
        throw new Error(
          `${where}: row ${index}, column "${column.key}": expected { mean, std }, got ${JSON.stringify(cell)}`,
        );
      }
      if ((kind === 'number' || kind === 'pvalue' || kind === 'percent') && typeof cell === 'object') {
        throw new Error(
          `${where}: row ${index}, column "${column.key}": expected a number, got ${JSON.stringify(cell)}`,
        );
      }
    }
  });
}

type Style = 'md' | 'tex';

function fixed(value: number, digits: number): string {
  return Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

/** Formats one cell for display; the result is plain text for Markdown, LaTeX source for `tex`. */
function formatCell(cell: TableCell, column: TableColumn, style: Style): string {
  if (cell === null || cell === undefined) return '';
  const kind = column.kind ?? 'text';
  const escape = style === 'md' ? escapeMarkdown : escapeLatex;
  if (typeof cell === 'string') return escape(cell);
  if (isMeanStd(cell)) {
    if (Number.isNaN(cell.mean)) return 'n/a';
    const digits = column.digits ?? 4;
    const m = fixed(cell.mean, digits);
    if (Number.isNaN(cell.std)) return m; // one value: no spread to show
    const s = fixed(cell.std, digits);
    return style === 'md' ? `${m} ± ${s}` : `$${m} \\pm ${s}$`;
  }
  if (typeof cell !== 'number') return escape(String(cell));
  switch (kind) {
    case 'number':
    case 'meanStd':
      return fixed(cell, column.digits ?? 4);
    case 'percent':
      if (Number.isNaN(cell)) return 'n/a';
      return style === 'md' ? `${cell.toFixed(column.digits ?? 2)}%` : `${cell.toFixed(column.digits ?? 2)}\\%`;
    case 'pvalue':
      if (Number.isNaN(cell)) return 'n/a';
      if (cell < 0.001) return style === 'md' ? '< 0.001' : '$<0.001$';
      return cell.toFixed(3);
    default:
      return escape(String(cell));
  }
}

/**
 * Escapes Markdown table text: backslash, pipe, emphasis, code, math ($) and strike (~) markers, angle brackets;
 * newlines become spaces.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/([\\|*_`$~])/g, '\\$1')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '{': '\\{',
  '}': '\\}',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  '±': '$\\pm$',
  '×': '$\\times$',
  '⊙': '$\\odot$',
  '−': '-',
  '<': '\\textless{}',
  '>': '\\textgreater{}',
  '|': '\\textbar{}',
};

/** Escapes LaTeX text-mode specials (\ & % $ # _ { } ~ ^ < > |) and maps ± × ⊙ − to math; newlines become spaces. */
export function escapeLatex(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\&%$#_{}~^±×⊙−<>|]/g, (ch) => LATEX_SPECIALS[ch]);
}

/** Quotes one CSV field per RFC 4180 when it holds a comma, quote, CR/LF or leading/trailing space. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvNumber(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '';
  return String(value);
}

/** Markdown (GitHub table): optional bold title line, header, alignment row, rows, then notes. */
export function resultTableToMarkdown(table: ResultTable): string {
  validateResultTable(table);
  const lines: string[] = [];
  if (table.title) lines.push(`**${escapeMarkdown(table.title)}**`, '');
  lines.push(`| ${table.columns.map((c) => escapeMarkdown(c.header)).join(' | ')} |`);
  lines.push(`|${table.columns.map((c) => ((c.kind ?? 'text') === 'text' ? ':---' : '---:')).join('|')}|`);
  for (const row of table.rows) {
    lines.push(`| ${table.columns.map((c) => formatCell(row[c.key], c, 'md')).join(' | ')} |`);
  }
  if (table.notes && table.notes.length > 0) {
    lines.push('');
    for (const note of table.notes) lines.push(`${escapeMarkdown(note)}  `);
  }
  return `${lines.join('\n')}\n`;
}

/** CSV: raw numbers at full precision; `meanStd` columns split into "<header> mean" and "<header> std". */
export function resultTableToCsv(table: ResultTable): string {
  validateResultTable(table);
  const header: string[] = [];
  for (const column of table.columns) {
    if ((column.kind ?? 'text') === 'meanStd') header.push(`${column.header} mean`, `${column.header} std`);
    else header.push(column.header);
  }
  const lines = [header.map(csvField).join(',')];
  for (const row of table.rows) {
    const fields: string[] = [];
    for (const column of table.columns) {
      const cell = row[column.key];
      const kind = column.kind ?? 'text';
      if (kind === 'meanStd') {
        if (isMeanStd(cell)) fields.push(csvNumber(cell.mean), csvNumber(cell.std));
        else fields.push(cell === null || cell === undefined ? '' : csvField(String(cell)), '');
      } else if (typeof cell === 'number') {
        fields.push(csvNumber(cell));
      } else if (cell === null || cell === undefined) {
        fields.push('');
      } else {
        fields.push(csvField(String(cell)));
      }
    }
    lines.push(fields.join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** LaTeX: a booktabs `table` float with caption, label `tab:<paper>-<name>`, and notes in footnotesize. */
export function resultTableToLatex(table: ResultTable): string {
  validateResultTable(table);
  const align = table.columns.map((c) => ((c.kind ?? 'text') === 'text' ? 'l' : 'r')).join('');
  const label = `tab:${table.paper}-${table.name}`.replace(/[^A-Za-z0-9:-]/g, '-');
  const lines = ['\\begin{table}[t]', '\\centering'];
  if (table.title) lines.push(`\\caption{${escapeLatex(table.title)}}`);
  lines.push(`\\label{${label}}`);
  lines.push(`\\begin{tabular}{${align}}`, '\\toprule');
  lines.push(`${table.columns.map((c) => escapeLatex(c.header)).join(' & ')} \\\\`, '\\midrule');
  for (const row of table.rows) {
    lines.push(`${table.columns.map((c) => formatCell(row[c.key], c, 'tex')).join(' & ')} \\\\`);
  }
  lines.push('\\bottomrule', '\\end{tabular}');
  for (const note of table.notes ?? []) lines.push(`\\par\\smallskip{\\footnotesize ${escapeLatex(note)}}`);
  lines.push('\\end{table}');
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `<resultsDir>/tables/<paper>/<name>.md`, `.csv` and `.tex` atomically and returns the
 * three paths. `resultsDir` defaults to `reportResultsDir()` (DIL_RESULTS or `<project>/results`).
 */
export function writeResultTable(table: ResultTable, options: { resultsDir?: string } = {}): WrittenTable {
  const md = resultTableToMarkdown(table);
  const csv = resultTableToCsv(table);
  const tex = resultTableToLatex(table);
  const dir = path.join(options.resultsDir ?? reportResultsDir(), 'tables', table.paper);
  const written: WrittenTable = {
    md: path.join(dir, `${table.name}.md`),
    csv: path.join(dir, `${table.name}.csv`),
    tex: path.join(dir, `${table.name}.tex`),
  };
  writeFileAtomic(written.md, md);
  writeFileAtomic(written.csv, csv);
  writeFileAtomic(written.tex, tex);
  return written;
}
