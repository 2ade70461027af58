#!/usr/bin/env bash
# Packs every shipped project under src/ into one folder (Release, warnings are errors, package validation on) and
# checks that each .nupkg carries what adopters expect: the README, the icon, release notes and a prerelease version.
# Usage: eng/package/pack-all.sh [OUTPUT_DIR]   (default: artifacts/packages)
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-artifacts/packages}"
mkdir -p "$out"
for proj in src/*/*.csproj; do
  dotnet pack "$proj" -c Release -o "$out" -nologo -v quiet
done
status=0
for pkg in "$out"/*.nupkg; do
  case "$pkg" in *.symbols.nupkg) continue ;; esac
  name=$(basename "$pkg")
  nuspec=$(unzip -p "$pkg" '*.nuspec')
  files=$(unzip -Z1 "$pkg")
  for need in README.md icon.png; do
    grep -qx "$need" <<<"$files" || { echo "$name: no $need in the package" >&2; status=1; }
  done
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || { echo "$name: nuspec names no readme" >&2; status=1; }
  grep -q '<icon>icon.png</icon>' <<<"$nuspec" || { echo "$name: nuspec names no icon" >&2; status=1; }
  grep -q '<releaseNotes>' <<<"$nuspec" || { echo "$name: no release notes" >&2; status=1; }
  grep -Eq '<version>[0-9]+\.[0-9]+\.[0-9]+-[0-9A-Za-z.]+</version>' <<<"$nuspec" || { echo "$name: not a prerelease version" >&2; status=1; }
  echo "$name ok"
done
exit $status
