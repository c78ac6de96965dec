/**
 * The scripts in bench/ parse their command lines with the CLI's parser (src/bench/script.ts):
 * `--help` prints the generated help, a bad flag or argument is refused by name with a near-miss
 * suggestion and exit code 2. Nothing here runs a benchmark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { CliIo } from '../../src/cli/io';
import { CommandSpec, flagNumber, UsageError } from '../../src/cli/args';
import { checkPositionals, positionalChoice, positionalInt, positionalList, runScript } from '../../src/bench/script';

const ROOT = path.resolve(__dirname, '../..');

const TOY: CommandSpec = {
  name: 'toy',
  label: 'bench/toy.ts',
  summary: 'A toy script.',
  usage: 'node --import tsx bench/toy.ts <model> [steps] [flags]',
  flags: [{ name: 'reps', type: 'int', description: 'repetitions', defaultText: '15' }],
  examples: ['node --import tsx bench/toy.ts din 3 --reps 5'],
};

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

test('runScript: --help prints the generated help and runs nothing', async () => {
  const io = capture();
  let ran = false;
  assert.equal(await runScript(TOY, ['din', '--help'], () => void (ran = true), io), 0);
  assert.equal(ran, false);
  assert.match(
    io.stdout.join('\n'),
    /^Usage: node --import tsx bench\/toy\.ts <model> \[steps\] \[flags\]\n\nA toy script\.\n\nFlags:\n {2}--reps <int> +repetitions \[default: 15\]\n {2}--help +this help/,
  );
});

test('runScript: a misspelt flag or a bad argument is refused by name, exit 2; otherwise the body runs', async () => {
  const flag = capture();
  assert.equal(await runScript(TOY, ['--rep', '3'], () => 0, flag), 2);
  assert.deepEqual(flag.stderr, ['bench/toy.ts: unknown flag "--rep" (did you mean "--reps"?); valid flags: --reps']);
  const body = (args: Parameters<Parameters<typeof runScript>[2]>[0]) => {
    checkPositionals(TOY, args, 2);
    const model = positionalChoice(TOY, args, 0, 'model', ['din', 'dien'] as const);
    const steps = positionalInt(TOY, args, 1, 'steps', 1, 30);
    return model === 'din' ? steps + (flagNumber(args, 'reps') ?? 0) : 0;
  };
  assert.equal(await runScript(TOY, ['din', '3', '--reps=4'], body, capture()), 7);
  const cases: [string[], string][] = [
    [['dein'], 'bench/toy.ts: model: "dein" is not valid; valid values: din, dien (did you mean "dien"?)'],
    [[], 'bench/toy.ts: which model? one of din, dien; see bench/toy.ts --help'],
    [['din', '0'], 'bench/toy.ts: steps expects an integer >= 1, got "0"'],
    [['din', '2', 'x'], 'bench/toy.ts: unexpected argument "x"; see bench/toy.ts --help'],
  ];
  for (const [argv, message] of cases) {
    const io = capture();
    assert.equal(await runScript(TOY, argv, body, io), 2, argv.join(' '));
    assert.deepEqual(io.stderr, [message]);
  }
});

test('positionalList: a comma list of known values, a near miss suggested', () => {
  const args = (p: string[]) => ({ flags: {}, positionals: p });
  const values = ['din', 'dien', 'dmin'] as const;
  assert.deepEqual(positionalList(TOY, args(['din,dmin']), 0, 'models', values, values), ['din', 'dmin']);
  assert.deepEqual(positionalList(TOY, args([]), 0, 'models', values, ['dien']), ['dien']);
  assert.throws(
    () => positionalList(TOY, args(['din,dmni']), 0, 'models', values, values),
    (e: Error) =>
      e instanceof UsageError &&
      e.message === 'bench/toy.ts: models: "dmni" is not valid; valid values: din, dien, dmin (did you mean "dmin"?)',
  );
});

test('a bench script refuses a misspelt flag with a suggestion and exit 2, before any work', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/ops-micro.ts'), '--rep', '3'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr, 'bench/ops-micro.ts: unknown flag "--rep" (did you mean "--reps"?); valid flags: --reps\n');
  assert.equal(r.stdout, '');
});
