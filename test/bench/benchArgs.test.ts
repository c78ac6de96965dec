/**
 * The bench's flags go through the CLI's parser: `dil bench` and `npm run bench` give the same
 * errors (naming the flag, with a near-miss suggestion), the same exit code 2 and generated
 * `--help`, for the throughput benchmark, `--scale` and `--epoch`. Nothing here runs a benchmark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { UsageError } from '../../src/cli/args';
import { BENCH_COMMAND, benchCommandFor, runBenchCommand } from '../../src/bench/runBench';
import { parseScaleArgs, SCALE_COMMAND } from '../../src/bench/scale';
import { EPOCH_COMMAND, parseEpochArgs } from '../../src/bench/epoch';
import { parseAgreementArgs } from '../../src/bench/agreement';

const ROOT = path.resolve(__dirname, '../..');

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** `dil <argv>` in this process: exit code, stdout and stderr. */
async function dil(...argv: string[]) {
  const io = capture();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

test('dil bench: a misspelt flag is refused by name with a suggestion, exit 2', async () => {
  const r = await dil('bench', '--stpes', '5');
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.match(
    r.err,
    /^dil bench: unknown flag "--stpes" \(did you mean "--steps"\?\); valid flags: --models, --steps, /,
  );
  const models = await dil('bench', '--models', 'din,dein');
  assert.equal(models.code, 2);
  assert.match(
    models.err,
    /^dil bench: --models: "dein" is not valid; valid values: din, dien, dmin, dhan \(did you mean "dien"\?\)$/,
  );
  const steps = await dil('bench', '--steps', '0');
  assert.match(steps.err, /^dil bench: --steps expects an integer >= 1, got 0$/);
  const threads = await dil('bench', '--pytorch-threads', '1,two');
  assert.match(
    threads.err,
    /^dil bench: --pytorch-threads expects 'none' or a comma list of integers >= 1, got "1,two"$/,
  );
});

test('dil bench --help lists every flag with its default; --scale and --epoch have their own', async () => {
  const help = await dil('bench', '--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /^Usage: dil bench \[flags\]/);
  for (const f of BENCH_COMMAND.flags) assert.match(help.out, new RegExp(`\\n  --${f.name}\\b`), f.name);
  assert.match(help.out, /--steps <int> +timed steps per phase .*\[default: 50\]/);
  assert.match(help.out, /--models <a,b,...> +models to measure \(din \| dien \| dmin \| dhan\)/);
  const scale = await dil('bench', '--scale', '--help');
  assert.match(scale.out, /^Usage: dil bench --scale \[flags\]/);
  for (const f of SCALE_COMMAND.flags) assert.match(scale.out, new RegExp(`\\n  --${f.name}\\b`), f.name);
  const epoch = await dil('bench', '--epoch', '--help');
  assert.match(epoch.out, /^Usage: dil bench --epoch \[flags\]/);
  for (const f of EPOCH_COMMAND.flags) assert.match(epoch.out, new RegExp(`\\n  --${f.name}\\b`), f.name);
});

test('--scale and --epoch: flags of the other benchmark are refused, with suggestions', async () => {
  const scale = capture();
  assert.equal(await runBenchCommand(['--scale', '--fraction', '0.5'], scale), 2);
  assert.match(
    scale.stderr.join('\n'),
    /^dil bench --scale: unknown flag "--fraction" \(did you mean "--fractions"\?\)/,
  );
  const epoch = capture();
  assert.equal(await runBenchCommand(['--epoch', '--max-step', '10'], epoch), 2);
  assert.match(
    epoch.stderr.join('\n'),
    /^dil bench --epoch: unknown flag "--max-step" \(did you mean "--max-steps"\?\)/,
  );
  const mixed = capture();
  assert.equal(await runBenchCommand(['--epoch', '--fractions', '0.5'], mixed), 2);
  assert.match(mixed.stderr.join('\n'), /^dil bench --epoch: unknown flag "--fractions"/);
});

test('benchCommandFor: --scale, --scale-child and --epoch select their benchmark, also written =true', () => {
  assert.equal(benchCommandFor(['--steps', '5']), BENCH_COMMAND);
  assert.equal(benchCommandFor(['--scale=true']), SCALE_COMMAND);
  assert.equal(benchCommandFor(['--scale-child=0.5']), SCALE_COMMAND);
  assert.equal(benchCommandFor(['--epoch', '--max-steps', '3']), EPOCH_COMMAND);
  assert.equal(benchCommandFor(['--epoch=false']), BENCH_COMMAND);
});

test('parseScaleArgs and parseEpochArgs: values, defaults and range errors', () => {
  const s = parseScaleArgs(
    ['--scale', '--fractions', '0.25,1', '--steps=12', '--warmup', '0', '--no-write', '--quiet'],
    '/r',
  );
  assert.deepEqual(
    [s.fractions, s.steps, s.warmup, s.seed, s.noWrite, s.verbose, s.resultsDir, s.child],
    [[0.25, 1], 12, 0, 1, true, false, '/r', undefined],
  );
  assert.equal(parseScaleArgs(['--scale-child', '0.5', '--seed', '3'], '/r').child, 0.5);
  assert.throws(
    () => parseScaleArgs(['--fractions', '0.5,1.5'], '/r'),
    (e: Error) =>
      e instanceof UsageError && e.message === 'dil bench --scale: --fractions expects fractions in (0, 1], got "1.5"',
  );
  assert.throws(
    () => parseScaleArgs(['--steps', '0'], '/r'),
    /^UsageError: dil bench --scale: --steps expects an integer >= 1, got 0$/,
  );
  const e = parseEpochArgs(['--epoch', '--models', 'din', '--max-steps', '300', '--data-dir', '/d'], '/repo');
  assert.deepEqual(e, {
    models: ['din'],
    dataDir: '/d',
    maxSteps: 300,
    seed: 1234,
    resultsDir: '/repo/results/bench',
    noWrite: false,
  });
  assert.equal(parseEpochArgs([], '/repo').dataDir, '/shared/data/amazon-beauty-din-csv');
  assert.throws(
    () => parseEpochArgs(['--models', 'dhan'], '/repo'),
    /^UsageError: dil bench --epoch: --models: "dhan" is not valid; valid values: din, dien, dmin/,
  );
});

test('bench/agreement.ts names itself in its errors', () => {
  assert.throws(
    () => parseAgreementArgs(['--seed', '2'], '/repo'),
    /^UsageError: bench\/agreement\.ts: unknown flag "--seed" \(did you mean "--seeds"\?\)/,
  );
  assert.throws(
    () => parseAgreementArgs(['--seeds', '0'], '/repo'),
    /^UsageError: bench\/agreement\.ts: --seeds expects an integer >= 1, got 0$/,
  );
});

test('npm run bench (bench/run.ts) gives the same error and exit code as dil bench', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/run.ts'), '--stpes', '5'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^dil bench: unknown flag "--stpes" \(did you mean "--steps"\?\); valid flags: /);
  assert.equal(r.stdout, '');
});
