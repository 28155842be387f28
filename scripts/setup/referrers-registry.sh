#!/usr/bin/env bash
# Provides an OCI registry that serves the OCI 1.1 referrers API for the image signature tests,
# built from test/harness/referrers-registry (go-containerregistry's in-memory registry with
# referrers support on; Debian's docker-registry lacks the API) and cached outside the repo:
#   $HARDPOD_CACHE/referrers-registry-<hash of the module>/referrers-registry
#   $HARDPOD_CACHE/referrers-registry-toolchain.json     where it is, read by test/harness/cosign.ts
# Idempotent: a build for the current module sources is reused.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"
MODULE="$ROOT/test/harness/referrers-registry"
HASH="$(cat "$MODULE/go.mod" "$MODULE/go.sum" "$MODULE/main.go" | sha256sum | cut -c1-12)"
DEST="$CACHE/referrers-registry-$HASH"
BIN="$DEST/referrers-registry"

log() { echo "referrers-registry setup: $*"; }

write_manifest() { write_toolchain_manifest referrers-registry referrersRegistry "$BIN"; }

if [ -x "$BIN" ]; then
  log "cached: $BIN"
  write_manifest
  exit 0
fi

SETUP_NAME="referrers-registry setup" SETUP_SUITES="the image signature suite (test/images/signatures.test.ts)"
# shellcheck source=lib/unavailable.sh
source "$(dirname "$0")/lib/unavailable.sh"

command -v go >/dev/null || unavailable "Go toolchain not found"
mkdir -p "$DEST"
(cd "$MODULE" && GOFLAGS=-mod=readonly go build -trimpath -o "$BIN.tmp" .) || unavailable "go build in $MODULE failed (see above)"
mv "$BIN.tmp" "$BIN"
log "built $BIN"
write_manifest
