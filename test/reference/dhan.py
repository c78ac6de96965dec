"""
Independent PyTorch DHAN (Xu et al., SIGIR'20, arXiv 2005.12981), written from the paper's
description and the official code (stellaxu/DHAN: DHAN_DIN/dhan/model.py `attention_item`,
`attention`; DHAN_DIEN `Model_DHAN`, `first_attention`, `second_attention`), not from the kit's
TypeScript. Used by the parity test test/reference/dhan.test.ts and as the PyTorch DHAN of the
benchmark (bench/pytorch/ref_dmin_dhan.py), so it pools as a PyTorch user would write it for speed:
every row's clusters in batched tensor ops.

Module API
  cfg = config_from_kit(kit_config, sizes)   # kit DhanConfig (model.config as JSON) -> reference config
  model = DHAN(cfg, dtype=torch.float64)     # nn.Module; random initial weights
  model.store.load({kit name: array})        # a kit checkpoint (model.getWeights()), strict by name
  out = model(batch, training)               # batch = batch_tensors(kit Batch) (interest_blocks.py)
      out['logit'] [B], out['target_loss'], out['aux'] (alpha included; None without DIEN), out['loss']
  out['loss'].backward(); model.store.gradients()   # {kit name: grad}, embedding tables whole [V, D]

Reference config (config_from_kit fills every key):
  sizes, embedding (as in dmin.py); pooling ('hierarchical' | 'flat' = DIN pooling);
  dimensions: list of hierarchy dimensions, each a list of batch category levels, finest first
    (official: [[0]], one dimension, two attention levels); remedy (concat the flat vector);
  attention: the activation unit of every level (hidden, activation, normalize, scale, dice);
  cluster_epsilon: added to every in-cluster weight sum (official 1e-10);
  on_dien: DHAN on DIEN (official DHAN_DIEN `Model_DHAN`: DIEN's GRU + auxiliary loss + interest
    evolution beside the HAN branch); dien: the kit's InterestEvolutionConfig (hiddenSize,
    evolution, gateConvention, evolutionAttention 'bilinear', auxWeight alpha, auxScorer, auxReduction);
  mlp: the kit's MlpConfig.

Forward (e behaviour embeddings [B, T, D], e_a target [B, D]):
  level 1:  w_t = unit_1(e_a, e_t) over the valid behaviours; flat = sum_t w_t e_t
  clusters: per row, the distinct category ids of the row's history, numbered 0..K_b-1 in id order
            by a batched sort and padded to the batch's largest K (empty slots masked);
            c_l = sum_{t in l} w_t e_t / (sum_{t in l} w_t + eps)      [B, K, D]
            (the official code loops over every category id, one slot each, [B, cate_count, H]:
            empty slots there are zero vectors that still take level-2 softmax weight; here, as in
            the kit, they are masked, so slots per batch or per row give the same numbers, and per
            row is ~16x fewer slots at the bench shape)
  level 2:  w_l = unit_2(e_a, c_l) over the clusters present in the row; x = sum_l w_l c_l
            (more levels: clusters grouped again by the next level's ids, same formula)
  on DIEN:  h = GRU(e); alpha * L_aux(h); interest = evolution(h, e_a) (dien.py's GRU and evolution)
  MLP input [user?, e_a, sum_t e_t, e_a * sum_t e_t, x_1..x_K, flat (remedy), interest (on DIEN)] -> logit
  (official DHAN_DIEN: [uid, item, sum, item * sum, final_state2, att_fea], no remedy: remedy False;
  the order of the MLP's inputs is a relabelling of its first layer)
"""
import torch
from torch import nn

from common import bce_with_logits, main, masked_sum, mlp_head
from dien import Gru, evolve, plain_gru
from interest_blocks import AttentionUnit, AuxiliaryLoss, Embeddings, KitParameters, declare_mlp_head, harness_forward, sizes_of

OFFICIAL_CLUSTER_EPSILON = 1e-10


def config_from_kit(kit, sizes):
    """The reference config reproducing a kit DhanConfig (JSON dict) on FeatureSizes `sizes`."""
    return {
        'sizes': sizes,
        'embedding': kit['embedding'],
        'pooling': kit['pooling'],
        'dimensions': kit['dimensions'],
        'remedy': kit['remedy'],
        'attention': kit['attention'],
        'cluster_epsilon': OFFICIAL_CLUSTER_EPSILON,  # the kit's CLUSTER_EPSILON (src/layers/hierarchicalAttention.ts)
        'on_dien': kit['onDien'],
        'dien': kit['dien'],
        'mlp': kit['mlp'],
    }


def row_clusters(ids, present):
    """
    Groups the units of every row by id, each row on its own (a batched sort, no Python loop):
    ids [B, N] (int >= 0), present [B, N] (bool) ->
      slot [B, N] (long): the unit's cluster 0..K_b-1 in its row (in increasing id order), K for absent units;
      K: the largest number of clusters in a row (at least 1), the padded cluster axis.
    """
    beyond = int(ids.max()) + 1 if ids.numel() > 0 else 1
    keyed = torch.where(present, ids, torch.full_like(ids, beyond))  # absent units sort last
    sorted_ids, order = keyed.sort(dim=1)
    first = torch.ones_like(present)
    first[:, 1:] = sorted_ids[:, 1:] != sorted_ids[:, :-1]
    first &= sorted_ids < beyond
    K = max(1, int(first.sum(1).max()))
    slot = torch.empty_like(order).scatter_(1, order, first.long().cumsum(1) - 1)
    return torch.where(present, slot, torch.full_like(slot, K)), K


def scatter_slots(values, slot, K):
    """values [B, N] or [B, N, D] summed into their slots -> [B, K(, D)] (the dummy slot K of absent units dropped)."""
    index = slot if values.dim() == 2 else slot.unsqueeze(-1).expand_as(values)
    out = values.new_zeros((values.shape[0], K + 1) + tuple(values.shape[2:]))
    return out.scatter_add(1, index, values)[:, :K]


def hierarchy_slots(hist_cats, levels, present):
    """
    The clusters of every grouping level of one hierarchy dimension, per row.
    hist_cats: the batch's category ids per level [B, T]; levels: the dimension's levels, finest first;
    present [B, T] (bool) -> one (slot [B, N], K, clusters [B, K] bool: the slot exists in the row) per
    level: level 1 groups the behaviours (N = T), level j + 1 the clusters of level j (N = K_j) by the
    id their behaviours share at the next level. Raises if a level is not nested in the previous one.
    """
    out = []
    behaviours = present
    unit_ids, behaviour_slot = hist_cats[levels[0]], None
    for j, level in enumerate(levels):
        slot, K = row_clusters(unit_ids, present)
        # the slot of every behaviour at this level [B, T] (K for padding)
        if behaviour_slot is None:
            behaviour_slot = slot
        else:
            behaviour_slot = torch.cat([slot, torch.full_like(slot[:, :1], K)], 1).gather(1, behaviour_slot)
        present = scatter_slots(present.long(), slot, K) > 0  # [B, K]
        out.append((slot, K, present))
        if j + 1 < len(levels):
            # each slot's next-level id: one member's (levels are nested: all members share it)
            next_ids = hist_cats[levels[j + 1]]
            parent = torch.zeros_like(next_ids[:, :1]).expand(-1, K + 1).clone().scatter_(1, behaviour_slot, next_ids)
            if bool(((parent.gather(1, behaviour_slot) != next_ids) & behaviours).any()):
                raise ValueError(f'reference DHAN: level {levels[j + 1]} is not nested in level {level}')
            unit_ids = parent[:, :K]
    return out


def pool_clusters(units, weights, slot, K, eps):
    """c = sum_{n in c} w_n u_n / (sum_{n in c} w_n + eps): units [B, N, D], weights [B, N] -> [B, K, D]
    (zero vectors at empty slots)."""
    weighted = scatter_slots(weights.unsqueeze(-1) * units, slot, K)
    total = scatter_slots(weights, slot, K)
    return weighted / (total + eps).unsqueeze(-1)


class PrefixedCase:
    """What dien.py's functions read of a harness Case (`p`, `has`, `mask`, `label`), with its
    'dien/...' parameter names mapped to '<prefix>/...' of a store."""

    def __init__(self, store, prefix, mask):
        self.store, self.prefix, self.mask, self.label = store, prefix, mask, store.label

    def _name(self, name):
        return self.prefix + name[len('dien'):] if name.startswith('dien/') else name

    def p(self, name):
        return self.store.p(self._name(name))

    def has(self, name):
        return self.store.has(self._name(name))


class DHAN(nn.Module):
    def __init__(self, cfg, dtype=torch.float64, seed=0, tensors=None):
        super().__init__()
        self.cfg = cfg
        self.store = store = KitParameters(dtype, seed, tensors)
        self.emb = Embeddings(store, cfg['sizes'], cfg['embedding'])
        D = self.emb.dim
        self.level1 = AttentionUnit(store, 'dhan/level1', D, cfg['attention'])
        hierarchical = cfg['pooling'] == 'hierarchical'
        self.cluster_units = [[AttentionUnit(store, f'dhan/dim{k}/level{l + 2}', D, cfg['attention']) for l in range(len(levels))]
                              for k, levels in enumerate(cfg['dimensions'])] if hierarchical else []
        extra = (len(cfg['dimensions']) + (1 if cfg['remedy'] else 0)) * D if hierarchical else D
        if cfg['on_dien']:
            dien = cfg['dien']
            H = dien['hiddenSize']
            for gru, n_in in (('extractorGru', D), ('evolutionGru', H)):
                store.weight(f'dhan/dien/{gru}/inputKernel', [n_in, 3 * H])
                store.weight(f'dhan/dien/{gru}/recurrentKernel', [H, 3 * H])
                store.weight(f'dhan/dien/{gru}/bias', [3 * H], ('zeros',))
            if dien['evolutionAttention'] != 'bilinear':
                raise ValueError('reference DHAN: on DIEN only the bilinear evolution attention is covered (the kit\'s activationUnit lacks the official query projection, test/reference/dien.test.ts)')
            store.weight('dhan/dien/attention/kernel', [H, D])
            if dien['auxWeight'] > 0:
                # the kit's DIEN part uses the DIEN code's 'official' length (longest history)
                self.aux = AuxiliaryLoss(store, 'dhan/dien/auxLoss', H, D, dien['auxScorer'], dien['auxReduction'], 'batchLongest')
            extra += H
        declare_mlp_head(store, 'dhan/head', cfg['embedding']['userDim'] + 3 * D + extra, cfg['mlp'])
        if tensors is not None:
            store.check_all_used()

    def hierarchy(self, k, target, e, w, mask, hist_cats, training):
        """Dimension k's pooled vector [B, D] from the level-1 weights w [B, T]."""
        eps = self.cfg['cluster_epsilon']
        units, weights = e, w
        levels = hierarchy_slots(hist_cats, self.cfg['dimensions'][k], mask > 0)
        for (slot, K, clusters), unit in zip(levels, self.cluster_units[k]):
            units = pool_clusters(units, weights, slot, K, eps)
            weights = unit.weights(target, units, clusters.to(e.dtype), training)
        return (weights.unsqueeze(-1) * units).sum(1)

    def forward(self, batch, training):
        mask = batch['mask'].to(self.store.dtype)
        e = self.emb.behaviour(batch['hist_items'], batch['hist_cats'])
        target = self.emb.behaviour(batch['target_items'], batch['target_cats'])
        w = self.level1.weights(target, e, mask, training)
        flat = (w.unsqueeze(-1) * e).sum(1)
        if self.cfg['pooling'] == 'flat':
            extra = [flat]
        else:
            extra = [self.hierarchy(k, target, e, w, mask, batch['hist_cats'], training) for k in range(len(self.cfg['dimensions']))]
            if self.cfg['remedy']:
                extra.append(flat)
        aux = None
        if self.cfg['on_dien']:
            dien, view = self.cfg['dien'], PrefixedCase(self.store, 'dhan/dien', mask)
            states, _ = plain_gru(Gru(view, 'dien/extractorGru', dien.get('gruCandidate', 'paper')), e, mask)
            if dien['auxWeight'] > 0:
                negatives = self.emb.behaviour(batch['neg_items'], batch['neg_cats'])
                aux = dien['auxWeight'] * self.aux(states, e, negatives, mask)
            extra.append(evolve(view, dien, states, target, training))
        summed = masked_sum(e, mask)
        parts = [self.emb.user(batch['users'])] if self.emb.users is not None else []
        logit = mlp_head(self.store, 'dhan/head', torch.cat(parts + [target, summed, target * summed] + extra, -1), self.cfg['mlp'], training)
        target_loss = bce_with_logits(logit, batch['labels'].to(logit.dtype))
        return {'logit': logit, 'aux': aux, 'target_loss': target_loss, 'loss': target_loss if aux is None else target_loss + aux}


def build(case):
    """The reference DHAN of a harness case, using the case's tensors as its parameters."""
    return DHAN(config_from_kit(case.config, sizes_of(case.params)), tensors=case.params)


if __name__ == '__main__':
    main({'dhan': harness_forward(build)})
