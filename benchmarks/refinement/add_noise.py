#!/usr/bin/python3
"""Copies an OpenFWI-layout dataset's validation split with white Gaussian noise added to every shot gather at a given
SNR (dB, per shot: noise std = rms(shot) / 10^(snr/20)); the training split is linked, not copied. Used by
refine-families.sh to measure refinement on noisy data (exact-physics data flatter FWI). Needs only numpy."""
import os, sys, glob
import numpy as np

src, dst, snr = sys.argv[1], sys.argv[2], float(sys.argv[3])
rng = np.random.default_rng(int(snr * 1000) + 7)
os.makedirs(os.path.join(dst, "val", "data"), exist_ok=True)
if not os.path.exists(os.path.join(dst, "val", "model")):
    os.symlink(os.path.abspath(os.path.join(src, "val", "model")), os.path.join(dst, "val", "model"))
if not os.path.exists(os.path.join(dst, "train")):
    os.symlink(os.path.abspath(os.path.join(src, "train")), os.path.join(dst, "train"))
for path in sorted(glob.glob(os.path.join(src, "val", "data", "*.npy"))):
    d = np.load(path)                               # (N, shots, nt, receivers) float32
    rms = np.sqrt((d.astype(np.float64) ** 2).mean(axis=(2, 3), keepdims=True))
    noisy = d + rng.standard_normal(d.shape) * rms / 10 ** (snr / 20)
    np.save(os.path.join(dst, "val", "data", os.path.basename(path)), noisy.astype(np.float32))
print(f"{dst}: SNR {snr} dB")
