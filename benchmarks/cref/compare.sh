#!/usr/bin/env bash
# Compares the .NET propagator's kernel with a plain C loop of the same stencil (stencil.c) on this machine.
# The .NET runner calls the C loop through P/Invoke and alternates the two in one process, best of N rounds each.
# Usage: benchmarks/cref/compare.sh [rounds=5] [threads=2]   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-5}"; threads="${2:-2}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet build "$here/DotnetLoop/DotnetLoop.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$out/dotnet" >"$out/build.log" || { cat "$out/build.log"; exit 1; }
gcc -O3 -march=native -ffast-math -DSTENCIL_LIB -shared -fPIC "$here/stencil.c" -o "$out/dotnet/libstencil.so" -lm
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; gcc $(gcc -dumpfullversion); $(dotnet --version | sed 's/^/.NET SDK /')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet "$out/dotnet/DotnetLoop.dll" "$rounds" "$threads"
