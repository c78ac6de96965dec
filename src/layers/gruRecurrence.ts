/**
 * The fused GRU recurrence: one custom-gradient op with a hand-written backpropagation
 * through time, used by `GruLayer` under a gradient tape (see gru.ts for the equations and
 * `autodiffRecurrence` for the reference it must match); `kernelRecurrence`, the same op as
 * one kernel per pass, where the backend has it (wasm), with or without a tape.
 */
import * as tf from '@tensorflow/tfjs';
import { GRU_RECURRENCE_GRAD_KERNEL, GRU_RECURRENCE_KERNEL } from '../kernels/gruRecurrence';

/**
 * How the per-step update weight g_t (h_t = h_{t-1} + g_t * (c_t - h_{t-1})) is formed from
 * the update gate u_t and the scale inputs s_t, k_t [B, 1]:
 * 'update': g = s * u; 'replace': g = s; 'official': g = s - k * (1 - u).
 */
export type RecurrenceMode = 'update' | 'replace' | 'official';

type RecurrenceFn = (projected: tf.Tensor, recurrentKernel: tf.Tensor, scale: tf.Tensor, keep: tf.Tensor) => tf.Tensor;
const fusedCache = new Map<RecurrenceMode, RecurrenceFn>();

/**
 * Forward: the same step as `forwardStep`, with tanh(z) computed as 2 sigmoid(2z) - 1 (wasm's
 * tanh kernel is ~5x slower than its sigmoid; the factor 2 is folded into the candidate
 * block of the projections and of U once per sequence) and U split once into its gate and
 * candidate blocks (no per-step split of the hidden product).
 *
 * Backward (backpropagation through time), per step t from T-1 down to 0, with dh the
 * gradient reaching h_t (output at t plus the carry from step t+1):
 *   dc = dh * g;  dg = dh * (c - h_{t-1});  dh_{t-1} = dh - dc + dHidden U^T
 *   dPreC = dc * (1 - c^2);  dr = dPreC * (U_c h_{t-1})
 *   du = dg * s ('update') | dg * k ('official') | 0 ('replace')
 *   dPreU = du * u (1 - u);  dPreR = dr * r (1 - r)
 *   dProjected_t = [dPreU, dPreR, dPreC];  dHidden_t = dProjected_t * [1, 1, r]
 * Everything that does not depend on dh ((c - h_{t-1}), 1 - c^2, G(1 - G), [1, 1, r]) is
 * computed for all steps at once before the loop; after it, dU = [h_{t-1}]^T [dHidden_t] is
 * ONE matMul over all B*T rows, and ds_t = sum_H(dg * u) ('update') | sum_H(dg),
 * dk_t = -sum_H(dg * (1 - u)) are one reduction each.
 */
function makeFusedRecurrence(mode: RecurrenceMode): RecurrenceFn {
  const f = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const projected = args[0] as tf.Tensor3D; // [T, B, 3H]
    const recurrentKernel = args[1] as tf.Tensor2D;
    const scale = args[2] as tf.Tensor3D; // [T, B, 1]
    const keep = args[3] as tf.Tensor3D; // [T, B, 1]
    const [T, B, H3] = projected.shape;
    const H = H3 / 3;
    const [projGates, projCandidate] = tf.split(projected, [2 * H, H], 2);
    const [kernelGates, kernelCandidate] = tf.split(recurrentKernel, [2 * H, H], 1) as tf.Tensor2D[];
    const kernelCandidate2 = kernelCandidate.mul(2) as tf.Tensor2D;
    const gateSteps = tf.unstack(projGates, 0) as tf.Tensor2D[];
    const candidateSteps = tf.unstack(projCandidate.mul(2), 0) as tf.Tensor2D[];
    const scaleSteps = tf.unstack(scale, 0) as tf.Tensor2D[];
    const keepSteps = mode === 'official' ? (tf.unstack(keep, 0) as tf.Tensor2D[]) : undefined;
    const one = tf.scalar(1);
    let h: tf.Tensor2D = tf.zeros([B, H]);
    const hPrev: tf.Tensor[] = [];
    const gatesAll: tf.Tensor[] = [];
    const candidates: tf.Tensor[] = [];
    const hidden2: tf.Tensor[] = [];
    const weights: tf.Tensor[] = [];
    const states: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      const G = tf.sigmoid(gateSteps[t].add(tf.matMul(h, kernelGates))) as tf.Tensor2D;
      const [u, r] = tf.split(G, 2, 1) as tf.Tensor2D[];
      const hc2 = tf.matMul(h, kernelCandidate2);
      const c = tf
        .sigmoid(candidateSteps[t].add(r.mul(hc2)))
        .mul(2)
        .sub(one) as tf.Tensor2D;
      let g: tf.Tensor2D;
      if (mode === 'replace') g = scaleSteps[t];
      else if (mode === 'official') g = scaleSteps[t].sub((keepSteps as tf.Tensor2D[])[t].mul(one.sub(u)));
      else g = scaleSteps[t].mul(u);
      hPrev.push(h);
      gatesAll.push(G);
      candidates.push(c);
      hidden2.push(hc2);
      weights.push(g);
      h = h.add(g.mul(c.sub(h))) as tf.Tensor2D;
      states.push(h);
    }
    const value = tf.concat(states, 0).reshape([T, B, H]) as tf.Tensor3D;
    save([recurrentKernel, scale, keep, ...hPrev, ...gatesAll, ...candidates, ...hidden2, ...weights]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const U = saved[0] as tf.Tensor2D;
        const sAll = (saved[1] as tf.Tensor3D).reshape([T * B, 1]);
        const kAll = (saved[2] as tf.Tensor3D).reshape([T * B, 1]);
        const list = (i: number): tf.Tensor[] => saved.slice(3 + i * T, 3 + (i + 1) * T);
        // time-major [T*B, .] blocks: rows t*B..(t+1)*B-1 are step t
        const Hp = tf.concat(list(0), 0); // [T*B, H]
        const Gs = tf.concat(list(1), 0); // [T*B, 2H]
        const Cs = tf.concat(list(2), 0); // [T*B, H]
        const hcHalf = tf.concat(list(3), 0).mul(0.5); // U_c h_{t-1}
        const gSteps = list(4) as tf.Tensor2D[];
        const one1 = tf.scalar(1);
        const [Us, Rs] = tf.split(Gs, 2, 1);
        const steps = (x: tf.Tensor): tf.Tensor2D[] => tf.unstack(x.reshape([T, B, -1]), 0) as tf.Tensor2D[];
        const diffSteps = steps(Cs.sub(Hp));
        const dtanhSteps = steps(one1.sub(Cs.square()));
        const [dsigU, dsigR] = tf.split(Gs.mul(one1.sub(Gs)), 2, 1);
        const dsigUSteps = steps(dsigU);
        const dsigRSteps = steps(dsigR);
        const hcSteps = steps(hcHalf);
        const rExtSteps = steps(tf.concat([tf.ones([T * B, 2 * H]), Rs], 1));
        const sSteps = mode === 'update' ? steps(sAll) : undefined;
        const kSteps = mode === 'official' ? steps(kAll) : undefined;
        const dStates = tf.unstack(dy, 0) as tf.Tensor2D[];
        const Ut = tf.transpose(U) as tf.Tensor2D; // [3H, H]
        const zerosH = mode === 'replace' ? tf.zeros([B, H]) : undefined;
        const dProj: tf.Tensor2D[] = new Array(T);
        const dHidden: tf.Tensor2D[] = new Array(T);
        const dgSteps: tf.Tensor2D[] = new Array(T);
        let carry: tf.Tensor2D | undefined;
        for (let t = T - 1; t >= 0; t--) {
          const dh = carry ? dStates[t].add(carry) : dStates[t];
          const dc = dh.mul(gSteps[t]);
          const dg = dh.mul(diffSteps[t]) as tf.Tensor2D;
          const dPreC = dc.mul(dtanhSteps[t]);
          const dr = dPreC.mul(hcSteps[t]);
          let dPreU: tf.Tensor2D;
          if (mode === 'update') dPreU = dg.mul((sSteps as tf.Tensor2D[])[t]).mul(dsigUSteps[t]);
          else if (mode === 'official') dPreU = dg.mul((kSteps as tf.Tensor2D[])[t]).mul(dsigUSteps[t]);
          else dPreU = zerosH as tf.Tensor2D;
          dProj[t] = tf.concat([dPreU, dr.mul(dsigRSteps[t]), dPreC], 1) as tf.Tensor2D;
          dHidden[t] = dProj[t].mul(rExtSteps[t]) as tf.Tensor2D;
          dgSteps[t] = dg;
          if (t > 0) carry = dh.sub(dc).add(tf.matMul(dHidden[t], Ut)) as tf.Tensor2D;
        }
        const dProjected = tf.concat(dProj, 0).reshape([T, B, 3 * H]);
        const dU = tf.matMul(tf.transpose(Hp), tf.concat(dHidden, 0));
        const dG = tf.concat(dgSteps, 0); // [T*B, H]
        const dS = (mode === 'update' ? dG.mul(Us) : dG).sum(1, true).reshape([T, B, 1]);
        const dK =
          mode === 'official' ? dG.mul(one1.sub(Us)).sum(1, true).neg().reshape([T, B, 1]) : tf.zeros([T, B, 1]);
        return [dProjected, dU, dS, dK];
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as RecurrenceFn;
}

/**
 * The recurrence as one custom-gradient op (see makeFusedRecurrence); same values as
 * `autodiffRecurrence` but TIME-MAJOR: projected [T, B, 3H], scale / keep [T, B, 1] ->
 * states [T, B, H]. `keep` is needed for mode 'official' only.
 */
export function fusedRecurrence(
  mode: RecurrenceMode,
  projected: tf.Tensor3D,
  recurrentKernel: tf.Tensor2D,
  scale: tf.Tensor3D,
  keep?: tf.Tensor3D,
): tf.Tensor3D {
  const fn = fusedCache.get(mode) ?? makeFusedRecurrence(mode);
  fusedCache.set(mode, fn);
  if (mode === 'official' && !keep) throw new Error("fusedRecurrence: mode 'official' needs keep [T, B, 1]");
  return tf.tidy(() => fn(projected, recurrentKernel, scale, keep ?? tf.zeros(scale.shape)) as tf.Tensor3D);
}

/**
 * True when the active backend has the one-kernel recurrence (`registerWasmGruRecurrence`,
 * installed by src/backend.ts on wasm); elsewhere the layer falls back to `fusedRecurrence`.
 */
export function recurrenceKernelsInstalled(): boolean {
  const backend = tf.getBackend();
  return (
    tf.getKernel(GRU_RECURRENCE_KERNEL, backend) !== undefined &&
    tf.getKernel(GRU_RECURRENCE_GRAD_KERNEL, backend) !== undefined
  );
}

const kernelCache = new Map<RecurrenceMode, RecurrenceFn>();

/**
 * One forward kernel over all T steps, and as its gradient one backward kernel plus the weight
 * gradient dU = [h_{t-1}]^T [dHidden_t] as one matMul over all B*T rows (equations above and
 * in src/kernels/gruRecurrence.ts).
 */
function makeKernelRecurrence(mode: RecurrenceMode): RecurrenceFn {
  const f = (...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [projected, recurrentKernel, scale, keep] = args as tf.Tensor[];
    const inputs: tf.NamedTensorMap = { projected, kernel: recurrentKernel, scale };
    if (mode === 'official') inputs.keep = keep;
    const [states, gates, candidates, hiddenCandidate] = tf
      .engine()
      .runKernel(GRU_RECURRENCE_KERNEL, inputs, { mode }) as tf.Tensor[];
    save([recurrentKernel, scale, keep, states, gates, candidates, hiddenCandidate]);
    return {
      value: states,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [U, s, k, h, g, c, hc] = saved;
        const inputs: tf.NamedTensorMap = {
          dStates: dy,
          kernelT: tf.transpose(U),
          scale: s,
          states: h,
          gates: g,
          candidates: c,
          hiddenCandidate: hc,
        };
        if (mode === 'official') inputs.keep = k;
        const [dProjected, dHidden, previousT, dScale, dKeep] = tf
          .engine()
          .runKernel(GRU_RECURRENCE_GRAD_KERNEL, inputs, { mode }) as tf.Tensor[];
        return [dProjected, tf.matMul(previousT, dHidden), dScale, dKeep];
      },
    };
  };
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as RecurrenceFn;
}

/**
 * The recurrence as one kernel per pass (see makeKernelRecurrence), BATCH-MAJOR: projected
 * [B, T, 3H], scale / keep [B, T, 1] -> states [B, T, H]; same values as `fusedRecurrence`
 * within float32 rounding. Needs `recurrenceKernelsInstalled()`. `keep`: mode 'official' only.
 * Without a gradient tape (scoring) the forward kernel runs alone with `skipIdle`.
 */
export function kernelRecurrence(
  mode: RecurrenceMode,
  projected: tf.Tensor3D,
  recurrentKernel: tf.Tensor2D,
  scale: tf.Tensor3D,
  keep?: tf.Tensor3D,
): tf.Tensor3D {
  const fn = kernelCache.get(mode) ?? makeKernelRecurrence(mode);
  kernelCache.set(mode, fn);
  if (mode === 'official' && !keep) throw new Error("kernelRecurrence: mode 'official' needs keep [B, T, 1]");
  if (!tf.engine().isTapeOn()) {
    // Scoring: the forward kernel alone, skipping the steps where a row's gate is 0 (padding).
    const inputs: tf.NamedTensorMap = { projected, kernel: recurrentKernel, scale };
    if (keep) inputs.keep = keep;
    const outputs = tf.engine().runKernel(GRU_RECURRENCE_KERNEL, inputs, { mode, skipIdle: true }) as tf.Tensor[];
    tf.dispose(outputs.slice(1));
    return outputs[0] as tf.Tensor3D;
  }
  return tf.tidy(() => fn(projected, recurrentKernel, scale, keep ?? tf.zeros(scale.shape)) as tf.Tensor3D);
}
