"""DIEN reference (Zhou et al., AAAI'19, arXiv 1809.03672, §4; official mouna99/dien
`script/model.py` Model_DIN_V2_Gru_*, `script/utils.py` cells).

    e [B, T, De] history, e_a [B, De] target, m [B, T] mask (post-padded)
    interest extractor   h_t = GRU(e_t, h_{t-1})                                       [B, T, H]
    auxiliary loss       pairs (h_t, e_{t+1}) and (h_t, ê_{t+1}) for every real step t+1:
                         l_t = -log σ(<h_t, e_{t+1}>) - log(1 - σ(<h_t, ê_{t+1}>))
                         ('mlp' scorer: the official aux net on [h_t, e]);
                         'perSample' = Σ l / B (paper: 1/N Σ_i Σ_t), 'perStep' = Σ l / #pairs;
                         times alpha
    attention            a_t = softmax over real t of h_t W e_a   (paper; kernel W [H, De]);
                         'activationUnit': the official `din_fcn_attention`: query =
                         PReLU(e_a W_q + b_q) [B, H], then DIN's unit on [q, h_t, q - h_t, q * h_t]
                         (80 -> 40 sigmoid -> 1), masked softmax
    interest evolution   AIGRU: GRU(a_t h_t); AGRU: h' = (1 - a) h' + a h~;
                         AUGRU: u' = a u, h' = (1 - u') h' + u' h~ (paper), or the official
                         VecAttGRUCell: keep gate k = 1 - u, k' = (1 - a) k, h' = k' h' + (1 - k') h~;
                         interest = the state after the last real step.
                         'attention' (Two layer GRU attention): h2 = GRU(h), interest =
                         Σ a2_t h2_t with a2 the same attention on h2.
    head                 [user?, e_a, Σ_t m_t e_t, e_a * Σ, interest] -> common.mlp_head
GRU (paper eq. 1-4): u = σ(W_u i + U_u h + b_u), r = σ(W_r i + U_r h + b_r),
h~ = tanh(W_h i + r * (U_h h) + b_h), h = (1 - u) h + u h~; gruCandidate 'official' (TF1
GRUCell and the official DIEN cells): h~ = tanh(W_h i + U_h (r * h) + b_h). A padded step leaves the state
unchanged and outputs zeros (TF dynamic_rnn with sequence_length).
Kit storage (the only thing taken from the kit): <gru>/inputKernel [D, 3H] and
<gru>/recurrentKernel [H, 3H] with column blocks (u | r | h~), one <gru>/bias [3H].
"""
import torch

from common import dense, main, masked_softmax, masked_sum, mlp_head, prelu
from din import attention_weights


class Gru:
    """The weights of one recurrent layer, split into the paper's matrices."""

    def __init__(self, case, prefix, candidate="paper"):
        # candidate 'paper' r * (U_h h) | 'official' U_h (r * h) (TF1 GRUCell, VecAttGRUCell, QAAttGRUCell)
        self.candidate = candidate
        W = case.p(f"{prefix}/inputKernel")
        U = case.p(f"{prefix}/recurrentKernel")
        b = case.p(f"{prefix}/bias")
        H = U.shape[0]
        self.H = H
        self.W_u, self.W_r, self.W_h = W[:, :H], W[:, H:2 * H], W[:, 2 * H:]
        self.U_u, self.U_r, self.U_h = U[:, :H], U[:, H:2 * H], U[:, 2 * H:]
        self.b_u, self.b_r, self.b_h = b[:H], b[H:2 * H], b[2 * H:]

    def gates(self, i, h):
        """update gate u, reset gate r, candidate h~ for input i [B, D], state h [B, H]."""
        u = torch.sigmoid(i @ self.W_u + h @ self.U_u + self.b_u)
        r = torch.sigmoid(i @ self.W_r + h @ self.U_r + self.b_r)
        if self.candidate == "paper":
            c = torch.tanh(i @ self.W_h + r * (h @ self.U_h) + self.b_h)
        elif self.candidate == "official":
            c = torch.tanh(i @ self.W_h + (r * h) @ self.U_h + self.b_h)
        else:
            raise ValueError(f"unknown gruCandidate {self.candidate}")
        return u, r, c


def recurrence(gru, inputs, mask, step):
    """Runs `step(t, u, c, h) -> new h` over T; padded steps keep the state and output 0.
    Returns outputs [B, T, H] and the state after the last real step [B, H]."""
    B, T, _ = inputs.shape
    h = torch.zeros(B, gru.H)
    outs = []
    for t in range(T):
        u, _, c = gru.gates(inputs[:, t], h)
        new = step(t, u, c, h)
        m = mask[:, t].unsqueeze(1)
        h = m * new + (1 - m) * h
        outs.append(m * h)
    return torch.stack(outs, 1), h


def plain_gru(gru, inputs, mask):
    return recurrence(gru, inputs, mask, lambda t, u, c, h: (1 - u) * h + u * c)


def bilinear_attention(case, states, target):
    """a_t = masked softmax_t(h_t W e_a): states [B, T, H], target [B, E] -> [B, T]."""
    W = case.p("dien/attention/kernel")
    scores = torch.einsum("bth,he,be->bt", states, W, target)
    return masked_softmax(scores, case.mask)


def official_attention(case, cfg, states, target, training):
    """The official DIEN attention (`din_fcn_attention`, softmax_stag=1): the target is first
    projected to the state size by a dense layer + PReLU. Kit names: the unit under
    dien/attentionUnit, the projection dien/attentionUnit/query/{kernel,bias,alpha}.
    attentionQuery 'raw' (FuxiCTR's DIEN) compares the target itself with the states."""
    prefix = "dien/attentionUnit"
    if cfg.get("attentionQuery") == "raw":
        if case.has(f"{prefix}/query/kernel"):
            raise KeyError(f"case {case.label}: attentionQuery 'raw' must not have a query projection")
        query = target
    elif not case.has(f"{prefix}/query/kernel"):
        raise KeyError(f"case {case.label}: the kit's 'activationUnit' attention has no query projection "
                       f"({prefix}/query/kernel): the official din_fcn_attention projects the target with dense + PReLU first")
    else:
        query = prelu(case, f"{prefix}/query", dense(case, f"{prefix}/query", target))
    hidden = []
    while case.has(f"{prefix}/dense{len(hidden)}/kernel"):
        hidden.append(case.p(f"{prefix}/dense{len(hidden)}/kernel").shape[1])
    unit = {"hidden": hidden, "activation": "sigmoid", "normalize": "softmax", "scale": 1, "dice": {}}
    unit.update(cfg["attentionUnit"])
    return attention_weights(case, prefix, unit, query, states, training)


def aux_scores(case, cfg, h, e):
    """Logit of 'e follows h': h [N, H], e [N, E] -> [N]."""
    if cfg["auxScorer"] == "inner":
        return (h * e).sum(-1)
    # Official auxiliary_net: BN (inference mode: a learned per-feature affine) -> 100 sigmoid
    # -> 50 sigmoid -> 2-way softmax; one logit is the same model.
    x = torch.cat([h, e], -1) * case.p("dien/auxLoss/inputScale") + case.p("dien/auxLoss/inputShift")
    i = 0
    while case.has(f"dien/auxLoss/dense{i + 1}/kernel"):
        x = torch.sigmoid(dense(case, f"dien/auxLoss/dense{i}", x))
        i += 1
    return dense(case, f"dien/auxLoss/dense{i}", x).squeeze(-1)


def aux_loss(case, cfg, states, history, negatives):
    """alpha * L_aux over the pairs (h_t, e_{t+1}) whose step t+1 is real."""
    B, T, H = states.shape
    h = states[:, :-1].reshape(-1, H)
    pos = history[:, 1:].reshape(h.shape[0], -1)
    neg = negatives[:, 1:].reshape(h.shape[0], -1)
    pair = case.mask[:, 1:].reshape(-1)
    per_pair = -torch.nn.functional.logsigmoid(aux_scores(case, cfg, h, pos)) - torch.nn.functional.logsigmoid(-aux_scores(case, cfg, h, neg))
    total = (per_pair * pair).sum()
    reduction = cfg["auxReduction"]
    if reduction == "perSample":
        loss = total / B
    elif reduction == "perStep":
        loss = total / torch.clamp(pair.sum(), min=1.0)
    elif reduction == "official":
        # The official code's reduction is being redefined in the kit; add it here once fixed.
        raise NotImplementedError("auxReduction 'official' has no reference yet")
    else:
        raise ValueError(f"unknown auxReduction {reduction}")
    return cfg["auxWeight"] * loss


def evolve(case, cfg, states, target, training):
    """Interest evolution -> interest [B, H]."""
    mask = case.mask
    evo = Gru(case, "dien/evolutionGru", cfg.get("gruCandidate", "paper"))
    kind = cfg["evolution"]
    if cfg["evolutionAttention"] == "bilinear":
        attend = lambda h: bilinear_attention(case, h, target)
    elif cfg["evolutionAttention"] == "activationUnit":
        attend = lambda h: official_attention(case, cfg, h, target, training)
    else:
        raise ValueError(f"unknown evolutionAttention {cfg['evolutionAttention']}")
    if kind == "attention":
        second, _ = plain_gru(evo, states, mask)
        a2 = attend(second)
        return (a2.unsqueeze(-1) * second).sum(1)
    a = attend(states)
    at = lambda t: a[:, t].unsqueeze(1)
    if kind == "AIGRU":
        _, final = plain_gru(evo, states * a.unsqueeze(-1), mask)
    elif kind == "AGRU":
        _, final = recurrence(evo, states, mask, lambda t, u, c, h: (1 - at(t)) * h + at(t) * c)
    elif kind == "AUGRU" and cfg["gateConvention"] == "paper":
        _, final = recurrence(evo, states, mask, lambda t, u, c, h: (1 - at(t) * u) * h + at(t) * u * c)
    elif kind == "AUGRU" and cfg["gateConvention"] == "official":
        def official(t, u, c, h):
            keep = (1 - at(t)) * (1 - u)
            return keep * h + (1 - keep) * c
        _, final = recurrence(evo, states, mask, official)
    else:
        raise ValueError(f"unknown evolution {kind} / gateConvention {cfg['gateConvention']}")
    return final


def forward(case, training):
    cfg = case.config
    history = case.history()
    target = case.target()
    states, _ = plain_gru(Gru(case, "dien/extractorGru", cfg.get("gruCandidate", "paper")), history, case.mask)
    aux = aux_loss(case, cfg, states, history, case.negatives()) if cfg["auxWeight"] > 0 else None
    interest = evolve(case, cfg, states, target, training)
    # DIEN code: [uid, item, Σhist, item ⊙ Σhist, interest]; historySum false: [uid, item, interest]
    summed = masked_sum(history, case.mask)
    parts = [target, summed, target * summed, interest] if cfg.get("historySum", True) else [target, interest]
    user = case.user()
    if user is not None:
        parts.insert(0, user)
    return mlp_head(case, "dien/head", torch.cat(parts, 1), cfg["mlp"], training), aux


if __name__ == "__main__":
    main({"dien": forward})
