"""Writes a small I2SB *training* checkpoint in the reference's layout, for Seismic.Training's import test.

The reference (I2SB's Runner) saves `latest.pt` as
    {"net": net.state_dict(), "ema": ema.state_dict(), "optimizer": optimizer.state_dict(), "sched": sched.state_dict()}
where net wraps the U-Net as `diffusion_model` and ema is torch_ema's ExponentialMovingAverage over net.parameters()
(state: decay, num_updates, shadow_params in parameter order, collected_params). This script builds the same
structure around this folder's AdmUNet (i2sb_small_cond shrunk: mc 8, mult (1, 2), one res block, no attention),
takes one AdamW step so the optimiser has state, and stores an input with the outputs of the net and of the EMA
weights. Run (Debian's python3-torch):
    /usr/bin/python3 benchmarks/reference/make_reference_checkpoint.py tests/TestData/reference
"""
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adm_unet import AdmUNet  # noqa: E402


class Wrapper(nn.Module):
    """I2SB's network wrapper: the U-Net under the name diffusion_model."""

    def __init__(self):
        super().__init__()
        self.diffusion_model = AdmUNet(model_channels=8, channel_mult=(1, 2), attention_resolutions=(), groups=8,
                                       num_heads=1, num_res_blocks=1)

    def forward(self, x, t):
        return self.diffusion_model(x, t)


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    net = Wrapper()
    with torch.no_grad():
        for p in net.parameters():
            p.normal_(0, 0.05)
    optimizer = torch.optim.AdamW(net.parameters(), lr=5e-5, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1000, gamma=0.99)
    x = torch.randn(2, 6, 16, 16)
    t = torch.tensor([3.0, 512.0])
    net(x, t).square().mean().backward()
    optimizer.step()
    sched.step()
    shadow = [p.detach().clone() * 0.5 + 0.01 for p in net.parameters()]  # differs from the net on purpose
    ema = {"decay": 0.99, "num_updates": 7, "shadow_params": shadow, "collected_params": None}
    torch.save({"net": net.state_dict(), "ema": ema, "optimizer": optimizer.state_dict(), "sched": sched.state_dict()},
               os.path.join(out, "latest.pt"))
    with torch.no_grad():
        y_net = net(x, t)
        for p, s in zip(net.parameters(), shadow):
            p.copy_(s)
        y_ema = net(x, t)
    np.save(os.path.join(out, "x.npy"), x.numpy())
    np.save(os.path.join(out, "t.npy"), t.numpy())
    np.save(os.path.join(out, "y_net.npy"), y_net.numpy())
    np.save(os.path.join(out, "y_ema.npy"), y_ema.numpy())
    print(f"wrote {out}: {sum(p.numel() for p in net.parameters())} parameters")


if __name__ == "__main__":
    main(sys.argv[1])
