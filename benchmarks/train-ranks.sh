#!/usr/bin/env bash
# Data-parallel training on one machine (docs/benchmarks.md, docs/training.md "Several processes and machines"):
# `seismic-i2sb train` as 1 process x 2 libtorch threads versus `mpirun -np 2` x 1 thread each, same flags and data,
# alternated. Seconds per iteration from the wall-clock times of rank 0's "itr k/N" lines (2..N); the 2-rank lines also
# carry the mean time per iteration spent in the gradient all-reduce and waiting for the slowest rank before it.
# Usage: [N=6] [ROUNDS=2] [MODELS="unet_ch32 unet_ch64"] benchmarks/train-ranks.sh [data-dir]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
N=${N:-6}; ROUNDS=${ROUNDS:-2}; MODELS=${MODELS:-"unet_ch32 unet_ch64"}
data="${1:-/tmp/seismic-train-vs-reference/FlatVel_A}"
cli="$root/samples/Seismic.I2sb.Cli/bin/Release/net10.0/seismic-i2sb.dll"
command -v mpirun >/dev/null || { echo "mpirun missing: ./build.sh mpi-setup" >&2; exit 2; }
dotnet build "$root/samples/Seismic.I2sb.Cli" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
[ -f "$data/manifest.json" ] || dotnet "$cli" synthesize --family FlatVel_A --train 64 --val 16 --out "$data" >/dev/null
runs="$(mktemp -d)"; trap 'rm -rf "$runs"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
for round in $(seq "$ROUNDS"); do
  for model in $MODELS; do
    for ranks in 1 2; do
      if [ "$ranks" = 1 ]; then launch=(dotnet "$cli"); else launch=(mpirun --allow-run-as-root --oversubscribe -np 2 dotnet "$cli"); fi
      "${launch[@]}" train --dataset-dir "$data" --dataset-name FlatVel_A --result-dir "$runs" --name "$model-$ranks-$round" \
          --model "$model" --image-size 64 --batch-size 16 --microbatch 8 --corrupt blur-openfwi_benchmark --lr 5e-4 \
          --num-itr "$N" --log-every 1 --val-every 100000 --save-every 100000 --val-batches 0 2>&1 \
        | while IFS= read -r line; do case "$line" in *itr\ *) echo "$(date +%s.%N) $line" ;; esac; done \
        | /usr/bin/python3 -c "
import sys, re
lines = [l for l in sys.stdin]
t = [float(l.split()[0]) for l in lines]
m = re.search(r'all-reduce ([0-9.]+) ms/itr \(waiting for the slowest rank ([0-9.]+) ms', lines[-1])
reduce = ', gradient all-reduce %s ms/iteration, waiting for the slowest rank %s ms/iteration' % m.groups() if m else ''
print('round $round $model, $ranks process(es): %.2f s/iteration (iterations 2..%d)%s, load %s' % ((t[-1] - t[0]) / (len(t) - 1), len(t), reduce, open('/proc/loadavg').read().split()[0]), flush=True)"
    done
  done
done
