"""Shared part of the independent PyTorch reference (test/reference/*.py).

Each model script is written from the papers and the official code (mouna99/dien,
zhougr1993/DeepInterestNetwork), not from the kit's TypeScript: the kit's code only fixes the
NAMES and storage layouts of the parameters, which the scripts read from the exported case.

Contract with test/reference/harness.ts: `/usr/bin/python3 test/reference/<model>.py <dir>`
reads <dir>/cases.json (format in harness.ts), runs every case in float64 and prints
{"outputs": [...]} on stdout: per case the eval-mode and training-mode logits, the losses, and
d loss / d every trainable parameter and embedding table.

API (stable; extend only additively):
  main(forwards)   forwards = {model name: forward(case, training) -> (logits [B], aux or None)};
                   aux is the model's auxiliary loss ALREADY weighted (alpha * L_aux).
  Case             .label .model .config (the kit's resolved config, dict) .B .T
                   .mask [B, T] float, .labels [B], .lengths [B]
                   .p(name): parameter by checkpoint name (float64; a leaf with grad if trainable)
                   .has(name)
                   .target() [B, De], .history() [B, T, De], .negatives() [B, T, De],
                   .user() [B, Du] or None: behaviour vector = [item | category level 0 | ...]
  dense(case, prefix, x)                      x W + b (<prefix>/kernel [I, O], <prefix>/bias [O])
  batch_norm(case, prefix, x, training, mode, mask=None, eps=1e-3)
  dice(case, prefix, x, training, options, mask=None)
  prelu(case, prefix, x)
  activation(case, prefix, kind, x, training, dice_options, mask=None)
  mlp_head(case, prefix, x, mlp_config, training) -> logits [B]
  masked_softmax(scores, mask), masked_moments(x, mask), masked_sum(x, mask)
  bce_with_logits(logits, labels) -> mean binary cross-entropy
"""
import json
import math
import os
import sys

import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

# --------------------------------------------------------------------------- loading


class Case:
    """One exported model + batch, as float64 tensors."""

    def __init__(self, raw):
        self.label = raw["label"]
        self.model = raw["model"]
        self.config = raw["config"]
        b = raw["batch"]
        self.B = int(b["size"])
        self.T = int(b["maxLen"])
        B, T = self.B, self.T
        self.params = {}
        self.trainable = {}
        for name, w in raw["weights"].items():
            t = torch.tensor(w["values"], dtype=torch.float64).reshape(w["shape"])
            if w["trainable"]:
                t.requires_grad_(True)
            self.params[name] = t
            self.trainable[name] = bool(w["trainable"])
        emb = self.config["embedding"]
        self.cat_levels = int(emb["catLevels"])
        self.user_dim = int(emb["userDim"])

        def ids(a, shape):
            return torch.tensor(a, dtype=torch.long).reshape(shape)

        self.mask = torch.tensor(b["histMask"], dtype=torch.float64).reshape(B, T)
        self.labels = torch.tensor(b["labels"], dtype=torch.float64)
        self.lengths = self.mask.sum(1).long()
        self.users = ids(b["users"], [B])
        self.target_items = ids(b["targetItems"], [B])
        self.target_cats = [ids(c, [B]) for c in b["targetCats"]]
        self.hist_items = ids(b["histItems"], [B, T])
        self.hist_cats = [ids(c, [B, T]) for c in b["histCats"]]
        self.neg_items = ids(b["negHistItems"], [B, T]) if b.get("negHistItems") is not None else None
        self.neg_cats = [ids(c, [B, T]) for c in b["negHistCats"]] if b.get("negHistCats") is not None else None

    def has(self, name):
        return name in self.params

    def p(self, name):
        if name not in self.params:
            raise KeyError(f"case {self.label}: no parameter named {name!r}; known: {sorted(self.params)}")
        return self.params[name]

    def tables(self):
        names = ["embedding.items"] + [f"embedding.cats{l}" for l in range(self.cat_levels)]
        if self.user_dim > 0:
            names.append("embedding.users")
        return names

    def _behaviours(self, items, cats):
        """[item row | category rows of the embedded levels] for id tensors of any shape."""
        parts = [self.p("embedding.items")[items]]
        for l in range(self.cat_levels):
            parts.append(self.p(f"embedding.cats{l}")[cats[l]])
        return torch.cat(parts, -1)

    def target(self):
        return self._behaviours(self.target_items, self.target_cats)

    def history(self):
        return self._behaviours(self.hist_items, self.hist_cats)

    def negatives(self):
        if self.neg_items is None:
            raise ValueError(f"case {self.label}: the batch has no auxiliary negatives")
        return self._behaviours(self.neg_items, self.neg_cats)

    def user(self):
        return self.p("embedding.users")[self.users] if self.user_dim > 0 else None


# --------------------------------------------------------------------------- building blocks


def dense(case, prefix, x):
    """x [..., I] -> x W + b [..., O]."""
    y = x @ case.p(f"{prefix}/kernel")
    if case.has(f"{prefix}/bias"):
        y = y + case.p(f"{prefix}/bias")
    return y


def masked_moments(x, mask=None):
    """Per-feature mean and (biased) variance of x [..., F] over all leading entries whose
    mask (x's leading shape) is 1."""
    F = x.shape[-1]
    x2 = x.reshape(-1, F)
    w = torch.ones(x2.shape[0], 1) if mask is None else mask.reshape(-1, 1).to(x2.dtype)
    n = torch.clamp(w.sum(), min=1.0)
    mean = (x2 * w).sum(0) / n
    var = (((x2 - mean) ** 2) * w).sum(0) / n
    return mean, var


def batch_norm(case, prefix, x, training, mode="batchStatistics", mask=None, eps=1e-3):
    """Batch normalisation over the last axis. Training: statistics of the (masked) batch;
    inference, or mode 'officialInference' (official code's BN never leaves inference mode):
    the moving averages."""
    if training and mode == "batchStatistics":
        mean, var = masked_moments(x, mask)
    elif training and mode != "officialInference":
        raise ValueError(f"unknown batch-norm mode {mode}")
    else:
        mean, var = case.p(f"{prefix}/movingMean"), case.p(f"{prefix}/movingVariance")
    return case.p(f"{prefix}/gamma") * (x - mean) / torch.sqrt(var + eps) + case.p(f"{prefix}/beta")


def dice(case, prefix, x, training, options, mask=None):
    """Dice (DIN paper eq. 9-10): f(s) = p(s) s + (1 - p(s)) alpha s,
    p(s) = sigmoid((s - E[s]) / sqrt(Var[s] + eps)); E, Var from the batch in training (and
    always for statistics 'batchAlways', the DIEN repo's Dice), moving averages otherwise."""
    eps = options.get("epsilon", 1e-8)
    stats = options.get("statistics", "paper")
    if training or stats == "batchAlways":
        mean, var = masked_moments(x, mask)
    elif stats == "paper":
        mean, var = case.p(f"{prefix}/movingMean"), case.p(f"{prefix}/movingVariance")
    else:
        raise ValueError(f"unknown Dice statistics {stats}")
    p = torch.sigmoid((x - mean) / torch.sqrt(var + eps))
    alpha = case.p(f"{prefix}/alpha")
    return p * x + (1 - p) * alpha * x


def prelu(case, prefix, x):
    """PReLU: s if s > 0 else alpha s (official `prelu`: max(0, s) + alpha min(0, s))."""
    return torch.clamp(x, min=0) + case.p(f"{prefix}/alpha") * torch.clamp(x, max=0)


def activation(case, prefix, kind, x, training, dice_options, mask=None):
    if kind == "dice":
        return dice(case, prefix, x, training, dice_options, mask)
    if kind == "prelu":
        return prelu(case, prefix, x)
    if kind == "relu":
        return torch.relu(x)
    if kind == "sigmoid":
        return torch.sigmoid(x)
    raise ValueError(f"unknown activation {kind}")


def mlp_head(case, prefix, x, cfg, training):
    """The CTR head of the official code: [BN] -> (dense -> activation)* -> one logit.
    (Official: 2 units + softmax; softmax([z0, z1])[1] = sigmoid(z1 - z0), one logit is the same
    model.) Weights: <prefix>/mlp/inputNorm, <prefix>/mlp/dense<i>, <prefix>/mlp/act<i>,
    <prefix>/output. x [B, F] -> [B]."""
    if cfg["dropout"] != 0:
        raise ValueError(f"case {case.label}: the reference has no dropout; set mlp.dropout = 0")
    mode = cfg["batchNormMode"]
    expected = case.p(f"{prefix}/mlp/dense0/kernel").shape[0] if cfg["hidden"] else case.p(f"{prefix}/output/kernel").shape[0]
    if x.shape[-1] != expected:
        raise ValueError(f"case {case.label}: the reference's head input has {x.shape[-1]} features, the kit's "
                         f"{prefix} weights expect {expected}: the kit feeds its MLP different features")
    h = x
    if cfg["batchNorm"] == "input":
        h = batch_norm(case, f"{prefix}/mlp/inputNorm", h, training, mode)
    for i in range(len(cfg["hidden"])):
        h = dense(case, f"{prefix}/mlp/dense{i}", h)
        if cfg["batchNorm"] == "hidden":
            h = batch_norm(case, f"{prefix}/mlp/norm{i}", h, training, mode)
        h = activation(case, f"{prefix}/mlp/act{i}", cfg["activation"], h, training, cfg["dice"])
    return dense(case, f"{prefix}/output", h).reshape(-1)


def masked_softmax(scores, mask):
    """Softmax over the last axis restricted to mask = 1 (padding gets exactly 0; a row with
    no valid entry gets zeros)."""
    s = scores.masked_fill(mask == 0, -math.inf)
    valid = (mask.sum(-1, keepdim=True) > 0)
    s = torch.where(valid, s, torch.zeros_like(s))
    return torch.softmax(s, -1) * mask


def masked_sum(x, mask):
    """sum_t m_t x_t: x [B, T, D], mask [B, T] -> [B, D]."""
    return (x * mask.unsqueeze(-1)).sum(1)


def bce_with_logits(logits, labels):
    """Mean binary cross-entropy of sigmoid(logits) against labels."""
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)


# --------------------------------------------------------------------------- driver


def _flat(t):
    return t.detach().reshape(-1).tolist()


def run_case(case, forward):
    with torch.no_grad():
        logits_eval, _ = forward(case, False)
    logits, aux = forward(case, True)
    target_loss = bce_with_logits(logits, case.labels)
    aux_loss = aux if aux is not None else torch.zeros(())
    loss = target_loss + aux_loss
    leaves = [(n, t) for n, t in case.params.items() if case.trainable[n]]
    grads = torch.autograd.grad(loss, [t for _, t in leaves], allow_unused=True)
    dense_grads, table_grads = {}, {}
    tables = set(case.tables())
    for (name, t), g in zip(leaves, grads):
        g = torch.zeros_like(t) if g is None else g.clone()
        if name in tables:
            g[0] = 0  # padding row 0: the kit keeps it zero and never updates it
            table_grads[name] = _flat(g)
        else:
            dense_grads[name] = _flat(g)
    return {
        "label": case.label,
        "logitsEval": _flat(logits_eval),
        "logitsTrain": _flat(logits),
        "targetLoss": float(target_loss),
        "auxLoss": float(aux_loss),
        "loss": float(loss),
        "grads": dense_grads,
        "tableGrads": table_grads,
    }


def main(forwards):
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} <dir with cases.json>")
    with open(os.path.join(sys.argv[1], "cases.json")) as f:
        raw = json.load(f)
    outputs = []
    for c in raw["cases"]:
        case = Case(c)
        if case.model not in forwards:
            sys.exit(f"{sys.argv[0]}: case {case.label}: no reference for model {case.model!r} here (have {sorted(forwards)})")
        outputs.append(run_case(case, forwards[case.model]))
    json.dump({"outputs": outputs}, sys.stdout)
