#!/usr/bin/env bash
# Measures full-waveform refinement (docs/refinement.md): for each family, a small bridge trained on data the
# validation split never saw, evaluated at NFE 1 alone, refined from its prediction with N = 5, 10, 20 iterations,
# FWI from x1 with 10, and with 20 dB and 10 dB noise on the observed data (10 iterations from the prediction).
#   benchmarks/refinement/refine-families.sh WORK_DIR [FAMILY...]   (WORK_DIR/data/<key>, WORK_DIR/runs/<key>/latest.ckpt)
# Train the models first with the quickstart's recipe (see docs/refinement.md). Needs /usr/bin/python3 with numpy for the
# noisy copies. Results: WORK_DIR/refine/<key>/<config>/report.json and a summary line per config.
set -euo pipefail
WORK=${1:?work dir}; shift
CLI=${CLI:-"dotnet $(cd "$(dirname "$0")/../.." && pwd)/samples/Seismic.I2sb.Cli/bin/Release/net10.0/seismic-i2sb.dll"}
SAMPLES=${SAMPLES:-8}
HERE=$(cd "$(dirname "$0")" && pwd)
for fam in "${@:-FlatVel_A CurveFault_A Style_A}"; do
  key=$(echo "$fam" | tr 'A-Z_' 'a-z-')
  ckpt=$WORK/runs/$key/latest.ckpt
  out=$WORK/refine/$key
  run() { local name=$1; shift; echo "== $fam $name"; $CLI evaluate --ckpt "$ckpt" --gpu cpu --nfe 1 --max-samples "$SAMPLES" --figures 2 --out-dir "$out/$name" "$@" | tail -3; }
  run n5 --refine 5
  run n10 --refine 10
  run n20 --refine 20
  run x1-n10 --refine 10 --refine-from x1
  for snr in 20 10; do
    /usr/bin/python3 "$HERE/add_noise.py" "$WORK/data/$key" "$WORK/data/$key-snr$snr" "$snr"
    run snr$snr-n10 --refine 10 --dataset-dir "$WORK/data/$key-snr$snr"
  done
done
