/**
 * The light copy of an executed notebook, for readers who look before they run (GitHub's
 * notebook viewer, nbviewer): each figure keeps only its static PNG (no interactive HTML with
 * inlined plotly.js, no SVG duplicate) at its display size, everything else (tables, printed lines) stays as it is.
 * An executed notebook is 6-10 MB, mostly plotly.js and duplicate images; the copy is a few
 * hundred kB per figure-heavy notebook.
 */
import { halvePng } from './pngHalve';

/** The parts of an nbformat-4 notebook this module reads. */
export interface NotebookJson {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}

export interface NotebookCell {
  id?: string;
  cell_type: string;
  source: string | string[];
  metadata?: Record<string, unknown>;
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}

export interface NotebookOutput {
  output_type: string;
  data?: Record<string, string | string[]>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  [key: string]: unknown;
}

/** One figure of a light notebook. */
export interface NotebookFigure {
  /** Index of the cell that shows it. */
  cell: number;
  /** From the figure's `text/plain` ("<Plotly figure: TITLE>"), else "figure". */
  title: string;
  png: Buffer;
}

export interface LightNotebook {
  notebook: NotebookJson;
  figures: NotebookFigure[];
}

/** GitHub's notebook viewer gives up on larger files. */
export const LIGHT_NOTEBOOK_MAX_BYTES = 2_000_000;

const joined = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? value.join('') : (value ?? '');

/** An interactive figure's HTML: it draws with (or defines) window.Plotly. */
function isPlotlyHtml(html: string): boolean {
  return html.includes('Plotly.newPlot') || html.includes('window.Plotly');
}

function figureTitle(plain: string): string {
  const match = /^<Plotly figure: ([\s\S]*)>$/.exec(plain.trim());
  return match ? match[1] : 'figure';
}

/**
 * Makes the light copy of an executed notebook (`name` names it in errors). Throws when the
 * notebook was not executed (no code cell has outputs), holds a cell error, or shows an
 * interactive figure without a PNG rendering.
 */
export function lightNotebook(executed: NotebookJson, name: string): LightNotebook {
  const codeCells = executed.cells.filter((c) => c.cell_type === 'code');
  if (!codeCells.some((c) => (c.outputs ?? []).length > 0)) {
    throw new Error(
      `${name}: no code cell has outputs; expected an executed notebook ` +
        '(dil reproduce writes them to <results>/notebooks)',
    );
  }
  const figures: NotebookFigure[] = [];
  const cells = executed.cells.map((cell, index): NotebookCell => {
    if (cell.cell_type !== 'code') return cell;
    const outputs = (cell.outputs ?? []).map((output): NotebookOutput => {
      if (output.output_type === 'error') {
        throw new Error(
          `${name}: cell ${index} failed when the notebook ran (${output.ename}: ${output.evalue}); ` +
            'expected a notebook that ran without errors',
        );
      }
      const data = output.data;
      if (!data) return output;
      if (data['image/png'] !== undefined) {
        const png = joined(data['image/png']).replace(/\s+/g, '');
        figures.push({ cell: index, title: figureTitle(joined(data['text/plain'])), png: Buffer.from(png, 'base64') });
        const imageMetadata = output.metadata?.['image/png'];
        // Shown at its display size (the renderer draws at scale 2); the PNG file keeps full resolution.
        const shown = halvePng(Buffer.from(png, 'base64')).toString('base64');
        const light: NotebookOutput = {
          ...output,
          data: { 'image/png': shown, 'text/plain': joined(data['text/plain']) },
        };
        light.metadata = imageMetadata === undefined ? {} : { 'image/png': imageMetadata };
        return light;
      }
      if (isPlotlyHtml(joined(data['text/html']))) {
        throw new Error(
          `${name}: cell ${index} shows an interactive figure without a PNG rendering; ` +
            'expected every figure rendered to PNG (is Chromium installed?)',
        );
      }
      return output;
    });
    return { ...cell, outputs };
  });
  return { notebook: { ...executed, cells }, figures };
}

/** The file text of a notebook, as nbformat writes it (one-space indent, trailing newline). */
export function notebookText(notebook: NotebookJson): string {
  return `${JSON.stringify(notebook, null, 1)}\n`;
}

function formatBytes(bytes: number): string {
  return bytes >= 100_000 ? `${(bytes / 1e6).toFixed(2)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

/**
 * Throws naming the notebook and its largest outputs (by code cell, counted from 1: the same in
 * the executed notebook and in its copy) when `text` exceeds `maxBytes`.
 */
export function checkNotebookSize(text: string, name: string, maxBytes: number = LIGHT_NOTEBOOK_MAX_BYTES): void {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return;
  const notebook = JSON.parse(text) as NotebookJson;
  const codeCells = notebook.cells.filter((cell) => cell.cell_type === 'code');
  const sizes = codeCells.flatMap((cell, k) =>
    (cell.outputs ?? []).map((output) => ({
      cell: `code cell ${k + 1}`,
      type: output.output_type,
      bytes: Buffer.byteLength(JSON.stringify(output)),
    })),
  );
  const largest = sizes
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 3)
    .map((s) => `${s.cell} ${s.type} ${formatBytes(s.bytes)}`);
  throw new Error(
    `${name}: the light copy is ${formatBytes(bytes)}; expected at most ${formatBytes(maxBytes)} ` +
      `(largest outputs: ${largest.join(', ')})`,
  );
}
