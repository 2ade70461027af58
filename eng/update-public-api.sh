#!/usr/bin/env bash
# Adds every new public symbol of the given library projects to their PublicAPI.Unshipped.txt
# (the RS0016 code fix), and removes entries for symbols that no longer exist (RS0017).
# Usage: eng/update-public-api.sh src/BlindAI.Protocol [src/BlindAI.Client ...]
set -euo pipefail
cd "$(dirname "$0")/.."
for dir in "$@"; do
  proj=$(ls "$dir"/*.csproj)
  dotnet format analyzers "$proj" --diagnostics RS0016 RS0017 RS0037 --severity info
  # Keep the file sorted after its '#nullable enable' header so diffs stay small.
  f="$dir/PublicAPI.Unshipped.txt"
  { head -n 1 "$f"; tail -n +2 "$f" | LC_ALL=C sort -u; } > "$f.tmp" && mv "$f.tmp" "$f"
done
