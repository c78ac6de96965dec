/**
 * Named parameters of one model: trainable dense variables and non-trainable state
 * (Dice / batch-norm moving averages), created deterministically from a seed.
 *
 * Every layer receives the store and a name prefix and registers what it owns, so that
 * `getWeights()` / `setWeights()` of a model is a walk over one map (checkpoints), and
 * the trainer finds the trainable variables in one call. Names are unique: registering a
 * name twice throws (two layers sharing a prefix is a wiring bug).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

/** How a new parameter is initialised. */
export type Initializer =
  | { kind: 'zeros' }
  | { kind: 'constant'; value: number }
  /** Glorot/Xavier uniform over fanIn + fanOut (the default of TF1 `tf.layers.dense`). */
  | { kind: 'glorotUniform'; fanIn: number; fanOut: number }
  /**
   * Glorot/Xavier normal: std sqrt(2 / (fanIn + fanOut)), same variance as glorotUniform (FuxiCTR's nn.Linear init).
   */
  | { kind: 'glorotNormal'; fanIn: number; fanOut: number }
  /** Truncated-free normal with this standard deviation. */
  | { kind: 'normal'; std: number };

/** One parameter as plain data: the checkpoint format. */
export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
  /** false for moving averages and other state the optimizer does not touch. */
  trainable: boolean;
}

/** Fills a new Float32Array of `size` values from `init` using `rng`. */
export function initialValues(size: number, init: Initializer, rng: Rng): Float32Array {
  const out = new Float32Array(size);
  switch (init.kind) {
    case 'zeros':
      break;
    case 'constant':
      out.fill(init.value);
      break;
    case 'glorotUniform': {
      const limit = Math.sqrt(6 / (init.fanIn + init.fanOut));
      for (let i = 0; i < size; i++) out[i] = (rng.next() * 2 - 1) * limit;
      break;
    }
    case 'glorotNormal': {
      const std = Math.sqrt(2 / (init.fanIn + init.fanOut));
      for (let i = 0; i < size; i++) out[i] = rng.normal() * std;
      break;
    }
    case 'normal':
      for (let i = 0; i < size; i++) out[i] = rng.normal() * init.std;
      break;
    default: {
      const never: never = init;
      throw new Error(`ParameterStore: unknown initializer ${JSON.stringify(never)}`);
    }
  }
  return out;
}

/** Distribution of every Glorot-initialised kernel of a store. */
export type GlorotDistribution = 'uniform' | 'normal';

export class ParameterStore {
  private readonly variables = new Map<string, tf.Variable>();
  private readonly trainableFlags = new Map<string, boolean>();
  private readonly rng: Rng;

  /**
   * `seed` fixes every initial value; each parameter draws from its own fork (by name).
   * `glorot: 'normal'` turns every glorotUniform request of the layers into glorotNormal.
   */
  constructor(
    seed: number,
    readonly glorot: GlorotDistribution = 'uniform',
  ) {
    if (glorot !== 'uniform' && glorot !== 'normal')
      throw new Error(`ParameterStore: glorot must be 'uniform' or 'normal', got ${String(glorot)}`);
    this.rng = new Rng(seed);
  }

  /** Registers a trainable variable of `shape` named `name`. */
  weight(name: string, shape: number[], init: Initializer): tf.Variable {
    return this.add(name, shape, init, true);
  }

  /** Registers non-trainable state (e.g. a moving mean) named `name`. */
  state(name: string, shape: number[], init: Initializer): tf.Variable {
    return this.add(name, shape, init, false);
  }

  private add(name: string, shape: number[], init: Initializer, trainable: boolean): tf.Variable {
    if (this.variables.has(name)) throw new Error(`ParameterStore.add: parameter "${name}" registered twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (init.kind === 'glorotUniform' && this.glorot === 'normal')
      init = { kind: 'glorotNormal', fanIn: init.fanIn, fanOut: init.fanOut };
    const values = initialValues(size, init, this.rng.fork(name));
    // Variable names are global in tfjs; do not name them (two models may coexist).
    const initial = tf.tensor(values, shape, 'float32');
    const v = tf.variable(initial, trainable);
    initial.dispose();
    this.variables.set(name, v);
    this.trainableFlags.set(name, trainable);
    return v;
  }

  /** The variable registered as `name` (throws if none). */
  get(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`ParameterStore.get: no parameter named "${name}"`);
    return v;
  }

  /** Names in registration order. */
  names(): string[] {
    return [...this.variables.keys()];
  }

  /** Trainable variables with their names, in registration order. */
  trainable(): { name: string; variable: tf.Variable }[] {
    const out: { name: string; variable: tf.Variable }[] = [];
    for (const [name, variable] of this.variables) if (this.trainableFlags.get(name)) out.push({ name, variable });
    return out;
  }

  /** Copies every parameter out (trainable and state). */
  getWeights(): NamedWeight[] {
    const out: NamedWeight[] = [];
    for (const [name, v] of this.variables) {
      out.push({
        name,
        shape: v.shape.slice(),
        values: Float32Array.from(v.dataSync() as Float32Array),
        trainable: this.trainableFlags.get(name) === true,
      });
    }
    return out;
  }

  /**
   * Loads values by name. Every registered parameter must be present with the same shape;
   * names this store does not know are an error unless `ignoreUnknown`.
   */
  setWeights(weights: NamedWeight[], options: { ignoreUnknown?: boolean } = {}): void {
    const byName = new Map(weights.map((w) => [w.name, w]));
    for (const [name, v] of this.variables) {
      const w = byName.get(name);
      if (!w) throw new Error(`ParameterStore.setWeights: missing parameter "${name}"`);
      const size = v.shape.reduce((a, b) => a * b, 1);
      if (w.values.length !== size || w.shape.join('x') !== v.shape.join('x')) {
        throw new Error(
          `ParameterStore.setWeights: "${name}" has shape [${w.shape}] (${w.values.length} ` +
            `values), expected [${v.shape}]`,
        );
      }
      tf.tidy(() => v.assign(tf.tensor(w.values, v.shape, 'float32')));
    }
    if (!options.ignoreUnknown) {
      for (const w of weights) {
        if (!this.variables.has(w.name)) throw new Error(`ParameterStore.setWeights: unknown parameter "${w.name}"`);
      }
    }
  }

  /** Disposes every variable. */
  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.trainableFlags.clear();
  }
}
