#!/usr/bin/env bash
# Forward modelling on this machine: the plain C loop of the same stencil (stencil.c) with and without FTZ/DAZ, beside
# what users run, AcousticPropagator.Forward and the CLI `forward`, on FlatVel_A, CurveFault_A and Style_A models.
# Every contender runs in its own process, so nothing changes another's floating-point mode (loading a library built
# with -ffast-math into the .NET process would turn FTZ/DAZ on for it). Rounds alternate the contenders, rotating the
# order, and the medians over the rounds are printed.
# Usage: benchmarks/cref/compare.sh [rounds=5] [threads=2]   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-5}"; threads="${2:-2}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
build() { dotnet build "$1" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$2" >"$out/build.log" || { cat "$out/build.log"; exit 1; }; }
build "$here/DotnetLoop/DotnetLoop.csproj" "$out/dotnet"
build "$root/samples/Seismic.I2sb.Cli/Seismic.I2sb.Cli.csproj" "$out/cli"
# One object file, linked twice: -ffast-math at link time adds crtfastmath.o, whose constructor sets FTZ/DAZ.
gcc -O3 -march=native -ffast-math -c "$here/stencil.c" -o "$out/stencil.o"
gcc "$out/stencil.o" -o "$out/stencil-noftz" -lm
gcc -ffast-math "$out/stencil.o" -o "$out/stencil-ftz" -lm
dotnet "$out/dotnet/DotnetLoop.dll" models "$out/models.npy"

echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1) (family $(lscpu | sed -n 's/^CPU family: *//p'), model $(lscpu | sed -n 's/^Model: *//p')), $(nproc) cores; gcc $(gcc -dumpfullversion); $(dotnet --version | sed 's/^/.NET SDK /')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
cli() { dotnet "$out/cli/seismic-i2sb.dll" forward --velocity "$out/models.npy" --out "$out/seismic.npy" --threads "$1" | sed -n "s/.*(\([0-9.]*\) s\/sample).*/cli-forward-${1}t \1/p"; }
contenders=(c-ftz c-noftz dotnet cli1 cliN)
for ((r = 0; r < rounds; r++)); do
  for ((k = 0; k < ${#contenders[@]}; k++)); do
    case "${contenders[$(((k + r) % ${#contenders[@]}))]}" in
      c-ftz) "$out/stencil-ftz" 1 "$out/c.bin" | sed -n 's/^C  : \([0-9.]*\) s.*MXCSR \(0x[0-9a-f]*\).*/c-loop-ftz \1 \2/p' ;;
      c-noftz) "$out/stencil-noftz" 1 | sed -n 's/^C  : \([0-9.]*\) s.*MXCSR \(0x[0-9a-f]*\).*/c-loop-noftz \1 \2/p' ;;
      dotnet) dotnet "$out/dotnet/DotnetLoop.dll" run "$threads" "$out/c.bin" ;; # c.bin: written by round 0's first contender
      cli1) cli 1 ;;
      cliN) cli "$threads" ;;
    esac
  done
done | tee "$out/rounds" | sed 's/^/  /'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians over $rounds rounds (seconds per OpenFWI sample: 5 shots x 1000 steps):"
awk '$2 ~ /^[0-9.]+$/ { v[$1] = v[$1] " " $2 } END { for (k in v) print k, v[k] }' "$out/rounds" | sort | while read -r key vals; do
  printf '  %-22s %s\n' "$key" "$(tr ' ' '\n' <<<"$vals" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')"
done
