# Sourced by the set-up scripts that build tools from Go modules. Sets CACHE (HARDPOD_CACHE, default
# ~/.cache/hardpod) and one module and build cache inside it, shared by every Go build of the test
# harness so that common dependencies (client-go ...) download and compile once. GOTOOLCHAIN=local:
# never download another Go toolchain behind the user's back.
CACHE="${HARDPOD_CACHE:-$HOME/.cache/hardpod}"
export GOTOOLCHAIN=local CGO_ENABLED=0
export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build"

# Writes $CACHE/<name>-toolchain.json atomically from key and value pairs: where the test harness
# finds what a set-up script built. Usage: write_toolchain_manifest helm helmVersion 3.22.0 helm /path/helm
write_toolchain_manifest() {
  local file="$CACHE/$1-toolchain.json" body="" separator="" value
  shift
  while [ $# -ge 2 ]; do
    value="${2//\\/\\\\}"
    value="${value//\"/\\\"}"
    body+="$separator  \"$1\": \"$value\""
    separator=$',\n'
    shift 2
  done
  printf '{\n%s\n}\n' "$body" >"$file.tmp"
  mv "$file.tmp" "$file"
}

# `go_install_release PACKAGE VERSION LDFLAGS DEST BIN`: builds a released Go command with
# `go install PACKAGE@vVERSION`, which takes exactly the released module with its own go.mod, checked
# against the Go checksum database, and puts the binary at BIN (inside DEST). The calling script has
# sourced unavailable.sh, which reports a missing Go or a failed build.
go_install_release() {
  local package="$1" version="$2" ldflags="$3" dest="$4" bin="$5" start=$SECONDS
  command -v go >/dev/null || unavailable "Go toolchain not found"
  mkdir -p "$dest"
  echo "$SETUP_NAME: building ${package##*/} v$version (cold: several minutes on 2 shared cores; seconds with a warm build cache in $CACHE/go)"
  GOBIN="$dest/.build" nice -n 10 go install -trimpath -ldflags "-s -w $ldflags" "$package@v$version" \
    || unavailable "go install $package@v$version failed (see above)"
  mv "$dest/.build/${package##*/}" "$bin"
  rmdir "$dest/.build"
  echo "$SETUP_NAME: built $bin in $((SECONDS - start)) s"
}
