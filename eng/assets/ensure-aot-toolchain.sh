#!/usr/bin/env bash
# Native AOT on Linux links with clang (and lld) against zlib: tests/BlindAI.Client.Tests/Aot publishes
# samples/BlindAI.AotClient that way. Installs the three Debian packages when one is missing and this runs as root (or
# with password-less sudo), so the README's test command sets itself up on a fresh machine; otherwise exits non-zero
# with the command to run. Idempotent and quick when everything is present.
set -euo pipefail

packages=(clang lld zlib1g-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0

if [[ "$(id -u)" == 0 ]]; then
  sudo=()
elif sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "ensure-aot-toolchain: error: the Native AOT test needs ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}' and build again." >&2
  exit 1
fi

echo "ensure-aot-toolchain: installing ${missing[*]} (Debian archive) for the Native AOT test"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
