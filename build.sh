#!/usr/bin/env bash
# Seismic.I2sb build entry point.
#   ./build.sh quickstart   set up, build Release and run the end-to-end quickstart
#   ./build.sh test         set up, build Release and run every test project
#   ./build.sh build|doctor|publish [cpu|cuda] [dir]|pack|bench-smoke
set -euo pipefail
cd "$(dirname "$0")"

CONFIG=Release

# Nothing here changes the operating system. TorchSharp 0.107's and LightningDB's native libraries ask for newer
# libstdc++/glibc symbol versions than Debian 12 and Ubuntu 22.04 have, for symbols they do not need: the build
# relaxes those requirements in the project's own output folders (build/native-compat), and `seismic-i2sb doctor`
# reports what was loaded.
build() {
  dotnet build Seismic.I2sb.sln -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly
}

run_tests() {
  local log; log=$(mktemp)
  local status=0
  dotnet test Seismic.I2sb.sln -c "$CONFIG" --no-build -nologo -m:1 2>&1 | tee "$log" || status=$?
  # One plain summary line over all test assemblies, e.g. "Passed!  - Failed: 0, Passed: 5, ..."
  awk '/(Passed|Failed)! +- Failed: /{
         for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1) + 0; if ($i == "Passed:") p += $(i+1) + 0 }
       } END { printf "%d passed, %d failed\n", p, f }' "$log" > "$log.sum"
  cat "$log.sum"
  if [ "$status" -eq 0 ] && ! grep -q ' passed, 0 failed' "$log.sum"; then status=1; fi
  rm -f "$log" "$log.sum"
  return "$status"
}

cmd=${1:-help}
case "$cmd" in
  build)       build ;;
  test)        build; run_tests ;;
  doctor)      build; dotnet samples/Seismic.I2sb.Cli/bin/$CONFIG/net10.0/seismic-i2sb.dll doctor ;;
  quickstart)  build; shift || true
               dotnet samples/Seismic.I2sb.Cli/bin/$CONFIG/net10.0/seismic-i2sb.dll quickstart "$@" ;;
  publish)     # ./build.sh publish [cpu|cuda] [out-dir]: the CLI as a self-contained linux-x64 folder (the Dockerfile uses this)
               backend=${2:-cpu}; out=${3:-artifacts/seismic-i2sb-$backend}
               dotnet publish samples/Seismic.I2sb.Cli -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly -r linux-x64 --self-contained \
                 -p:TorchBackend="$backend" -p:SeismicNativeCompat=always -o "$out"
               echo "published $out/seismic-i2sb" ;;
  pack)        dotnet pack Seismic.I2sb.sln -c "$CONFIG" -nologo -o artifacts/packages ;;
  bench-smoke) dotnet run -c "$CONFIG" --project benchmarks/Seismic.Benchmarks -- --filter '*' --job Dry --inProcess --artifacts /tmp/seismic-bdn-artifacts ;;
  *) echo "usage: ./build.sh quickstart|test|build|doctor|publish|pack|bench-smoke" >&2; exit 2 ;;
esac
