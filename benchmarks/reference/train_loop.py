"""The reference's training iteration in PyTorch, for timing beside `seismic-i2sb train` (docs/benchmarks.md).

Same steps and costs as the original train.py on the CPU (docs/training.md):
endless shuffled microbatches from an in-memory cache (normalised, resized), corruption, condition dropout and
shot/trace dropout, bridge draw, ADM U-Net forward (benchmarks/reference/adm_unet.py), MSE, backward (gradients
summed over microbatches), AdamW, EMA, LR schedule. The blur uses PyTorch's reflect padding rather than scipy's
symmetric one: same cost, not bit-exact (this is a timing stand-in, not a golden).

Usage (the train verb's flags; others are ignored):
  train_loop.py train --dataset-dir D --dataset-name FlatVel_A --model unet_ch32 --image-size 64 --batch-size 16 \
      --microbatch 16 --corrupt blur-openfwi_benchmark --lr 5e-4 --num-itr 6
Prints "itr k/N loss X" per iteration, like the CLI.
"""
import argparse
import glob
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adm_unet import from_preset  # noqa: E402

BOUNDS = {"FlatVel_A": (-26.95, 52.77), "CurveFault_A": (-26.48, 52.32), "Style_A": (-24.96, 48.93)}


def load_split(folder, name, size):
    g = lambda v: np.sign(v) * np.log1p(np.abs(v))
    lo, hi = BOUNDS[name]
    data = np.concatenate([np.load(f) for f in sorted(glob.glob(os.path.join(folder, "train/data/*.npy")))])
    model = np.concatenate([np.load(f) for f in sorted(glob.glob(os.path.join(folder, "train/model/*.npy")))])
    seismic = ((g(data) - g(lo)) / (g(hi) - g(lo)) - 0.5) * 2
    velocity = (model - 3000.0) / 1500.0
    resize = lambda a: F.interpolate(torch.from_numpy(a.astype(np.float32)), size=(size, size), mode="bilinear", align_corners=False)
    return resize(velocity), resize(seismic)


def gaussian_blur(x, sigma):
    radius = int(4 * sigma + 0.5)
    k = torch.exp(-0.5 * (torch.arange(-radius, radius + 1, dtype=torch.float32) / sigma) ** 2)
    k = (k / k.sum()).to(x.dtype)
    y = F.conv2d(F.pad(x, (radius, radius, 0, 0), mode="reflect"), k.view(1, 1, 1, -1))
    return F.conv2d(F.pad(y, (0, 0, radius, radius), mode="reflect"), k.view(1, 1, -1, 1))


def schedule(n=1000, beta_max=0.3):
    b = (math.sqrt(1e-4) + np.arange(n) / (n - 1) * (math.sqrt(beta_max / n) - math.sqrt(1e-4))) ** 2
    betas = np.concatenate([b[: n // 2], b[: n // 2][::-1]])
    fwd, bwd = np.sqrt(np.cumsum(betas)), np.sqrt(np.cumsum(betas[::-1])[::-1])
    d = fwd ** 2 + bwd ** 2
    f = lambda a: torch.tensor(a, dtype=torch.float32)
    return f(fwd), f(bwd ** 2 / d), f(fwd ** 2 / d), f(np.sqrt(fwd ** 2 * bwd ** 2 / d))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("verb")
    ap.add_argument("--dataset-dir", required=True)
    ap.add_argument("--dataset-name", default="FlatVel_A")
    ap.add_argument("--model", default="unet_ch32")
    ap.add_argument("--image-size", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--microbatch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--num-itr", type=int, default=6)
    ap.add_argument("--drop_cond", type=float, default=0.25)
    ap.add_argument("--ema", type=float, default=0.99)
    ap.add_argument("--seed", type=int, default=0)
    a, _ = ap.parse_known_args()
    torch.set_num_threads(os.cpu_count())  # as the CLI: every core
    torch.manual_seed(a.seed)
    x0_all, cond_all = load_split(a.dataset_dir, a.dataset_name, a.image_size)
    net = from_preset(a.model)
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1000, gamma=0.99)
    shadow = [p.detach().clone() for p in net.parameters()]
    std_fwd, mu_x0, mu_x1, std_sb = schedule()
    t_levels = torch.linspace(1e-4, 1.0, 1000) * 1000
    order, pos = torch.randperm(len(x0_all)), 0
    print(f"reference loop: pytorch {torch.__version__}, {torch.get_num_threads()} threads, {len(x0_all)} samples", flush=True)
    for it in range(1, a.num_itr + 1):
        opt.zero_grad()
        for _ in range(a.batch_size // a.microbatch):
            if pos + a.microbatch > len(order):
                order, pos = torch.randperm(len(x0_all)), 0
            idx = order[pos: pos + a.microbatch]
            pos += a.microbatch
            x0, cond = x0_all[idx], cond_all[idx].clone()
            x1 = (gaussian_blur((x0 + 1) / 2, 9.0).clamp(0, 1)) * 2 - 1  # blur-openfwi_benchmark in [0, 1] space
            cond = cond * (torch.rand(len(idx), 1, 1, 1) >= a.drop_cond)
            keep_shot = torch.rand(len(idx), 5) >= 0.5
            keep_shot[torch.arange(len(idx)), torch.randint(0, 5, (len(idx),))] = True
            keep_trace = torch.rand(len(idx), 5, 1, cond.shape[-1]) >= 0.5
            keep_trace.scatter_(3, torch.randint(0, cond.shape[-1], (len(idx), 5, 1, 1)), True)
            cond = cond * keep_shot[:, :, None, None] * keep_trace
            n = torch.randint(0, 1000, (len(idx),))
            v = lambda s: s[n].view(-1, 1, 1, 1)
            xn = v(mu_x0) * x0 + v(mu_x1) * x1 + v(std_sb) * torch.randn_like(x0)
            label = (xn - x0) / v(std_fwd)
            loss = F.mse_loss(net(torch.cat([xn, cond], 1), t_levels[n]), label)
            loss.backward()
        opt.step()
        with torch.no_grad():
            d = min(a.ema, (1 + it) / (10 + it))
            for s, p in zip(shadow, net.parameters()):
                s.sub_((1 - d) * (s - p))
        sched.step()
        print(f"itr {it}/{a.num_itr} loss {loss.item():.5f} lr {opt.param_groups[0]['lr']:.2E}", flush=True)


if __name__ == "__main__":
    main()
