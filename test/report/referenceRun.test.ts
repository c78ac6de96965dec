/**
 * The reference run's light notebooks and folder: figures keep one PNG (no plotly.js, no SVG,
 * no interactive HTML), tables and printed lines stay, the size limit holds, the README carries
 * the provenance and links one PNG file per figure, and bad input is refused before anything is
 * written. Built from notebooks made with the kit's own figure bundles; no Jupyter needed (the
 * smoke notebooks are exported and rendered in Chromium by test/notebooks/notebooks.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { figureMimeBundle } from '../../src/report/display';
import { lightNotebook, NotebookJson, NotebookOutput } from '../../src/report/lightNotebook';
import {
  figureSlug,
  machineDescription,
  ReferenceRunProvenance,
  writeReferenceRun,
} from '../../src/report/referenceRun';
import { variantBarFigure } from '../../src/report/figures';
import { main } from '../../src/cli/main';
import { referenceRunProvenance } from '../../src/cli/commands/reproduce';
import { writeRunRecord, RunRecord } from '../../src/experiments/runRecord';
import { resolveRunConfig } from '../../src/experiments/runConfig';
import { gitCommit } from '../../src/experiments/provenance';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-refrun-test-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Two PNG files' bytes standing for rendered figures. */
const PNG_A = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const PNG_B = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR42mP8z8Dwn4GBgQEAD/0CAUq3jJwAAAAASUVORK5CYII=',
  'base64',
);

const TABLE: NotebookOutput = {
  output_type: 'display_data',
  data: { 'text/markdown': '| Model | AUC |\n|---|---|\n| DIN | 0.76 |', 'text/plain': '| Model | AUC |' },
  metadata: {},
};

function figureOutput(title: string, png: Buffer, includeLibrary: boolean): NotebookOutput {
  const figure = variantBarFigure({ title, metric: 'AUC', variants: ['a', 'b'], means: [0.6, 0.7], stds: [0, 0] });
  const images = { svg: '<svg xmlns="http://www.w3.org/2000/svg"/>', png, width: 800, height: 480, scale: 2 };
  const bundle = figureMimeBundle(figure, { images, includeLibrary });
  return {
    output_type: 'display_data',
    data: bundle as Record<string, string>,
    metadata: { 'image/png': { width: 800, height: 480 } },
  };
}

/** An executed notebook as the kit writes it: the first figure inlines plotly.js. */
function executedNotebook(): NotebookJson {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'dil-tslab' } },
    cells: [
      { id: 'a', cell_type: 'markdown', source: '# DIN', metadata: {} },
      {
        id: 'b',
        cell_type: 'code',
        source: 'settings',
        metadata: {},
        execution_count: 1,
        outputs: [{ output_type: 'stream', name: 'stdout', text: 'profile=smoke\n' }],
      },
      {
        id: 'c',
        cell_type: 'code',
        source: 'show',
        metadata: {},
        execution_count: 2,
        outputs: [TABLE, figureOutput('DIN Table 3', PNG_A, true), figureOutput('DIN | curves', PNG_B, false)],
      },
    ],
  };
}

const PROVENANCE: ReferenceRunProvenance = {
  date: '2026-12-02T22:30:00.000Z',
  commit: 'abc123',
  machine: '2 cores, Test CPU (linux x64, node v20)',
  backend: 'wasm (3) run records',
  dataset: 'amazon:Beauty from ../shared/data (run records: amazon:Beauty (3))',
  command: "dil reproduce --dataset amazon:Beauty --reference-run 'docs/reference run'",
};

function writeNotebook(name: string, notebook: NotebookJson): string {
  const file = path.join(tmp, 'executed', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(notebook));
  return file;
}

test('the light copy: one PNG per figure, no plotly.js, SVG or interactive HTML; tables and text kept', () => {
  const executed = executedNotebook();
  const before = JSON.stringify(executed).length;
  assert.ok(before > 1_000_000, 'the executed notebook inlines plotly.js');
  const { notebook, figures } = lightNotebook(executed, '01-din.ipynb');
  const text = JSON.stringify(notebook);
  assert.ok(text.length < 10_000, `light copy is ${text.length} characters`);
  assert.doesNotMatch(text, /newPlot|window\.Plotly|image\/svg\+xml|text\/html/);
  const outputs = notebook.cells[2].outputs!;
  assert.deepEqual(outputs[0], TABLE);
  assert.deepEqual(Object.keys(outputs[1].data!).sort(), ['image/png', 'text/plain']);
  assert.deepEqual(Buffer.from(outputs[1].data!['image/png'] as string, 'base64'), PNG_A);
  assert.deepEqual(outputs[1].metadata, { 'image/png': { width: 800, height: 480 } });
  assert.deepEqual(Buffer.from(outputs[2].data!['image/png'] as string, 'base64'), PNG_B);
  assert.deepEqual(notebook.cells[1], executed.cells[1]);
  assert.deepEqual(
    figures.map((f) => [f.cell, f.title, f.png]),
    [
      [2, 'DIN Table 3', PNG_A],
      [2, 'DIN | curves', PNG_B],
    ],
  );
});

test('a notebook that was not executed, failed in a cell, or shows a figure without PNG is refused by name', () => {
  const unexecuted = executedNotebook();
  for (const cell of unexecuted.cells) if (cell.outputs) cell.outputs = [];
  assert.throws(
    () => lightNotebook(unexecuted, '01-din.ipynb'),
    /01-din\.ipynb: no code cell has outputs; expected an executed notebook/,
  );
  const failed = executedNotebook();
  failed.cells[2].outputs!.push({ output_type: 'error', ename: 'Error', evalue: 'boom', traceback: [] });
  assert.throws(
    () => lightNotebook(failed, 'x.ipynb'),
    /x\.ipynb: cell 2 failed when the notebook ran \(Error: boom\)/,
  );
  const interactiveOnly = executedNotebook();
  const figure = variantBarFigure({ title: 'T', metric: 'AUC', variants: ['a'], means: [0.5], stds: [0] });
  interactiveOnly.cells[2].outputs!.push({
    output_type: 'display_data',
    data: figureMimeBundle(figure) as Record<string, string>,
    metadata: {},
  });
  assert.throws(
    () => lightNotebook(interactiveOnly, 'x.ipynb'),
    /x\.ipynb: cell 2 shows an interactive figure without a PNG rendering/,
  );
});

test('reference-run folder: notebooks with provenance cells, one PNG per figure, a README with links', () => {
  const files = [writeNotebook('00-data.ipynb', executedNotebook()), writeNotebook('01-din.ipynb', executedNotebook())];
  const outDir = path.join(tmp, 'reference-run');
  const written = writeReferenceRun({ notebooks: files, outDir, provenance: PROVENANCE });
  assert.equal(written.figures.length, 4, 'two figures per notebook');
  assert.deepEqual(
    written.figures.map((f) => path.relative(outDir, f)),
    [
      'figures/00-data/01-din-table-3.png',
      'figures/00-data/02-din-curves.png',
      'figures/01-din/01-din-table-3.png',
      'figures/01-din/02-din-curves.png',
    ],
  );
  assert.deepEqual(fs.readFileSync(written.figures[3]), PNG_B);
  assert.deepEqual(fs.readdirSync(outDir).sort(), ['00-data.ipynb', '01-din.ipynb', 'README.md', 'figures']);
  const readme = fs.readFileSync(written.readme, 'utf8');
  for (const line of [
    '| Date | 2026-12-02T22:30:00.000Z |',
    '| Commit | `abc123` |',
    '| Machine | 2 cores, Test CPU (linux x64, node v20) |',
    '| Backend | wasm (3) run records |',
    '| Dataset | amazon:Beauty from ../shared/data (run records: amazon:Beauty (3)) |',
    "| Command | `dil reproduce --dataset amazon:Beauty --reference-run 'docs/reference run'` |",
    '### [01-din.ipynb](01-din.ipynb)',
    '- [DIN \\| curves](figures/01-din/02-din-curves.png)',
  ]) {
    assert.ok(readme.includes(line), `README line: ${line}`);
  }
  const copy = JSON.parse(fs.readFileSync(written.notebooks[1], 'utf8')) as NotebookJson;
  assert.equal(copy.cells[0].cell_type, 'markdown');
  assert.equal(copy.cells[0].id, 'reference-run-provenance', 'nbformat 4.5 cells carry ids');
  assert.match(
    String(copy.cells[0].source),
    /executed 2026-12-02T22:30:00\.000Z at commit `abc123` on 2 cores, Test CPU .*README\.md/,
  );
  assert.equal(copy.cells.length, executedNotebook().cells.length + 1);
  assert.ok(!fs.readdirSync(tmp).some((f) => f.includes('.tmp-') || f.includes('.old-')), 'no scratch folders left');

  // A new export replaces the earlier one whole: no stale figure stays.
  const fewer = executedNotebook();
  fewer.cells[2].outputs!.pop();
  const again = writeReferenceRun({
    notebooks: [writeNotebook('01-din.ipynb', fewer)],
    outDir,
    provenance: PROVENANCE,
  });
  assert.deepEqual(
    again.figures.map((f) => path.relative(outDir, f)),
    ['figures/01-din/01-din-table-3.png'],
  );
  assert.deepEqual(fs.readdirSync(path.join(outDir, 'figures')), ['01-din']);
  assert.deepEqual(fs.readdirSync(path.join(outDir, 'figures', '01-din')), ['01-din-table-3.png']);
});

test('an export that breaks a rule writes nothing: too large, missing notebook, not a reference run', () => {
  const outDir = path.join(tmp, 'refused');
  const file = writeNotebook('02-dien.ipynb', executedNotebook());
  assert.throws(
    () => writeReferenceRun({ notebooks: [file], outDir, provenance: PROVENANCE, maxNotebookBytes: 1000 }),
    /02-dien\.ipynb: the light copy is \d\.\d kB; expected at most 1\.0 kB \(largest outputs: code cell 2 display_data \d\.\d kB, /,
  );
  assert.equal(fs.existsSync(outDir), false);
  const missing = path.join(tmp, 'executed', '03-dmin.ipynb');
  fs.writeFileSync(path.join(tmp, 'executed', '03-dmin.failed.ipynb'), '{}');
  assert.throws(
    () => writeReferenceRun({ notebooks: [file, missing], outDir, provenance: PROVENANCE }),
    /03-dmin\.ipynb: executed notebook not found \(its last run failed: .*03-dmin\.failed\.ipynb\)/,
  );
  assert.equal(fs.existsSync(outDir), false);
  fs.mkdirSync(outDir);
  fs.writeFileSync(path.join(outDir, 'notes.md'), 'mine');
  assert.throws(
    () => writeReferenceRun({ notebooks: [file], outDir, provenance: PROVENANCE }),
    /holds no earlier reference run/,
  );
  assert.deepEqual(fs.readdirSync(outDir), ['notes.md']);
});

test('figure file names: lower-case words of the title, at most 60 characters', () => {
  assert.equal(
    figureSlug("DIEN: evolution attention a_t over user 1's history"),
    'dien-evolution-attention-a-t-over-user-1-s-history',
  );
  assert.equal(figureSlug('x'.repeat(59) + ' yz'), 'x'.repeat(59));
  assert.equal(figureSlug('***'), 'figure');
  assert.match(
    machineDescription(),
    new RegExp(`^${os.cpus().length} cores, .+ \\(${os.platform()} ${os.arch()}, node v`),
  );
});

test('dil reproduce --reference-run: a bad folder or a notebook subset is refused before any sweep runs', async () => {
  const err: string[] = [];
  const io = { out: () => undefined, err: (l: string) => err.push(l) };
  const file = path.join(tmp, 'a-file');
  fs.writeFileSync(file, 'x');
  assert.equal(await main(['reproduce', '--reference-run', file], io), 2);
  assert.match(err.join('\n'), /--reference-run .*a-file is a file; expected a folder/);
  assert.equal(await main(['reproduce', '--reference-run', path.join(tmp, 'new'), '--notebooks', '01'], io), 2);
  assert.match(err.join('\n'), /--reference-run needs every notebook; drop --notebooks/);
  assert.equal(fs.existsSync(path.join(tmp, 'new')), false);
});

test('reproduce-run provenance: exact command; backends, datasets, commits from the run records', () => {
  const resultsDir = path.join(tmp, 'results');
  const record = (seed: number, backend: string, gitCommit: string): RunRecord =>
    ({
      format: 'dil-run/1',
      paper: 'din',
      experiment: 'table3',
      variant: 'din',
      label: 'DIN',
      seed,
      configHash: 'h',
      config: resolveRunConfig({ model: 'din', dataset: 'synthetic:default:tiny', seed }),
      datasetChecksum: 'c',
      backend,
      gitCommit,
      host: 'h',
      startedAt: '',
      finishedAt: '',
      selectedOnTest: false,
      history: [],
      best: { epoch: 0 },
    }) as unknown as RunRecord;
  writeRunRecord(path.join(resultsDir, 'runs', 'din', 'a.json'), record(1, 'wasm', 'c1'));
  writeRunRecord(path.join(resultsDir, 'runs', 'din', 'b.json'), record(2, 'wasm', 'c2'));
  writeRunRecord(path.join(resultsDir, 'runs', 'din', 'c.json'), record(3, 'cpu', 'c2'));
  const argv = ['--data-dir', '../shared/data', '--reference-run', 'docs/reference run'];
  const p = referenceRunProvenance(argv, { resultsDir, dataset: 'amazon:Beauty' }, '../shared/data');
  assert.equal(p.command, "dil reproduce --data-dir ../shared/data --reference-run 'docs/reference run'");
  assert.equal(p.backend, 'wasm (2), cpu (1) run records');
  assert.equal(p.dataset, 'amazon:Beauty from ../shared/data (run records: synthetic:default:tiny (3))');
  assert.match(p.commit, / \(run records: c2 \(2\), c1 \(1\)\)$/);
  assert.equal(p.machine, machineDescription());
  // records all made at the kit's commit: the commit alone
  for (const name of ['a', 'b', 'c'])
    writeRunRecord(path.join(resultsDir, 'runs', 'din', `${name}.json`), record(1, 'wasm', gitCommit()));
  assert.equal(referenceRunProvenance(argv, { resultsDir }, undefined).commit, gitCommit());
  assert.ok(!Number.isNaN(Date.parse(p.date)));
});
