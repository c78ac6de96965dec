"""
Independent PyTorch DMIN (Xiao et al., CIKM'20), written from the official code
(mengxiaozhibo/DMIN `Model_DNN_Multi_Head`, `self_multi_head_attn`, `self_multi_head_attn_v2`,
`din_attention_new`, `auxiliary_loss`), not from the kit's TypeScript. Used by the parity test
test/reference/dmin.test.ts and by the PyTorch DMIN of the benchmark (bench/).

Module API
  cfg = config_from_kit(kit_config, sizes)   # kit DminConfig (model.config as JSON) -> reference config
  model = DMIN(cfg, dtype=torch.float64)     # nn.Module; random initial weights
  model.store.load({kit name: array})        # a kit checkpoint (model.getWeights()), strict by name
  out = model(batch, training)               # batch = batch_tensors(kit Batch) (interest_blocks.py)
      out['logit'] [B], out['aux'] (alpha included; None without), out['target_loss'], out['loss']
  out['loss'].backward(); model.store.gradients()   # {kit name: grad}, embedding tables whole [V, D]

Reference config (every key required; config_from_kit fills them):
  sizes {items, cats: [...], users}, embedding {itemDim, catDim, catLevels, userDim, initStd}
  refiner (bool), refiner_heads, refiner_mask ('causal' official | 'padding' | 'both'),
  refiner_scale ('perHead' 1/sqrt(D/h) | 'official' 1/sqrt(D)), refiner_ffn_size (official 2D),
  refiner_ffn_layer_norm (official: False),
  aux_alpha (0 = off), aux_scorer ('inner' | 'mlp'), aux_reduction ('perSample' | 'perStep' | 'official' = the DMIN code's mean over B x (T - 1), x 2: see interest_blocks.py),
  interest_heads H_E, interest_head_size dk (official D / H_E),
  extractor_mask ('causal' official | 'padding' | 'both'), extractor_scale ('perHead' | 'official'),
  extractor_ffn (official: True, FFN + residual after each head),
  position_encoding, position_dim (official 2), max_positions, position_order ('forward' official | 'reverse'),
  interest_units (official [80, 40]), interest_normalize ('softmax' official | 'none'),
  layer_norm_eps (official 1e-8), mlp (the kit's MlpConfig: hidden, activation, batchNorm, batchNormMode, dice, dropout)

Forward (official wiring; e behaviour embeddings [B, T, D], e_a target [B, D]):
  refiner:   A = softmax_mask(Q K^T * scale) per head; y = LN(e + concat_h(A V) Wo); z = y + FFN(y) [LN]
  aux loss:  on (z_t, e_{t+1}, negative_{t+1}) for valid t+1, times alpha
  extractor: per head h: s_h = LN_h(z + (A_h V_h) Wo_h) [+ FFN_h]; q_{h,t} = [e_a; p_t] Wq_h
             w_h = softmax_t(MLP_h([q, s, q - s, q * s])); interest_h = sum_t w_{h,t} s_{h,t}
  MLP input  [user?, e_a, sum_t e_t, e_a * sum_t e_t, interest_1..H_E] -> logit
"""
import math

import torch
from torch import nn

from common import bce_with_logits, dense, main, masked_softmax, masked_sum, mlp_head
from interest_blocks import (AuxiliaryLoss, Embeddings, KitParameters, declare_dense, declare_mlp_head, harness_forward,
                             layer_norm, sizes_of)


def config_from_kit(kit, sizes):
    """The reference config reproducing a kit DminConfig (JSON dict) on FeatureSizes `sizes`."""
    emb = kit['embedding']
    D = emb['itemDim'] + emb['catLevels'] * emb['catDim']
    heads = kit['interestHeads']

    def mask_of(causal, padding):
        return 'both' if causal and padding else ('causal' if causal else 'padding')

    return {
        'sizes': sizes,
        'embedding': emb,
        'refiner': kit['refiner'],
        'refiner_heads': kit['refinerHeads'],
        'refiner_mask': mask_of(kit['refinerCausal'], kit['refinerPaddingMask']),
        'refiner_scale': kit['refinerScale'],
        'refiner_ffn_size': 2 * D,
        'refiner_ffn_layer_norm': kit['refinerFfnLayerNorm'],
        'aux_alpha': kit['auxWeight'],
        'aux_scorer': kit['auxScorer'],
        'aux_reduction': kit['auxReduction'],
        'interest_heads': heads,
        'interest_head_size': kit['interestHeadSize'] if kit['interestHeadSize'] > 0 else max(1, math.floor(D / heads + 0.5)),  # JS Math.round
        # The kit's interest heads always mask padding; interestCausal adds the causal mask.
        'extractor_mask': mask_of(kit['interestCausal'], True),
        'extractor_scale': kit['interestScale'],
        'extractor_ffn': kit['interestFfn'],
        'history_sum': kit['historySum'],
        'position_encoding': kit['positionEncoding'],
        'position_dim': kit['positionDim'],
        'max_positions': kit['maxPositions'],
        'position_order': kit['positionOrder'],
        'interest_units': kit['interestAttentionUnits'],
        'interest_normalize': kit['interestNormalize'],
        'layer_norm_eps': 1e-6,  # the kit's LayerNorm (src/layers/layerNorm.ts); official layer_norm 1e-8
        'mlp': kit['mlp'],
    }


def attention_allowed(kind, mask):
    """[B, 1|T, T] 1 where query t may see key s: 'causal' s <= t, 'padding' key valid, 'both'."""
    T = mask.shape[1]
    tril = torch.tril(torch.ones(T, T, dtype=mask.dtype, device=mask.device)).unsqueeze(0)
    keys = mask.unsqueeze(1)
    return {'causal': tril, 'padding': keys, 'both': tril * keys}[kind].expand(mask.shape[0], T, T)


def split_heads(x, heads):
    """[B, T, heads * dk] -> [heads, B, T, dk] (official: tf.split along the last axis, concat on the batch)."""
    return torch.stack(torch.chunk(x, heads, dim=-1), 0)


class DMIN(nn.Module):
    def __init__(self, cfg, dtype=torch.float64, seed=0, tensors=None):
        super().__init__()
        self.cfg = cfg
        self.store = store = KitParameters(dtype, seed, tensors)
        self.emb = Embeddings(store, cfg['sizes'], cfg['embedding'])
        D = self.emb.dim
        self.D = D
        if cfg['aux_alpha'] > 0 and not cfg['refiner']:
            raise ValueError('reference DMIN: the auxiliary loss needs the refiner')
        if cfg['refiner']:
            r = 'dmin/refiner'
            self.r_qkv_w = store.weight(f'{r}/qkvKernel', [D, 3 * D])
            self.r_qkv_b = store.weight(f'{r}/qkvBias', [3 * D], ('zeros',))
            self.r_out_w = store.weight(f'{r}/outKernel', [D, D])
            self.r_out_b = store.weight(f'{r}/outBias', [D], ('zeros',))
            self.r_norm1 = (store.weight(f'{r}/norm1/gamma', [D], ('ones',)), store.weight(f'{r}/norm1/beta', [D], ('zeros',)))
            F_ = cfg['refiner_ffn_size']
            self.r_ffn1 = (store.weight(f'{r}/ffn/kernel1', [D, F_]), store.weight(f'{r}/ffn/bias1', [F_], ('zeros',)))
            self.r_ffn2 = (store.weight(f'{r}/ffn/kernel2', [F_, D]), store.weight(f'{r}/ffn/bias2', [D], ('zeros',)))
            if cfg['refiner_ffn_layer_norm']:
                self.r_norm2 = (store.weight(f'{r}/norm2/gamma', [D], ('ones',)), store.weight(f'{r}/norm2/beta', [D], ('zeros',)))
        if cfg['aux_alpha'] > 0:
            self.aux = AuxiliaryLoss(store, 'dmin/auxLoss', D, D, cfg['aux_scorer'], cfg['aux_reduction'])
        x = 'dmin/interests'
        HE, dk = cfg['interest_heads'], cfg['interest_head_size']
        self.x_qkv_w = store.weight(f'{x}/qkvKernel', [D, 3 * HE * dk])
        self.x_qkv_b = store.weight(f'{x}/qkvBias', [3 * HE * dk], ('zeros',))
        self.x_out = [(store.weight(f'{x}/head{h}/outKernel', [dk, D]), store.weight(f'{x}/head{h}/outBias', [D], ('zeros',))) for h in range(HE)]
        self.x_norm = [(store.weight(f'{x}/head{h}/norm/gamma', [D], ('ones',)), store.weight(f'{x}/head{h}/norm/beta', [D], ('zeros',))) for h in range(HE)]
        if cfg['extractor_ffn']:
            self.x_ffn = [(store.weight(f'{x}/head{h}/ffn/kernel1', [D, 2 * D]), store.weight(f'{x}/head{h}/ffn/bias1', [2 * D], ('zeros',)),
                           store.weight(f'{x}/head{h}/ffn/kernel2', [2 * D, D]), store.weight(f'{x}/head{h}/ffn/bias2', [D], ('zeros',))) for h in range(HE)]
        # Query of head h: Dense([target; position embedding]) -> D, stored as target rows, position rows, bias.
        self.q_target = store.weight(f'{x}/queryTargetKernel', [D, HE * D])
        if cfg['position_encoding']:
            self.q_position = store.weight(f'{x}/queryPositionKernel', [cfg['position_dim'], HE * D])
            self.position_table = store.weight(f'{x}/positionTable', [cfg['max_positions'], cfg['position_dim']], ('normal', 0.1))
        self.q_bias = store.weight(f'{x}/queryBias', [HE * D], ('zeros',))
        sizes = [4 * D, *cfg['interest_units'], 1]
        self.unit_layers = len(sizes) - 1
        for h in range(HE):
            for i in range(self.unit_layers):
                declare_dense(store, f'{x}/head{h}/unit/dense{i}', sizes[i], sizes[i + 1])
        summary_width = 3 * D if cfg.get('history_sum', True) else D
        declare_mlp_head(store, 'dmin/head', cfg['embedding']['userDim'] + summary_width + HE * D, cfg['mlp'])
        if tensors is not None:
            store.check_all_used()

    # --- behaviour refiner (official self_multi_head_attn + FFN block) ---
    def refine(self, e, mask):
        cfg, D = self.cfg, self.D
        h = cfg['refiner_heads']
        q, k, v = torch.chunk(e @ self.r_qkv_w + self.r_qkv_b, 3, dim=-1)
        q, k, v = split_heads(q, h), split_heads(k, h), split_heads(v, h)  # [h, B, T, dk]
        scale = 1 / math.sqrt(D / h if cfg['refiner_scale'] == 'perHead' else D)
        att = masked_softmax(q @ k.transpose(-1, -2) * scale, attention_allowed(cfg['refiner_mask'], mask).unsqueeze(0))
        context = torch.cat(list(att @ v), -1)  # heads back on the last axis [B, T, D]
        y = layer_norm(e + context @ self.r_out_w + self.r_out_b, *self.r_norm1, cfg['layer_norm_eps'])
        w1, b1 = self.r_ffn1
        w2, b2 = self.r_ffn2
        z = y + torch.relu(y @ w1 + b1) @ w2 + b2
        if cfg['refiner_ffn_layer_norm']:
            z = layer_norm(z, *self.r_norm2, cfg['layer_norm_eps'])
        return z

    def positions(self, mask, hist_len):
        """[B, T] position ids: forward t (official tf.range) or reverse len-1-t; clipped to the table."""
        B, T = mask.shape
        t = torch.arange(T, device=mask.device).unsqueeze(0).expand(B, T)
        p = t if self.cfg['position_order'] == 'forward' else (hist_len.unsqueeze(1) - 1 - t)
        return p.clamp(0, self.cfg['max_positions'] - 1) * (mask > 0)

    # --- multi-interest extractor (official self_multi_head_attn_v2 + din_attention_new per head) ---
    def extract(self, z, target, mask):
        cfg, D = self.cfg, self.D
        HE, dk = cfg['interest_heads'], cfg['interest_head_size']
        q, k, v = torch.chunk(z @ self.x_qkv_w + self.x_qkv_b, 3, dim=-1)
        q, k, v = split_heads(q, HE), split_heads(k, HE), split_heads(v, HE)  # [HE, B, T, dk]
        scale = 1 / math.sqrt(dk if cfg['extractor_scale'] == 'perHead' else D)
        att = masked_softmax(q @ k.transpose(-1, -2) * scale, attention_allowed(cfg['extractor_mask'], mask).unsqueeze(0))
        contexts = att @ v
        B, T = mask.shape
        query_in = target.unsqueeze(1).expand(B, T, D)
        kernel = self.q_target
        if cfg['position_encoding']:
            hist_len = mask.sum(1).long()
            query_in = torch.cat([query_in, self.position_table[self.positions(mask, hist_len)]], -1)
            kernel = torch.cat([self.q_target, self.q_position], 0)
        interests = []
        for h in range(HE):
            wo, bo = self.x_out[h]
            s = layer_norm(z + contexts[h] @ wo + bo, *self.x_norm[h], cfg['layer_norm_eps'])
            if cfg['extractor_ffn']:
                w1, b1, w2, b2 = self.x_ffn[h]
                s = s + torch.relu(s @ w1 + b1) @ w2 + b2
            qh = query_in @ kernel[:, h * D:(h + 1) * D] + self.q_bias[h * D:(h + 1) * D]  # [B, T, D]
            x = torch.cat([qh, s, qh - s, qh * s], -1)
            for i in range(self.unit_layers):
                x = dense(self.store, f'dmin/interests/head{h}/unit/dense{i}', x)
                if i + 1 < self.unit_layers:
                    x = torch.sigmoid(x)
            score = x.squeeze(-1)
            weights = masked_softmax(score, mask) if cfg['interest_normalize'] == 'softmax' else score * mask
            interests.append((weights.unsqueeze(-1) * s).sum(1))
        return torch.cat(interests, -1)

    def forward(self, batch, training):
        mask = batch['mask'].to(self.store.dtype)
        e = self.emb.behaviour(batch['hist_items'], batch['hist_cats'])
        target = self.emb.behaviour(batch['target_items'], batch['target_cats'])
        z = self.refine(e, mask) if self.cfg['refiner'] else e
        aux = None
        if self.cfg['aux_alpha'] > 0:
            negatives = self.emb.behaviour(batch['neg_items'], batch['neg_cats'])
            aux = self.aux(z, e, negatives, mask) * self.cfg['aux_alpha']
        interests = self.extract(z, target, mask)
        parts = [self.emb.user(batch['users'])] if self.emb.users is not None else []
        if self.cfg.get('history_sum', True):  # DMIN code: [uid, item, Σhist, item ⊙ Σhist, interests]
            summed = masked_sum(e, mask)
            parts += [target, summed, target * summed, interests]
        else:  # FuxiCTR's DMIN: [item, interests]
            parts += [target, interests]
        logit = mlp_head(self.store, 'dmin/head', torch.cat(parts, -1), self.cfg['mlp'], training)
        target_loss = bce_with_logits(logit, batch['labels'].to(logit.dtype))
        return {'logit': logit, 'aux': aux, 'target_loss': target_loss, 'loss': target_loss if aux is None else target_loss + aux}


def build(case):
    """The reference DMIN of a harness case, using the case's tensors as its parameters.
    `referenceOverrides` in the case's config (a test's addition) replace reference config keys."""
    cfg = config_from_kit(case.config, sizes_of(case.params))
    cfg.update(case.config.get('referenceOverrides', {}))
    return DMIN(cfg, tensors=case.params)


if __name__ == '__main__':
    main({'dmin': harness_forward(build)})
