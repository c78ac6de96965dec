"""DIN reference (Zhou et al., KDD'18, §4.3; official zhougr1993/DeepInterestNetwork
`din/model.py` and mouna99/dien `Model_DIN`).

Local activation unit, for the target e_a [B, D] and each behaviour e_t [B, T, D]:
    x_t     = [e_a, e_t, e_a - e_t, e_a * e_t]                    [B, T, 4D]
    s_t     = w^T act(... act(x_t W0 + b0) ...) + b               (80 -> 40 -> 1)
    w_t     = m_t s_t                   normalize 'none'   (paper: sum w = 1 relaxed)
            = softmax_{t: m_t = 1}(c s_t)  normalize 'softmax' (official code; c = scale,
                                           1/sqrt(D) in the DIN code)
    v_U     = sum_t w_t e_t
Head input (DIN code: [u_emb, i_emb, u_emb * i_emb] with u_emb the attention pooling):
    [user?, e_a, v_U, e_a * v_U (productFeature), sum_t m_t e_t, e_a * sum (historySum, the
    DIEN repo's DIN)] -> common.mlp_head.
Weights (kit names): din/attention/dense<i>, din/attention/act<i>, din/attention/score,
din/head/... ; the first attention kernel's rows are the four blocks of x_t in that order.
"""
import torch

from common import activation, dense, main, masked_softmax, masked_sum, mlp_head


def attention_weights(case, prefix, cfg, query, keys, training):
    """query [B, D], keys [B, T, D] -> w [B, T] (zero at padding)."""
    mask = case.mask
    q = query.unsqueeze(1).expand_as(keys)
    h = torch.cat([q, keys, q - keys, q * keys], -1)
    for i in range(len(cfg["hidden"])):
        h = dense(case, f"{prefix}/dense{i}", h)
        # Dice statistics over the real positions only
        h = activation(case, f"{prefix}/act{i}", cfg["activation"], h, training, cfg["dice"], mask)
    s = dense(case, f"{prefix}/score", h).squeeze(-1)
    if cfg["normalize"] == "none":
        return s * mask
    if cfg["normalize"] == "softmax":
        return masked_softmax(s * cfg["scale"], mask)
    raise ValueError(f"unknown normalize {cfg['normalize']}")


def forward(case, training):
    cfg = case.config
    target = case.target()
    history = case.history()
    w = attention_weights(case, "din/attention", cfg["attention"], target, history, training)
    interest = (w.unsqueeze(-1) * history).sum(1)
    parts = [target, interest]
    user = case.user()
    if user is not None:
        parts.insert(0, user)
    if cfg["productFeature"]:
        parts.append(target * interest)
    if cfg["historySum"]:
        s = masked_sum(history, case.mask)
        parts += [s, target * s]
    return mlp_head(case, "din/head", torch.cat(parts, 1), cfg["mlp"], training), None


if __name__ == "__main__":
    main({"din": forward})
