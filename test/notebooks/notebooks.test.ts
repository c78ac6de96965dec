/**
 * The paper notebooks, executed as `npm start` runs them but with the smoke profile: every
 * notebook under notebooks/ through Jupyter on the dil-tslab kernel (any cell error fails),
 * each within 3 minutes. Then a browser check: nbconvert renders the executed 00-data notebook
 * to HTML, headless Chromium opens it, Plotly's SVG must be drawn inside our figure div, and a
 * screenshot is kept under results/ci-smoke/screenshots/ for the record. Last, the executed
 * notebooks are exported as a reference run (light copies, as `dil reproduce --reference-run`
 * writes them) and Chromium must show every figure of their nbconvert HTML as a PNG image.
 *
 * Needs `npm run build` (pretest does it) and the kernel registered by `npm run setup`.
 */
import { describe, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { executeNotebook, listNotebooks } from '../../src/report/executeNotebooks';
import { HeadlessChromium } from '../../src/report/chromium';
import { LIGHT_NOTEBOOK_MAX_BYTES } from '../../src/report/lightNotebook';
import { writeReferenceRun } from '../../src/report/referenceRun';
import { referenceRunProvenance } from '../../src/cli/commands/reproduce';
import { skipWithout } from '../requirements';

const root = path.resolve(__dirname, '..', '..');
const resultsDir = path.join(root, 'results', 'ci-smoke');
const executedDir = path.join(resultsDir, 'notebooks');
const NOTEBOOK_LIMIT_SECONDS = 180;

fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

const notebooks = listNotebooks(path.join(root, 'notebooks'));
let browser: HeadlessChromium | undefined;

after(async () => {
  if (browser) await browser.close();
});

test('the five paper notebooks are there', () => {
  assert.deepEqual(
    notebooks.map((n) => path.basename(n)),
    ['00-data.ipynb', '01-din.ipynb', '02-dien.ipynb', '03-dmin.ipynb', '04-dhan.ipynb'],
  );
});

// without Jupyter/Chromium this suite is skipped with one line saying what to install (run anyway under CI)
describe('the paper notebooks, executed and rendered', { skip: skipWithout('jupyter', 'chromium') }, () => {
  for (const notebook of notebooks) {
    const name = path.basename(notebook, '.ipynb');
    test(`${name} runs on the smoke profile in under ${NOTEBOOK_LIMIT_SECONDS} s without a cell error`, async () => {
      const run = await executeNotebook(notebook, {
        outputDir: executedDir,
        parameters: { profile: 'smoke', jobs: 1, resultsDir },
        timeoutSeconds: NOTEBOOK_LIMIT_SECONDS,
      });
      assert.ok(run.ok, `${name} failed after ${run.seconds.toFixed(0)} s:\n${run.error}`);
      assert.ok(run.seconds < NOTEBOOK_LIMIT_SECONDS, `${name} took ${run.seconds.toFixed(0)} s`);
      // Every figure is shown inline with interactive HTML and static images kept in the notebook.
      const executed = JSON.parse(fs.readFileSync(run.output!, 'utf8')) as {
        cells: Array<{ outputs?: Array<{ output_type: string; data?: Record<string, unknown> }> }>;
      };
      const figures = executed.cells
        .flatMap((c) => c.outputs ?? [])
        .filter((o) => o.data?.['image/svg+xml'] !== undefined);
      assert.ok(figures.length > 0, `${name} shows at least one figure`);
      for (const figure of figures) {
        assert.ok(figure.data!['image/png'], 'PNG kept for viewers without JavaScript');
        assert.match(
          ([] as string[]).concat(figure.data!['text/html'] as string | string[]).join(''),
          /window\.Plotly\.newPlot/,
        );
      }
      // ... and written as citable files; a paper notebook also writes at least one table.
      const paper = name === '00-data' ? 'data' : name.split('-')[1];
      const figureFiles = fs.readdirSync(path.join(resultsDir, 'figures', paper));
      assert.ok(figureFiles.some((f) => f.endsWith('.svg')) && figureFiles.some((f) => f.endsWith('.png')));
      const tableFiles = fs.readdirSync(path.join(resultsDir, 'tables', paper));
      for (const ext of ['.md', '.csv', '.tex'])
        assert.ok(
          tableFiles.some((f) => f.endsWith(ext)),
          `a ${ext} table for ${paper}`,
        );
    });
  }

  test('nbconvert HTML of an executed notebook shows the Plotly figure in Chromium (screenshot kept)', async () => {
    const executed = path.join(executedDir, '00-data.ipynb');
    assert.ok(fs.existsSync(executed), 'the 00-data test above wrote the executed notebook');
    const htmlDir = path.join(resultsDir, 'html');
    const convert = spawnSync('jupyter', ['nbconvert', '--to', 'html', '--output-dir', htmlDir, executed], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(convert.status, 0, convert.stderr);
    const html = path.join(htmlDir, '00-data.html');
    // No network: every host name fails to resolve, so CDN links in nbconvert's template fail fast.
    browser = await HeadlessChromium.launch({ extraFlags: ['--host-resolver-rules=MAP * ~NOTFOUND'] });
    await browser.navigate(`file://${html}`);
    const found = await browser.evaluate<{ figures: number; drawn: number; traces: number }>(`new Promise((resolve) => {
      let tries = 0;
      const check = () => {
        const figures = document.querySelectorAll('.dil-plotly-figure').length;
        const drawn = document.querySelectorAll('.dil-plotly-figure svg.main-svg').length;
        const traces = document.querySelectorAll('.dil-plotly-figure g.trace').length;
        if ((figures > 0 && drawn >= figures) || tries++ > 200) resolve({ figures, drawn, traces });
        else setTimeout(check, 50);
      };
      check();
    })`);
    assert.ok(found.figures >= 3, `figure divs in the page: ${found.figures}`);
    assert.ok(found.drawn >= found.figures, `Plotly drew an SVG in every figure div (${found.drawn}/${found.figures})`);
    assert.ok(found.traces > 0, 'the SVG holds traces');
    const png = await browser.screenshot({ width: 1200, height: 900, selector: '.dil-plotly-figure' });
    const shot = path.join(resultsDir, 'screenshots', '00-data.png');
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    fs.writeFileSync(shot, png);
    assert.ok(png.subarray(1, 4).toString('ascii') === 'PNG' && png.length > 10_000, 'a real screenshot');
  });

  test('reference-run copies are light and Chromium shows every figure as an image', async () => {
    const executed = notebooks.map((n) => path.join(executedDir, path.basename(n)));
    const outDir = path.join(resultsDir, 'reference-run');
    const argv = ['--profile', 'smoke', '--reference-run', outDir];
    const provenance = referenceRunProvenance(argv, { profile: 'smoke', resultsDir }, undefined);
    const written = writeReferenceRun({ notebooks: executed, outDir, provenance });
    const readme = fs.readFileSync(written.readme, 'utf8');
    assert.match(readme, /\| Backend \| (wasm|tensorflow|cpu) \(\d+\)/, 'backend from the smoke run records');
    assert.ok(readme.includes(`| Command | \`dil reproduce --profile smoke --reference-run ${outDir}\` |`));
    const htmlDir = path.join(resultsDir, 'reference-run-html');
    const convert = spawnSync('jupyter', ['nbconvert', '--to', 'html', '--output-dir', htmlDir, ...written.notebooks], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(convert.status, 0, convert.stderr);
    browser ??= await HeadlessChromium.launch({ extraFlags: ['--host-resolver-rules=MAP * ~NOTFOUND'] });
    const page: HeadlessChromium = browser;
    for (const [k, copy] of written.notebooks.entries()) {
      const name = path.basename(copy, '.ipynb');
      assert.ok(fs.statSync(copy).size < LIGHT_NOTEBOOK_MAX_BYTES, `${name} copy is ${fs.statSync(copy).size} bytes`);
      const text = fs.readFileSync(copy, 'utf8');
      assert.ok(!text.includes('window.Plotly') && !text.includes('image/svg+xml'), `${name}: no plotly.js, no SVG`);
      // one PNG per figure of the executed notebook, each also a file the README links
      const original = JSON.parse(fs.readFileSync(executed[k], 'utf8')) as {
        cells: Array<{ outputs?: Array<{ data?: Record<string, unknown> }> }>;
      };
      const figures = original.cells
        .flatMap((c) => c.outputs ?? [])
        .filter((o) => o.data?.['image/svg+xml'] !== undefined).length;
      const files = written.figures.filter((f) => path.basename(path.dirname(f)) === name);
      assert.equal(files.length, figures, `${name}: a PNG file per figure`);
      for (const f of files) assert.ok(readme.includes(`](${path.relative(outDir, f)})`), `README links ${f}`);
      const shown = await imagesShown(page, path.join(htmlDir, `${name}.html`));
      assert.equal(shown.images, figures, `${name}: one image per figure in the page`);
      assert.equal(shown.loaded, figures, `${name}: every image decoded`);
      for (const [i, f] of files.entries()) {
        // shown at display size: half the scale-2 PNG file
        assert.equal(
          shown.widths[i],
          fs.readFileSync(f).readUInt32BE(16) >> 1,
          `${name}: image ${i} is half the PNG file's width`,
        );
      }
      assert.equal(shown.plotly, 0, `${name}: no interactive figure left`);
    }
  });

  test('the committed reference run is light and Chromium shows every figure of it', async () => {
    const committed = path.join(__dirname, '..', '..', 'docs', 'reference-run');
    const copies = fs
      .readdirSync(committed)
      .filter((f) => f.endsWith('.ipynb'))
      .map((f) => path.join(committed, f));
    assert.deepEqual(
      copies.map((c) => path.basename(c)),
      notebooks.map((n) => path.basename(n)),
      'every notebook has its committed copy',
    );
    const readme = fs.readFileSync(path.join(committed, 'README.md'), 'utf8');
    const htmlDir = path.join(resultsDir, 'committed-reference-run-html');
    const convert = spawnSync('jupyter', ['nbconvert', '--to', 'html', '--output-dir', htmlDir, ...copies], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(convert.status, 0, convert.stderr);
    browser ??= await HeadlessChromium.launch({ extraFlags: ['--host-resolver-rules=MAP * ~NOTFOUND'] });
    for (const copy of copies) {
      const name = path.basename(copy, '.ipynb');
      assert.ok(fs.statSync(copy).size < LIGHT_NOTEBOOK_MAX_BYTES, `${name} copy is ${fs.statSync(copy).size} bytes`);
      const linked = [...readme.matchAll(new RegExp(`\\]\\((figures/${name}/[^)]+\\.png)\\)`, 'g'))].map((m) => m[1]);
      for (const f of linked) assert.ok(fs.existsSync(path.join(committed, f)), `README links ${f}, which exists`);
      const shown = await imagesShown(browser, path.join(htmlDir, `${name}.html`));
      assert.equal(shown.images, linked.length, `${name}: one image per linked figure`);
      assert.equal(shown.loaded, shown.images, `${name}: every image decoded`);
      assert.equal(shown.plotly, 0, `${name}: no interactive figure left`);
    }
  });
});

/** What Chromium shows of an nbconvert page: its PNG images, how many decoded, their widths, any Plotly left. */
async function imagesShown(
  page: HeadlessChromium,
  htmlFile: string,
): Promise<{ images: number; loaded: number; widths: number[]; plotly: number }> {
  await page.navigate(`file://${htmlFile}`);
  return page.evaluate<{ images: number; loaded: number; widths: number[]; plotly: number }>(`new Promise((resolve) => {
    let tries = 0;
    const check = () => {
      const images = Array.from(document.querySelectorAll('img[src^="data:image/png"]'));
      const loaded = images.filter((img) => img.complete && img.naturalWidth > 0);
      if (loaded.length === images.length || tries++ > 200) {
        resolve({ images: images.length, loaded: loaded.length, widths: loaded.map((img) => img.naturalWidth),
                  plotly: (window.Plotly ? 1 : 0) + document.querySelectorAll('.dil-plotly-figure').length });
      } else setTimeout(check, 50);
    };
    check();
  })`);
}
