import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useBestBackend, forcedBackend, currentBackend } from '../src/backend';

function nativeLoads(): boolean {
  try {
    if (require('@tensorflow/tfjs-node/package.json').name !== '@tensorflow/tfjs-node') return false; // danfojs-node's alias of tfjs
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

test('useBestBackend picks native TensorFlow when it loads, else wasm', async () => {
  const choice = await useBestBackend({ quiet: true });
  assert.equal(tf.getBackend(), choice.name);
  if (process.env.DIL_BACKEND) assert.equal(choice.name, process.env.DIL_BACKEND);
  else assert.equal(choice.name, nativeLoads() ? 'tensorflow' : 'wasm');
  assert.match(choice.reason, /\S/);
  assert.deepEqual(currentBackend(), choice);
});

test('DIL_BACKEND accepts the three names and rejects anything else with the valid list', () => {
  assert.equal(forcedBackend({}), undefined);
  assert.equal(forcedBackend({ DIL_BACKEND: 'cpu' }), 'cpu');
  assert.equal(forcedBackend({ DIL_BACKEND: ' wasm ' }), 'wasm');
  assert.throws(() => forcedBackend({ DIL_BACKEND: 'webgl' }), /DIL_BACKEND=webgl is not a backend; expected one of: tensorflow, wasm, cpu/);
});

test('the backend line is printed once, naming the backend and the reason', async () => {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...parts: unknown[]) => { lines.push(parts.join(' ')); };
  try {
    await tf.setBackend('cpu'); // force a fresh choice
    await useBestBackend();
  } finally {
    console.log = original;
  }
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^\[deep-interest-lab\] backend: (tensorflow|wasm|cpu) \(.+\)$/);
});
