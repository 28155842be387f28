#!/usr/bin/env bash
# Provides the image reference reader for test/images, built from test/harness/image-reference
# (github.com/distribution/reference, the parser the kubelet and container runtimes use) and cached
# outside the repo:
#   $HARDPOD_CACHE/image-reference-<hash of the module>/image-reference
#   $HARDPOD_CACHE/image-reference-toolchain.json     where it is, read by test/harness/image-reference.ts
# Idempotent: a build for the current module sources is reused.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"
MODULE="$ROOT/test/harness/image-reference"
HASH="$(cat "$MODULE/go.mod" "$MODULE/go.sum" "$MODULE/main.go" | sha256sum | cut -c1-12)"
DEST="$CACHE/image-reference-$HASH"
BIN="$DEST/image-reference"

log() { echo "image-reference setup: $*"; }

write_manifest() { write_toolchain_manifest image-reference imageReference "$BIN"; }

if [ -x "$BIN" ]; then
  log "cached: $BIN"
  write_manifest
  exit 0
fi

SETUP_NAME="image-reference setup" SETUP_SUITES="the image reference differential (test/images)"
# shellcheck source=lib/unavailable.sh
source "$(dirname "$0")/lib/unavailable.sh"

command -v go >/dev/null || unavailable "Go toolchain not found"
mkdir -p "$DEST"
(cd "$MODULE" && GOFLAGS=-mod=readonly go build -trimpath -o "$BIN.tmp" .) || unavailable "go build in $MODULE failed (see above)"
mv "$BIN.tmp" "$BIN"
log "built $BIN"
write_manifest
