#!/usr/bin/env bash
# Provides the real Pulumi toolchain for test/pulumi, built from Go modules and cached outside the repo:
#   $HARDPOD_CACHE/pulumi-<version>/bin/pulumi                       the CLI     (github.com/pulumi/pulumi/pkg/v3)
#   $HARDPOD_CACHE/pulumi-<version>/bin/pulumi-resource-kubernetes   the Kubernetes provider
# Programs run through the Automation API, whose Node.js SDK serves the program itself: the Node.js
# language host (a Go module the module proxy refuses) is not needed.
# Idempotent: with every piece cached it only checks versions and returns within seconds.
#
# The wrapper modules live in test/harness/pulumi/<piece>/ (go.mod and go.sum committed; a `tool`
# directive names the main package, since the wrappers hold no Go code). Dependencies' replace
# directives do not apply to a wrapper, so the ones that matter are repeated there.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

# The CLI matches the @pulumi/pulumi the project pins (3.248.0, the newest supporting Node.js 20).
PULUMI_VERSION="3.248.0"

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"
HARNESS="$ROOT/test/harness/pulumi"
DEST="$CACHE/pulumi-$PULUMI_VERSION"
BIN="$DEST/bin"

log() { echo "pulumi setup: $*"; }

export GOFLAGS="-mod=readonly"
# The checksum database does not list pkg/v3 at this version; go.sum (committed) pins its hash.
export GONOSUMDB="github.com/pulumi/pulumi/pkg/v3"

mkdir -p "$BIN"
# Records of pieces once refused by the module proxy, written by earlier versions of this script.
rm -rf "$DEST/unavailable"
command -v go >/dev/null || { echo "pulumi setup: Go toolchain not found (need go >= 1.25, the pulumi go.mod's go line)" >&2; exit 1; }

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

# --- the Kubernetes provider ------------------------------------------------------------------
# The module proxy serves no release of github.com/pulumi/pulumi-kubernetes/provider/v4 (its tags are
# the repository's, not the provider folder's), so the wrapper pins the newest commit it serves, by
# the pseudo-version its go.mod and go.sum record: a commit after 4.24.0, older than the 4.34.2 of
# @pulumi/kubernetes, so the CLI warns that the provider's version is not the one the SDK asks for. The provider embeds its schema from a file its own
# generate.go writes at release time, which the module does not hold: the build copies the module
# out of the read-only module cache and runs that generator on the copy, as the provider's release does.
build_kubernetes_provider() {
  local bin="$BIN/pulumi-resource-kubernetes" module="github.com/pulumi/pulumi-kubernetes/provider/v4"
  local version
  version="$(cd "$HARNESS/kubernetes-provider" && go list -m -f '{{.Version}}' "$module")"
  # The version the binary reports: the pseudo-version's, without the v.
  local reported="${version#v}"
  if [ -x "$bin" ] && [ "$(cat "$bin.version" 2>/dev/null)" = "$reported" ]; then
    log "cached: $bin ($module@$version)"
    return
  fi
  log "building the Kubernetes provider $module@$version (cold: several minutes on 2 shared cores; seconds with a warm build cache in $CACHE/go)"
  local start=$SECONDS build="$DEST/build-kubernetes-provider" source
  rm -rf "$build"
  mkdir -p "$build/wrapper"
  source="$(cd "$HARNESS/kubernetes-provider" && go mod download -json "$module@$version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [ -d "$source" ] || { echo "pulumi setup: $module@$version was not downloaded" >&2; exit 1; }
  cp -r "$source" "$build/provider"
  chmod -R u+w "$build/provider"
  cp "$HARNESS/kubernetes-provider/go.mod" "$HARNESS/kubernetes-provider/go.sum" "$build/wrapper/"
  (
    cd "$build/wrapper"
    go mod edit -replace "$module=../provider"
    # generate.go is a `go run` script of the provider's (build tag ignore): built here as a command.
    mkdir generate
    sed '/^\/\/go:build ignore/d; /^\/\/ +build ignore/d' ../provider/cmd/pulumi-resource-kubernetes/generate.go >generate/main.go
    go build -o ../generate-schema ./generate
    (cd ../provider/cmd/pulumi-resource-kubernetes && VERSION="$reported" ../../../generate-schema)
    nice -n 10 go build -trimpath -o "$bin.tmp" \
      -ldflags "-s -w -X $module/pkg/version.Version=$reported" \
      "$module/cmd/pulumi-resource-kubernetes"
  )
  mv "$bin.tmp" "$bin"
  echo "$reported" >"$bin.version"
  rm -rf "$build"
  log "built $bin in $((SECONDS - start)) s ($module@$version)"
}

build_cli
build_kubernetes_provider
