"""
Building blocks of the independent PyTorch DMIN (dmin.py) and DHAN (dhan.py) references, on
top of the shared reference blocks in common.py (dense, activation, mlp_head, masked_softmax).
Written from the papers and the official TF code (mengxiaozhibo/DMIN, stellaxu/DHAN,
mouna99/dien), not from the kit's TypeScript: parameters carry the kit's checkpoint names and
[in, out] layouts so a kit checkpoint loads by name; everything else is written here.

API
  store = KitParameters(dtype, seed, tensors=None)
      tensors=None: the store creates its own nn.Parameters (random start; `load` a checkpoint);
      tensors={kit name: tensor}: the store USES those tensors (the harness's float64 leaves,
      so gradients land on them); `check_all_used()` then fails on any name the model ignored.
  store.weight(name, shape, init) / store.state(name, shape, value)   register (or bind) a name
  store.p(name), store.has(name)   what common.py's blocks read (store stands in for a Case)
  store.load({kit name: array}); store.gradients() -> {kit name: np.ndarray}
  Embeddings(store, sizes, embedding_cfg).behaviour(items, cats) -> [..., De]; .user(users)
  declare_mlp_head(store, prefix, in_size, mlp_cfg)   then common.mlp_head(store, prefix, x, cfg, training)
  AttentionUnit(store, prefix, dim, cfg).weights(query [B, D], keys [B, N, D], mask [B, N], training)
  AuxiliaryLoss(store, prefix, state_size, emb_size, scorer, reduction, official_length)(states, behaviours, negatives, mask)
  layer_norm(x, gamma, beta, eps)
  batch_tensors(kit Batch dict) / batch_from_case(common.Case) -> the batch dict the models take
  sizes_of({kit name: tensor}) -> FeatureSizes {items, cats, users} from the embedding tables
  harness_forward(build) -> forward(case, training) for common.main (build(case) -> model)

Importing this module imports common.py, which sets torch's default dtype to float64 and one
thread (for the parity tests): a benchmark sets its own dtype and threads after the import.
Shapes: B batch, T padded history length, D/De behaviour width.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from common import activation, dense, masked_softmax


class KitParameters(nn.Module):
    """Named parameters and state, keyed by the kit's checkpoint names."""

    def __init__(self, dtype=torch.float64, seed=0, tensors=None):
        super().__init__()
        self.dtype = dtype
        self.label = 'reference'
        self.own = nn.ParameterDict()
        self._tensors = {}
        self._trainable = {}
        self._bound = tensors
        self._gen = torch.Generator().manual_seed(seed)

    def _register(self, name, shape, make, trainable):
        if name in self._tensors:
            raise ValueError(f'reference: parameter {name} registered twice')
        if self._bound is not None:
            if name not in self._bound:
                raise ValueError(f'reference: the checkpoint has no parameter {name} (the reference wiring needs it)')
            t = self._bound[name]
            if tuple(t.shape) != tuple(shape):
                raise ValueError(f'reference: {name} has shape {tuple(t.shape)} in the checkpoint, the reference expects {tuple(shape)}')
        elif trainable:
            t = nn.Parameter(make())
            self.own[name.replace('.', '~').replace('/', '__')] = t
        else:
            t = make()
        self._tensors[name] = t
        self._trainable[name] = trainable
        return t

    def weight(self, name, shape, init=('glorot',)):
        def make():
            kind = init[0]
            if kind == 'zeros':
                return torch.zeros(shape, dtype=self.dtype)
            if kind == 'ones':
                return torch.ones(shape, dtype=self.dtype)
            if kind == 'constant':
                return torch.full(shape, float(init[1]), dtype=self.dtype)
            if kind == 'normal':
                return torch.randn(shape, generator=self._gen, dtype=self.dtype) * init[1]
            if kind == 'glorot':
                limit = math.sqrt(6.0 / (shape[0] + shape[-1]))
                return (torch.rand(shape, generator=self._gen, dtype=self.dtype) * 2 - 1) * limit
            raise ValueError(f'reference: unknown initialiser {init}')
        return self._register(name, shape, make, True)

    def state(self, name, shape, value):
        return self._register(name, shape, lambda: torch.full(shape, float(value), dtype=self.dtype), False)

    def p(self, name):
        if name not in self._tensors:
            raise KeyError(f'reference: no parameter named {name!r}')
        return self._tensors[name]

    def has(self, name):
        return name in self._tensors

    def check_all_used(self):
        """Bound mode: every checkpoint name must be one the reference wiring registered."""
        unused = sorted(set(self._bound or {}) - set(self._tensors))
        if unused:
            raise ValueError(f'reference: checkpoint parameters the reference wiring does not use: {unused}')

    def load(self, weights):
        """weights: {kit name: array-like}; names must match the registered ones exactly."""
        unknown, missing = sorted(set(weights) - set(self._tensors)), sorted(set(self._tensors) - set(weights))
        if unknown or missing:
            raise ValueError(f'reference: checkpoint names differ from the reference wiring; unknown: {unknown}; missing: {missing}')
        with torch.no_grad():
            for name, value in weights.items():
                t = torch.as_tensor(np.asarray(value, dtype=np.float64), dtype=self.dtype)
                if tuple(self._tensors[name].shape) != tuple(t.shape):
                    raise ValueError(f'reference: {name} has shape {tuple(t.shape)}, the reference expects {tuple(self._tensors[name].shape)}')
                self._tensors[name].copy_(t)

    def gradients(self):
        out = {}
        for name, t in self._tensors.items():
            if self._trainable[name]:
                out[name] = np.zeros(tuple(t.shape)) if t.grad is None else t.grad.detach().cpu().numpy()
        return out


def batch_tensors(batch, device='cpu'):
    """The kit's Batch (flat arrays, camelCase fields, e.g. JSON) as the dict the models take."""
    B, T = int(batch['size']), int(batch['maxLen'])

    def ids(a, shape):
        return torch.as_tensor(np.asarray(a, dtype=np.int64).reshape(shape), device=device)

    out = {
        'users': ids(batch['users'], [B]),
        'target_items': ids(batch['targetItems'], [B]),
        'target_cats': [ids(c, [B]) for c in batch['targetCats']],
        'hist_items': ids(batch['histItems'], [B, T]),
        'hist_cats': [ids(c, [B, T]) for c in batch['histCats']],
        'mask': torch.as_tensor(np.asarray(batch['histMask'], dtype=np.float64).reshape(B, T), device=device),
        'labels': torch.as_tensor(np.asarray(batch['labels'], dtype=np.float64), device=device),
    }
    if batch.get('negHistItems') is not None:
        out['neg_items'] = ids(batch['negHistItems'], [B, T])
        out['neg_cats'] = [ids(c, [B, T]) for c in batch['negHistCats']]
    return out


def batch_from_case(case):
    """The same dict from a common.Case."""
    out = {'users': case.users, 'target_items': case.target_items, 'target_cats': case.target_cats,
           'hist_items': case.hist_items, 'hist_cats': case.hist_cats, 'mask': case.mask, 'labels': case.labels}
    if case.neg_items is not None:
        out['neg_items'], out['neg_cats'] = case.neg_items, case.neg_cats
    return out


def sizes_of(weights):
    """FeatureSizes from a checkpoint's embedding tables ({name: tensor})."""
    cats = []
    while f'embedding.cats{len(cats)}' in weights:
        cats.append(int(weights[f'embedding.cats{len(cats)}'].shape[0]))
    users = int(weights['embedding.users'].shape[0]) if 'embedding.users' in weights else 1
    return {'items': int(weights['embedding.items'].shape[0]), 'cats': cats, 'users': users}


def harness_forward(build):
    """forward(case, training) -> (logits, weighted aux or None) for common.main; build(case) -> model."""
    def forward(case, training):
        model = build(case)
        out = model(batch_from_case(case), training)
        return out['logit'], out['aux']
    return forward


class Embeddings:
    """Tables `embedding.items`, `embedding.cats<l>` (l < catLevels), `embedding.users`; row 0 is padding."""

    def __init__(self, store, sizes, cfg):
        std = cfg.get('initStd', 0.01)
        self.items = store.weight('embedding.items', [sizes['items'], cfg['itemDim']], ('normal', std))
        self.cats = [store.weight(f'embedding.cats{l}', [sizes['cats'][l], cfg['catDim']], ('normal', std)) for l in range(cfg['catLevels'])]
        self.users = store.weight('embedding.users', [sizes['users'], cfg['userDim']], ('normal', std)) if cfg['userDim'] > 0 else None
        self.dim = cfg['itemDim'] + cfg['catLevels'] * cfg['catDim']

    def behaviour(self, items, cats):
        """items [...] and cats (one [...] per level) -> [..., De] = [item | cat level 0 | ...]."""
        return torch.cat([self.items[items]] + [table[cats[l]] for l, table in enumerate(self.cats)], -1)

    def user(self, users):
        return self.users[users]


def declare_dense(store, prefix, n_in, n_out):
    """Registers <prefix>/kernel [n_in, n_out] and <prefix>/bias [n_out] (common.dense reads them)."""
    store.weight(f'{prefix}/kernel', [n_in, n_out])
    store.weight(f'{prefix}/bias', [n_out], ('zeros',))


def declare_activation(store, prefix, kind, features, dice_cfg):
    """Registers what common.activation reads: PReLU alpha (0.1), Dice alpha and moving averages."""
    if kind in ('prelu', 'dice'):
        store.weight(f'{prefix}/alpha', [features], ('constant', 0.1 if kind == 'prelu' else (dice_cfg or {}).get('alphaInit', 0.0)))
    if kind == 'dice':
        store.state(f'{prefix}/movingMean', [features], 0.0)
        store.state(f'{prefix}/movingVariance', [features], 1.0)


def declare_batch_norm(store, prefix, features):
    store.weight(f'{prefix}/gamma', [features], ('ones',))
    store.weight(f'{prefix}/beta', [features], ('zeros',))
    store.state(f'{prefix}/movingMean', [features], 0.0)
    store.state(f'{prefix}/movingVariance', [features], 1.0)


def declare_mlp_head(store, prefix, in_size, cfg):
    """Registers the parameters common.mlp_head(store, prefix, x, cfg, training) reads."""
    if cfg['batchNorm'] == 'input':
        declare_batch_norm(store, f'{prefix}/mlp/inputNorm', in_size)
    width = in_size
    for i, h in enumerate(cfg['hidden']):
        declare_dense(store, f'{prefix}/mlp/dense{i}', width, h)
        if cfg['batchNorm'] == 'hidden':
            declare_batch_norm(store, f'{prefix}/mlp/norm{i}', h)
        declare_activation(store, f'{prefix}/mlp/act{i}', cfg['activation'], h, cfg.get('dice'))
        width = h
    declare_dense(store, f'{prefix}/output', width, 1)


class AttentionUnit:
    """
    DIN's local activation unit (DIN paper Fig. 2; official `din_attention`), the unit of every
    DHAN level: score_t = MLP([q, k_t, q - k_t, q * k_t]) (hidden layers, then 1 linear unit);
    weights = masked softmax_t(scale * score) ('softmax', official) | score * mask ('none', paper).
    query [B, D]; keys [B, N, D]; mask [B, N] (Dice statistics over mask = 1 only).
    """

    def __init__(self, store, prefix, dim, cfg):
        self.store, self.prefix, self.cfg = store, prefix, cfg
        width = 4 * dim
        for i, h in enumerate(cfg['hidden']):
            declare_dense(store, f'{prefix}/dense{i}', width, h)
            declare_activation(store, f'{prefix}/act{i}', cfg['activation'], h, cfg.get('dice'))
            width = h
        declare_dense(store, f'{prefix}/score', width, 1)

    def weights(self, query, keys, mask, training):
        cfg, store, prefix = self.cfg, self.store, self.prefix
        q = query.unsqueeze(1).expand_as(keys)
        x = torch.cat([q, keys, q - keys, q * keys], -1)
        for i in range(len(cfg['hidden'])):
            x = activation(store, f'{prefix}/act{i}', cfg['activation'], dense(store, f'{prefix}/dense{i}', x), training, cfg.get('dice', {}), mask)
        s = dense(store, f'{prefix}/score', x).squeeze(-1)
        if cfg['normalize'] == 'none':
            return s * mask
        return masked_softmax(s * cfg.get('scale', 1.0), mask)


class AuxiliaryLoss:
    """
    DIEN's auxiliary loss (paper §4.2; official `auxiliary_loss`, reused by DMIN on its refiner):
    the state after step t tells e[t+1] from a sampled negative, for every real step t+1.
    scorer 'inner' (paper: sigma(h . e)) | 'mlp' (official aux net: BN in inference mode, i.e. a
    learned affine -> 100 sigmoid -> 50 sigmoid -> 2-way softmax, here one logit).
    reduction 'perSample' sum / B (paper) | 'perStep' mean over the real pairs | 'official':
    the code's tf.reduce_mean of the masked pair losses over all B x (T_b - 1) entries, T_b the
    padded length ('padded': the batch's T, DMIN code pads to maxlen | 'batchLongest': the
    longest history, DIEN code), times 2: the code's click loss -mean(log softmax * onehot)
    over B x 2 entries is half the mean BCE, so BCE + 2 L_code is the code's objective x 2.
    """

    def __init__(self, store, prefix, state_size, emb_size, scorer, reduction, official_length='padded', hidden=(100, 50)):
        self.store, self.prefix, self.scorer, self.reduction, self.official_length = store, prefix, scorer, reduction, official_length
        if scorer == 'mlp':
            n_in = state_size + emb_size
            store.weight(f'{prefix}/inputScale', [n_in], ('ones',))
            store.weight(f'{prefix}/inputShift', [n_in], ('zeros',))
            sizes = [n_in, *hidden, 1]
            self.layers = len(sizes) - 1
            for i in range(self.layers):
                declare_dense(store, f'{prefix}/dense{i}', sizes[i], sizes[i + 1])
        elif scorer != 'inner':
            raise ValueError(f'reference: unknown aux scorer {scorer}')

    def _logit(self, h, item):
        if self.scorer == 'inner':
            return (h * item).sum(-1)
        s, p = self.store, self.prefix
        x = torch.cat([h, item], -1) * s.p(f'{p}/inputScale') + s.p(f'{p}/inputShift')
        for i in range(self.layers):
            x = dense(s, f'{p}/dense{i}', x)
            if i + 1 < self.layers:
                x = torch.sigmoid(x)
        return x.squeeze(-1)

    def __call__(self, states, behaviours, negatives, mask):
        """states, behaviours, negatives [B, T, *], mask [B, T] -> scalar L_aux."""
        B, T = mask.shape
        if T < 2:
            return states.sum() * 0
        h, pos, neg, m = states[:, :-1], behaviours[:, 1:], negatives[:, 1:], mask[:, 1:]
        per_pair = (F.softplus(-self._logit(h, pos)) + F.softplus(self._logit(h, neg))) * m
        total = per_pair.sum()
        if self.reduction == 'perSample':
            return total / B
        if self.reduction == 'official':
            Tb = T if self.official_length == 'padded' else int(mask.sum(1).max())
            return 2 * total / (B * max(Tb - 1, 1))
        if self.reduction == 'perStep':
            return total / torch.clamp(m.sum(), min=1.0)
        raise ValueError(f'reference: unknown aux reduction {self.reduction}')


def layer_norm(x, gamma, beta, eps):
    """(x - mean) / sqrt(var + eps) * gamma + beta over the last axis, biased variance (official `layer_norm`)."""
    return F.layer_norm(x, (x.shape[-1],), gamma, beta, eps)
