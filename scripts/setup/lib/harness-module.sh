# Sourced by the set-up scripts that build a small Go module of the test harness (test/harness/<name>,
# with its go.mod, go.sum and main.go). `provide_harness_module NAME MANIFEST_KEY SUITES` builds it
# into $CACHE/<name>-<hash of its sources>/<name>, reusing a build of the same sources, and writes
# $CACHE/<name>-toolchain.json ({ MANIFEST_KEY: path }) for the test harness.
# shellcheck source=go-cache.sh
source "$(dirname "${BASH_SOURCE[0]}")/go-cache.sh"

provide_harness_module() {
  local name="$1" key="$2" suites="$3"
  local root module hash dest bin
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  module="$root/test/harness/$name"
  hash="$(cat "$module/go.mod" "$module/go.sum" "$module/main.go" | sha256sum | cut -c1-12)"
  dest="$CACHE/$name-$hash"
  bin="$dest/$name"
  if [ ! -x "$bin" ]; then
    SETUP_NAME="$name setup" SETUP_SUITES="$suites"
    # shellcheck source=unavailable.sh
    source "$(dirname "${BASH_SOURCE[0]}")/unavailable.sh"
    command -v go >/dev/null || unavailable "Go toolchain not found"
    mkdir -p "$dest"
    (cd "$module" && GOFLAGS=-mod=readonly go build -trimpath -o "$bin.tmp" .) || unavailable "go build in $module failed (see above)"
    mv "$bin.tmp" "$bin"
    echo "$name setup: built $bin"
  else
    echo "$name setup: cached: $bin"
  fi
  write_toolchain_manifest "$name" "$key" "$bin"
}
