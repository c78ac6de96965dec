import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { loadDataset } from '../../src/data';
import { main } from '../../src/cli/main';
import type { CliIo } from '../../src/cli/io';
import { parseArgs, UsageError } from '../../src/cli/args';
import { ABLATE_COMMAND, experimentsFromArgs } from '../../src/cli/commands/ablate';
import { variantRunConfig } from '../../src/experiments/spec';
import { modelOptionsFromFlags, TRAIN_COMMAND } from '../../src/cli/commands/train';
import { resolveRunConfig, runConfigHash } from '../../src/experiments/runConfig';
import { RunRecord, runRecordPath, writeRunRecord } from '../../src/experiments/runRecord';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

async function dil(...argv: string[]) {
  const io = capture();
  const code = await main(argv, io);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

test('help: top level and every command, with examples', async () => {
  const top = await dil('--help');
  assert.equal(top.code, 0);
  for (const name of ['data', 'train', 'eval', 'ablate', 'report', 'bench', 'reproduce'])
    assert.match(top.out, new RegExp(`\\n  ${name} `));
  for (const name of ['data', 'train', 'eval', 'ablate', 'report', 'bench', 'reproduce']) {
    const help = await dil(name, '--help');
    assert.equal(help.code, 0, name);
    assert.match(help.out, /^Usage: dil /);
    assert.match(help.out, /Examples:\n {2}dil /);
  }
  assert.match((await dil('train', '--help')).out, /--gru <string> +.*\(attention \| AIGRU \| AGRU \| AUGRU\)/);
});

test('bad input: unknown command, unknown flag, bad values list what is valid', async () => {
  const unknown = await dil('trian');
  assert.equal(unknown.code, 2);
  assert.match(
    unknown.err,
    /unknown command "trian" \(did you mean "train"\?\); valid commands: data, train, eval, ablate, report, bench, reproduce/,
  );
  const flag = await dil('train', '--model', 'din', '--epoch', '3');
  assert.equal(flag.code, 2);
  assert.match(flag.err, /unknown flag "--epoch" \(did you mean "--epochs"\?\); valid flags: --model, .*--epochs/);
  const model = await dil('train', '--model', 'dinn', '--dataset', 'synthetic');
  assert.match(
    model.err,
    /--model: "dinn" is not valid; valid values: lr, base, wdl, pnn, deepfm, din, dien, dmin, dhan \(did you mean "din"\?\)/,
  );
  const gru = await dil('train', '--model', 'dien', '--gru', 'LSTM');
  assert.match(gru.err, /--gru: "LSTM" is not valid; valid values: attention, AIGRU, AGRU, AUGRU/);
  assert.match((await dil('train', '--model', 'din', '--epochs', 'two')).err, /--epochs expects an integer, got "two"/);
  assert.match((await dil('train', '--model', 'din', '--epochs')).err, /--epochs needs a value/);
  assert.match((await dil('train', '--dataset', 'synthetic')).err, /--model is required \(one of: lr, base/);
  assert.match(
    (await dil('ablate', 'dein')).err,
    /unknown paper "dein" \(did you mean "dien"\?\); expected one of: din, dien, dmin, dhan/,
  );
  assert.match(
    (await dil('ablate', 'dien', '--profile', 'huge')).err,
    /"huge" is not valid; valid values: smoke, default, full/,
  );
  assert.match(
    (await dil('ablate', 'dien', '--experiment', 'table9')).err,
    /unknown experiment "table9" of dien \(did you mean "table4"\?\); expected one of: table4, table2/,
  );
  assert.match((await dil('data', 'foo')).err, /expected a subcommand, one of: amazon, stats/);
  assert.match((await dil('eval')).err, /--load <checkpoint folder> is required/);
  const missing = await dil('eval', '--load', path.join(os.tmpdir(), 'no-such-checkpoint-dil'));
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no checkpoint\.json/);
  assert.throws(() => parseArgs(ABLATE_COMMAND, ['dien', '--seeds', '2', '--seeds', '3']), UsageError);
});

test('ablate --list and --emit-jobs: one self-contained command per (variant, seed)', async () => {
  const list = await dil('ablate', 'dmin', '--list');
  assert.equal(list.code, 0);
  assert.match(list.out, /dmin\/heads: .*\n {2}heads-1 +DMIN H_E = 1 {2}\(base\)/);
  const emitted = await dil(
    'ablate',
    'dien',
    '--experiment',
    'table4',
    '--seeds',
    '3',
    '--epochs',
    '2',
    '--emit-jobs',
    '--results',
    'out dir',
  );
  assert.equal(emitted.code, 0);
  const lines = emitted.out.split('\n');
  assert.equal(lines.length, 6 * 3);
  assert.equal(new Set(lines).size, lines.length);
  const first = lines[0];
  // runs as printed from anywhere: this Node and this kit's launcher by absolute path
  assert.ok(first.startsWith(`${process.execPath} ${path.resolve(__dirname, '../../bin/dil.js')} ablate dien `), first);
  assert.match(first, /--seeds 3/);
  assert.match(first, /--epochs 2/);
  assert.match(first, /--experiment table4 --variants base --seed 1 --jobs 1 --results '[^']*out dir'/);
  assert.doesNotMatch(first, /--emit-jobs/);
});

test('--synthetic key=value reaches the generator (train, ablate --emit-jobs); bad entries say why', async () => {
  const trained = await dil(
    'train',
    '--model',
    'din',
    '--dataset',
    'synthetic:default:tiny',
    '--synthetic',
    'clickRule=brandPair',
    '--synthetic',
    'subPerTop=2',
    '--epochs',
    '1',
    '--max-steps',
    '2',
    '--progress',
    'off',
    '--json',
  );
  assert.equal(trained.code, 0, trained.err);
  const summary = JSON.parse(trained.out.split('\n').pop()!);
  const expected = await loadDataset('synthetic:default:tiny', {
    seed: 1,
    synthetic: { clickRule: 'brandPair', subPerTop: 2 },
  });
  const plain = await loadDataset('synthetic:default:tiny', { seed: 1 });
  assert.equal(summary.datasetChecksum, expected.checksum);
  assert.notEqual(expected.checksum, plain.checksum);
  const emitted = await dil(
    'ablate',
    'dmin',
    '--experiment',
    'heads',
    '--variants',
    'heads-1',
    '--seeds',
    '1',
    '--synthetic',
    'users=500',
    '--synthetic',
    'clickRule=recentPair',
    '--synthetic',
    'subPerTop=2',
    '--emit-jobs',
  );
  assert.equal(emitted.code, 0, emitted.err);
  assert.match(emitted.out, /--synthetic users=500 --synthetic clickRule=recentPair --synthetic subPerTop=2 /);
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'synthetic:tiny', '--synthetic', 'users')).err,
    /--synthetic "users" must look like key=value/,
  );
  assert.match(
    (
      await dil(
        'train',
        '--model',
        'din',
        '--dataset',
        'synthetic:tiny',
        '--synthetic',
        'clickRule=pairs',
        '--epochs',
        '1',
      )
    ).err,
    /clickRule=pairs is invalid; expected one of: interests, recentPair, brandPair/,
  );
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'synthetic:tiny', '--synthetic', 'users=many', '--epochs', '1'))
      .err,
    /users=many is invalid; expected an integer >= 1/,
  );
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'movielens', '--data-dir', 'nowhere', '--synthetic', 'users=5'))
      .err,
    /synthetic options \(users\) apply to 'synthetic\[:preset\]\[:size\]' specs only, not to 'movielens'/,
  );
});

test('train --option: nested keys with dots, JSON values, combined with the named flags', () => {
  const args = parseArgs(TRAIN_COMMAND, [
    '--model',
    'dmin',
    '--activation',
    'prelu',
    '--option',
    'mlp.hidden=[80,40]',
    '--option',
    'interestNormalize=none',
    '--option',
    'refiner=false',
    '--heads',
    '2',
  ]);
  assert.deepEqual(modelOptionsFromFlags(args), {
    mlp: { activation: 'prelu', hidden: [80, 40] },
    interestHeads: 2,
    interestNormalize: 'none',
    refiner: false,
  });
  assert.throws(
    () => modelOptionsFromFlags(parseArgs(TRAIN_COMMAND, ['--option', '=3'])),
    /dil train: --option "=3" must look like key=value/,
  );
});

test("ablate --aux-weight and --option apply to every variant; a variant's own setting wins", () => {
  const argv = [
    'dmin',
    '--aux-weight',
    '0.5',
    '--option',
    'embedding.catLevels=3',
    '--option',
    'positionDim=4',
    '--seeds',
    '1',
  ];
  const { specs } = experimentsFromArgs('dmin', parseArgs(ABLATE_COMMAND, argv));
  const config = (experiment: string, variant: string) => {
    const spec = specs.find((s) => s.name === experiment)!;
    return variantRunConfig(
      spec,
      spec.variants.find((v) => v.name === variant)!,
      1,
    );
  };
  const heads2 = config('heads', 'heads-2');
  assert.equal(heads2.train.auxWeight, 0.5);
  assert.deepEqual(heads2.modelOptions.embedding, { catLevels: 3 });
  assert.equal(heads2.modelOptions.positionDim, 4);
  assert.equal(heads2.modelOptions.interestHeads, 2);
  assert.equal(config('components', 'dmin').train.auxWeight, 0.5);
  // the variants that switch the auxiliary loss or the position encoding off keep their setting
  assert.equal(config('components', 'no-aux').train.auxWeight, 0);
  assert.equal(config('components', 'no-position').modelOptions.positionEncoding, false);
  assert.throws(
    () => experimentsFromArgs('dmin', parseArgs(ABLATE_COMMAND, ['dmin', '--option', 'catLevels'])),
    /dil ablate: --option "catLevels" must look like key=value/,
  );
});

function fakeRecord(variant: string, label: string, seed: number, auc: number): RunRecord {
  const config = resolveRunConfig({
    model: 'dien',
    dataset: 'synthetic:drift',
    seed,
    modelOptions: { evolution: variant },
  });
  return {
    format: 'dil-run/1',
    paper: 'dien',
    experiment: 'table4',
    variant,
    label,
    seed,
    configHash: runConfigHash(config),
    config,
    datasetChecksum: 'cafe',
    backend: 'wasm',
    gitCommit: 'abc',
    host: 'h',
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:00:01Z',
    selectedOnTest: seed === 3 && variant === 'dien',
    history: [],
    bestEpoch: 0,
    selectedOn: 'valid',
    best: { test: { auc, gauc: auc, logloss: 0.6, rows: 100 } },
    samplesPerSecond: 1000,
    wallSeconds: 1,
  };
}

test('report merges records from several machines into md/csv/tex tables', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-report-'));
  try {
    // two "machines" wrote into two folders that are then merged under one results dir
    const rows: [string, string, number, number][] = [
      ['base', 'BaseModel', 1, 0.7],
      ['base', 'BaseModel', 2, 0.71],
      ['base', 'BaseModel', 3, 0.69],
      ['dien', 'DIEN', 1, 0.75],
      ['dien', 'DIEN', 2, 0.77],
      ['dien', 'DIEN', 3, 0.76],
    ];
    for (const [variant, label, seed, auc] of rows) {
      const r = fakeRecord(variant, label, seed, auc);
      writeRunRecord(
        runRecordPath(dir, { paper: r.paper, experiment: r.experiment, variant, seed, configHash: r.configHash }),
        r,
      );
    }
    const result = await dil('report', dir, '--json');
    assert.equal(result.code, 0, result.err);
    const json = JSON.parse(result.out.split('\n').pop()!);
    assert.equal(json.records, 6);
    const summary = json.experiments[0];
    assert.deepEqual(
      summary.variants.map((v: { variant: string }) => v.variant),
      ['base', 'dien'],
    );
    assert.ok(Math.abs(summary.variants[1].meanAuc - 0.76) < 1e-12);
    const md = fs.readFileSync(path.join(dir, 'tables', 'dien', 'table4.md'), 'utf8');
    assert.match(md, /DIEN Table 4/);
    assert.match(md, /\| DIEN \| 0\.7600 ± 0\.0100 \|/);
    assert.match(md, /TEST split/); // one run selected on test: flagged
    assert.ok(fs.existsSync(path.join(dir, 'tables', 'dien', 'table4.csv')));
    assert.ok(fs.existsSync(path.join(dir, 'tables', 'dien', 'table4.tex')));
    const empty = await dil('report', path.join(dir, 'tables'));
    assert.equal(empty.code, 1);
    assert.match(empty.err, /no run records/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('train --json --save, then eval --load scores the same test split', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-train-'));
  try {
    const trained = await dil(
      'train',
      '--model',
      'dien',
      '--gru',
      'AUGRU',
      '--aux-weight',
      '1',
      '--dataset',
      'synthetic:drift:tiny',
      '--epochs',
      '1',
      '--max-steps',
      '4',
      '--seed',
      '5',
      '--save',
      dir,
      '--progress',
      'off',
      '--json',
    );
    assert.equal(trained.code, 0, trained.err);
    const result = JSON.parse(trained.out.split('\n').pop()!);
    for (const key of ['auc', 'gauc', 'logloss']) assert.equal(typeof result.test[key], 'number');
    assert.ok(result.samplesPerSecond > 0);
    assert.equal(result.config.modelOptions.evolution, 'AUGRU');
    assert.equal(result.config.train.auxWeight, 1);
    assert.equal(result.history[0].steps, 4);
    assert.ok(result.history[0].auxLoss > 0, 'the aux loss is on');
    const evaluated = await dil('eval', '--load', dir, '--json');
    assert.equal(evaluated.code, 0, evaluated.err);
    const metrics = JSON.parse(evaluated.out.split('\n').pop()!);
    assert.equal(metrics.auc, result.test.auc);
    assert.equal(metrics.logloss, result.test.logloss);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('data stats --json prints the dataset statistics last', async () => {
  const result = await dil('data', 'stats', '--dataset', 'synthetic:default:tiny', '--progress', 'off', '--json');
  assert.equal(result.code, 0, result.err);
  const stats = JSON.parse(result.out.split('\n').pop()!);
  assert.equal(stats.name, 'synthetic:default:tiny');
  assert.equal(stats.fitRows + stats.validRows, stats.trainRows);
  assert.match((await dil('data', 'amazon', '--data-dir', '/x')).err, /the category is required/);
});

test("data amazon <Category> fetches both files into --data-dir, then builds the loader's dataset", async () => {
  const fixtures = path.resolve(__dirname, '../../data/fixtures/amazon-tiny');
  const mirror = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-mirror-'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-raw-'));
  for (const name of ['reviews_Tiny_5.json', 'meta_Tiny.json']) {
    fs.writeFileSync(path.join(mirror, `${name}.gz`), zlib.gzipSync(fs.readFileSync(path.join(fixtures, name))));
  }
  const result = await dil(
    'data',
    'amazon',
    'Tiny',
    '--from-dir',
    mirror,
    '--data-dir',
    dataDir,
    '--progress',
    'off',
    '--json',
  );
  assert.equal(result.code, 0, result.err);
  assert.deepEqual(fs.readdirSync(dataDir).sort(), ['meta_Tiny.json.gz', 'reviews_Tiny_5.json.gz']);
  const stats = JSON.parse(result.out.split('\n').pop()!);
  const expected = (await loadDataset('amazon:Tiny', { dataDir: fixtures })).stats();
  assert.equal(stats.users, expected.users);
  assert.equal(stats.items, expected.items);
  assert.equal(stats.trainRows, expected.trainRows);
  assert.equal(stats.testRows, expected.testRows);
  // Present files are not fetched again; a missing source is a clear error and leaves no file behind.
  assert.match(
    (await dil('data', 'amazon', 'Tiny', '--from-dir', mirror, '--data-dir', dataDir, '--progress', 'off')).err,
    /present: .*reviews_Tiny_5\.json\.gz/,
  );
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'dil-raw-'));
  const missing = await dil(
    'data',
    'amazon',
    'Nothing',
    '--from-dir',
    mirror,
    '--data-dir',
    empty,
    '--progress',
    'off',
  );
  assert.equal(missing.code, 1);
  assert.match(missing.err, /reviews_Nothing_5\.json\.gz not found/);
  assert.deepEqual(fs.readdirSync(empty), []);
});

test('dil reproduce: --sweeps-first and --progress take only their documented values', async () => {
  const bad = await dil('reproduce', '--sweeps-first=no', '--notebooks', '01');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--sweeps-first expects true or false, got "no"/);
  const progress = await dil('reproduce', '--progress', 'fancy');
  assert.equal(progress.code, 2);
  assert.match(progress.err, /--progress.*auto, off, log|auto \| off \| log/);
  const none = await dil('reproduce', '--sweeps-first=false', '--notebooks', '99');
  assert.equal(none.code, 2);
  assert.match(none.err, /no notebook matches --notebooks 99; available: 00-data.ipynb/);
});

test('dil piped into head: the closed pipe ends the command quietly (no EPIPE stack trace)', async () => {
  const { spawnSync } = await import('child_process');
  const bin = path.join(__dirname, '..', '..', 'bin', 'dil.js');
  // head -0 closes the pipe before dil writes: without the handler this is an EPIPE crash (status 1)
  const result = spawnSync(
    'bash',
    ['-c', `node ${JSON.stringify(bin)} ablate dien --list | head -0; echo "status \${PIPESTATUS[0]}" >&2`],
    { encoding: 'utf8' },
  );
  assert.equal(result.stdout, '');
  assert.doesNotMatch(result.stderr, /EPIPE|Error/);
  assert.match(result.stderr, /status 0/);
});
