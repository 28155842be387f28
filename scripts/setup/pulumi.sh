#!/usr/bin/env bash
# Provides the real Pulumi toolchain for test/pulumi, built from Go modules and cached outside the repo:
#   $HARDPOD_CACHE/pulumi-<version>/bin/pulumi                       the CLI     (github.com/pulumi/pulumi/pkg/v3)
#   $HARDPOD_CACHE/pulumi-<version>/bin/pulumi-language-nodejs       the Node.js language host
#   $HARDPOD_CACHE/pulumi-<version>/bin/pulumi-resource-kubernetes   the Kubernetes provider
# A piece whose Go module the module proxy refuses is recorded, with the proxy's answer, in
#   $HARDPOD_CACHE/pulumi-<version>/unavailable/<binary>.txt
# so the test suite can say exactly what is missing and why. Such a refusal is final for that
# version: it is not asked again until the record is removed (or HARDPOD_PULUMI_RETRY=1).
# Idempotent: with every buildable piece cached it only checks versions and returns within seconds.
#
# The wrapper modules live in test/harness/pulumi/<piece>/ (go.mod and go.sum committed; a `tool`
# directive names the main package, since the wrappers hold no Go code). Dependencies' replace
# directives do not apply to a wrapper, so the ones that matter are repeated there.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

# The CLI matches the @pulumi/pulumi the project pins (3.248.0, the newest supporting Node.js 20);
# the provider matches @pulumi/kubernetes.
PULUMI_VERSION="3.248.0"
KUBERNETES_PROVIDER_VERSION="4.34.2"

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"
HARNESS="$ROOT/test/harness/pulumi"
DEST="$CACHE/pulumi-$PULUMI_VERSION"
BIN="$DEST/bin"
UNAVAILABLE="$DEST/unavailable"

log() { echo "pulumi setup: $*"; }

export GOFLAGS="-mod=readonly"
# The checksum database does not list pkg/v3 at this version; go.sum (committed) pins its hash.
export GONOSUMDB="github.com/pulumi/pulumi/pkg/v3"

mkdir -p "$BIN" "$UNAVAILABLE"
command -v go >/dev/null || { echo "pulumi setup: Go toolchain not found (need go >= 1.25, the pulumi go.mod's go line)" >&2; exit 1; }

# Records that the module proxy refused a module version, with its own words.
# Args: binary name, module@version, the go command's error output.
record_unavailable() {
  {
    echo "binary: $1"
    echo "module: $2"
    echo "checked: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "reason: the Go module proxy refuses this module version, so it cannot be built here"
    echo "proxy answer:"
    sed 's/^/  /' <<<"$3"
  } >"$UNAVAILABLE/$1.txt"
  log "UNAVAILABLE $1: $2 is refused by the Go module proxy (see $UNAVAILABLE/$1.txt)"
}

# True when the proxy serves module@version (downloads it into GOMODCACHE); else records why not.
module_served() {
  local binary="$1" module="$2" output
  if [ -f "$UNAVAILABLE/$binary.txt" ] && [ "${HARDPOD_PULUMI_RETRY:-0}" != 1 ]; then
    log "UNAVAILABLE $binary (recorded earlier; HARDPOD_PULUMI_RETRY=1 asks the proxy again): $(sed -n 's/^module: //p' "$UNAVAILABLE/$binary.txt")"
    return 1
  fi
  if output="$(cd /tmp && GOFLAGS=-mod=mod go mod download -json "$module" 2>&1)" && ! grep -q '"Error"' <<<"$output"; then
    rm -f "$UNAVAILABLE/$binary.txt"
    return 0
  fi
  # Only the proxy's own refusal is final; anything else (no network, a timeout) is not recorded.
  if grep -qE '403 Forbidden|404 Not Found|410 Gone|not available' <<<"$output"; then
    record_unavailable "$binary" "$module" "$(grep -E '"Error"|403|404|410|not available' <<<"$output" | head -n 5)"
  else
    log "could not ask the Go module proxy about $module (not recorded; asked again next run):"
    sed 's/^/  /' <<<"$output" | tail -n 5
  fi
  return 1
}

# --- the CLI -----------------------------------------------------------------------------------
build_cli() {
  local bin="$BIN/pulumi"
  if [ -x "$bin" ] && "$bin" version 2>/dev/null | grep -qx "v$PULUMI_VERSION"; then
    log "cached: $bin ($("$bin" version))"
    return
  fi
  log "building the Pulumi CLI v$PULUMI_VERSION (cold: up to 50 minutes with -p 1 on 2 shared cores, 15 s with a warm build cache in $CACHE/go)"
  local start=$SECONDS
  (
    cd "$HARNESS/cli"
    nice -n 10 go build -p 1 -trimpath -o "$bin.tmp" \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
      github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  )
  mv "$bin.tmp" "$bin"
  log "built $bin in $((SECONDS - start)) s: $("$bin" version)"
}

# --- the Node.js language host ----------------------------------------------------------------
# It is its own Go module inside the pulumi repository (so the sdk/v3 module does not contain it).
build_language_host() {
  local bin="$BIN/pulumi-language-nodejs"
  if [ -x "$bin" ]; then
    log "cached: $bin"
    return
  fi
  module_served pulumi-language-nodejs "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@v$PULUMI_VERSION" || return 0
  # Served: the wrapper in test/harness/pulumi/language-nodejs must then be generated and committed.
  log "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3@v$PULUMI_VERSION is served now: add its wrapper module under $HARNESS/language-nodejs"
}

# --- the Kubernetes provider ------------------------------------------------------------------
build_kubernetes_provider() {
  local bin="$BIN/pulumi-resource-kubernetes"
  if [ -x "$bin" ]; then
    log "cached: $bin"
    return
  fi
  module_served pulumi-resource-kubernetes "github.com/pulumi/pulumi-kubernetes/provider/v4@v$KUBERNETES_PROVIDER_VERSION" || return 0
  log "github.com/pulumi/pulumi-kubernetes/provider/v4@v$KUBERNETES_PROVIDER_VERSION is served now: add its wrapper module under $HARNESS/kubernetes-provider"
}

build_cli
build_language_host
build_kubernetes_provider
