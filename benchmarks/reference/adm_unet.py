"""The ADM U-Net of guided diffusion as I2SB uses it, in plain PyTorch, for side-by-side timing.

Written for this repository's benchmarks: parameter names, shapes and order equal the reference state dict
(time_embed.0.weight, input_blocks.0.0.weight, ..., out.2.bias), so the same weights load into this network and into
Seismic.Models.AdmUNet. Presets mirror AdmUNetOptions.Preset. Check it with
    python3 benchmarks/reference/adm_unet.py --check tests/TestData/golden
"""
import math

import torch
from torch import nn

PRESETS = {
    "unet_ch32": dict(model_channels=32, channel_mult=(1, 2, 4, 8), attention_resolutions=(16, 8), groups=32),
    "unet_ch64": dict(model_channels=64, channel_mult=(1, 2, 4, 8), attention_resolutions=(16, 8), groups=32),
    "i2sb_small_cond": dict(model_channels=16, channel_mult=(1, 2, 4), attention_resolutions=(16,), groups=16),
    "i2sb_small": dict(model_channels=16, channel_mult=(1, 2, 4), attention_resolutions=(16,), groups=16, in_channels=1),
}


def sinusoidal(t, dim, max_period=10000.0):
    """[cos(t f), sin(t f)] with f_i = exp(-ln(max_period) i / half); a zero column when dim is odd."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


def zeroed(module):
    for p in module.parameters():
        nn.init.zeros_(p)
    return module


class ResBlock(nn.Module):
    def __init__(self, ch, emb_ch, out_ch, dropout, scale_shift, groups):
        super().__init__()
        self.scale_shift = scale_shift
        self.in_layers = nn.Sequential(nn.GroupNorm(groups, ch), nn.SiLU(), nn.Conv2d(ch, out_ch, 3, padding=1))
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb_ch, 2 * out_ch if scale_shift else out_ch))
        self.out_layers = nn.Sequential(nn.GroupNorm(groups, out_ch), nn.SiLU(), nn.Dropout(dropout),
                                        zeroed(nn.Conv2d(out_ch, out_ch, 3, padding=1)))
        self.skip_connection = nn.Identity() if ch == out_ch else nn.Conv2d(ch, out_ch, 1)

    def forward(self, x, emb):
        h = self.in_layers(x)
        e = self.emb_layers(emb).type(h.dtype)[..., None, None]
        if self.scale_shift:
            scale, shift = e.chunk(2, dim=1)
            h = self.out_layers[0](h) * (1 + scale) + shift
        else:
            h = self.out_layers[0](h + e)
        for layer in self.out_layers[1:]:
            h = layer(h)
        return self.skip_connection(x) + h


class AttentionBlock(nn.Module):
    """Legacy head split: (B, 3C, T) -> (B*heads, 3C/heads, T) -> q, k, v; q and k scaled by 1/sqrt(sqrt(ch))."""

    def __init__(self, ch, heads, groups):
        super().__init__()
        self.heads = heads
        self.norm = nn.GroupNorm(groups, ch)
        self.qkv = nn.Conv1d(ch, 3 * ch, 1)
        self.proj_out = zeroed(nn.Conv1d(ch, ch, 1))

    def forward(self, x):
        b, c = x.shape[:2]
        flat = x.reshape(b, c, -1)
        qkv = self.qkv(self.norm(flat))
        length = qkv.shape[2]
        ch = c // self.heads
        q, k, v = qkv.reshape(b * self.heads, 3 * ch, length).split(ch, dim=1)
        scale = 1 / math.sqrt(math.sqrt(ch))
        w = torch.einsum("bct,bcs->bts", q * scale, k * scale).softmax(dim=-1)
        a = torch.einsum("bts,bcs->bct", w, v)
        return (flat + self.proj_out(a.reshape(b, -1, length))).reshape(x.shape)


class Downsample(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.op = nn.Conv2d(ch, ch, 3, stride=2, padding=1)

    def forward(self, x):
        return self.op(x)


class Upsample(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        return self.conv(nn.functional.interpolate(x, scale_factor=2, mode="nearest"))


class TimestepSequential(nn.Sequential):
    def forward(self, x, emb):
        for layer in self:
            x = layer(x, emb) if isinstance(layer, ResBlock) else layer(x)
        return x


class AdmUNet(nn.Module):
    def __init__(self, in_channels=6, out_channels=1, model_channels=32, channel_mult=(1, 2, 4, 8),
                 num_res_blocks=2, attention_resolutions=(16, 8), num_heads=4, dropout=0.0,
                 scale_shift=True, groups=32):
        super().__init__()
        mc = model_channels
        self.model_channels = mc
        emb = 4 * mc
        self.time_embed = nn.Sequential(nn.Linear(mc, emb), nn.SiLU(), nn.Linear(emb, emb))

        def res(cin, cout):
            return ResBlock(cin, emb, cout, dropout, scale_shift, groups)

        ch = channel_mult[0] * mc
        self.input_blocks = nn.ModuleList([TimestepSequential(nn.Conv2d(in_channels, ch, 3, padding=1))])
        skips = [ch]
        ds = 1
        for level, mult in enumerate(channel_mult):
            for _ in range(num_res_blocks):
                layers = [res(ch, mult * mc)]
                ch = mult * mc
                if ds in attention_resolutions:
                    layers.append(AttentionBlock(ch, num_heads, groups))
                self.input_blocks.append(TimestepSequential(*layers))
                skips.append(ch)
            if level < len(channel_mult) - 1:
                self.input_blocks.append(TimestepSequential(Downsample(ch)))
                skips.append(ch)
                ds *= 2
        self.middle_block = TimestepSequential(res(ch, ch), AttentionBlock(ch, num_heads, groups), res(ch, ch))
        self.output_blocks = nn.ModuleList()
        for level, mult in list(enumerate(channel_mult))[::-1]:
            for i in range(num_res_blocks + 1):
                layers = [res(ch + skips.pop(), mult * mc)]
                ch = mult * mc
                if ds in attention_resolutions:
                    layers.append(AttentionBlock(ch, num_heads, groups))
                if level and i == num_res_blocks:
                    layers.append(Upsample(ch))
                    ds //= 2
                self.output_blocks.append(TimestepSequential(*layers))
        self.out = nn.Sequential(nn.GroupNorm(groups, ch), nn.SiLU(), zeroed(nn.Conv2d(ch, out_channels, 3, padding=1)))

    def forward(self, x, t):
        if t.dim() == 0:
            t = t.expand(x.shape[0])
        emb = self.time_embed(sinusoidal(t, self.model_channels))
        hs = []
        h = x
        for block in self.input_blocks:
            h = block(h, emb)
            hs.append(h)
        h = self.middle_block(h, emb)
        for block in self.output_blocks:
            h = block(torch.cat([h, hs.pop()], dim=1), emb)
        return self.out(h)


def from_preset(name):
    return AdmUNet(**PRESETS[name])


def load_state(net, path):
    """Loads a .pt state dict (torch.save) or a .safetensors file (read here without the safetensors package)."""
    if path.endswith(".safetensors"):
        import json
        import struct
        import numpy as np
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
            blob = f.read()
        state = {}
        for k, meta in header.items():
            if k == "__metadata__":
                continue
            assert meta["dtype"] == "F32", meta
            a, b = meta["data_offsets"]
            state[k] = torch.from_numpy(np.frombuffer(blob[a:b], dtype="<f4").copy()).reshape(meta["shape"])
    else:
        state = torch.load(path, map_location="cpu")
    state = {k.removeprefix("diffusion_model.").removeprefix("module."): v for k, v in state.items()}
    net.load_state_dict(state, strict=True)


def _check(golden):
    """Names/shapes/order against manifest.json's unet_architecture and output against unet_forward."""
    import json
    import os
    import numpy as np
    manifest = json.load(open(os.path.join(golden, "manifest.json")))
    for case in manifest["cases"]:
        if case["kind"] == "unet_architecture":
            net = from_preset(case["name"])
            got = [(k, list(v.shape)) for k, v in net.state_dict().items()]
            want = [(k, list(v)) for k, v in case["state_dict_shapes"].items()]
            n = sum(p.numel() for p in net.parameters())
            assert got == want, f"{case['name']}: state dict differs"
            assert n == case["parameters"], (n, case["parameters"])
            print(f"{case['name']}: {len(got)} tensors, {n} parameters, names/shapes/order equal")
        elif case["kind"] == "unet_forward":
            c = case["config"]
            net = AdmUNet(c["in_channels"], c["out_channels"], c["model_channels"], tuple(c["channel_mult"]),
                          c["num_res_blocks"], tuple(c["attention_resolutions"]), c["num_heads"], c["dropout"],
                          c["use_scale_shift_norm"], c["group_norm_groups"]).eval()
            load_state(net, os.path.join(golden, case["state_dict"]))
            base = os.path.join(golden, case["state_dict"])[:-3]
            x = torch.from_numpy(np.load(base + "_x.npy"))
            t = torch.from_numpy(np.load(base + "_t.npy"))
            y = np.load(base + "_y.npy")
            with torch.no_grad():
                out = net(x, t).numpy()
            err = np.abs(out - y).max() / np.abs(y).max()
            print(f"{case['name']}: forward max |diff| / max |y| = {err:.2e}")
            assert err < 1e-4


if __name__ == "__main__":
    import sys
    _check(sys.argv[sys.argv.index("--check") + 1] if "--check" in sys.argv else "tests/TestData/golden")
