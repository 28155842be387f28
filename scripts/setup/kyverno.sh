#!/usr/bin/env bash
# Provides the real Kyverno CLI for test/cluster/kyverno-policies.test.ts, built from its Go module
# and cached outside the repo:
#   $HARDPOD_CACHE/kyverno-<version>/kyverno     the binary   (github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno)
#   $HARDPOD_CACHE/kyverno-toolchain.json        where it is, read by test/harness/kyverno.ts
# Idempotent: with the binary cached it only checks its version and returns within a second.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

KYVERNO_VERSION="1.19.1"

# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"
DEST="$CACHE/kyverno-$KYVERNO_VERSION"
BIN="$DEST/kyverno"
MODULE="github.com/kyverno/kyverno"

log() { echo "kyverno setup: $*"; }

write_manifest() { write_toolchain_manifest kyverno kyvernoVersion "$KYVERNO_VERSION" kyverno "$BIN"; }

cached_version() { "$BIN" version 2>/dev/null | sed -n 's/^Version: *//p'; }

if [ -x "$BIN" ] && [ "$(cached_version)" = "v$KYVERNO_VERSION" ]; then
  log "cached: $BIN (v$KYVERNO_VERSION)"
  write_manifest
  exit 0
fi

SETUP_NAME="kyverno setup" SETUP_SUITES="the Kyverno policy suite (test/cluster/kyverno-policies.test.ts)"
# shellcheck source=lib/unavailable.sh
source "$(dirname "$0")/lib/unavailable.sh"

command -v go >/dev/null || unavailable "Go toolchain not found (need go >= 1.26, kyverno's go.mod go line)"
mkdir -p "$DEST"
log "building the Kyverno CLI v$KYVERNO_VERSION (cold: many minutes on 2 shared cores; seconds with a warm build cache in $CACHE/go)"
start=$SECONDS
# Kyverno's go.mod has a replace directive, which `go install module@version` refuses, so the
# released module is downloaded (checked against the Go checksum database) and built in place,
# with its own go.mod and go.sum, read-only.
dir="$(go mod download -json "$MODULE@v$KYVERNO_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -n "$dir" ] && [ -d "$dir" ] || unavailable "go mod download $MODULE@v$KYVERNO_VERSION failed (see above)"
(cd "$dir" && GOFLAGS=-mod=readonly nice -n 10 go build -trimpath \
  -ldflags "-s -w -X $MODULE/pkg/version.BuildVersion=v$KYVERNO_VERSION" \
  -o "$BIN.tmp" ./cmd/cli/kubectl-kyverno) || unavailable "go build of $MODULE/cmd/cli/kubectl-kyverno@v$KYVERNO_VERSION failed (see above)"
mv "$BIN.tmp" "$BIN"
log "built $BIN in $((SECONDS - start)) s: $(cached_version)"
write_manifest
