#!/usr/bin/env bash
# Records the libraries' current public API in their PublicAPI.Unshipped.txt files (docs/api.md): run it after an
# intended change of a public symbol, then review the diff of the PublicAPI files with the change itself.
# New symbols are added by the analyzers' own code fix; symbols that no longer exist (RS0017) are deleted here.
set -euo pipefail
cd "$(dirname "$0")/.."
for project in src/*/*.csproj; do
  dotnet build "$project" -c Release -nologo -v quiet 2>&1 \
    | sed -n "s/^\(.*PublicAPI\.[A-Za-z]*\.txt\)([0-9]*,[0-9]*): error RS0017: Symbol '\(.*\)' is part of the declared API.*/\1\t\2/p" \
    | sort -u | while IFS=$'\t' read -r file symbol; do
        grep -vxF -- "$symbol" "$file" > "$file.tmp" || true
        mv "$file.tmp" "$file"
      done
  dotnet format analyzers "$project" --diagnostics RS0016 RS0037 --severity warn -v q
done
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt' || true
