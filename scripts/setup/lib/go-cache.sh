# Sourced by the set-up scripts that build tools from Go modules. Sets CACHE (HARDPOD_CACHE, default
# ~/.cache/hardpod) and one module and build cache inside it, shared by every Go build of the test
# harness so that common dependencies (client-go ...) download and compile once. GOTOOLCHAIN=local:
# never download another Go toolchain behind the user's back.
CACHE="${HARDPOD_CACHE:-$HOME/.cache/hardpod}"
export GOTOOLCHAIN=local CGO_ENABLED=0
export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build"
