#!/usr/bin/env bash
# Provides the real cosign CLI for the image signature tests (test/images), built from its Go module
# and cached outside the repo:
#   $HARDPOD_CACHE/cosign-<version>/cosign     the binary   (github.com/sigstore/cosign/v2/cmd/cosign)
#   $HARDPOD_CACHE/cosign-toolchain.json       where it is, read by test/harness/cosign.ts
# cosign v2, whose `cosign sign` stores key-based signatures under the tag sha256-<hex>.sig by
# default (v3 writes Sigstore bundles as OCI referrers, which hardpod does not read).
# Idempotent: with the binary cached it only checks its version and returns within a second.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

COSIGN_VERSION="2.6.5"

# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"
DEST="$CACHE/cosign-$COSIGN_VERSION"
BIN="$DEST/cosign"

log() { echo "cosign setup: $*"; }

write_manifest() { write_toolchain_manifest cosign cosignVersion "$COSIGN_VERSION" cosign "$BIN"; }

installed_version() { "$BIN" version --json 2>/dev/null | sed -n 's/.*"gitVersion": *"\([^"]*\)".*/\1/p'; }

if [ -x "$BIN" ] && [ "$(installed_version)" = "v$COSIGN_VERSION" ]; then
  log "cached: $BIN (v$COSIGN_VERSION)"
  write_manifest
  exit 0
fi

SETUP_NAME="cosign setup" SETUP_SUITES="the image signature suite (test/images/signatures.test.ts)"
# shellcheck source=lib/unavailable.sh
source "$(dirname "$0")/lib/unavailable.sh"

# The version is stamped as cosign's own release builds do.
go_install_release github.com/sigstore/cosign/v2/cmd/cosign "$COSIGN_VERSION" "-X sigs.k8s.io/release-utils/version.gitVersion=v$COSIGN_VERSION" "$DEST" "$BIN"
write_manifest
