/**
 * DIEN, Deep Interest Evolution Network (Zhou et al., AAAI'19, arXiv 1809.03672), and the
 * rows of its Table 4 as config values:
 *
 *   | Table 4 row                       | config                                       |
 *   | Two layer GRU attention           | { evolution: 'attention', auxWeight: 0 }     |
 *   | BaseModel + GRU + AIGRU           | { evolution: 'AIGRU', auxWeight: 0 }         |
 *   | BaseModel + GRU + AGRU            | { evolution: 'AGRU', auxWeight: 0 }          |
 *   | BaseModel + GRU + AUGRU           | { evolution: 'AUGRU', auxWeight: 0 }         |
 *   | DIEN (AUGRU + auxiliary loss)     | { evolution: 'AUGRU', auxWeight: 1 } (default) |
 *
 * Composition (shapes with De = behaviour width, H = hidden size):
 *   e = history embeddings [B, T, De], e_a = target [B, De]
 *   interest extractor: h = GRU(e) [B, T, H]; aux loss on (h, e, sampled negatives) x alpha
 *   a = softmax over valid steps of h_t W e_a [B, T]              (src/layers/sequenceAttention.ts)
 *   interest evolution: AIGRU / AGRU / AUGRU(h, a) -> final state [B, H];
 *     'attention': h2 = GRU(h), interest = sum_t a2_t h2_t with a2 the attention on h2
 *   MLP input [user?, e_a, sum_t e_t, e_a * sum_t e_t, interest] -> 200 -> 80 (Dice) -> 1
 * Defaults from the DIEN code (embedding 18 + 18, hidden 36, MLP 200-80 Dice, BN on the input).
 *
 * Porting note: the official attention (`din_fcn_attention`) first projects the target to the
 * state width, q = PReLU(e_a W_q + b_q) [B, H], then scores [q, h_t, q - h_t, q * h_t] with a
 * DIN-style MLP (80-40 sigmoid) and a masked softmax; `evolutionAttention: 'activationUnit'`
 * selects it (paper: bilinear h_t W e_a, the default).
 * The official AUGRU gate convention is `gateConvention: 'official'`, and the official GRU cells'
 * candidate U^h (r * h) is `gruCandidate: 'official'` (paper: r * (U^h h); see src/layers/gru.ts).
 * The official sum of history embeddings is unmasked (docs/papers.md P-DIEN-5); here padding is masked.
 */
import * as tf from '@tensorflow/tfjs';
import type { FeatureSizes } from '../data/batch';
import {
  CommonModelConfig,
  ConfigOverrides,
  CtrModelBase,
  EMBEDDING_DEFAULTS,
  ModelInputs,
  ModelOutput,
  resolveConfig,
} from './model';
import { interestFeatures, interestFeatureWidth } from './features';
import { ParameterStore } from '../layers/params';
import { AttentionGateConvention, GruCandidate, GruLayer } from '../layers/gru';
import { EvolutionAttention } from '../layers/sequenceAttention';
import { AuxiliaryLoss, AuxLossReduction, AuxLossScorer } from '../layers/auxLoss';
import { AttentionUnit, AttentionUnitConfig, ATTENTION_UNIT_DEFAULTS } from '../layers/attentionUnit';
import { Dense } from '../layers/dense';
import { PRelu } from '../layers/prelu';
import { MlpConfig, MLP_DEFAULTS } from '../layers/mlp';
import { ClickHead } from '../layers/clickHead';
import { poolSequence } from '../layers/pooling';

export type DienEvolution = 'attention' | 'AIGRU' | 'AGRU' | 'AUGRU';
export const DIEN_EVOLUTIONS: readonly DienEvolution[] = ['attention', 'AIGRU', 'AGRU', 'AUGRU'];

/** The interest extractor + evolution block (also used by DHAN on top of DIEN). */
export interface InterestEvolutionConfig {
  /** H, hidden size of both recurrent layers. Default 36 (DIEN code). */
  hiddenSize: number;
  /** Table 4 row (see the file comment). Default 'AUGRU'. */
  evolution: DienEvolution;
  /** alpha, weight of the auxiliary loss; 0 = off. Default 1 (paper and code). */
  auxWeight: number;
  /** AUGRU's meaning of a_t: 'paper' (default) or 'official' (Porting note in src/layers/gru.ts). */
  gateConvention: AttentionGateConvention;
  /**
   * Both GRUs' candidate: 'paper' r * (U^h h) (default) | 'official' U^h (r * h) (TF1 GRUCell; Porting note in
   * src/layers/gru.ts).
   */
  gruCandidate: GruCandidate;
  /** 'bilinear' (paper, default) or 'activationUnit' (official DIN-style MLP with softmax). */
  evolutionAttention: 'bilinear' | 'activationUnit';
  /** The activation unit when evolutionAttention = 'activationUnit' (default: official 80-40 sigmoid, softmax). */
  attentionUnit: AttentionUnitConfig;
  /**
   * The activation unit's query: 'projected' PReLU(Dense(e_a)) to width H (official
   * `din_fcn_attention`, default) or 'raw' e_a itself (FuxiCTR's DIEN; needs H = De).
   */
  attentionQuery: 'projected' | 'raw';
  /** Auxiliary-loss scorer: 'inner' (paper, default) or 'mlp' (official aux net). */
  auxScorer: AuxLossScorer;
  /** Auxiliary-loss reduction: 'perSample' (paper, default), 'perStep', 'official'. */
  auxReduction: AuxLossReduction;
  /** GRU implementation: 'fused' (hand-written BPTT, default) or 'autodiff' (reference); same values. */
  recurrentImplementation: 'fused' | 'autodiff';
}

export const INTEREST_EVOLUTION_DEFAULTS: Readonly<InterestEvolutionConfig> = Object.freeze({
  hiddenSize: 36,
  evolution: 'AUGRU' as DienEvolution,
  auxWeight: 1,
  gateConvention: 'paper' as AttentionGateConvention,
  gruCandidate: 'paper' as GruCandidate,
  evolutionAttention: 'bilinear' as const,
  attentionUnit: { ...ATTENTION_UNIT_DEFAULTS, normalize: 'softmax' as const },
  attentionQuery: 'projected' as const,
  auxScorer: 'inner' as AuxLossScorer,
  auxReduction: 'perSample' as AuxLossReduction,
  recurrentImplementation: 'fused' as const,
});

export interface InterestEvolutionOutput {
  /** [B, H] the final interest. */
  interest: tf.Tensor2D;
  /** Auxiliary loss times alpha (absent when alpha = 0 or not training). */
  auxLoss?: tf.Scalar;
  /** [B, T] evolution attention. */
  attention: tf.Tensor2D;
}

/** GRU interest extractor (+ auxiliary loss) and attention-driven interest evolution. */
export class InterestEvolution {
  readonly config: Readonly<InterestEvolutionConfig>;
  private readonly extractor: GruLayer;
  private readonly evolver: GruLayer;
  private readonly bilinear?: EvolutionAttention;
  private readonly unit?: AttentionUnit;
  /** The official attention's target projection De -> H (dense + PReLU). */
  private readonly query?: { dense: Dense; prelu: PRelu };
  private readonly aux?: AuxiliaryLoss;

  constructor(
    store: ParameterStore,
    readonly name: string,
    readonly behaviourDim: number,
    config: Partial<InterestEvolutionConfig> = {},
  ) {
    const c: InterestEvolutionConfig = { ...INTEREST_EVOLUTION_DEFAULTS, ...config };
    const where = `InterestEvolution(${name})`;
    if (!DIEN_EVOLUTIONS.includes(c.evolution))
      throw new Error(`${where}: evolution must be one of ${DIEN_EVOLUTIONS.join(', ')}, got ${String(c.evolution)}`);
    if (!(c.auxWeight >= 0) || !Number.isFinite(c.auxWeight))
      throw new Error(`${where}: auxWeight (alpha) must be a finite number >= 0, got ${c.auxWeight}`);
    if (c.evolutionAttention !== 'bilinear' && c.evolutionAttention !== 'activationUnit')
      throw new Error(
        `${where}: evolutionAttention must be 'bilinear' or 'activationUnit', got ${String(c.evolutionAttention)}`,
      );
    this.config = Object.freeze(c);
    const H = c.hiddenSize;
    const implementation = c.recurrentImplementation;
    const candidate = c.gruCandidate;
    this.extractor = new GruLayer(store, `${name}/extractorGru`, {
      inputSize: behaviourDim,
      hiddenSize: H,
      kind: 'GRU',
      candidate,
      implementation,
    });
    this.evolver = new GruLayer(store, `${name}/evolutionGru`, {
      inputSize: H,
      hiddenSize: H,
      kind: c.evolution === 'attention' ? 'GRU' : c.evolution,
      convention: c.gateConvention,
      candidate,
      implementation,
    });
    if (c.evolutionAttention === 'bilinear') {
      this.bilinear = new EvolutionAttention(store, `${name}/attention`, { stateSize: H, targetSize: behaviourDim });
    } else {
      if (c.attentionQuery !== 'projected' && c.attentionQuery !== 'raw')
        throw new Error(`${where}: attentionQuery must be 'projected' or 'raw', got ${String(c.attentionQuery)}`);
      if (c.attentionQuery === 'raw' && H !== behaviourDim)
        throw new Error(
          `${where}: attentionQuery 'raw' compares the target with the GRU states, so ` +
            `hiddenSize must equal the behaviour width ${behaviourDim}, got ${H}`,
        );
      if (c.attentionQuery === 'projected')
        this.query = {
          dense: new Dense(store, `${name}/attentionUnit/query`, behaviourDim, H),
          prelu: new PRelu(store, `${name}/attentionUnit/query`, H),
        };
      this.unit = new AttentionUnit(store, `${name}/attentionUnit`, H, { ...c.attentionUnit });
    }
    if (c.auxWeight > 0)
      this.aux = new AuxiliaryLoss(store, `${name}/auxLoss`, {
        stateSize: H,
        embeddingSize: behaviourDim,
        scorer: c.auxScorer,
        reduction: c.auxReduction,
      });
  }

  private attend(states: tf.Tensor3D, target: tf.Tensor2D, mask: tf.Tensor2D, training: boolean): tf.Tensor2D {
    if (this.bilinear) return this.bilinear.apply(states, target, mask);
    const query = this.query ? this.query.prelu.apply(this.query.dense.apply(target)) : target;
    return (this.unit as AttentionUnit).weights(query, states, mask, training);
  }

  /**
   * The evolution attention a_t alone (no auxiliary loss, no evolution GRU for the gated
   * rows): the same weights `apply` computes and feeds to AIGRU / AGRU / AUGRU (or, for the
   * 'attention' row, pools the second GRU's states with).
   * @param history [B, T, De]; @param target [B, De]
   * @returns [B, T] weights (bilinear / softmax unit: sum 1 over the valid steps, 0 at padding)
   */
  attentionWeights(inputs: ModelInputs, history: tf.Tensor3D, target: tf.Tensor2D, training = false): tf.Tensor2D {
    return tf.tidy(() => {
      const mask = inputs.mask;
      const { states } = this.extractor.apply(history, mask);
      const attended = this.config.evolution === 'attention' ? this.evolver.apply(states, mask).states : states;
      return this.attend(attended, target, mask, training);
    });
  }

  /**
   * @param inputs the batch's embeddings (negatives are read from it when alpha > 0 and training)
   * @param history [B, T, De]; @param target [B, De]
   * The auxiliary loss is a training objective only: it is computed when `training` (scoring
   * needs no negatives and returns no auxLoss).
   */
  apply(inputs: ModelInputs, history: tf.Tensor3D, target: tf.Tensor2D, training: boolean): InterestEvolutionOutput {
    const mask = inputs.mask;
    const { states } = this.extractor.apply(history, mask);
    let auxLoss: tf.Scalar | undefined;
    if (this.aux && training)
      auxLoss = this.aux.apply(states, history, inputs.negHistory(), mask).mul(this.config.auxWeight) as tf.Scalar;
    if (this.config.evolution === 'attention') {
      const second = this.evolver.apply(states, mask).states;
      const attention = this.attend(second, target, mask, training);
      const interest = second.mul(attention.expandDims(2)).sum(1) as tf.Tensor2D;
      return { interest, auxLoss, attention };
    }
    const attention = this.attend(states, target, mask, training);
    const { final } = this.evolver.apply(states, mask, attention);
    return { interest: final, auxLoss, attention };
  }
}

export interface DienConfig extends CommonModelConfig, InterestEvolutionConfig {
  /**
   * MLP input [user?, target, Σhist, target ⊙ Σhist, interest] (true, DIEN code, default) or
   * [user?, target, interest] (false, FuxiCTR's DIEN and the paper's figure).
   */
  historySum: boolean;
  /** The top MLP (defaults: DIEN code, 200-80 Dice, BN on the input). */
  mlp: MlpConfig;
}

export const DIEN_DEFAULTS: Readonly<DienConfig> = Object.freeze({
  embedding: { ...EMBEDDING_DEFAULTS },
  ...INTEREST_EVOLUTION_DEFAULTS,
  attentionUnit: { ...INTEREST_EVOLUTION_DEFAULTS.attentionUnit },
  historySum: true,
  mlp: { ...MLP_DEFAULTS, activation: 'dice' as const },
});

export class DienModel extends CtrModelBase<DienConfig> {
  private readonly evolution: InterestEvolution;
  private readonly head: ClickHead;

  constructor(config: ConfigOverrides<DienConfig> | undefined, sizes: FeatureSizes, seed: number) {
    super('dien', resolveConfig(DIEN_DEFAULTS, config, 'dien config'), sizes, seed);
    const De = this.embeddings.behaviourDim;
    const { embedding, mlp, historySum, ...evolution } = this.config;
    this.evolution = new InterestEvolution(this.params, 'dien', De, evolution);
    const H = this.config.hiddenSize;
    const width = historySum ? interestFeatureWidth(De, embedding.userDim, true, H) : embedding.userDim + De + H;
    this.head = new ClickHead(this.params, 'dien/head', width, mlp, seed);
  }

  override get auxWeight(): number {
    return this.config.auxWeight;
  }

  /**
   * The interest-evolution attention a_t of every row for its target (inference mode; read
   * only, for plots of one user's attention over time).
   * @returns [B, T] (caller disposes); padded steps are 0
   */
  evolutionAttention(inputs: ModelInputs): tf.Tensor2D {
    return tf.tidy(() => this.evolution.attentionWeights(inputs, inputs.history(), inputs.target(), false));
  }

  forward(inputs: ModelInputs, training: boolean): ModelOutput {
    return tf.tidy(() => {
      const history = inputs.history();
      const target = inputs.target();
      const { interest, auxLoss } = this.evolution.apply(inputs, history, target, training);
      const features = this.config.historySum
        ? interestFeatures(inputs, target, poolSequence(history, inputs.mask, 'sum'), true, [interest])
        : interestFeatures(inputs, target, interest, false);
      const logit = this.head.apply(features, training);
      return auxLoss ? { logit, auxLoss } : { logit };
    });
  }
}
