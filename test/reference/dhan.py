"""
Independent PyTorch DHAN (Xu et al., SIGIR'20, arXiv 2005.12981), written from the paper's
description and the official code (stellaxu/DHAN: DHAN_DIN/dhan/model.py `attention_item`,
`attention`; DHAN_DIEN `Model_DHAN`, `first_attention`, `second_attention`), not from the kit's
TypeScript. Used by the parity test test/reference/dhan.test.ts and by the PyTorch DHAN of the
benchmark (bench/).

Module API
  cfg = config_from_kit(kit_config, sizes)   # kit DhanConfig (model.config as JSON) -> reference config
  model = DHAN(cfg, dtype=torch.float64)     # nn.Module; random initial weights
  model.store.load({kit name: array})        # a kit checkpoint (model.getWeights()), strict by name
  out = model(batch, training)               # batch = batch_tensors(kit Batch) (interest_blocks.py)
      out['logit'] [B], out['target_loss'], out['aux'] (None), out['loss']
  out['loss'].backward(); model.store.gradients()   # {kit name: grad}, embedding tables whole [V, D]

Reference config (config_from_kit fills every key):
  sizes, embedding (as in dmin.py); pooling ('hierarchical' | 'flat' = DIN pooling);
  dimensions: list of hierarchy dimensions, each a list of batch category levels, finest first
    (official: [[0]], one dimension, two attention levels); remedy (concat the flat vector);
  attention: the activation unit of every level (hidden, activation, normalize, scale, dice);
  cluster_epsilon: added to every in-cluster weight sum (official 1e-10);
  mlp: the kit's MlpConfig. (DHAN on DIEN, `onDien`, is not covered by this reference.)

Forward (e behaviour embeddings [B, T, D], e_a target [B, D]):
  level 1:  w_t = unit_1(e_a, e_t) over the valid behaviours; flat = sum_t w_t e_t
  clusters: one slot per category id present in the batch (as the official code loops over
            category ids); c_l = sum_{t in l} w_t e_t / (sum_{t in l} w_t + eps)      [B, C, D]
  level 2:  w_l = unit_2(e_a, c_l) over the clusters present in the row; x = sum_l w_l c_l
            (more levels: clusters grouped again by the next level's ids, same formula)
  MLP input [user?, e_a, sum_t e_t, e_a * sum_t e_t, x_1..x_K, flat (remedy)] -> logit
"""
import torch
from torch import nn

from common import bce_with_logits, main, masked_sum, mlp_head
from interest_blocks import AttentionUnit, Embeddings, KitParameters, declare_mlp_head, harness_forward, sizes_of

OFFICIAL_CLUSTER_EPSILON = 1e-10


def config_from_kit(kit, sizes):
    """The reference config reproducing a kit DhanConfig (JSON dict) on FeatureSizes `sizes`."""
    if kit.get('onDien'):
        raise ValueError('reference DHAN: onDien (DHAN on DIEN) is not covered by this reference')
    return {
        'sizes': sizes,
        'embedding': kit['embedding'],
        'pooling': kit['pooling'],
        'dimensions': kit['dimensions'],
        'remedy': kit['remedy'],
        'attention': kit['attention'],
        'cluster_epsilon': kit.get('clusterEpsilon', OFFICIAL_CLUSTER_EPSILON),
        'mlp': kit['mlp'],
    }


def cluster_slots(ids, present):
    """
    Groups units by id. ids [B, N] (int), present [B, N] (bool) ->
    membership [B, N, C] (float), slot ids [C]: one slot per distinct id present in the batch.
    """
    slots = torch.unique(ids[present])
    membership = (ids.unsqueeze(-1) == slots.view(1, 1, -1)) & present.unsqueeze(-1)
    return membership, slots


def pool_clusters(units, weights, membership, eps):
    """c = sum_{n in c} w_n u_n / (sum_{n in c} w_n + eps): units [B, N, D], weights [B, N] -> [B, C, D]."""
    m = membership.to(units.dtype)
    weighted = torch.einsum('bnc,bn,bnd->bcd', m, weights, units)
    total = torch.einsum('bnc,bn->bc', m, weights)
    return weighted / (total + eps).unsqueeze(-1)


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
        declare_mlp_head(store, 'dhan/head', cfg['embedding']['userDim'] + 3 * D + extra, cfg['mlp'])
        if tensors is not None:
            store.check_all_used()

    def hierarchy(self, k, target, e, w, mask, hist_cats, training):
        """Dimension k's pooled vector [B, D] from the level-1 weights w [B, T]."""
        eps = self.cfg['cluster_epsilon']
        units, weights, present = e, w, mask > 0
        # ids of every unit at the current grouping level: behaviours first, then clusters
        ids_per_level = [hist_cats[l] for l in self.cfg['dimensions'][k]]
        unit_ids = ids_per_level[0]
        for j, unit in enumerate(self.cluster_units[k]):
            membership, slots = cluster_slots(unit_ids, present)
            units = pool_clusters(units, weights, membership, eps)
            present = membership.any(1)  # [B, C]
            weights = unit.weights(target, units, present.to(e.dtype), training)
            if j + 1 < len(self.cluster_units[k]):
                # every cluster slot's id at the next level (levels are nested: one id per slot)
                behaviour_ids = ids_per_level[j + 1] if j == 0 else None
                if behaviour_ids is None:
                    raise ValueError('reference DHAN: more than two grouping levels are not covered')
                parents = []
                for c in range(slots.numel()):
                    values = torch.unique(behaviour_ids[membership[:, :, c]])
                    if values.numel() != 1:
                        raise ValueError(f'reference DHAN: level {self.cfg["dimensions"][k][j + 1]} is not nested in level {self.cfg["dimensions"][k][j]} (id {int(slots[c])})')
                    parents.append(values[0])
                unit_ids = torch.stack(parents).unsqueeze(0).expand(e.shape[0], -1)
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
        summed = masked_sum(e, mask)
        parts = [self.emb.user(batch['users'])] if self.emb.users is not None else []
        logit = mlp_head(self.store, 'dhan/head', torch.cat(parts + [target, summed, target * summed] + extra, -1), self.cfg['mlp'], training)
        target_loss = bce_with_logits(logit, batch['labels'].to(logit.dtype))
        return {'logit': logit, 'aux': None, 'target_loss': target_loss, 'loss': target_loss}


def build(case):
    """The reference DHAN of a harness case, using the case's tensors as its parameters."""
    return DHAN(config_from_kit(case.config, sizes_of(case.params)), tensors=case.params)


if __name__ == '__main__':
    main({'dhan': harness_forward(build)})
