"""The PyTorch half of benchmarks/unet-vs-pytorch.sh (mirror of benchmarks/Seismic.Benchmarks/SideBySide/UNetWorker.cs).

Usage: unet_worker.py PRESET WEIGHTS.pt INPUT_DIR THREADS MKLDNN(on|off)
Prints "ready ... checksum=..." then answers "forward N" / "train N" on stdin with N per-call times in ms.
"""
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adm_unet import from_preset, load_state  # noqa: E402


def main(preset, weights, folder, threads, mkldnn):
    torch.set_num_threads(int(threads))
    torch.backends.mkldnn.enabled = mkldnn == "on"
    net = from_preset(preset)
    load_state(net, weights)
    x, t, target = (torch.from_numpy(np.load(os.path.join(folder, f + ".npy"))) for f in ("x", "t", "target"))
    adam = torch.optim.AdamW(net.parameters(), lr=5e-5, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)
    net.eval()
    with torch.no_grad():
        checksum = net(x, t).abs().sum().item()
    print(f"ready pytorch-{torch.__version__} threads={torch.get_num_threads()} mkldnn={mkldnn} checksum={checksum!r}", flush=True)

    def forward():
        net.eval()
        with torch.no_grad():
            net(x, t).sum().item()

    def train():
        net.train()
        adam.zero_grad()
        loss = torch.nn.functional.mse_loss(net(x, t), target)
        loss.backward()
        adam.step()
        loss.item()

    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "quit":
            break
        n = int(parts[1]) if len(parts) > 1 else 1
        step = forward if parts[0] == "forward" else train
        times = []
        for _ in range(n):
            start = time.perf_counter()
            step()
            times.append((time.perf_counter() - start) * 1000)
        print(" ".join(f"{v:.3f}" for v in times), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:6])
