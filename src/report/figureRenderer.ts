/**
 * Static figure export: Plotly figure specs -> SVG text and PNG bytes, rendered by plotly.js's
 * own `Plotly.toImage` inside one headless Chromium that is started once and reused for every
 * figure (Chromium takes about a second to start). Files go to
 * `results/figures/<paper>/<name>.svg` and `.png`, written atomically.
 */
import * as path from 'path';
import { writeFileAtomic } from '../atomicWrite';
import { ChromiumOptions, HeadlessChromium } from './chromium';
import { plotlySource } from './plotlySource';
import { reportResultsDir } from './resultsDir';

/** A Plotly figure: traces, layout, config, as plotly.js takes them (JSON-serialisable). */
export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

export interface StaticImageOptions {
  /** CSS pixels (default: layout.width or 800). */
  width?: number;
  /** CSS pixels (default: layout.height or 480). */
  height?: number;
  /** PNG pixel ratio (default 2: a 800x480 figure gives a 1600x960 PNG). */
  scale?: number;
}

export interface StaticImages {
  /** The SVG document text. */
  svg: string;
  /** PNG bytes. */
  png: Buffer;
  width: number;
  height: number;
  scale: number;
}

export interface WrittenFigure {
  svg: string;
  png: string;
}

const SAFE_SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Width and height a figure is drawn at (options, then layout, then 800x480). */
export function figureSize(figure: PlotlyFigure, options: StaticImageOptions = {}): { width: number; height: number } {
  const layout = figure.layout ?? {};
  const width = options.width ?? (typeof layout.width === 'number' ? layout.width : 800);
  const height = options.height ?? (typeof layout.height === 'number' ? layout.height : 480);
  return { width, height };
}

const PAGE_HELPER = `
window.__dilRender = async function (figure, width, height, scale) {
  const div = document.createElement('div');
  document.body.appendChild(div);
  try {
    const layout = Object.assign({}, figure.layout || {}, { width: width, height: height });
    await Plotly.newPlot(div, figure.data, layout, Object.assign({}, figure.config || {}, { staticPlot: true }));
    const svg = await Plotly.toImage(div, { format: 'svg', width: width, height: height });
    const png = await Plotly.toImage(div, { format: 'png', width: width, height: height, scale: scale });
    return { svg: svg, png: png };
  } finally {
    Plotly.purge(div);
    div.remove();
  }
};
true;
`;

function decodeSvgDataUrl(url: string): string {
  const comma = url.indexOf(',');
  const head = url.slice(0, comma);
  const body = url.slice(comma + 1);
  return head.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

function decodePngDataUrl(url: string): Buffer {
  return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

/**
 * Renders figures in one reusable headless Chromium. Start lazily on the first `render`, close
 * with `close()` (an idle renderer does not keep Node alive, and the browser is killed when
 * the process exits).
 */
export class FigureRenderer {
  private browser: Promise<HeadlessChromium> | undefined;

  constructor(private readonly options: ChromiumOptions = {}) {}

  private async page(): Promise<HeadlessChromium> {
    if (this.browser) {
      const running = await this.browser.catch(() => undefined);
      if (running && running.running) return running;
    }
    this.browser = (async () => {
      const browser = await HeadlessChromium.launch(this.options);
      try {
        await browser.evaluate<unknown>(`${plotlySource()}\n;true`);
        await browser.evaluate<boolean>(PAGE_HELPER);
      } catch (err) {
        await browser.close();
        throw err;
      }
      return browser;
    })();
    return this.browser;
  }

  /** Renders one figure to SVG text and PNG bytes. */
  async render(figure: PlotlyFigure, options: StaticImageOptions = {}): Promise<StaticImages> {
    if (!figure || !Array.isArray(figure.data)) {
      throw new Error('FigureRenderer.render: expected a Plotly figure { data: [...traces], layout? }');
    }
    const { width, height } = figureSize(figure, options);
    const scale = options.scale ?? 2;
    const browser = await this.page();
    const call = `window.__dilRender(${JSON.stringify(figure)}, ${width}, ${height}, ${scale})`;
    const result = await browser.evaluate<{ svg: string; png: string }>(call);
    return { svg: decodeSvgDataUrl(result.svg), png: decodePngDataUrl(result.png), width, height, scale };
  }

  /** Closes the browser (a later `render` starts a new one). */
  async close(): Promise<void> {
    const pending = this.browser;
    this.browser = undefined;
    if (!pending) return;
    const browser = await pending.catch(() => undefined);
    if (browser) await browser.close();
  }
}

let shared: FigureRenderer | undefined;

/** The process-wide renderer notebooks and `showFigure` use (one Chromium per kernel). */
export function sharedFigureRenderer(): FigureRenderer {
  if (!shared) shared = new FigureRenderer();
  return shared;
}

/** Closes the shared renderer's browser, if one was started. */
export async function closeSharedFigureRenderer(): Promise<void> {
  const renderer = shared;
  shared = undefined;
  if (renderer) await renderer.close();
}

/** The two paths `<resultsDir>/figures/<paper>/<name>.{svg,png}`; validates the names. */
export function figurePaths(paper: string, name: string, resultsDir: string = reportResultsDir()): WrittenFigure {
  for (const [what, value] of [
    ['paper', paper],
    ['name', name],
  ] as const) {
    if (!SAFE_SEGMENT.test(value) || value.startsWith('.')) {
      throw new Error(`figurePaths: figure ${what} "${value}" must be a plain name (letters, digits, . _ -)`);
    }
  }
  const dir = path.join(resultsDir, 'figures', paper);
  return { svg: path.join(dir, `${name}.svg`), png: path.join(dir, `${name}.png`) };
}

/** Writes already rendered images to `results/figures/<paper>/<name>.svg/.png` atomically. */
export function writeStaticImages(
  images: StaticImages,
  paper: string,
  name: string,
  resultsDir?: string,
): WrittenFigure {
  const paths = figurePaths(paper, name, resultsDir);
  writeFileAtomic(paths.svg, images.svg);
  writeFileAtomic(paths.png, images.png);
  return paths;
}

export interface NamedFigure {
  /** Folder under results/figures. */
  paper: string;
  /** File stem. */
  name: string;
  figure: PlotlyFigure;
  image?: StaticImageOptions;
}

/**
 * Renders many figures with one Chromium start and writes each as SVG + PNG. Uses `renderer`
 * when given (left open), else a private one closed at the end.
 */
export async function exportFigures(
  figures: NamedFigure[],
  options: { resultsDir?: string; renderer?: FigureRenderer } = {},
): Promise<WrittenFigure[]> {
  for (const item of figures) figurePaths(item.paper, item.name, options.resultsDir ?? '.');
  const renderer = options.renderer ?? new FigureRenderer();
  try {
    const written: WrittenFigure[] = [];
    for (const item of figures) {
      const images = await renderer.render(item.figure, item.image);
      written.push(writeStaticImages(images, item.paper, item.name, options.resultsDir));
    }
    return written;
  } finally {
    if (!options.renderer) await renderer.close();
  }
}
