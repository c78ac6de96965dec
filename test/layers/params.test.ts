/** ParameterStore: seeded, named parameters. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { useBestBackend } from '../../src/backend';
import { ParameterStore } from '../../src/layers/params';

before(async () => {
  await useBestBackend({ quiet: true });
});

describe('ParameterStore', () => {
  it('is deterministic per seed and name, and rejects duplicate names', () => {
    const a = new ParameterStore(5);
    const b = new ParameterStore(5);
    const c = new ParameterStore(6);
    const init = { kind: 'glorotUniform', fanIn: 4, fanOut: 3 } as const;
    const va = a.weight('w', [4, 3], init).dataSync();
    assert.deepEqual(Array.from(b.weight('w', [4, 3], init).dataSync()), Array.from(va));
    assert.notDeepEqual(Array.from(c.weight('w', [4, 3], init).dataSync()), Array.from(va));
    const limit = Math.sqrt(6 / 7);
    assert.ok(Array.from(va).every((v) => Math.abs(v) <= limit));
    assert.throws(() => a.weight('w', [1], { kind: 'zeros' }), /registered twice/);
    assert.throws(
      () => a.setWeights([{ name: 'w', shape: [3, 4], values: new Float32Array(12), trainable: true }]),
      /shape/,
    );
    a.dispose();
    b.dispose();
    c.dispose();
  });
});
