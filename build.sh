#!/usr/bin/env bash
# Seismic.I2sb build entry point.
#   ./build.sh quickstart   set up, build Release and run the end-to-end quickstart
#   ./build.sh test         set up, build Release and run every test project
#   ./build.sh build|pack|bench-smoke|setup
set -euo pipefail
cd "$(dirname "$0")"

CONFIG=Release
LIBSTDCXX=/lib/x86_64-linux-gnu/libstdc++.so.6

# TorchSharp 0.107.0's native library needs libstdc++ with GLIBCXX_3.4.32 (Debian 12 ships 3.4.30).
has_glibcxx() {
  [ -e "$LIBSTDCXX" ] && grep -qa 'GLIBCXX_3\.4\.32' "$LIBSTDCXX"
}

ensure_native() {
  if has_glibcxx; then return 0; fi
  local debian12=0
  grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release && debian12=1
  if [ "$debian12" = 1 ] && [ "$(id -u)" = 0 ]; then
    echo "setup: libstdc++ lacks GLIBCXX_3.4.32 (needed by TorchSharp); installing it from Debian trixie (pinned low)..."
    local mirror
    mirror=$(grep -hoE '^URIs: *[^ ]+/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')
    mirror=${mirror:-http://deb.debian.org/debian}
    cat > /etc/apt/sources.list.d/trixie.sources <<SRC
Types: deb
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    cat > /etc/apt/preferences.d/trixie-pin <<PIN
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie libstdc++6 >/dev/null
    has_glibcxx || { echo "setup: installing libstdc++6 from trixie did not provide GLIBCXX_3.4.32" >&2; exit 1; }
    echo "setup: libstdc++ now provides GLIBCXX_3.4.32"
  else
    cat >&2 <<MSG
setup: TorchSharp needs libstdc++ with GLIBCXX_3.4.32, which this system lacks.
  On Debian 12, as root: add a 'trixie' apt source pinned at priority 100
  (see docs/getting-started.md), then: apt-get update && apt-get install -y -t trixie libstdc++6
  Ubuntu 24.04+, Debian 13+ and Fedora 39+ already have it.
MSG
    exit 1
  fi
}

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
  setup)       ensure_native ;;
  build)       ensure_native; build ;;
  test)        ensure_native; build; run_tests ;;
  quickstart)  ensure_native; build; shift || true
               dotnet samples/Seismic.I2sb.Cli/bin/$CONFIG/net10.0/seismic-i2sb.dll quickstart "$@" ;;
  pack)        dotnet pack Seismic.I2sb.sln -c "$CONFIG" -nologo -o artifacts/packages ;;
  bench-smoke) ensure_native; dotnet run -c "$CONFIG" --project benchmarks/Seismic.Benchmarks -- --filter '*' --job Dry --inProcess --artifacts /tmp/seismic-bdn-artifacts ;;
  *) echo "usage: ./build.sh quickstart|test|build|pack|bench-smoke|setup" >&2; exit 2 ;;
esac
