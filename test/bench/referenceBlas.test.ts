import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureOptimisedBlas } from '../../src/bench/referenceBlas';
import { parsePytorchOutput } from '../../src/bench/pytorch';

/** A fake command runner: dpkg-query answers `installed`; apt-get succeeds when `aptWorks`. */
function fakeRunner(installed: string[], aptWorks: boolean) {
  const calls: string[] = [];
  const run = (cmd: string, args: string[]) => {
    calls.push(`${cmd} ${args.join(' ')}`);
    if (cmd === 'dpkg-query') {
      const lines = args
        .slice(2)
        .map((p) => (installed.includes(p) ? `${p} install ok installed` : `${p} unknown ok not-installed`));
      return { status: installed.length > 0 ? 0 : 1, stdout: lines.join('\n'), stderr: '' };
    }
    return { status: aptWorks ? 0 : 100, stdout: '', stderr: aptWorks ? '' : 'E: Unable to locate package' };
  };
  return { run, calls };
}

test('ensureOptimisedBlas: finds an installed optimised BLAS without calling apt-get', () => {
  const f = fakeRunner(['libopenblas0-pthread'], true);
  const r = ensureOptimisedBlas({ install: true, isRoot: true, run: f.run });
  assert.equal(r.ok, true);
  assert.equal(r.installed, undefined);
  assert.match(r.message, /libopenblas0-pthread/);
  assert.equal(f.calls.filter((c) => c.startsWith('apt-get')).length, 0);
});

test('ensureOptimisedBlas: installs libopenblas0-pthread as root, otherwise says what to run', () => {
  const root = fakeRunner([], true);
  const r = ensureOptimisedBlas({ install: true, isRoot: true, run: root.run });
  assert.equal(r.ok, true);
  assert.equal(r.installed, 'libopenblas0-pthread');
  assert.ok(root.calls.includes('apt-get install -y --no-install-recommends libopenblas0-pthread'));
  const user = fakeRunner([], true);
  const u = ensureOptimisedBlas({ install: true, isRoot: false, run: user.run });
  assert.equal(u.ok, false);
  assert.match(u.message, /not root.*apt-get install -y libopenblas0-pthread/);
  assert.equal(user.calls.filter((c) => c.startsWith('apt-get')).length, 0);
  const off = ensureOptimisedBlas({ install: false, isRoot: true, run: fakeRunner([], true).run });
  assert.equal(off.ok, false);
  const failing = ensureOptimisedBlas({ install: true, isRoot: true, run: fakeRunner([], false).run });
  assert.equal(failing.ok, false);
  assert.match(failing.message, /could not install libopenblas0-pthread \(E: Unable to locate package\)/);
});

test("parsePytorchOutput reads the reference's env.blas_gflops", () => {
  const line = JSON.stringify({
    model: 'DIN',
    train: { median_step_ms: 64, samples_per_s: 2000, p10_ms: 60, p90_ms: 70, steps: 50 },
    infer: { median_step_ms: 8, samples_per_s: 16000, p10_ms: 7, p90_ms: 9, steps: 50 },
    env: { torch: '1.13.1', blas_gflops: 79.6 },
  });
  assert.equal(parsePytorchOutput(line, { model: 'DIN', threads: 1 }).blasGflops, 79.6);
  assert.equal(
    parsePytorchOutput(line.replace(', "blas_gflops":79.6', '').replace(',"blas_gflops":79.6', ''), {
      model: 'DIN',
      threads: 1,
    }).blasGflops,
    undefined,
  );
});
