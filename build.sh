#!/usr/bin/env bash
# Seismic.I2sb build entry point.
#   ./build.sh quickstart   set up, build Release and run the end-to-end quickstart
#   ./build.sh test         set up, build Release and run every test project
#   ./build.sh build|doctor|publish [cpu|cuda] [dir]|pack|bench-smoke
#   ./build.sh mpi-setup    install Open MPI (openmpi-bin) for the distributed tests, if missing (root; the only OS change)
set -euo pipefail
cd "$(dirname "$0")"

CONFIG=Release

# Nothing here changes the operating system, except `mpi-setup` when asked for. TorchSharp 0.107's and LightningDB's native libraries ask for newer
# libstdc++/glibc symbol versions than Debian 12 and Ubuntu 22.04 have, for symbols they do not need: the build
# relaxes those requirements in the project's own output folders (build/native-compat), and `seismic-i2sb doctor`
# reports what was loaded.
build() {
  dotnet build Seismic.I2sb.sln -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly
}

# Open MPI for the 2-rank tests (tests/Seismic.Training.Tests/Distributed): mpirun and libmpi.so.40, a Debian package.
# Idempotent; as a non-root user it prints the command instead (those tests are then skipped, with the reason).
mpi_setup() {
  if command -v mpirun > /dev/null && ldconfig -p | grep 'libmpi\.so\.40' > /dev/null; then
    echo "Open MPI present: $(mpirun --version 2>/dev/null | head -1)"; return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "Open MPI is missing; install it as root: apt-get install -y openmpi-bin" >&2; return 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openmpi-bin > /dev/null
  echo "installed: $(mpirun --version 2>/dev/null | head -1)"
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
  mpi-setup)   mpi_setup ;;
  bench-smoke) dotnet run -c "$CONFIG" --project benchmarks/Seismic.Benchmarks -- --filter '*' --job Dry --inProcess --artifacts /tmp/seismic-bdn-artifacts ;;
  *) echo "usage: ./build.sh quickstart|test|build|doctor|publish|pack|bench-smoke|mpi-setup" >&2; exit 2 ;;
esac
