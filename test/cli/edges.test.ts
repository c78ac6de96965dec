/**
 * The command line's edges, each through `dil` as a user types it: checks before any work with
 * messages that name the flags, seeds, option keys, behaviour logs, the dataset cache, downloads,
 * output folders and what goes to stdout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { loadDataset } from '../../src/data';
import { main } from '../../src/cli/main';
import { parseArgs } from '../../src/cli/args';
import { TRAIN_COMMAND } from '../../src/cli/commands/train';
import { gitCommit } from '../../src/experiments/provenance';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'dil.js');
const AMAZON_TINY = path.join(ROOT, 'data', 'fixtures', 'amazon-tiny');

async function dil(...argv: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await main(argv, { out: (l) => stdout.push(l), err: (l) => stderr.push(l) });
  return { code, out: stdout.join('\n'), err: stderr.join('\n') };
}

const temps: string[] = [];
process.on('exit', () => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});
function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dil-edges-${label}-`));
  temps.push(dir);
  return dir;
}

/**
 * A behaviour log of 40 users x 6 clicks over 24 items in 6 leaf / 2 top categories, with the
 * given column names, and its item table.
 */
function writeLog(
  dir: string,
  names = { user: 'user', item: 'item', time: 'timestamp', cats: ['category'] },
): { log: string; items: string } {
  const lines = [[names.user, names.item, names.time].join('\t')];
  for (let u = 0; u < 40; u++)
    for (let k = 0; k < 6; k++) lines.push([`u${u}`, `i${(u * 7 + k * 5) % 24}`, String(1000 + 10 * k + u)].join('\t'));
  const log = path.join(dir, 'clicks.tsv');
  fs.writeFileSync(log, `${lines.join('\n')}\n`);
  const rows = [[names.item, ...names.cats].join(',')];
  for (let i = 0; i < 24; i++)
    rows.push([`i${i}`, `leaf${i % 6}`, `top${i % 2}`].slice(0, 1 + names.cats.length).join(','));
  const items = path.join(dir, 'items.csv');
  fs.writeFileSync(items, `${rows.join('\n')}\n`);
  return { log, items };
}

test('dil with no command: usage on stderr, exit 2 (a usage error); dil --help: usage on stdout, exit 0', async () => {
  const none = await dil();
  assert.equal(none.code, 2);
  assert.equal(none.out, '');
  assert.match(none.err, /^Usage: dil <command>/);
  const help = await dil('--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /^Usage: dil <command>/);
});

test('near misses of a command, flag, model, paper, subcommand get the nearest valid name', async () => {
  assert.match((await dil('trian')).err, /unknown command "trian" \(did you mean "train"\?\)/);
  assert.match((await dil('abalte')).err, /did you mean "ablate"\?/);
  assert.match(
    (await dil('train', '--model', 'din', '--dataste', 'x')).err,
    /unknown flag "--dataste" \(did you mean "--dataset"\?\)/,
  );
  assert.match((await dil('train', '--model', 'dinn')).err, /"dinn" is not valid; .* \(did you mean "din"\?\)/);
  assert.match((await dil('train', '--model', 'dmi')).err, /\(did you mean "dmin"\?\)/);
  assert.match((await dil('ablate', 'dein')).err, /unknown paper "dein" \(did you mean "dien"\?\)/);
  assert.match((await dil('data', 'stat')).err, /\(got "stat" \(did you mean "stats"\?\)\)/);
  // nothing near: no suggestion
  assert.doesNotMatch((await dil('zzzzzz')).err, /did you mean/);
});

test('seeds outside [0, 2^32) are refused instead of wrapping around', async () => {
  for (const seed of ['4294967296', '4294967297', '-1', '1.5', '1e40']) {
    for (const argv of [
      ['train', '--model', 'din', '--dataset', 'synthetic:default:tiny', '--seed', seed],
      ['ablate', 'din', '--seed', seed, '--emit-jobs'],
      ['data', 'stats', '--dataset', 'synthetic:default:tiny', '--seed', seed],
      ['eval', '--load', 'nowhere', '--seed', seed],
    ]) {
      const result = await dil(...argv);
      assert.equal(result.code, 2, `${argv.join(' ')}: ${result.err}`);
      assert.match(
        result.err,
        new RegExp(
          `--seed expects an integer in \\[0, 2\\^32\\) = \\[0, 4294967295\\], got "${seed.replace('.', '\\.')}"`,
        ),
      );
    }
  }
  // the ends of the range are accepted
  assert.equal(parseArgs(TRAIN_COMMAND, ['--seed', '0']).flags.seed, 0);
  assert.equal(parseArgs(TRAIN_COMMAND, ['--seed', '4294967295']).flags.seed, 4294967295);
});

test('--option keys: members every object has are refused, only real config fields of the model pass', async () => {
  const base = [
    'train',
    '--model',
    'din',
    '--dataset',
    'synthetic:default:tiny',
    '--epochs',
    '1',
    '--max-steps',
    '1',
    '--progress',
    'off',
  ];
  for (const key of [
    '__proto__.x',
    'constructor',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'mlp.__proto__',
    'prototype',
  ]) {
    const result = await dil(...base, '--option', `${key}=1`);
    assert.equal(result.code, 2, `${key}: ${result.err}`);
    const bad = key.split('.').find((k) => k !== 'x' && k !== 'mlp');
    assert.match(
      result.err,
      new RegExp(
        `dil train: --option "${key.replace('.', '\\.')}=1": "${bad}" is not an option ` +
          `name \\(it names a member every JavaScript object has\\)`,
      ),
    );
  }
  const unknown = await dil(...base, '--option', 'nosuch=1');
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /dil train: --option "nosuch" is not an option of din; options: .*mlp/);
  const nested = await dil(...base, '--option', 'mlp.activaton=dice');
  assert.equal(nested.code, 2);
  assert.match(
    nested.err,
    /--option "mlp\.activaton" is not an option of din \(did you mean "activation"\?\); options under mlp: .*activation/,
  );
  // a field of another model says which
  assert.match(
    (await dil(...base, '--option', 'interestHeads=2')).err,
    /"interestHeads" is not an option of din \(it is one of dmin\)/,
  );
  assert.match(
    (await dil('ablate', 'din', '--option', 'toString=1', '--emit-jobs')).err,
    /--option "toString=1": "toString" is not an option name/,
  );
  assert.match(
    (await dil('ablate', 'dmin', '--option', 'nosuch=1', '--emit-jobs')).err,
    /dil ablate: --option "nosuch" is not an option of dmin/,
  );
  assert.match(
    (await dil(...base.slice(0, 5), '--synthetic', 'constructor=1')).err,
    /--synthetic "constructor=1": "constructor" is not an option name/,
  );
});

test('messages name the flags the user typed, and values are checked before the dataset is built', async () => {
  const dataDir = await dil('data', 'stats', '--dataset', 'amazon:Beauty');
  assert.equal(dataDir.code, 2);
  assert.match(
    dataDir.err,
    /dil data stats: --dataset amazon:Beauty needs --data-dir <folder holding reviews_Beauty_5\.json\(\.gz\) and meta_Beauty\.json\(\.gz\)>/,
  );
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'movielens')).err,
    /--dataset movielens needs --data-dir <folder holding ratings\.csv and movies\.csv>/,
  );
  assert.match(
    (await dil('ablate', 'din', '--dataset', 'amazon:Beauty', '--emit-jobs')).err,
    /dil ablate: --dataset amazon:Beauty needs --data-dir/,
  );
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'synthetic:huge')).err,
    /dil train: --dataset: dataset spec 'synthetic:huge': unknown synthetic preset or size 'huge'/,
  );
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'synthetic:tiny', '--valid-fraction', '1.5')).err,
    /--valid-fraction 1\.5; expected a number in \[0, 1\)/,
  );
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'synthetic:tiny', '--max-len', '0')).err,
    /--max-len 0; expected an integer >= 1/,
  );
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'synthetic:tiny', '--item-table', 'x.csv')).err,
    /--item-table applies to --dataset log:<path> only/,
  );
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'synthetic:tiny', '--batch-size', '0')).err,
    /--batch-size = 0; expected an integer >= 1/,
  );
  // model flags say which model they belong to
  const heads = await dil('train', '--model', 'din', '--heads', '4', '--dataset', 'synthetic:tiny');
  assert.equal(heads.code, 2);
  assert.match(heads.err, /dil train: --heads applies to dmin, not to --model din/);
  assert.match(
    (await dil('train', '--model', 'din', '--gru', 'AUGRU', '--dataset', 'synthetic:tiny')).err,
    /--gru applies to dien, not to --model din/,
  );
  assert.match(
    (await dil('train', '--model', 'dien', '--pooling', 'flat', '--dataset', 'synthetic:tiny')).err,
    /--pooling applies to dhan, not to --model dien/,
  );
  // a library error raised during training names the flag (--clip-norm, --lr), not the field
  const diverged = await dil(
    'train',
    '--model',
    'din',
    '--dataset',
    'synthetic:default:tiny',
    '--epochs',
    '1',
    '--max-steps',
    '3',
    '--lr',
    '1e30',
    '--progress',
    'off',
  );
  assert.equal(diverged.code, 1);
  assert.match(diverged.err, /non-finite loss .*; lower --lr or enable --clip-norm/);
  assert.doesNotMatch(diverged.err, /clipNorm/);
  // --variants lists the variants of the selected experiments
  const variants = await dil('ablate', 'dien', '--variants', 'nosuch', '--emit-jobs');
  assert.equal(variants.code, 2);
  assert.match(variants.err, /--variants: unknown variant "nosuch" of dien; variants: base, .*dien/);
  const near = await dil('ablate', 'dien', '--experiment', 'table4', '--variants', 'gru-augr', '--emit-jobs');
  assert.match(
    near.err,
    /unknown variant "gru-augr" of experiment\(s\) table4 \(did you mean "gru-augru"\?\); variants: base, gru-gru-att, /,
  );
});

test('--save and --results are checked before any work: an existing file is refused at once', async () => {
  const dir = tempDir('save');
  const file = path.join(dir, 'taken');
  fs.writeFileSync(file, 'not a folder');
  const train = await dil(
    'train',
    '--model',
    'din',
    '--dataset',
    'synthetic:default:tiny',
    '--epochs',
    '1',
    '--max-steps',
    '2',
    '--save',
    file,
    '--progress',
    'off',
  );
  assert.equal(train.code, 2);
  assert.match(train.err, /dil train: --save .*taken is an existing file; expected a folder \(created if missing\)/);
  assert.doesNotMatch(train.err, /epoch|users/, 'nothing was built or trained');
  assert.match(
    (await dil('train', '--model', 'din', '--dataset', 'synthetic:tiny', '--save', path.join(file, 'sub'))).err,
    /--save .*sub: .*taken is a file, so the folder cannot be created there/,
  );
  assert.match(
    (await dil('ablate', 'din', '--profile', 'smoke', '--results', file)).err,
    /dil ablate: --results .*taken is an existing file/,
  );
  assert.match((await dil('report', dir, '--out', file)).err, /dil report: --out .*taken is an existing file/);
  // a folder to be created is fine
  const saved = await dil(
    'train',
    '--model',
    'din',
    '--dataset',
    'synthetic:default:tiny',
    '--epochs',
    '1',
    '--max-steps',
    '1',
    '--save',
    path.join(dir, 'new', 'ckpt'),
    '--progress',
    'off',
  );
  assert.equal(saved.code, 0, saved.err);
  assert.ok(fs.existsSync(path.join(dir, 'new', 'ckpt', 'checkpoint.json')));
});

test('dil report FILE says it wants a results folder (no raw ENOTDIR)', async () => {
  const file = path.join(tempDir('report'), 'records.json');
  fs.writeFileSync(file, '{}');
  const result = await dil('report', file);
  assert.equal(result.code, 2);
  assert.match(result.err, /dil report: .*records\.json is a file; expected a results folder/);
  assert.doesNotMatch(result.err, /ENOTDIR/);
});

test('dil data stats: statistics on stdout; progress rates in bytes/s from when the stage began', async () => {
  const dir = tempDir('stats');
  // a log large enough to be read in several chunks
  const lines = ['user,item,timestamp'];
  for (let u = 0; u < 2000; u++)
    for (let k = 0; k < 12; k++)
      lines.push(`user-number-${u},item-number-${(u * 13 + k * 7) % 3000},${1_600_000_000 + k * 60 + u}`);
  const log = path.join(dir, 'big.csv');
  fs.writeFileSync(log, `${lines.join('\n')}\n`);
  const items = path.join(dir, 'items.csv');
  fs.writeFileSync(
    items,
    `item,category\n${Array.from({ length: 3000 }, (_, i) => `item-number-${i},c${i % 40}`).join('\n')}\n`,
  );
  // a process of its own: the progress lines go straight to its stderr
  const result = spawnSync(
    process.execPath,
    [BIN, 'data', 'stats', '--dataset', `log:${log}`, '--item-table', items, '--progress', 'log'],
    { encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  const expected = await loadDataset(`log:${log}`, { itemTable: items });
  assert.equal(result.stdout, `${expected.describe()}\n`);
  const rates = [...result.stderr.matchAll(/^log \[.*\] .* ([\d.]+)(k|M)? (\w+)\/s /gm)];
  assert.ok(rates.length > 0, result.stderr);
  for (const [, value, scale, unit] of rates) {
    assert.equal(unit, 'bytes');
    // reading and parsing a CSV runs far below 1 GB/s; a rate over a first chunk's microseconds was 1000x that
    assert.ok(Number(value) * (scale === 'M' ? 1e6 : scale === 'k' ? 1e3 : 1) < 1e9, result.stderr);
  }
});

test('log:<path> on the command line: --item-table, column flags and their defaults', async () => {
  const dir = tempDir('log');
  const plain = writeLog(dir);
  const byDefault = await dil(
    'data',
    'stats',
    '--dataset',
    `log:${plain.log}`,
    '--item-table',
    plain.items,
    '--json',
    '--progress',
    'off',
  );
  assert.equal(byDefault.code, 0, byDefault.err);
  const expected = (await loadDataset(`log:${plain.log}`, { itemTable: plain.items })).stats();
  assert.deepEqual(JSON.parse(byDefault.out.split('\n').pop()!), JSON.parse(JSON.stringify(expected)));
  assert.equal(expected.users, 40);
  const named = tempDir('log-named');
  const custom = writeLog(named, { user: 'uid', item: 'iid', time: 'ts', cats: ['leaf', 'top'] });
  const argv = [
    'data',
    'stats',
    '--dataset',
    `log:${custom.log}`,
    '--item-table',
    custom.items,
    '--user-col',
    'uid',
    '--item-col',
    'iid',
    '--time-col',
    'ts',
    '--category-cols',
    'leaf,top',
    '--protocol',
    'dien',
    '--json',
    '--progress',
    'off',
  ];
  const result = await dil(...argv);
  assert.equal(result.code, 0, result.err);
  const stats = JSON.parse(result.out.split('\n').pop()!);
  const reference = (
    await loadDataset(`log:${custom.log}`, {
      itemTable: custom.items,
      protocol: 'dien',
      logColumns: {
        user: 'uid',
        item: 'iid',
        itemTableItem: 'iid',
        timestamp: 'ts',
        categoryColumns: ['leaf', 'top'],
      },
    })
  ).stats();
  assert.deepEqual(stats, JSON.parse(JSON.stringify(reference)));
  // the same files with the default names fail naming the missing column; no --item-table names the flag
  assert.match(
    (await dil('data', 'stats', '--dataset', `log:${custom.log}`, '--item-table', custom.items, '--progress', 'off'))
      .err,
    /user/,
  );
  const missing = await dil('data', 'stats', '--dataset', `log:${custom.log}`);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--dataset log:.*clicks\.tsv needs --item-table </);
  // and training on it works the same way
  const trained = await dil(
    'train',
    '--model',
    'din',
    '--dataset',
    `log:${plain.log}`,
    '--item-table',
    plain.items,
    '--epochs',
    '1',
    '--max-steps',
    '2',
    '--progress',
    'off',
    '--json',
  );
  assert.equal(trained.code, 0, trained.err);
  assert.equal(
    JSON.parse(trained.out.split('\n').pop()!).datasetChecksum,
    (await loadDataset(`log:${plain.log}`, { itemTable: plain.items, seed: 1 })).checksum,
  );
});

test('a damaged dataset cache (4 flipped bytes) is found by its checksum and rebuilt with a warning', async () => {
  const dir = tempDir('cache');
  const { log, items } = writeLog(dir);
  const cacheDir = path.join(dir, 'cache');
  const argv = [
    'data',
    'stats',
    '--dataset',
    `log:${log}`,
    '--item-table',
    items,
    '--cache-dir',
    cacheDir,
    '--json',
    '--progress',
    'off',
  ];
  const first = await dil(...argv);
  assert.equal(first.code, 0, first.err);
  const [cacheName] = fs.readdirSync(cacheDir);
  const file = path.join(cacheDir, cacheName);
  const good = fs.readFileSync(file);
  assert.match((await dil(...argv)).err, /loaded from cache/);
  const damaged = Buffer.from(good);
  const at = Math.floor(damaged.length * 0.6);
  for (let k = 0; k < 4; k++) damaged[at + k] ^= 0xff;
  fs.writeFileSync(file, damaged);
  const again = await dil(...argv);
  assert.equal(again.code, 0, again.err);
  assert.match(
    again.err,
    /warning: dataset cache .*\.dilds is damaged \(its content does not match the sha256 stored with it\); rebuilding it from the raw files/,
  );
  assert.doesNotMatch(again.err, /loaded from cache/);
  assert.equal(again.out, first.out);
  assert.deepEqual(fs.readFileSync(file), good, 'the rebuilt cache is the good one');
  assert.match((await dil(...argv)).err, /loaded from cache/);
});

async function withServer(handler: http.RequestListener, fn: (baseUrl: string) => Promise<void>): Promise<void> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}/files`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

test('dil data amazon: gzipped HTML and network errors name the URL; a bad kept file points to --force', async () => {
  const reviews = zlib.gzipSync(fs.readFileSync(path.join(AMAZON_TINY, 'reviews_Tiny_5.json')));
  const html = zlib.gzipSync('<!DOCTYPE html>\n<html><body>Service unavailable</body></html>\n');
  await withServer(
    (req, res) => {
      const body = req.url!.endsWith('reviews_Tiny_5.json.gz') ? reviews : html;
      res.writeHead(200, { 'content-length': body.length }).end(body);
    },
    async (baseUrl) => {
      const dir = tempDir('dl');
      const result = await dil('data', 'amazon', 'Tiny', '--base-url', baseUrl, '--data-dir', dir, '--progress', 'off');
      assert.equal(result.code, 1);
      assert.match(
        result.err,
        new RegExp(
          `meta_Tiny\\.json\\.gz from ${baseUrl}/meta_Tiny\\.json\\.gz: not an Amazon dump ` +
            `file \\(first line "<!DOCTYPE html>", an HTML page\\)`,
        ),
      );
      assert.deepEqual(fs.readdirSync(dir), ['reviews_Tiny_5.json.gz'], 'the page is not kept');
    },
  );
  // nothing listens on port 9 (discard) here: the error names the URL
  const closed = 'http://127.0.0.1:9/files';
  const refused = await dil(
    'data',
    'amazon',
    'Tiny',
    '--base-url',
    closed,
    '--data-dir',
    tempDir('dl-refused'),
    '--progress',
    'off',
  );
  assert.equal(refused.code, 1);
  assert.match(refused.err, /http:\/\/127\.0\.0\.1:9\/files\/reviews_Tiny_5\.json\.gz: connect ECONNREFUSED/);
  // present files: an HTML page kept by an older version, then a file that breaks later in the build
  const present = tempDir('dl-present');
  fs.writeFileSync(path.join(present, 'reviews_Tiny_5.json.gz'), reviews);
  fs.writeFileSync(path.join(present, 'meta_Tiny.json.gz'), html);
  const kept = await dil(
    'data',
    'amazon',
    'Tiny',
    '--from-dir',
    AMAZON_TINY,
    '--data-dir',
    present,
    '--progress',
    'off',
  );
  assert.equal(kept.code, 1);
  assert.match(
    kept.err,
    /meta_Tiny\.json\.gz from an earlier download: not an Amazon dump file .*; it is kept in .*: pass --force/,
  );
  fs.writeFileSync(
    path.join(present, 'meta_Tiny.json.gz'),
    zlib.gzipSync(`${fs.readFileSync(path.join(AMAZON_TINY, 'meta_Tiny.json'), 'utf8')}{'asin': broken\n`),
  );
  const broken = await dil('data', 'amazon', 'Tiny', '--data-dir', present, '--progress', 'off');
  assert.equal(broken.code, 1);
  assert.match(broken.err, /meta_Tiny\.json\.gz:\d+/);
  assert.match(
    broken.err,
    /already present and not downloaded again; `dil data amazon Tiny --force` downloads them again/,
  );
});

test("records carry the kit's own commit, not that of the repository the shell stands in", async () => {
  const elsewhere = tempDir('other-repo');
  execFileSync('git', ['init', '-q'], { cwd: elsewhere });
  execFileSync('git', ['-c', 'user.name=x', '-c', 'user.email=x@y', 'commit', '-q', '--allow-empty', '-m', 'other'], {
    cwd: elsewhere,
  });
  const otherHead = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: elsewhere }).toString().trim();
  const kitHead = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT }).toString().trim();
  const results = path.join(elsewhere, 'results');
  const run = spawnSync(
    process.execPath,
    [
      BIN,
      'ablate',
      'din',
      '--profile',
      'smoke',
      '--experiment',
      'table3',
      '--variants',
      'base',
      '--seeds',
      '1',
      '--max-steps',
      '2',
      '--jobs',
      '1',
      '--results',
      results,
      '--progress',
      'off',
    ],
    { cwd: elsewhere, encoding: 'utf8' },
  );
  assert.equal(run.status, 0, run.stderr);
  const recordDir = path.join(results, 'runs', 'din', 'table3');
  const record = JSON.parse(
    fs.readFileSync(
      path.join(
        recordDir,
        fs.readdirSync(recordDir).find((f) => f.endsWith('.json'))!,
      ),
      'utf8',
    ),
  );
  assert.match(record.gitCommit, new RegExp(`^${kitHead}(\\+dirty)?$`));
  assert.notEqual(record.gitCommit.slice(0, 40), otherHead);
  // a kit that is not the top of a git checkout (an installed package) records its package version
  const installed = path.join(tempDir('installed'), 'node_modules', 'deep-interest-lab');
  fs.mkdirSync(installed, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(installed, 'package.json'));
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(gitCommit(installed), `deep-interest-lab@${version}`);
  // ... also when the project it is installed in is a git repository
  const project = path.join(elsewhere, 'node_modules', 'deep-interest-lab');
  fs.mkdirSync(project, { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(project, 'package.json'));
  assert.equal(gitCommit(project), `deep-interest-lab@${version}`);
});

test("dil reproduce finds the kit's notebooks from any directory (npm link, global install)", () => {
  const run = spawnSync(process.execPath, [BIN, 'reproduce', '--sweeps-first=false', '--notebooks', '99'], {
    cwd: tempDir('anywhere'),
    encoding: 'utf8',
  });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /no notebook matches --notebooks 99; available: 00-data\.ipynb, 01-din\.ipynb/);
});
