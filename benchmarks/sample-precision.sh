#!/usr/bin/env bash
# Sampling throughput, fp32 against bf16 (docs/benchmarks.md, "Mixed precision"): `seismic-i2sb evaluate` of one
# unet_ch32 checkpoint at 64 x 64 on 16 validation samples, NFE 10, batch 16, alternated ROUNDS times in fresh
# processes; samples per second from report.json's wall-clock seconds of the evaluation (start-up excluded).
# Usage: [ROUNDS=3] [NFE=10] benchmarks/sample-precision.sh [data-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS=${ROUNDS:-3}; NFE=${NFE:-10}
data="${1:-/tmp/seismic-train-vs-reference/FlatVel_A}"
cli="$root/samples/Seismic.I2sb.Cli/bin/Release/net10.0/seismic-i2sb.dll"
dotnet build "$root/samples/Seismic.I2sb.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
[ -f "$data/manifest.json" ] || dotnet "$cli" synthesize --family FlatVel_A --train 64 --val 16 --out "$data" >/dev/null
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
dotnet "$cli" train --dataset-dir "$data" --dataset-name FlatVel_A --result-dir "$work" --name ckpt --model unet_ch32 \
    --image-size 64 --batch-size 16 --microbatch 16 --num-itr 2 --val-batches 0 >/dev/null
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1) (family $(lscpu | sed -n 's/^CPU family: *//p'), model $(lscpu | sed -n 's/^Model: *//p')), $(nproc) cores"
for round in $(seq "$ROUNDS"); do
  for precision in fp32 bf16; do
    out="$work/eval-$precision-$round"
    dotnet "$cli" evaluate --ckpt "$work/ckpt/latest.ckpt" --dataset-dir "$data" --nfe "$NFE" --batch-size 16 --max-samples 16 \
        --figures 0 --precision "$precision" --out-dir "$out" >/dev/null
    /usr/bin/python3 -c "
import json
r = json.load(open('$out/report.json'))
print('round $round $precision: %.2f samples/s (%d samples, NFE $NFE, %.1f s), MAE %.4f, load %s' % (r['samples'] / r['seconds'], r['samples'], r['seconds'], r['prediction']['mae'], open('/proc/loadavg').read().split()[0]))"
  done
done
