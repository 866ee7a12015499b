"""Golden orders of the original's shuffled validation loader (sample.py): after set_seed(S), the network of unet_ch32 is
built (its initialisation draws from torch's global generator), then DataLoader(shuffle=True, num_workers=1) draws its
iterator's base seed and its sampler's seed. Writes OUT/loader_order_seed{S}_n{N}.npy (float64, the visiting order).
Run once (ml_collections importable, e.g. the stubs of the original's runner tools on PYTHONPATH):
    /usr/bin/python3 benchmarks/reference/make_loader_order.py SEED_TREE tests/TestData/numpy
"""
import os
import sys
import types

import numpy as np
import torch

seed_tree, out = sys.argv[1], sys.argv[2]
sys.modules['torch.utils.tensorboard'] = types.SimpleNamespace(SummaryWriter=None)
sys.modules['ipdb'] = types.SimpleNamespace(set_trace=None)
sys.path.insert(0, seed_tree)
from i2sb.network import Image256Net  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

log = types.SimpleNamespace(info=lambda *a, **k: None)
for seed, n in [(7, 12), (0, 12), (3, 40)]:
    torch.manual_seed(seed)
    net = Image256Net(log, types.SimpleNamespace(model='unet_ch32', image_size=64), torch.linspace(1e-4, 1, 1000) * 1000)
    loader = DataLoader(list(range(n)), batch_size=4, shuffle=True, num_workers=1, drop_last=False)
    order = [i for b in loader for i in b.tolist()]
    np.save(os.path.join(out, f'loader_order_seed{seed}_n{n}.npy'), np.array(order, dtype=np.float64))
    print(seed, n, order)
