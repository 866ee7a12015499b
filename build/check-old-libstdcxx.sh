#!/usr/bin/env bash
# Runs the CLI with Debian 12's own libstdc++ (6.0.30) forced through LD_LIBRARY_PATH, even on a machine whose system
# copy is newer, and checks that this old library is the one the process mapped and that libtorch and LMDB loaded
# (`seismic-i2sb doctor` reports both). Proves the build's native-compat step without trusting the machine's state.
# Usage: build/check-old-libstdcxx.sh <folder with a published seismic-i2sb>
set -euo pipefail
cli="$(cd "${1:?usage: $0 <published CLI folder>}" && pwd)"
if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
  echo "old-libstdc++ check: skipped (needs apt-get and dpkg)"; exit 0
fi
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
# bookworm's libstdc++6 (12.2.0): by release name when a newer candidate exists, else the default candidate.
apt-get download -q libstdc++6/bookworm >/dev/null 2>&1 || apt-get download -q libstdc++6 >/dev/null 2>&1 \
  || { apt-get update -qq >/dev/null 2>&1 && apt-get download -q libstdc++6/bookworm >/dev/null; }
dpkg -x libstdc++6_*.deb root
lib="$work/root/usr/lib/x86_64-linux-gnu"
[ -e "$lib/libstdc++.so.6.0.30" ] || { echo "old-libstdc++ check: the downloaded package is not libstdc++ 6.0.30"; ls "$lib"; exit 1; }
out="$(LD_LIBRARY_PATH="$lib" "$cli/seismic-i2sb" doctor 2>&1)" || { echo "$out"; echo "old-libstdc++ check: doctor failed"; exit 1; }
echo "$out" | grep -E '^(glibc|libtorch|libstdc\+\+|LMDB) '
echo "$out" | grep -qE "^libstdc\+\+ +$lib/libstdc\+\+\.so\.6\.0\.30 " \
  || { echo "old-libstdc++ check: the process did not map $lib/libstdc++.so.6.0.30"; exit 1; }
echo "$out" | grep -qE '^LMDB +works' || { echo "old-libstdc++ check: LMDB did not load"; exit 1; }
echo "old-libstdc++ check: passed (TorchSharp and LMDB loaded with Debian 12's libstdc++ 6.0.30)"
