"""Plain PyTorch training of BaseModel and DIN on a BARS / FuxiCTR CSV folder, with the settings
of the FuxiCTR peer (shared/reference/peer.md): a third implementation beside the kit and the peer.

The forward is the independent reference the kit's models are tested against
(test/reference/base.py, din.py via common.py), fed with trainable tensors instead of an
exported case. Everything around it is written here from peer.md:
  ids as in the files (1-based, 0 = padding), the LATEST `--max-len` behaviours,
  embeddings 18 per field N(0, emb_std^2) with row 0 zero, Xavier-normal kernels, zero biases,
  MLP 200-80 ReLU (no batch norm, no dropout), dense torch.optim.Adam, batch 128, shuffled each
  epoch, global-norm clip 10, 2 epochs; test AUC, gAUC (per-user AUC weighted by the user's rows)
  and logloss after each epoch.

Switches that change one thing at a time (defaults = peer.md):
  --pooling sum|mean          BaseModel history pooling
  --din-normalize none|softmax
  --vocab file|train          'train': ids seen in no train row (target or history) share one
                              out-of-vocabulary row, as a tokenizer fitted on train would map them
  --pad-row trainable         the padding row 0 is a trainable row and is NOT masked (sum over all
                              max_len slots, padded ones included)
  --truncate earliest         keep the EARLIEST max_len behaviours (truncating 'post')
  --history-tables own        the histories have their own item / category tables (no sharing
                              with the target's), drawn from N(0, history_std^2)
  --user-dim 18               a user-id embedding in front of the MLP input

Usage:
  /usr/bin/python3 bench/pytorch/train_peer_protocol.py --data <dir> --model base --seed 2021
Prints one JSON line per epoch, the last one with "final": true.
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "reference"))
import torch  # noqa: E402

import common  # noqa: E402  (sets float64 and 1 thread; reset below)
import base as base_ref  # noqa: E402
import din as din_ref  # noqa: E402

torch.set_default_dtype(torch.float32)

COLUMNS = ["label", "user_id", "item_id", "cate_id", "item_history", "cate_history"]


def read_split(path, max_len, keep="latest"):
    """Rows of one CSV(.gz): labels [N], users [N], items [N], cats [N], history items / cats
    [N, max_len] (the latest max_len, or with keep='earliest' the first max_len) left-aligned and
    0-padded, full history lengths [N]."""
    opener = gzip.open if path.endswith(".gz") else open
    labels, users, items, cats, lens = [], [], [], [], []
    hist_i, hist_c = [], []
    with opener(path, "rt") as f:
        header = f.readline().strip().split(",")
        if header[: len(COLUMNS)] != COLUMNS:
            sys.exit(f"{path}:1: expected header {','.join(COLUMNS)}, got {','.join(header)}")
        for line_no, line in enumerate(f, 2):
            parts = line.rstrip("\n").split(",")
            if len(parts) != 6:
                sys.exit(f"{path}:{line_no}: expected 6 fields, got {len(parts)}")
            labels.append(int(parts[0]))
            users.append(int(parts[1]))
            items.append(int(parts[2]))
            cats.append(int(parts[3]))
            hi = [int(x) for x in parts[4].split("^")] if parts[4] else []
            hc = [int(x) for x in parts[5].split("^")] if parts[5] else []
            lens.append(len(hi))
            keep_slice = slice(-max_len, None) if keep == "latest" else slice(0, max_len)
            hist_i.append(hi[keep_slice])
            hist_c.append(hc[keep_slice])
    n = len(labels)
    hi_arr = np.zeros((n, max_len), dtype=np.int64)
    hc_arr = np.zeros((n, max_len), dtype=np.int64)
    for r in range(n):
        k = len(hist_i[r])
        hi_arr[r, :k] = hist_i[r]
        hc_arr[r, :k] = hist_c[r]
    return {
        "label": np.asarray(labels, dtype=np.float32),
        "user": np.asarray(users, dtype=np.int64),
        "item": np.asarray(items, dtype=np.int64),
        "cat": np.asarray(cats, dtype=np.int64),
        "hist_item": hi_arr,
        "hist_cat": hc_arr,
        "full_len": np.asarray(lens, dtype=np.int64),
    }


def auc(labels, scores):
    """Area under the ROC curve, ties counted half (rank-sum form)."""
    labels = np.asarray(labels)
    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s), dtype=np.float64)
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i: j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    pos = labels == 1
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def gauc(users, labels, scores):
    """Per-user AUC weighted by the user's rows, over users with both labels."""
    order = np.argsort(users, kind="mergesort")
    u, l, s = users[order], labels[order], scores[order]
    bounds = np.flatnonzero(np.diff(u)) + 1
    total, weight = 0.0, 0
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(u)]):
        ll = l[lo:hi]
        if ll.min() == ll.max():
            continue
        total += auc(ll, s[lo:hi]) * (hi - lo)
        weight += hi - lo
    return total / weight if weight else float("nan")


class TrainCase(common.Case):
    """common.Case over trainable tensors and one batch (no exported case file)."""

    def __init__(self, params, config, label, own_history_tables):
        self.params = params
        self.trainable = {k: True for k in params}
        self.config = config
        self.model = label
        self.label = label
        self.cat_levels = 1
        self.user_dim = int(config["embedding"]["userDim"])
        self.own_history_tables = own_history_tables

    def history(self):
        if not self.own_history_tables:
            return super().history()
        return torch.cat([self.p("history.items")[self.hist_items], self.p("history.cats0")[self.hist_cats[0]]], -1)

    def set_batch(self, batch, pad_row_trainable):
        self.B, self.T = batch["hist_item"].shape
        self.labels = batch["label"]
        self.users = batch["user"]
        self.target_items = batch["item"]
        self.target_cats = [batch["cat"]]
        self.hist_items = batch["hist_item"]
        self.hist_cats = [batch["hist_cat"]]
        # the reference masks padding; an unmasked trainable padding row = mask of ones
        self.mask = torch.ones_like(batch["label"]).unsqueeze(1).expand(self.B, self.T).contiguous() if pad_row_trainable \
            else (batch["hist_item"] != 0).to(torch.float32)
        self.lengths = self.mask.sum(1).long()


def xavier_normal(fan_in, fan_out, gen):
    return torch.randn(fan_in, fan_out, generator=gen) * math.sqrt(2.0 / (fan_in + fan_out))


def build_params(model, n_items, n_cats, n_users, emb_dim, emb_std, mlp_hidden, att_hidden, gen, pad_row_trainable,
                 history_std, user_dim):
    p = {}
    tables = [("embedding.items", n_items, emb_dim, emb_std), ("embedding.cats0", n_cats, emb_dim, emb_std)]
    if history_std is not None:
        tables += [("history.items", n_items, emb_dim, history_std), ("history.cats0", n_cats, emb_dim, history_std)]
    if user_dim:
        tables.append(("embedding.users", n_users, user_dim, emb_std))
    for name, n, dim, std in tables:
        t = torch.randn(n, dim, generator=gen) * std
        if not pad_row_trainable:
            t[0] = 0
        p[name] = t
    De = 2 * emb_dim
    if model == "din":
        dims = [4 * De] + att_hidden
        for i in range(len(att_hidden)):
            p[f"din/attention/dense{i}/kernel"] = xavier_normal(dims[i], dims[i + 1], gen)
            p[f"din/attention/dense{i}/bias"] = torch.zeros(dims[i + 1])
        p["din/attention/score/kernel"] = xavier_normal(dims[-1], 1, gen)
        p["din/attention/score/bias"] = torch.zeros(1)
    head = f"{model}/head"
    dims = [user_dim + 2 * De] + mlp_hidden
    for i in range(len(mlp_hidden)):
        p[f"{head}/mlp/dense{i}/kernel"] = xavier_normal(dims[i], dims[i + 1], gen)
        p[f"{head}/mlp/dense{i}/bias"] = torch.zeros(dims[i + 1])
    p[f"{head}/output/kernel"] = xavier_normal(dims[-1], 1, gen)
    p[f"{head}/output/bias"] = torch.zeros(1)
    for t in p.values():
        t.requires_grad_(True)
    return p


def remap_to_train_vocab(train, test):
    """Ids that occur in no train row (as target or in a kept history) -> one OOV id, the last
    row of each table (what a vocabulary fitted on train alone does)."""
    for key_t, key_h in (("item", "hist_item"), ("cat", "hist_cat")):
        seen = np.union1d(np.unique(train[key_t]), np.unique(train[key_h]))
        oov = int(max(train[key_t].max(), train[key_h].max(), test[key_t].max(), test[key_h].max())) + 1
        for split in (train, test):
            for k in (key_t, key_h):
                a = split[k]
                unseen = ~np.isin(a, seen) & (a != 0)
                a[unseen] = oov
        yield key_t, int(np.isin(test[key_t], seen, invert=True).sum())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="folder with train.csv[.gz] and test.csv[.gz]")
    ap.add_argument("--model", choices=["base", "din"], default="base")
    ap.add_argument("--seed", type=int, default=2021)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--clip", type=float, default=10.0)
    ap.add_argument("--max-len", type=int, default=50)
    ap.add_argument("--emb-dim", type=int, default=18)
    ap.add_argument("--emb-std", type=float, default=1e-4)
    ap.add_argument("--pooling", choices=["sum", "mean"], default="sum")
    ap.add_argument("--din-normalize", choices=["none", "softmax"], default="none")
    ap.add_argument("--vocab", choices=["file", "train"], default="file")
    ap.add_argument("--pad-row", choices=["masked", "trainable"], default="masked")
    ap.add_argument("--truncate", choices=["latest", "earliest"], default="latest")
    ap.add_argument("--history-tables", choices=["shared", "own"], default="shared")
    ap.add_argument("--history-std", type=float, default=None, help="init std of own history tables (default: --emb-std)")
    ap.add_argument("--user-dim", type=int, default=0)
    ap.add_argument("--max-train-rows", type=int, default=0, help="first N train rows only (0 = all; smoke tests)")
    ap.add_argument("--max-test-rows", type=int, default=0, help="first N test rows only (0 = all; smoke tests)")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    def split_file(name):
        for f in (f"{name}.csv", f"{name}.csv.gz"):
            if os.path.exists(os.path.join(args.data, f)):
                return os.path.join(args.data, f)
        sys.exit(f"{args.data}: no {name}.csv or {name}.csv.gz")

    t0 = time.time()
    train = read_split(split_file("train"), args.max_len, args.truncate)
    test = read_split(split_file("test"), args.max_len, args.truncate)
    for split, cap in ((train, args.max_train_rows), (test, args.max_test_rows)):
        if cap:
            for k in split:
                split[k] = split[k][:cap]
    n_items = int(max(train["item"].max(), train["hist_item"].max(), test["item"].max(), test["hist_item"].max())) + 1
    n_cats = int(max(train["cat"].max(), train["hist_cat"].max(), test["cat"].max(), test["hist_cat"].max())) + 1
    oov_targets = {}
    if args.vocab == "train":
        oov_targets = dict(remap_to_train_vocab(train, test))
        n_items += 1
        n_cats += 1
    load_s = time.time() - t0

    pad_trainable = args.pad_row == "trainable"
    gen = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    n_users = int(max(train["user"].max(), test["user"].max())) + 1
    history_std = None if args.history_tables == "shared" else (args.history_std if args.history_std is not None else args.emb_std)
    params = build_params(args.model, n_items, n_cats, n_users, args.emb_dim, args.emb_std, [200, 80], [80, 40], gen, pad_trainable,
                          history_std, args.user_dim)
    mlp_cfg = {"hidden": [200, 80], "activation": "relu", "batchNorm": "none", "batchNormMode": "batchStatistics", "dropout": 0, "dice": {}}
    config = {"embedding": {"catLevels": 1, "userDim": args.user_dim}, "mlp": mlp_cfg, "pooling": args.pooling}
    if args.model == "din":
        config.update({"attention": {"hidden": [80, 40], "activation": "sigmoid", "dice": {}, "normalize": args.din_normalize, "scale": 1.0},
                       "productFeature": False, "historySum": False})
    forward = base_ref.forward if args.model == "base" else din_ref.forward
    case = TrainCase(params, config, args.model, history_std is not None)
    optimizer = torch.optim.Adam(list(params.values()), lr=args.lr)

    def tensors(split, idx):
        return {k: torch.from_numpy(split[k][idx]) for k in ("label", "user", "item", "cat", "hist_item", "hist_cat")}

    def evaluate(split):
        scores = []
        with torch.no_grad():
            for lo in range(0, len(split["label"]), 1024):
                case.set_batch(tensors(split, slice(lo, lo + 1024)), pad_trainable)
                logits, _ = forward(case, False)
                scores.append(torch.sigmoid(logits).numpy())
        s = np.concatenate(scores).astype(np.float64)
        y = split["label"]
        p = np.clip(s, 1e-7, 1 - 1e-7)
        return {
            "auc": auc(y, s),
            "gauc": gauc(split["user"], y, s),
            "logloss": float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))),
        }

    n = len(train["label"])
    shuffle_gen = torch.Generator().manual_seed(args.seed + 1)
    for epoch in range(1, args.epochs + 1):
        t1 = time.time()
        perm = torch.randperm(n, generator=shuffle_gen).numpy()
        loss_sum, steps = 0.0, 0
        for lo in range(0, n, args.batch):
            case.set_batch(tensors(train, perm[lo: lo + args.batch]), pad_trainable)
            logits, _ = forward(case, True)
            loss = common.bce_with_logits(logits, case.labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if not pad_trainable:
                for name in params:
                    if "." in name:  # tables: the padding row stays zero
                        params[name].grad[0] = 0
            torch.nn.utils.clip_grad_norm_(list(params.values()), args.clip)
            optimizer.step()
            loss_sum += float(loss)
            steps += 1
        train_s = time.time() - t1
        metrics = evaluate(test)
        print(json.dumps({
            "model": args.model, "seed": args.seed, "epoch": epoch, "final": epoch == args.epochs,
            **{k: round(v, 6) for k, v in metrics.items()},
            "train_loss": round(loss_sum / steps, 6), "train_s": round(train_s, 1), "load_s": round(load_s, 1),
            "rows": {"train": n, "test": len(test["label"]), "items": n_items, "cats": n_cats},
            "switches": {"pooling": args.pooling, "din_normalize": args.din_normalize, "vocab": args.vocab,
                         "pad_row": args.pad_row, "emb_std": args.emb_std, "max_len": args.max_len,
                         "truncate": args.truncate, "history_tables": args.history_tables, "history_std": history_std,
                         "user_dim": args.user_dim},
            **({"test_targets_oov": oov_targets} if oov_targets else {}),
        }), flush=True)


if __name__ == "__main__":
    main()
