"""Driver of benchmarks/unet-vs-pytorch.sh: alternates long-lived TorchSharp and PyTorch workers (A B A B ...).

Every worker gets the same weights (a .pt state dict with reference names, written here), the same inputs (.npy) and
the same thread count. Each round sends "MODE ITERS" to every contender in turn (the order rotates each round) and
records the per-call times; round 0 is a warm-up and is dropped. Prints min/median/max per contender and the ratio
TorchSharp / PyTorch per round (median of that round's calls), with its min/median/max.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adm_unet import from_preset  # noqa: E402


def write_case(folder, preset, batch, size, seed=0):
    torch.manual_seed(seed)
    net = from_preset(preset)
    with torch.no_grad():
        for p in net.parameters():
            if not p.abs().sum():  # zero-initialised layers get small random weights so every path carries signal
                p.normal_(0, 0.02)
    weights = os.path.join(folder, f"{preset}.pt")
    torch.save(net.state_dict(), weights)
    rng = np.random.default_rng(seed)
    cin = net.input_blocks[0][0].in_channels
    np.save(os.path.join(folder, "x.npy"), rng.standard_normal((batch, cin, size, size), dtype=np.float32))
    np.save(os.path.join(folder, "t.npy"), (rng.random(batch, dtype=np.float32) * 1000).astype(np.float32))
    np.save(os.path.join(folder, "target.npy"), rng.standard_normal((batch, 1, size, size), dtype=np.float32))
    return weights


def summary(values):
    return f"{min(values):9.1f} {statistics.median(values):9.1f} {max(values):9.1f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dotnet-dll", required=True)
    ap.add_argument("--presets", default="i2sb_small_cond,unet_ch32")
    ap.add_argument("--modes", default="forward,train")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--contenders", default="torchsharp,pytorch-mkldnn-on",
                    help="any of torchsharp (as shipped: oneDNN on, block-aligned output convolution), torchsharp-no-onednn (SEISMIC_I2SB_ONEDNN=0), pytorch-mkldnn-on, pytorch-mkldnn-off")
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    contenders = a.contenders.split(",")
    print(f"batch {a.batch}, {a.size}x{a.size}, {a.threads} threads, {a.rounds} rounds x {a.iters} calls (+1 warm-up round), "
          f"load average before: {open('/proc/loadavg').read().split()[:3]}")
    for preset in a.presets.split(","):
        with tempfile.TemporaryDirectory() as folder:
            weights = write_case(folder, preset, a.batch, a.size)
            procs = {}
            for c in contenders:
                if c.startswith("torchsharp"):
                    env = {k: v for k, v in os.environ.items() if k != "SEISMIC_I2SB_ONEDNN"}
                    if c == "torchsharp-no-onednn":
                        env["SEISMIC_I2SB_ONEDNN"] = "0"
                    cmd = ["dotnet", a.dotnet_dll, "sidebyside-unet", preset, weights, folder, str(a.threads)]
                else:
                    env = dict(os.environ)
                    cmd = [sys.executable, os.path.join(here, "unet_worker.py"), preset, weights, folder, str(a.threads),
                           "on" if c.endswith("on") else "off"]
                procs[c] = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
            checks = {}
            for c, p in procs.items():
                line = p.stdout.readline().strip()
                if not line.startswith("ready"):
                    sys.exit(f"{c} failed to start: {line!r}")
                checks[c] = float(line.rsplit("checksum=", 1)[1])
                print(f"  {c:20s} {line}")
            ref = next(iter(checks.values()))
            spread = max(abs(v - ref) / abs(ref) for v in checks.values())
            print(f"  {preset}: forward output checksums agree to {spread:.1e} (relative): same weights, same network")
            for mode in a.modes.split(","):
                times = {c: [] for c in contenders}
                medians = {c: [] for c in contenders}
                for r in range(a.rounds + 1):
                    order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
                    for c in order:
                        p = procs[c]
                        p.stdin.write(f"{mode} {a.iters}\n")
                        p.stdin.flush()
                        values = [float(v) for v in p.stdout.readline().split()]
                        if r > 0:
                            times[c] += values
                            medians[c].append(statistics.median(values))
                print(f"\n{preset} {mode} (ms per call)        min    median       max")
                for c in contenders:
                    print(f"  {c:26s} {summary(times[c])}")
                for c in contenders:
                    if not c.startswith("pytorch"):
                        continue
                    for s in contenders:
                        if s.startswith("torchsharp"):
                            ratios = [x / y for x, y in zip(medians[s], medians[c])]
                            print(f"  ratio {s} / {c}: min {min(ratios):.2f}  median {statistics.median(ratios):.2f}  max {max(ratios):.2f}")
            for p in procs.values():
                p.stdin.write("quit\n")
                p.stdin.flush()
                p.wait()
    print(f"load average after: {open('/proc/loadavg').read().split()[:3]}")


if __name__ == "__main__":
    main()
