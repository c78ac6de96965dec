/**
 * Static figure export through headless Chromium: one browser for the whole file (it is slow
 * to start), real SVG (parsed by the browser's XML parser) and PNG (signature, IHDR size).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FigureRenderer, exportFigures, figurePaths } from '../../src/report/figureRenderer';
import { HeadlessChromium, findChromium } from '../../src/report/chromium';
import { attentionTreeFigure, variantBarFigure } from '../../src/report/figures';
import { figureMimeBundle } from '../../src/report/display';
import { skipWithout } from '../requirements';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngSize(png: Buffer): { width: number; height: number } {
  assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

// without Jupyter/Chromium this suite is skipped with one line saying what to install (run anyway under CI)
describe('static figure export through headless Chromium', { skip: skipWithout('chromium') }, () => {
  let renderer: FigureRenderer;
  let browser: HeadlessChromium;
  let resultsDir: string;

  before(async () => {
    renderer = new FigureRenderer();
    browser = await HeadlessChromium.launch();
    resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-report-fig-'));
  });

  after(async () => {
    await renderer.close();
    await browser.close();
    fs.rmSync(resultsDir, { recursive: true, force: true });
  });

  /** Parses SVG text with Chromium's XML parser: root element name, parse errors, texts, drawn paths. */
  async function parseSvg(
    svg: string,
  ): Promise<{ root: string; namespace: string; errors: number; texts: string[]; paths: number; bars: number }> {
    return browser.evaluate(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(svg)}, 'image/svg+xml');
      const root = doc.documentElement;
      return {
        root: root.nodeName,
        namespace: root.namespaceURI,
        errors: doc.getElementsByTagName('parsererror').length,
        texts: Array.from(doc.getElementsByTagName('text')).map((t) => t.textContent),
        paths: doc.getElementsByTagName('path').length,
        bars: doc.querySelectorAll('g.trace.bars g.point path').length,
      };
    })()`);
  }

  it('a bar figure with error bars exports as a real SVG and a PNG of the requested size', async () => {
    const figure = variantBarFigure({
      title: 'Ablation AUC',
      metric: 'test AUC',
      variants: ['BaseModel', 'DIN', 'DIEN'],
      means: [0.7435, 0.7603, 0.7792],
      stds: [0.0013, 0.0003, 0.0024],
      published: [0.7435, null, 0.7792],
      publishedLabel: 'paper',
    });
    const [written] = await exportFigures(
      [{ paper: 'dien', name: 'ablation-bars', figure, image: { width: 640, height: 400, scale: 2 } }],
      {
        resultsDir,
        renderer,
      },
    );
    assert.deepEqual(written, figurePaths('dien', 'ablation-bars', resultsDir));
    const svg = fs.readFileSync(written.svg, 'utf8');
    const parsed = await parseSvg(svg);
    assert.equal(parsed.errors, 0);
    assert.equal(parsed.root, 'svg');
    assert.equal(parsed.namespace, 'http://www.w3.org/2000/svg');
    // each category label is the variant's name with its mean on a second line (two tspans)
    for (const label of ['BaseModel0.7435', 'DIN0.7603', 'DIEN0.7792', 'Ablation AUC', 'test AUC', 'paper']) {
      assert.ok(parsed.texts.includes(label), `SVG text "${label}" in ${JSON.stringify(parsed.texts)}`);
    }
    assert.equal(parsed.bars, 3, 'one bar path per variant');
    assert.match(svg, /^<svg[^>]* width="640" height="400"/);
    assert.deepEqual(pngSize(fs.readFileSync(written.png)), { width: 1280, height: 800 });
    assert.ok(!fs.readdirSync(path.dirname(written.svg)).some((f) => f.includes('.tmp-')), 'no temp files left');
  });

  it('the renderer is reused: a second figure (DHAN attention tree, sunburst) renders with scale 1', async () => {
    const figure = attentionTreeFigure({
      title: 'Attention tree',
      root: 'candidate: lipstick',
      clusters: [
        {
          label: 'Makeup',
          weight: 0.7,
          items: [
            { label: 'mascara', weight: 0.2 },
            { label: 'eyeliner', weight: 0.6 },
          ],
        },
        { label: 'Skin', weight: 0.3, items: [{ label: 'cream', weight: 1 }] },
      ],
    });
    const images = await renderer.render(figure, { width: 500, height: 500, scale: 1 });
    const parsed = await parseSvg(images.svg);
    assert.equal(parsed.errors, 0);
    assert.equal(parsed.root, 'svg');
    assert.ok(parsed.paths >= 5, `sunburst sectors drawn (root, 2 clusters, 3 items): ${parsed.paths} paths`);
    assert.ok(parsed.texts.some((t) => t.includes('mascara')));
    assert.deepEqual(pngSize(images.png), { width: 500, height: 500 });
  });

  it('the inline MIME bundle holds interactive HTML with the static fallback, SVG and PNG', async () => {
    const figure = variantBarFigure({
      title: 'T</script>',
      metric: 'AUC',
      variants: ['a', 'b'],
      means: [0.6, 0.7],
      stds: [0, 0],
    });
    const images = await renderer.render(figure, { width: 300, height: 200, scale: 1 });
    const bundle = figureMimeBundle(figure, { images, image: { width: 300, height: 200 } });
    assert.deepEqual(Object.keys(bundle).sort(), ['image/png', 'image/svg+xml', 'text/html', 'text/plain']);
    assert.equal(bundle['image/png'], images.png.toString('base64'));
    assert.match(bundle['text/html'], /<img alt="T&lt;\/script&gt;" src="data:image\/png;base64,/);
    assert.match(bundle['text/html'], /window\.Plotly\.newPlot/);
    // The figure JSON cannot close the script element early.
    const scriptBody = bundle['text/html'].split('<script type="text/javascript">')[1];
    assert.equal(scriptBody.indexOf('</script>'), scriptBody.length - '</script>'.length);
    assert.ok(!bundle['text/html'].includes('window.Plotly) { (function'), 'no library unless asked');
    const withLibrary = figureMimeBundle(figure, { includeLibrary: true });
    assert.ok(withLibrary['text/html'].includes('if (!window.Plotly)'));
    assert.ok(withLibrary['text/html'].length > 1_000_000, 'plotly.js inlined');
    assert.equal(withLibrary['image/png'], undefined);
  });

  it('the HTML of the bundle draws an interactive Plotly figure in a browser page', async () => {
    const figure = variantBarFigure({
      title: 'Live',
      metric: 'AUC',
      variants: ['x', 'y'],
      means: [0.6, 0.7],
      stds: [0.01, 0.02],
    });
    const html = figureMimeBundle(figure, { includeLibrary: true })['text/html'];
    const file = path.join(resultsDir, 'page.html');
    fs.writeFileSync(file, `<!doctype html><html><body>${html}</body></html>`);
    await browser.navigate(`file://${file}`);
    const drawn = await browser.evaluate<number>(`new Promise((resolve) => {
      let n = 0;
      const check = () => {
        const count = document.querySelectorAll('.dil-plotly-figure svg.main-svg').length;
        if (count > 0 || n++ > 100) resolve(count); else setTimeout(check, 50);
      };
      check();
    })`);
    assert.ok(drawn > 0, 'Plotly drew its SVG into the figure div');
  });

  it('a missing Chromium gives a clear error naming DIL_CHROMIUM', () => {
    assert.throws(
      () => findChromium({ DIL_CHROMIUM: '/nonexistent/chromium', PATH: '' }),
      /DIL_CHROMIUM=\/nonexistent\/chromium is not an executable/,
    );
    assert.equal(findChromium({ DIL_CHROMIUM: '/usr/bin/chromium' }), '/usr/bin/chromium');
  });

  it('figure names must be plain file names', () => {
    assert.throws(() => figurePaths('din', '../x', resultsDir), /figure name "\.\.\/x" must be a plain name/);
  });
});
