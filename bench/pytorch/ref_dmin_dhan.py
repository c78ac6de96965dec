"""PyTorch DMIN and DHAN timed at the bench shape, like ../shared/bench/pytorch-reference/ref_din.py
times DIN and DIEN. The models are the project's reference modules (test/reference/dmin.py and
dhan.py, checked equal to the kit's models by test/reference/*.test.ts): no second implementation.

The bench (src/bench/pytorch.ts) writes the input: {"model": "DMIN" | "DHAN", "config": the kit's
resolved model config, "sizes": FeatureSizes, "batches": [kit Batch, ...]}, so both sides run the
same config on the same batches. Float32, dense Adam 1e-3 over every parameter (as ref_din.py).
The DHAN module pools each row's own clusters, as the kit does; the output reports how many
(`clusters`, per hierarchy dimension and level, averaged over the batches), so the bench can check
that both sides pool over the same number of slots.

  OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/pytorch/ref_dmin_dhan.py \
      --input in.json --threads 2 [--warmup 10] [--steps 50]

Prints one JSON line as ref_din.py does: train and infer {median_step_ms, samples_per_s, ...}, env
(with blas_gflops); for DHAN also clusters.
"""
import argparse
import importlib.util
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'test', 'reference'))

import dhan  # noqa: E402
import dmin  # noqa: E402
from interest_blocks import batch_tensors  # noqa: E402

# The reference modules set float64 and one thread on import (for parity tests); the bench sets its own.
torch.set_default_dtype(torch.float32)


def shared_timing(reference_dir):
    """time_steps, summarize, env_report, set_threads of the shared reference's common.py."""
    spec = importlib.util.spec_from_file_location('bench_reference_common', os.path.join(reference_dir, 'common.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def dhan_clusters(cfg, batches):
    """Cluster slots per row (the padded K) at every level of every hierarchy dimension, averaged over
    `batches`."""
    out = []
    for levels in cfg['dimensions'] if cfg['pooling'] == 'hierarchical' else []:
        sums = [0] * len(levels)
        for b in batches:
            for j, (_, K, _) in enumerate(dhan.hierarchy_slots(b['hist_cats'], levels, b['mask'] > 0)):
                sums[j] += K
        out.append([s / len(batches) for s in sums])
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--input', required=True)
    p.add_argument('--model', choices=['DMIN', 'DHAN'], default=None, help='checked against the input')
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--warmup', type=int, default=10)
    p.add_argument('--steps', type=int, default=50)
    p.add_argument('--reference-dir', default=os.path.join(HERE, '..', '..', '..', 'shared', 'bench', 'pytorch-reference'))
    a = p.parse_args()
    C = shared_timing(a.reference_dir)
    C.set_threads(a.threads)
    with open(a.input) as f:
        spec = json.load(f)
    name = spec['model']
    if a.model is not None and a.model != name:
        sys.exit(f'ref_dmin_dhan.py: --model {a.model} but the input is for {name}')
    module = {'DMIN': dmin, 'DHAN': dhan}[name]
    model_cls = {'DMIN': dmin.DMIN, 'DHAN': dhan.DHAN}[name]
    torch.manual_seed(0)
    cfg = module.config_from_kit(spec['config'], spec['sizes'])
    model = model_cls(cfg, dtype=torch.float32)
    batches = []
    for raw in spec['batches']:
        b = batch_tensors(raw)
        b['mask'] = b['mask'].float()
        b['labels'] = b['labels'].float()
        batches.append(b)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def train_step(b):
        opt.zero_grad()
        out = model(b, True)
        out['loss'].backward()
        opt.step()
        return out['loss']

    def infer_step(b):
        with torch.no_grad():
            return torch.sigmoid(model(b, False)['logit'])

    model.train()
    first = float(train_step(batches[0]))
    tr = C.time_steps(train_step, batches, a.warmup, a.steps)
    last = float(train_step(batches[0]))
    model.eval()
    inf = C.time_steps(infer_step, batches, a.warmup, a.steps)
    res = dict(impl='bench/pytorch/ref_dmin_dhan.py (test/reference/%s.py)' % name.lower(), model=name, threads=torch.get_num_threads(),
               params=sum(q.numel() for q in model.parameters()), loss_first=first, loss_after=last,
               train=C.summarize(tr), infer=C.summarize(inf), env=C.env_report())
    if name == 'DHAN':
        res['clusters'] = dhan_clusters(cfg, batches)
    print(json.dumps(res))


if __name__ == '__main__':
    main()
