#!/usr/bin/env bash
# Provides the real Helm v3 CLI for test/helm, built from its Go module and cached outside the repo:
#   $HARDPOD_CACHE/helm-<version>/helm        the binary   (helm.sh/helm/v3/cmd/helm)
#   $HARDPOD_CACHE/helm-toolchain.json        where it is, read by test/harness/helm.ts
# Helm 3, because `hardpod pin -` is a Helm 3 post-renderer (Helm 4 runs post-renderers as plugins).
# Idempotent: with the binary cached it only checks its version and returns within a second.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

HELM_VERSION="3.22.0"

# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"
DEST="$CACHE/helm-$HELM_VERSION"
BIN="$DEST/helm"

log() { echo "helm setup: $*"; }

write_manifest() { write_toolchain_manifest helm helmVersion "$HELM_VERSION" helm "$BIN"; }

if [ -x "$BIN" ] && [ "$("$BIN" version --template '{{.Version}}' 2>/dev/null)" = "v$HELM_VERSION" ]; then
  log "cached: $BIN (v$HELM_VERSION)"
  write_manifest
  exit 0
fi

SETUP_NAME="helm setup" SETUP_SUITES="the Helm suite (test/helm)"
# shellcheck source=lib/unavailable.sh
source "$(dirname "$0")/lib/unavailable.sh"

go_install_release helm.sh/helm/v3/cmd/helm "$HELM_VERSION" "-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION" "$DEST" "$BIN"
write_manifest
