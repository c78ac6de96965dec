/**
 * executeNotebooks drives Jupyter (nbclient) on the dil-tslab kernel: parameters arrive as
 * DIL_* environment variables, a failing cell is reported with its number, source and error,
 * a hanging cell hits its time limit, and nothing is left running.
 */
import { describe, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  NotebookExecutionError,
  executeNotebook,
  executeNotebooks,
  findJupyterPython,
  notebookEnvironment,
} from '../../src/report/executeNotebooks';
import { skipWithout } from '../requirements';

const fixtures = path.join(__dirname, 'fixtures');
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-nbexec-test-'));

after(() => fs.rmSync(outDir, { recursive: true, force: true }));

function outputText(file: string): string {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    cells: Array<{ outputs?: Array<{ text?: string | string[] }> }>;
  };
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => ([] as string[]).concat(o.text ?? []).join(''))
    .join('');
}

test('parameters become DIL_* variables (validated)', () => {
  assert.deepEqual(
    notebookEnvironment({ profile: 'smoke', dataset: 'amazon:Beauty', seeds: [1, 2], jobs: 2, resultsDir: '/r' }),
    {
      DIL_PROFILE: 'smoke',
      DIL_DATASET: 'amazon:Beauty',
      DIL_SEEDS: '1,2',
      DIL_JOBS: '2',
      DIL_RESULTS: '/r',
    },
  );
  assert.throws(
    () => notebookEnvironment({ profile: 'quick' as 'smoke' }),
    /profile "quick"; expected one of smoke, default, full/,
  );
  assert.throws(() => notebookEnvironment({ jobs: 0 }), /jobs 0; expected a positive integer/);
});

// without Jupyter/Chromium this suite is skipped with one line saying what to install (run anyway under CI)
describe('notebooks executed through Jupyter', { skip: skipWithout('jupyter') }, () => {
  test('a notebook runs on the dil-tslab kernel with its parameters; the executed copy lands in --out', async () => {
    const runs = await executeNotebooks({
      notebooks: [path.join(fixtures, 'parameters.ipynb')],
      outputDir: outDir,
      parameters: { profile: 'smoke', seeds: 2, dataset: 'synthetic', resultsDir: outDir },
      timeoutSeconds: 170,
    });
    assert.equal(runs.length, 1);
    assert.equal(runs[0].ok, true);
    assert.equal(runs[0].output, path.join(outDir, 'parameters.ipynb'));
    assert.match(outputText(runs[0].output!), /PROFILE=smoke SEEDS=2 DATASET=synthetic/);
    // Signed in the local trust database, so Jupyter runs its figure scripts when it is opened.
    const check = spawnSync(
      findJupyterPython(),
      [
        '-c',
        'import nbformat, sys\nfrom nbformat.sign import ' +
          'NotebookNotary\nprint(NotebookNotary().check_signature(nbformat.read(sys.argv[1], 4)))',
        runs[0].output!,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(check.stdout.trim(), 'True', check.stderr);
    // The source notebook keeps no outputs.
    assert.doesNotMatch(outputText(path.join(fixtures, 'parameters.ipynb')), /PROFILE=/);
  });

  test('a cell error fails the run with the cell number, its source and the exception text', async () => {
    await assert.rejects(
      executeNotebooks({ notebooks: [path.join(fixtures, 'failing.ipynb')], outputDir: outDir, timeoutSeconds: 170 }),
      (err: unknown) => {
        assert.ok(err instanceof NotebookExecutionError);
        assert.match(err.message, /failing\.ipynb/);
        assert.match(err.message, /cell 1 failed/);
        assert.match(err.message, /throw new Error\(`boom-\$\{answer\}`\)/);
        assert.match(err.message, /Error: boom-42/);
        assert.equal(err.runs[0].ok, false);
        // The partially executed notebook is kept for inspection; the last cell never ran.
        assert.equal(err.runs[0].output, path.join(outDir, 'failing.failed.ipynb'));
        assert.doesNotMatch(outputText(err.runs[0].output!), /never reached/);
        return true;
      },
    );
    assert.equal(fs.existsSync(path.join(outDir, 'failing.ipynb')), false, 'no executed copy for a failed run');
  });

  test('a hanging cell is stopped by the per-cell time limit', async () => {
    const started = Date.now();
    const run = await executeNotebook(path.join(fixtures, 'slow.ipynb'), {
      outputDir: outDir,
      timeoutSeconds: 170,
      cellTimeoutSeconds: 2,
    });
    assert.equal(run.ok, false);
    assert.match(run.error!, /cell 0 failed \(CellTimeoutError\)/);
    assert.ok(Date.now() - started < 55_000, 'stopped long before the cell would have finished (60 s)');
  });

  test('a kernel registered from a checkout that is gone is named, with the command that fixes it', async () => {
    const jupyterPath = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-stale-kernel-'));
    const tslab = '/nonexistent/dil-checkout/node_modules/tslab/bin/tslab';
    fs.mkdirSync(path.join(jupyterPath, 'kernels', 'dil-stale'), { recursive: true });
    fs.writeFileSync(
      path.join(jupyterPath, 'kernels', 'dil-stale', 'kernel.json'),
      JSON.stringify({
        argv: [process.execPath, tslab, 'kernel', '--config-path', '{connection_file}'],
        display_name: 'stale',
        language: 'typescript',
      }),
    );
    try {
      const run = await executeNotebook(path.join(fixtures, 'parameters.ipynb'), {
        kernelName: 'dil-stale',
        env: { ...process.env, JUPYTER_PATH: jupyterPath },
        outputDir: outDir,
        timeoutSeconds: 60,
      });
      assert.equal(run.ok, false);
      assert.match(
        run.error!,
        /kernel "dil-stale" .* runs \/nonexistent\/dil-checkout\/node_modules\/tslab\/bin\/tslab, which does not exist .*run `npm run setup` in this checkout/,
      );
    } finally {
      fs.rmSync(jupyterPath, { recursive: true, force: true });
    }
  });
});
