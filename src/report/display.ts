/**
 * Inline display in notebooks (tslab kernel). A figure becomes one Jupyter MIME bundle:
 * - `text/html`: a div with the PNG as fallback image plus a script that draws the interactive
 *   Plotly figure in it (plotly.js inlined in the first figure of the kernel session, shared by
 *   the later ones through `window.Plotly`; no network needed). Works where outputs run
 *   scripts: Jupyter Notebook, JupyterLab and VS Code (trusted notebooks). Where scripts are
 *   stripped (untrusted notebooks, repository web views) the fallback image stays.
 * - `image/svg+xml` and `image/png`: static renderings (headless Chromium) kept in the saved
 *   notebook for front ends that prefer images.
 * - `text/plain`: a one-line description.
 *
 * tslab's public `display` API sends one MIME type per message; a bundle needs the kernel's
 * `lastWriteDisplayData` hook, which tslab's public display API itself uses. Outside a tslab
 * kernel the display functions only write files and return.
 */
import { randomBytes } from 'crypto';
import { MimeBundle, tslabDisplayHook } from '../tslabHook';
import {
  NamedFigure,
  PlotlyFigure,
  StaticImageOptions,
  StaticImages,
  WrittenFigure,
  figureSize,
  sharedFigureRenderer,
  writeStaticImages,
} from './figureRenderer';
import { plotlySource } from './plotlySource';
import { ResultTable, resultTableToMarkdown, writeResultTable } from './resultTable';

/** True when running inside a tslab kernel cell (so bundles can be displayed). */
export function inNotebook(): boolean {
  return tslabDisplayHook() !== undefined;
}

/** Sends one MIME bundle as a display_data message; returns false outside a tslab kernel. */
export function displayMimeBundle(bundle: MimeBundle, metadata: Record<string, unknown> = {}): boolean {
  const hook = tslabDisplayHook();
  if (!hook) return false;
  hook({ data: bundle, metadata, transient: {} }, false);
  return true;
}

/** Makes text safe inside an HTML <script> element (no early `</script>`, no line separators). */
function scriptSafe(text: string): string {
  return text
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function htmlAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A `<script>` that defines `window.Plotly` from the inlined plotly.js bundle (once per page). */
export function plotlyLoaderHtml(): string {
  return (
    '<script type="text/javascript">\n' +
    'if (!window.Plotly) { (function () { var module = undefined, exports = undefined, define = undefined;\n' +
    `${scriptSafe(plotlySource())}\n` +
    '}).call(window); }\n</script>'
  );
}

function figureTitle(figure: PlotlyFigure): string {
  const title = figure.layout?.title as { text?: string } | string | undefined;
  if (typeof title === 'string') return title;
  return title?.text ?? 'figure';
}

/**
 * The MIME bundle of one figure. `images` (static renderings) adds image/svg+xml, image/png and
 * the fallback image; `includeLibrary` inlines plotly.js in front of the figure.
 */
export function figureMimeBundle(
  figure: PlotlyFigure,
  options: { images?: StaticImages; includeLibrary?: boolean; image?: StaticImageOptions } = {},
): MimeBundle {
  const { width, height } = figureSize(figure, options.image);
  const id = `dil-figure-${randomBytes(6).toString('hex')}`;
  const title = figureTitle(figure);
  const layout = { ...(figure.layout ?? {}), width: undefined, height, autosize: true };
  const spec = {
    data: figure.data,
    layout,
    config: { responsive: true, displaylogo: false, ...(figure.config ?? {}) },
  };
  const fallback = options.images
    ? `<img alt="${htmlAttribute(title)}" ` +
      `src="data:image/png;base64,${options.images.png.toString('base64')}" ` +
      `style="max-width:100%;height:auto" width="${width}" />`
    : '';
  const html = [
    options.includeLibrary ? plotlyLoaderHtml() : '',
    `<div id="${id}" class="dil-plotly-figure" ` +
      `style="width:100%;max-width:${width}px;min-height:${height}px">${fallback}</div>`,
    '<script type="text/javascript">',
    '(function () {',
    `  var id = ${JSON.stringify(id)};`,
    `  var figure = ${scriptSafe(JSON.stringify(spec))};`,
    '  var tries = 0;',
    '  function draw() {',
    '    var el = document.getElementById(id);',
    '    if (!el || !window.Plotly) { if (tries++ < 400) setTimeout(draw, 50); return; }',
    "    el.innerHTML = '';",
    '    window.Plotly.newPlot(el, figure.data, figure.layout, figure.config);',
    '  }',
    '  draw();',
    '})();',
    '</script>',
  ].join('\n');
  const bundle: MimeBundle = { 'text/html': html, 'text/plain': `<Plotly figure: ${title}>` };
  if (options.images) {
    bundle['image/svg+xml'] = options.images.svg;
    bundle['image/png'] = options.images.png.toString('base64');
  }
  return bundle;
}

let libraryShown = false;

export interface ShowFigureOptions {
  /** With `name`: also write results/figures/<paper>/<name>.svg and .png. */
  paper?: string;
  name?: string;
  image?: StaticImageOptions;
  resultsDir?: string;
  /** Skip the static rendering (no Chromium; no files; no image fallback). Default false. */
  interactiveOnly?: boolean;
}

/**
 * Shows a figure inline (interactive + static images) and, given `paper` and `name`, writes it
 * to results/figures/<paper>/<name>.svg and .png (see `figurePaths`). Resolves to nothing, so a
 * notebook cell ending with it prints nothing else; `renderAndShowFigure` returns the paths.
 */
export async function showFigure(figure: PlotlyFigure, options: ShowFigureOptions = {}): Promise<void> {
  await renderAndShowFigure(figure, options);
}

/** `showFigure` returning the written paths (undefined when nothing was written). */
export async function renderAndShowFigure(
  figure: PlotlyFigure,
  options: ShowFigureOptions = {},
): Promise<WrittenFigure | undefined> {
  let images: StaticImages | undefined;
  let written: WrittenFigure | undefined;
  if (!options.interactiveOnly) {
    images = await sharedFigureRenderer().render(figure, options.image);
    if (options.paper && options.name)
      written = writeStaticImages(images, options.paper, options.name, options.resultsDir);
  }
  if (inNotebook()) {
    const bundle = figureMimeBundle(figure, { images, includeLibrary: !libraryShown, image: options.image });
    const metadata = images ? { 'image/png': { width: images.width, height: images.height } } : {};
    if (displayMimeBundle(bundle, metadata)) libraryShown = true;
  } else if (written) {
    console.log(`figure written: ${written.svg}, ${written.png}`);
  }
  return written;
}

/** `showFigure` for a named figure (paper and name taken from it). */
export function showNamedFigure(item: NamedFigure, resultsDir?: string): Promise<WrittenFigure | undefined> {
  return renderAndShowFigure(item.figure, { paper: item.paper, name: item.name, image: item.image, resultsDir });
}

/** Shows Markdown inline (text/markdown + text/plain); prints it outside a notebook. */
export function showMarkdown(markdown: string): void {
  if (!displayMimeBundle({ 'text/markdown': markdown, 'text/plain': markdown })) console.log(markdown);
}

/**
 * Writes a table to results/tables/<paper>/<name>.{md,csv,tex} (unless `write: false`) and shows
 * its Markdown inline. Returns nothing (a notebook cell ending with it prints nothing else); use
 * `writeResultTable` for the paths.
 */
export function showTable(table: ResultTable, options: { resultsDir?: string; write?: boolean } = {}): void {
  if (options.write !== false) writeResultTable(table, { resultsDir: options.resultsDir });
  showMarkdown(resultTableToMarkdown(table));
}
