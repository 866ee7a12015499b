#!/usr/bin/python3
"""Prints the Markdown table of docs/refinement.md from refine-families.sh's reports: WORK_DIR/refine/<key>/<config>/report.json.
Standard library only. 70 x 70 metrics; MAE in m/s; data misfit = relative L2 of the forward-modelled data."""
import json, os, sys

work = sys.argv[1]
configs = [("n5", "bridge + FWI, N = 5"), ("n10", "bridge + FWI, N = 10"), ("n20", "bridge + FWI, N = 20"),
           ("x1-n10", "FWI from x1, N = 10"), ("snr20-n10", "20 dB noise: bridge + FWI, N = 10"),
           ("snr10-n10", "10 dB noise: bridge + FWI, N = 10")]
print("| family | run | samples | x1 MAE / SSIM / misfit | bridge MAE / SSIM / misfit | refined MAE / SSIM / misfit | MAE change | s per sample |")
print("|---|---|---|---|---|---|---|---|")
for key in sorted(os.listdir(os.path.join(work, "refine"))):
    for name, label in configs:
        path = os.path.join(work, "refine", key, name, "report.json")
        if not os.path.exists(path):
            continue
        r = json.load(open(path))
        x, p, f = r["input_native"], r["prediction_native"], r["refined_native"]
        def cell(m): return f"{m['mae_meters_per_second']:.1f} / {m['ssim']:.4f} / {m['data_misfit']:.4f}"
        start = x if name.startswith("x1") else p
        change = (f["mae"] - start["mae"]) / start["mae"] * 100
        print(f"| {r['dataset']} | {label} | {r['samples']} | {cell(x)} | {cell(p)} | {cell(f)} | {change:+.1f} % | {r['seconds'] / r['samples']:.1f} |")
