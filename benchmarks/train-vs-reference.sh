#!/usr/bin/env bash
# Whole training iterations: `seismic-i2sb train` versus the reference's training loop in PyTorch
# (benchmarks/reference/train_loop.py), same flags and data, alternated in one invocation (docs/benchmarks.md).
# Needs Debian's python3-torch. Seconds per iteration come from the wall-clock times of the "itr k/N" lines (2..N).
# Usage: [N=6] [ROUNDS=3] [VARIANTS="ref new"] [OLD_CLI=path/to/older/seismic-i2sb.dll] benchmarks/train-vs-reference.sh [data-dir]
# (VARIANTS may include "bf16", this library with --precision bf16, and "old" / "old-bf16" to time OLD_CLI as well.)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
N=${N:-6}; ROUNDS=${ROUNDS:-3}; VARIANTS=${VARIANTS:-"ref new"}
data="${1:-/tmp/seismic-train-vs-reference/FlatVel_A}"
cli="$root/samples/Seismic.I2sb.Cli/bin/Release/net10.0/seismic-i2sb.dll"
dotnet build "$root/samples/Seismic.I2sb.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
[ -f "$data/manifest.json" ] || dotnet "$cli" synthesize --family FlatVel_A --train 64 --val 16 --out "$data" >/dev/null
runs="$(mktemp -d)"; trap 'rm -rf "$runs"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; python $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)')"
for round in $(seq "$ROUNDS"); do
  for v in $VARIANTS; do
    extra=()
    case $v in
      ref) cmd=(/usr/bin/python3 "$root/benchmarks/reference/train_loop.py") ;;
      new) cmd=(dotnet "$cli") ;;
      bf16) cmd=(dotnet "$cli"); extra=(--precision bf16) ;;
      old) cmd=(dotnet "${OLD_CLI:?set OLD_CLI for the old variant}") ;;
      old-bf16) cmd=(dotnet "${OLD_CLI:?set OLD_CLI for the old-bf16 variant}"); extra=(--precision bf16) ;;
      *) echo "unknown variant $v" >&2; exit 2 ;;
    esac
    "${cmd[@]}" train --dataset-dir "$data" --dataset-name FlatVel_A --result-dir "$runs" --name "$v-$round" \
        --model unet_ch32 --image-size 64 --batch-size 16 --microbatch 16 --corrupt blur-openfwi_benchmark --lr 5e-4 \
        --num-itr "$N" --log-every 1 --val-every 100000 --save-every 100000 "${extra[@]}" 2>&1 \
      | while IFS= read -r line; do case "$line" in itr*) echo "$(date +%s.%N) $line" ;; esac; done \
      | /usr/bin/python3 -c "
import sys
t = [float(l.split()[0]) for l in sys.stdin]
print('round $round $v: %.2f s/iteration (iterations 2..%d), load %s' % ((t[-1] - t[0]) / (len(t) - 1), len(t), open('/proc/loadavg').read().split()[0]), flush=True)"
  done
done
