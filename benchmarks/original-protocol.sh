#!/usr/bin/env bash
# Migration check (docs/migration.md): the Python original's own train.py and record_openfwi_metrics.py against
# `seismic-i2sb evaluate --result-dir R --name N --ckpt F --protocol original` on one synthesized set, for the
# deterministic blur-openfwi_benchmark and the run's random blur-openfwi_custom (NumPy's stream). Prints both
# triples (MAE, MSE, SSIM) and the largest difference; they must agree to 1e-4.
# Needs Debian's python3-torch, -scipy, -rich, -lmdb, -opencv, -ipdb, -torchvision, -tqdm, -easydict; a tree of the
# original at commit 153420f (git archive), the folder of the original's runner tools (reference_train.py and
# reference_metrics.py), and MIRRORS set as those tools need (a git copy of fadel/pytorch_ema).
# Usage: MIRRORS=... benchmarks/original-protocol.sh SEED_TREE TOOLS_DIR [work-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seed_tree="$1"; tools="$2"; work="${3:-/tmp/seismic-original-protocol}"
ITR=${ITR:-30}; NFE=${NFE:-10}; BATCH=${BATCH:-5}
cli="$root/samples/Seismic.I2sb.Cli/bin/Release/net10.0/seismic-i2sb.dll"
dotnet build "$root/samples/Seismic.I2sb.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
mkdir -p "$work"
[ -f "$work/data/manifest.json" ] || dotnet "$cli" synthesize --family FlatVel_A --train 32 --val 12 --per-file 8 --seed 3 --out "$work/data" >/dev/null
# The original trains (unet_ch32 at 64 x 64, seed 7) and saves final.pt (net and EMA at the last iteration).
[ -f "$work/run/ref/checkpoints/final.pt" ] || REF_TRAIN_ONLY=1 /usr/bin/python3 "$tools/reference_train.py" "$seed_tree" "$work/data" "$work/run" "$ITR" \
    --image-size 64 --batch-size 4 --microbatch 2 --corrupt blur-openfwi_custom --seed 7 --gpu 0 > "$work/train.log" 2>&1
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
for corrupt in blur-openfwi_benchmark blur-openfwi_custom; do
  ref=$(/usr/bin/python3 "$tools/reference_metrics.py" "$seed_tree" "$work/run" ref final.pt "$NFE" "$BATCH" --corrupt "$corrupt" 2>/dev/null | tail -1)
  dotnet "$cli" evaluate --result-dir "$work/run" --name ref --ckpt final.pt --nfe "$NFE" --batch-size "$BATCH" --protocol original \
      --corrupt "$corrupt" --dataset-dir "$work/data" --out-dir "$work/ours-$corrupt" --figures 0 --gpu cpu > /dev/null
  /usr/bin/python3 - "$ref" "$work/ours-$corrupt/report.json" "$corrupt" <<'PY'
import json, sys
ref, ours = json.loads(sys.argv[1]), json.load(open(sys.argv[2]))['prediction']
worst = max(abs(ref[k] - ours[k]) for k in ('mae', 'mse', 'ssim'))
print(f"{sys.argv[3]}: original mae {ref['mae']:.8f} mse {ref['mse']:.8f} ssim {ref['ssim']:.8f} | "
      f"ours mae {ours['mae']:.8f} mse {ours['mse']:.8f} ssim {ours['ssim']:.8f} | max diff {worst:.2e} {'OK' if worst <= 1e-4 else 'FAIL'}")
PY
done
