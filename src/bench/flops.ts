/**
 * FLOPs of one training step and one scoring pass of DIN, DIEN, DMIN and DHAN, counted
 * analytically from a model's resolved config and the batch shape.
 *
 * What is counted: the multiply-adds (2 FLOPs each) of every matrix product of the model as
 * the papers write it (dense layers on their full inputs, e.g. the attention MLP on
 * [q, k, q - k, q * k], whatever algebra an implementation uses to compute it), of the
 * recurrences' gate products, of attention scores and of weighted sums. Elementwise work
 * (activations, softmax, masks, LayerNorm) and plain sums are not counted: the count is
 * the dense-algebra work that a matMul-bound machine limit applies to.
 * Training step = 3 x the forward products including the auxiliary loss (the backward pass
 * of a product A B costs two products of the same size: dA and dB). Scoring = the forward
 * products without the auxiliary loss.
 */

/** Batch shape of the count: B rows, T history steps, De behaviour width (item + categories). */
export interface FlopShape {
  B: number;
  T: number;
  De: number;
  /**
   * DHAN: per hierarchy dimension, the number of clusters C_k per row at each of its grouping
   * levels (the batch's padded maximum, which the computation runs over).
   */
  clusters?: number[][];
}

export interface FlopCount {
  /** Forward products without the auxiliary loss. */
  forward: number;
  /** Forward products of the auxiliary loss (0 without one). */
  auxForward: number;
  /** 3 * (forward + auxForward). */
  trainStep: number;
  /** = forward. */
  scoring: number;
  /** Forward FLOPs by component (for reading the count). */
  parts: Record<string, number>;
}

/** 2 N sum_i sizes[i] sizes[i+1]: an MLP with layer widths `sizes` on N rows. */
export function mlpFlops(N: number, sizes: readonly number[]): number {
  let f = 0;
  for (let i = 0; i + 1 < sizes.length; i++) f += 2 * N * sizes[i] * sizes[i + 1];
  return f;
}

/** DIN's activation unit on N (query, key) pairs of width D: MLP [4D, ...hidden, 1]. */
export function attentionUnitFlops(N: number, D: number, hidden: readonly number[]): number {
  return mlpFlops(N, [4 * D, ...hidden, 1]);
}

/** A GRU (or AUGRU/AGRU/AIGRU) over B x T steps: input and recurrent products of the 3 gates. */
export function gruFlops(B: number, T: number, inputSize: number, H: number): number {
  return 2 * B * T * (inputSize * 3 * H + H * 3 * H);
}

/** The auxiliary loss on B x (T - 1) (state, next behaviour) pairs, positive and negative. */
export function auxLossFlops(B: number, T: number, stateSize: number, De: number, scorer: string): number {
  const N = B * (T - 1);
  if (scorer === 'mlp') return 2 * mlpFlops(N, [stateSize + De, 100, 50, 1]);
  return 2 * (2 * N * De);
}

interface AnyConfig {
  [key: string]: unknown;
}

function num(c: AnyConfig, key: string, where: string): number {
  const v = c[key];
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`${where}: config field ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function hiddenOf(c: AnyConfig, key: string, where: string): number[] {
  const v = (c[key] as AnyConfig | undefined)?.hidden;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number'))
    throw new Error(`${where}: config field ${key}.hidden must be a list of numbers`);
  return v as number[];
}

function userDim(c: AnyConfig): number {
  const u = (c.embedding as AnyConfig | undefined)?.userDim;
  return typeof u === 'number' ? u : 0;
}

/** Width of the kit's MLP input [user?, target, interest, target * interest?, extra]. */
function featureWidth(De: number, Du: number, product: boolean, extra: number): number {
  return Du + De * (product ? 3 : 2) + extra;
}

/** DIEN's interest extractor + evolution (also DHAN's `onDien` part): forward and aux FLOPs. */
function evolutionFlops(
  c: AnyConfig,
  s: FlopShape,
  parts: Record<string, number>,
  prefix: string,
  where: string,
): { forward: number; aux: number; H: number } {
  const { B, T, De } = s;
  const H = num(c, 'hiddenSize', where);
  let forward = 0;
  const add = (name: string, f: number) => {
    parts[`${prefix}${name}`] = f;
    forward += f;
  };
  add('extractor GRU', gruFlops(B, T, De, H));
  add('evolution GRU', gruFlops(B, T, H, H));
  if (c.evolutionAttention === 'activationUnit') {
    const hidden = ((c.attentionUnit as AnyConfig | undefined)?.hidden as number[] | undefined) ?? [80, 40];
    // the official target projection De -> H (dense + PReLU), then the unit on [q, h, q - h, q * h]
    add('evolution attention', 2 * B * De * H + attentionUnitFlops(B * T, H, hidden));
  } else {
    add('evolution attention', 2 * B * De * H + 2 * B * T * H);
  }
  if (c.evolution === 'attention') add('attention pooling', 2 * B * T * H);
  const alpha = num(c, 'auxWeight', where);
  const aux = alpha > 0 ? auxLossFlops(B, T, H, De, String(c.auxScorer)) : 0;
  return { forward, aux, H };
}

function finish(forward: number, auxForward: number, parts: Record<string, number>): FlopCount {
  if (auxForward > 0) parts['aux loss (training only)'] = auxForward;
  return { forward, auxForward, trainStep: 3 * (forward + auxForward), scoring: forward, parts };
}

/** The FLOP count of `model` with resolved `config` at `shape`. Throws for other models. */
export function modelFlops(model: string, config: unknown, shape: FlopShape): FlopCount {
  const where = `modelFlops(${model})`;
  if (!['din', 'dien', 'dmin', 'dhan'].includes(model))
    throw new Error(`${where}: no FLOP count for model "${model}" (din, dien, dmin, dhan)`);
  const c = config as AnyConfig;
  const { B, T, De } = shape;
  if (![B, T, De].every((x) => Number.isInteger(x) && x >= 1))
    throw new Error(`${where}: B, T, De must be positive integers, got ${B}, ${T}, ${De}`);
  const Du = userDim(c);
  const mlpHidden = hiddenOf(c, 'mlp', where);
  const parts: Record<string, number> = {};
  let forward = 0;
  const add = (name: string, f: number) => {
    parts[name] = f;
    forward += f;
  };
  switch (model) {
    case 'din': {
      add('attention unit', attentionUnitFlops(B * T, De, hiddenOf(c, 'attention', where)));
      add('weighted sum', 2 * B * T * De);
      const extra = c.historySum === true ? 2 * De : 0;
      add('top MLP', mlpFlops(B, [featureWidth(De, Du, c.productFeature !== false, extra), ...mlpHidden, 1]));
      return finish(forward, 0, parts);
    }
    case 'dien': {
      const evo = evolutionFlops(c, shape, parts, '', where);
      forward += evo.forward;
      add('top MLP', mlpFlops(B, [featureWidth(De, Du, true, evo.H), ...mlpHidden, 1]));
      return finish(forward, evo.aux, parts);
    }
    case 'dmin': {
      let aux = 0;
      if (c.refiner !== false) {
        const ffn = 2 * De;
        add('refiner Q/K/V', 2 * B * T * De * 3 * De);
        add('refiner scores + context', 2 * (2 * B * T * T * De));
        add('refiner output', 2 * B * T * De * De);
        add('refiner FFN', 2 * B * T * (De * ffn + ffn * De));
        if (num(c, 'auxWeight', where) > 0) aux = auxLossFlops(B, T, De, De, String(c.auxScorer));
      }
      const HE = num(c, 'interestHeads', where);
      const dk =
        num(c, 'interestHeadSize', where) > 0 ? num(c, 'interestHeadSize', where) : Math.max(1, Math.round(De / HE));
      const units = (c.interestAttentionUnits as number[] | undefined) ?? [80, 40];
      add('interest Q/K/V', 2 * B * T * De * 3 * HE * dk);
      add('interest scores + context', HE * 2 * (2 * B * T * T * dk));
      add('interest outputs', HE * 2 * B * T * dk * De);
      add(
        'interest queries',
        2 * B * De * HE * De + (c.positionEncoding !== false ? 2 * B * T * num(c, 'positionDim', where) * HE * De : 0),
      );
      add('interest attention units', HE * attentionUnitFlops(B * T, De, units));
      add('interest weighted sums', HE * 2 * B * T * De);
      add('top MLP', mlpFlops(B, [featureWidth(De, Du, true, HE * De), ...mlpHidden, 1]));
      return finish(forward, aux, parts);
    }
    default: {
      // 'dhan'
      const hidden = hiddenOf(c, 'attention', where);
      const dims = c.dimensions as number[][];
      const flat = c.pooling === 'flat';
      if (flat) {
        add('attention unit', attentionUnitFlops(B * T, De, hidden));
        add('weighted sum', 2 * B * T * De);
      } else {
        const clusters = shape.clusters;
        if (!clusters || clusters.length !== dims.length || clusters.some((cs, k) => cs.length !== dims[k].length)) {
          throw new Error(
            `${where}: shape.clusters must give the clusters per row at each level of each ` +
              `dimension (${JSON.stringify(dims)}), got ${JSON.stringify(clusters)}`,
          );
        }
        dims.forEach((_, k) => {
          const C = clusters[k];
          add(`dimension ${k}: behaviour unit`, attentionUnitFlops(B * T, De, hidden));
          add(`dimension ${k}: cluster sums + flat sum`, 2 * (2 * B * T * De));
          C.forEach((Ck, l) => {
            add(`dimension ${k}: level ${l + 2} unit`, attentionUnitFlops(B * Ck, De, hidden));
            add(`dimension ${k}: level ${l + 2} sums`, 2 * B * Ck * De);
          });
        });
      }
      let aux = 0;
      let H = 0;
      if (c.onDien === true) {
        const evo = evolutionFlops(c.dien as AnyConfig, shape, parts, 'DIEN part: ', where);
        forward += evo.forward;
        aux = evo.aux;
        H = evo.H;
      }
      const extra = (flat ? De : dims.length * De + (c.remedy === true ? De : 0)) + H;
      add('top MLP', mlpFlops(B, [featureWidth(De, Du, true, extra), ...mlpHidden, 1]));
      return finish(forward, aux, parts);
    }
  }
}

/**
 * The fraction of the machine's limit a step reaches: the time the step's FLOPs take at
 * `limitGflops` (the backend's measured matMul speed) divided by the measured step time.
 */
export function limitFraction(flops: number, stepMs: number, limitGflops: number): number | null {
  if (!(flops > 0 && stepMs > 0 && limitGflops > 0)) return null;
  return flops / (limitGflops * 1e6) / stepMs;
}
