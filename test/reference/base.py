"""BaseModel (Embedding&MLP) reference, from the official code.

DIEN repo `Model_DNN`: MLP([uid_emb, item_eb, sum(item_his_eb)]); DIN repo `base_model`: the
same with the history MEAN-pooled. Padding is masked here (the kit's documented choice; the
DIEN code's unmasked sum is its Porting note, docs/papers.md P-DIEN-5). No target x history product: that
term is what makes PNN.

    e_a = target [B, De], e = history [B, T, De], m = mask [B, T]
    pooled = sum_t m_t e_t                  ('sum')
           = sum_t m_t e_t / max(1, sum_t m_t)  ('mean')
    logit  = head([user?, e_a, pooled])     (common.mlp_head, weights base/head/...)
"""
import torch

from common import main, masked_sum, mlp_head


def pool(case, history, how):
    s = masked_sum(history, case.mask)
    if how == "sum":
        return s
    if how == "mean":
        return s / torch.clamp(case.mask.sum(1, keepdim=True), min=1.0)
    raise ValueError(f"unknown pooling {how}")


def forward(case, training):
    cfg = case.config
    target = case.target()
    pooled = pool(case, case.history(), cfg["pooling"])
    parts = [target, pooled]
    user = case.user()
    if user is not None:
        parts.insert(0, user)
    return mlp_head(case, "base/head", torch.cat(parts, 1), cfg["mlp"], training), None


if __name__ == "__main__":
    main({"base": forward})
