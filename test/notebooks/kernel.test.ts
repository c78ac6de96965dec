/**
 * The notebooks' contract: Jupyter runs the project's tslab kernel ("dil-tslab", registered by
 * `npm run setup`), and a notebook imports the library as a user would: `from 'deep-interest-lab'`
 * (the built dist/, reached through the shim that bin/link-self.js writes).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { useBestBackend } from '../../src/backend';
import { skipWithout } from '../requirements';

const fixtures = path.join(__dirname, 'fixtures');

function execute(notebook: string): { status: number | null; stderr: string; outputText: string } {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-nb-'));
  const res = spawnSync(
    'jupyter',
    [
      'nbconvert',
      '--execute',
      '--to',
      'notebook',
      '--output-dir',
      outDir,
      '--ExecutePreprocessor.kernel_name=dil-tslab',
      '--ExecutePreprocessor.timeout=180',
      path.join(fixtures, notebook),
    ],
    { encoding: 'utf8', timeout: 240_000 },
  );
  let outputText = '';
  const written = path.join(outDir, notebook);
  if (fs.existsSync(written)) {
    const nb = JSON.parse(fs.readFileSync(written, 'utf8')) as {
      cells: { outputs?: { text?: string[] | string }[] }[];
    };
    for (const cell of nb.cells)
      for (const out of cell.outputs ?? []) outputText += ([] as string[]).concat(out.text ?? []).join('');
  }
  fs.rmSync(outDir, { recursive: true, force: true });
  return { status: res.status, stderr: res.stderr ?? String(res.error ?? ''), outputText };
}

// without Jupyter/Chromium this suite is skipped with one line saying what to install (run anyway under CI)
describe('Jupyter runs tslab notebooks', { skip: skipWithout('jupyter') }, () => {
  it('Jupyter executes a tslab notebook that imports the library and prints the backend', async () => {
    const expected = await useBestBackend({ quiet: true });
    const run = execute('import-library.ipynb');
    assert.equal(
      run.status,
      0,
      `nbconvert failed (run \`npm run setup\` to register the kernel):\n${run.stderr.slice(-3000)}`,
    );
    assert.match(run.outputText, new RegExp(`BACKEND=${expected.name}\\b`));
    // The notebook sees the same library build: Rng(7)'s first draw matches ours.
    const { Rng } = await import('../../src/random');
    assert.match(run.outputText, new RegExp(`DRAW=${new Rng(7).next()}`));
  });

  it('a notebook whose import is broken makes the execution fail', () => {
    const run = execute('broken-import.ipynb');
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /noSuchExport/);
  });
});
