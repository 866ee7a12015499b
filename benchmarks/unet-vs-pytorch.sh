#!/usr/bin/env bash
# ADM U-Net forward and training step (forward, MSE, backward, AdamW): TorchSharp (this library's AdmUNet) versus the
# same architecture in PyTorch (benchmarks/reference/adm_unet.py), alternating A B A B in one invocation with the same
# weights, inputs, batch and thread count. Needs Debian's python3-torch (apt-get install -y python3-torch).
# Usage: benchmarks/unet-vs-pytorch.sh [extra side_by_side.py options, e.g. --rounds 8 --iters 3 --presets unet_ch32]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dotnet build "$root/benchmarks/Seismic.Benchmarks" -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dll="$root/benchmarks/Seismic.Benchmarks/bin/Release/net10.0/Seismic.Benchmarks.dll"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; $(dotnet --version | sed 's/^/.NET SDK /'); python $(/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)')"
/usr/bin/python3 "$root/benchmarks/reference/adm_unet.py" --check "$root/tests/TestData/golden"
exec /usr/bin/python3 "$root/benchmarks/reference/side_by_side.py" --dotnet-dll "$dll" "$@"
