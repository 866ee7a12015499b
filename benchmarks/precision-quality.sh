#!/usr/bin/env bash
# Quality of bf16 training against fp32 training (docs/benchmarks.md, "Mixed precision"): for each family, freshly
# synthesised data, unet_ch32, SEEDS seeds x {fp32, bf16}, ITERS iterations, then `evaluate` at NFE 1 in fp32 on the
# validation split. Prints one line per run and, per family and precision, the mean and spread (min..max) of MAE and SSIM.
# Usage: [FAMILIES="FlatVel_A CurveVel_A"] [SEEDS="1 2 3"] [ITERS=300] [SIZE=32] [TRAIN=256] [VAL=48] benchmarks/precision-quality.sh [work-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
FAMILIES=${FAMILIES:-"FlatVel_A CurveVel_A"}; SEEDS=${SEEDS:-"1 2 3"}; ITERS=${ITERS:-300}; SIZE=${SIZE:-32}
TRAIN=${TRAIN:-256}; VAL=${VAL:-48}
work="${1:-/tmp/seismic-precision-quality}"
cli="$root/samples/Seismic.I2sb.Cli/bin/Release/net10.0/seismic-i2sb.dll"
dotnet build "$root/samples/Seismic.I2sb.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1) (family $(lscpu | sed -n 's/^CPU family: *//p'), model $(lscpu | sed -n 's/^Model: *//p')), $(nproc) cores; bf16 flags: $(grep -o 'avx512_bf16\|amx_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')"
mkdir -p "$work"
results="$work/results.tsv"
: > "$results"
for family in $FAMILIES; do
  data="$work/data/$family"
  [ -f "$data/manifest.json" ] || dotnet "$cli" synthesize --family "$family" --train "$TRAIN" --val "$VAL" --seed 11 --out "$data" >/dev/null
  for seed in $SEEDS; do
    for precision in fp32 bf16; do
      name="$family-$precision-$seed"
      start=$(date +%s)
      dotnet "$cli" train --dataset-dir "$data" --dataset-name "$family" --result-dir "$work/runs" --name "$name" --overwrite \
          --model unet_ch32 --image-size "$SIZE" --batch-size 16 --microbatch 16 --lr 5e-4 --seed "$seed" \
          --num-itr "$ITERS" --log-every 100 --val-every 1000000 --save-every 1000000 --val-batches 0 --precision "$precision" >/dev/null
      took=$(( $(date +%s) - start ))
      line=$(dotnet "$cli" evaluate --ckpt "$work/runs/$name/latest.ckpt" --dataset-dir "$data" --nfe 1 --batch-size 16 \
          --seed 0 --figures 0 --out-dir "$work/eval/$name" | grep -m1 'prediction MAE')
      mae=$(sed -n 's/.*prediction MAE \([0-9.]*\).*/\1/p' <<<"$line"); ssim=$(sed -n 's/.*prediction MAE [^;]* SSIM \([0-9.]*\).*/\1/p' <<<"$line")
      printf '%s\t%s\t%s\t%s\t%s\n' "$family" "$precision" "$seed" "$mae" "$ssim" >> "$results"
      echo "$family $precision seed $seed: MAE $mae SSIM $ssim (training $took s, load $(cut -d' ' -f1 /proc/loadavg))"
    done
  done
done
/usr/bin/python3 - "$results" <<'PY'
import sys, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    family, precision, seed, mae, ssim = line.split()
    rows[(family, precision)].append((float(mae), float(ssim)))
for (family, precision), v in sorted(rows.items()):
    mae = [m for m, _ in v]; ssim = [s for _, s in v]
    print(f"{family} {precision}: MAE mean {sum(mae)/len(mae):.4f} ({min(mae):.4f}..{max(mae):.4f}), "
          f"SSIM mean {sum(ssim)/len(ssim):.4f} ({min(ssim):.4f}..{max(ssim):.4f}), {len(v)} seeds")
PY
