#!/usr/bin/env bash
# Records the libraries' current public API in their PublicAPI.Unshipped.txt files (docs/api.md): run it after an
# intended change of a public symbol, then review the diff of the PublicAPI files with the change itself. It builds each
# library and applies what the analyzer reports, symbol by symbol: RS0016 (public, not recorded) adds the line,
# RS0017 (recorded, no longer public) deletes it.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  unshipped="$(dirname "$project")/PublicAPI.Unshipped.txt"
  report="$(dotnet build "$project" -c Release -nologo -v quiet 2>&1 || true)"
  removed="$(sed -n "s/.*error RS0017: Symbol '\(.*\)' is part of the declared API.*/\1/p" <<<"$report" | sort -u)"
  added="$(sed -n "s/.*error RS0016: Symbol '\(.*\)' is not part of the declared public API.*/\1/p" <<<"$report" | sort -u)"
  [ -z "$removed$added" ] && continue
  { echo "#nullable enable"
    { grep -vxF -e '#nullable enable' "$unshipped" | { [ -n "$removed" ] && grep -vxF -f <(printf '%s\n' "$removed") || cat; }
      [ -n "$added" ] && printf '%s\n' "$added"; } | LC_ALL=C sort -u
  } > "$unshipped.tmp"
  mv "$unshipped.tmp" "$unshipped"
  echo "$unshipped: +$(grep -c . <<<"$added" || true) -$(grep -c . <<<"$removed" || true)"
done
