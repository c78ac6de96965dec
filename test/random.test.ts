import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../src/random';

test('Rng: the same seed gives the same stream, another seed another stream', () => {
  const a = new Rng(42),
    b = new Rng(42),
    c = new Rng(43);
  const sa = Array.from({ length: 20 }, () => a.next());
  const sb = Array.from({ length: 20 }, () => b.next());
  const sc = Array.from({ length: 20 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
});

test('Rng: uniform draws have mean 1/2 and variance 1/12; normals mean 0 variance 1', () => {
  const rng = new Rng(1);
  const n = 200_000;
  let s = 0,
    s2 = 0,
    z = 0,
    z2 = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    assert.ok(u >= 0 && u < 1);
    s += u;
    s2 += u * u;
    const g = rng.normal();
    z += g;
    z2 += g * g;
  }
  const mean = s / n,
    variance = s2 / n - mean * mean;
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.002, `variance ${variance}`);
  assert.ok(Math.abs(z / n) < 0.01, `normal mean ${z / n}`);
  assert.ok(Math.abs(z2 / n - 1) < 0.02, `normal variance ${z2 / n}`);
});

test('Rng: int in range, hits every value; shuffle permutes; fork independent of later draws', () => {
  const rng = new Rng(9);
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const v = rng.int(3, 8);
    assert.ok(Number.isInteger(v) && v >= 3 && v < 8);
    seen.add(v);
  }
  assert.deepEqual([...seen].sort(), [3, 4, 5, 6, 7]);
  const perm = rng.shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
  assert.deepEqual(
    Array.from(perm).sort((x, y) => x - y),
    Array.from({ length: 100 }, (_, i) => i),
  );
  const f1 = new Rng(5).fork('negatives').next();
  const r = new Rng(5);
  const f2 = r.fork('negatives').next();
  assert.equal(f1, f2);
  assert.notEqual(new Rng(5).fork('shuffle').next(), f1);
  assert.throws(() => new Rng(Number.NaN), /seed must be a number in \[0, 2\^32\)/);
});

test('Rng: seeds outside [0, 2^32) are refused, not wrapped onto another seed', () => {
  for (const bad of [-1, 2 ** 32, 2 ** 32 + 1, Number.POSITIVE_INFINITY]) {
    assert.throws(() => new Rng(bad), /Rng: seed must be a number in \[0, 2\^32\), got /, `seed ${bad}`);
  }
  assert.equal(new Rng(2 ** 32 - 1).int(0, 1000), new Rng(2 ** 32 - 1).int(0, 1000));
  assert.doesNotThrow(() => new Rng(0));
});
