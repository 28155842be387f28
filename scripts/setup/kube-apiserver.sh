#!/usr/bin/env bash
# Provides a real kube-apiserver, etcd and kubectl for test/cluster, cached outside the repo:
#   $HARDPOD_CACHE/k8s-v<version>/kube-apiserver   built from the Go module k8s.io/kubernetes
#   $HARDPOD_CACHE/k8s-v<version>/kubectl          built from the same module (the commands users run)
#   $HARDPOD_CACHE/etcd-<debian version>/usr/bin/etcd   Debian's etcd-server, unpacked (never started by dpkg)
#   $HARDPOD_CACHE/cluster-toolchain.json          where they are, read by test/harness/cluster.ts
# and a second kube-apiserver, of the oldest release the admission policies claim (Kubernetes 1.30:
# ADMISSION_POLICY_MINOR in src/model/workload-cel.ts), so they are proven on its CEL libraries too:
#   $HARDPOD_CACHE/k8s-v<oldest>/kube-apiserver, written down in cluster-oldest-admission-toolchain.json
# and a third, of a release between the two (Kubernetes 1.34), so the policies are proven in the middle
# of the range they claim, not only at its ends:
#   $HARDPOD_CACHE/k8s-v<middle>/kube-apiserver, written down in cluster-middle-toolchain.json
# Idempotent: with all of them cached it only checks them and returns within seconds.
#
# The Go module k8s.io/kubernetes requires its staging modules (k8s.io/api, ...) at a fake v0.0.0
# replaced by ./staging/..., which a dependency's replaces cannot reach. A wrapper module per release
# (test/harness/kube-apiserver/, test/harness/kube-apiserver-oldest-admission/,
# test/harness/kube-apiserver-middle/) requires
# k8s.io/kubernetes and replaces each of those staging modules with its published v0.<minor>.<patch>;
# the replace list is derived here from k8s's own go.mod.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod), HARDPOD_K8S_VERSION (default the pinned newest release
# below; another version regenerates the wrapper's go.mod and go.sum, which are then to be committed).
set -euo pipefail

# Pinned: the newest release the Go module proxy serves completely (every staging module at the
# matching v0.x.y) that builds with the local Go toolchain. Its Pod Security admission knows
# policy versions up to v1.37.
NEWEST_VERSION="${HARDPOD_K8S_VERSION:-1.37.2}"
# The last patch release of Kubernetes 1.30, the oldest the admission policies claim.
OLDEST_ADMISSION_VERSION="1.30.14"
# A release between the two: 1.34 is where pod-level resources are on by default and Pod Security's
# baseline level starts refusing a probe's or lifecycle handler's `host`, both of which the rules and
# builders treat by release. The newest 1.34 patch the Go module proxy serves completely (with every
# staging module at the matching v0.34.x).
MIDDLE_VERSION="1.34.12"

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib/go-cache.sh
source "$(dirname "$0")/lib/go-cache.sh"

# The release the functions below build, set by use_version.
K8S_VERSION="" WRAPPER="" DEST="" MINOR="" STAGING_VERSION=""
TOOLS=()

# `use_version VERSION WRAPPER_DIR COMMAND...`: the release, its wrapper module, and the commands of
# k8s.io/kubernetes to build from it (each is a `tool` of the wrapper module).
use_version() {
  K8S_VERSION="$1" WRAPPER="$2"
  shift 2
  TOOLS=("$@")
  DEST="$CACHE/k8s-v$K8S_VERSION"
  MINOR="$(cut -d. -f2 <<<"$K8S_VERSION")"
  STAGING_VERSION="v0.${K8S_VERSION#1.}"
}

mkdir -p "$CACHE"

log() { echo "kube-apiserver setup: $*"; }

# A missing prerequisite is loud; it fails only where the servers are required (CI sets
# HARDPOD_REQUIRE_SERVERS=1). The cluster suites then fail, each saying what is missing.
SETUP_NAME="kube-apiserver setup" SETUP_SUITES="the cluster suites (test/cluster)"
# shellcheck source=lib/unavailable.sh
source "$(dirname "$0")/lib/unavailable.sh"
# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"

# --- etcd (Debian etcd-server, unpacked without its maintainer scripts so nothing autostarts) ---
ETCD_BIN=""

install_etcd() {
  local have
  have="$(find "$CACHE" -maxdepth 4 -path "$CACHE/etcd-*/usr/bin/etcd" -type f 2>/dev/null | head -n1 || true)"
  if [ -n "$have" ] && "$have" --version >/dev/null 2>&1; then
    log "etcd cached: $have"
    ETCD_BIN="$have"
    return
  fi
  local work
  work="$(mktemp -d)"
  (
    cd "$work"
    if ! apt-get download etcd-server >/dev/null 2>&1; then
      apt_get update >/dev/null || true
      apt-get download etcd-server >/dev/null
    fi
  ) || unavailable "cannot download Debian's etcd-server package (apt-get download etcd-server)"
  local deb version target
  deb="$(ls "$work"/etcd-server_*.deb)"
  version="$(dpkg-deb -f "$deb" Version)"
  target="$CACHE/etcd-${version//[:~+]/_}"
  rm -rf "$target.tmp"
  dpkg -x "$deb" "$target.tmp"
  rm -rf "$target" && mv "$target.tmp" "$target"
  rm -rf "$work"
  log "etcd $version unpacked into $target"
  ETCD_BIN="$target/usr/bin/etcd"
  "$target/usr/bin/etcd" --version | head -n1
}

# --- kube-apiserver and kubectl from Go modules (Go caches: lib/go-cache.sh) ---
export GOFLAGS="-mod=readonly"

# Writes the wrapper's go.mod for $K8S_VERSION: k8s's go/godebug lines (GODEBUG counts only in the
# main module), a tool directive per command so tidy keeps what they need (the wrapper has no Go
# code), and a replace for every staging module k8s requires at v0.0.0.
generate_wrapper() {
  log "generating $WRAPPER/go.mod for k8s.io/kubernetes v$K8S_VERSION"
  local kmod
  kmod="$(GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" |
    sed -n 's/.*"GoMod": "\([^"]*\)".*/\1/p')"
  [ -s "$kmod" ] || { echo "cannot download k8s.io/kubernetes@v$K8S_VERSION" >&2; exit 1; }
  mkdir -p "$WRAPPER"
  {
    echo "// Builds kube-apiserver v$K8S_VERSION for the cluster tests; generated by scripts/setup/kube-apiserver.sh."
    echo 'module hardpod.test/kube-apiserver'
    echo
    # The tool directive needs go 1.24; an older release keeps its Go defaults through godebug.
    local go_line
    go_line="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$kmod")"
    if [ "$(printf '%s\n%s\n' "$go_line" 1.24 | sort -V | head -n1)" = 1.24 ]; then
      grep -E '^(go|godebug) ' "$kmod"
    else
      echo 'go 1.24'
      grep -qE '^godebug ' "$kmod" && grep -E '^godebug ' "$kmod" || echo "godebug default=go$(cut -d. -f1,2 <<<"$go_line")"
    fi
    echo
    for tool in "${TOOLS[@]}"; do echo "tool k8s.io/kubernetes/cmd/$tool"; done
    echo
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    echo
    echo 'replace ('
    awk -v v="$STAGING_VERSION" '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" && $3 != "=>" {print "\t" $1 " => " $1 " " v}' "$kmod" | sort -u
    echo ')'
  } >"$WRAPPER/go.mod.tmp"
  mv "$WRAPPER/go.mod.tmp" "$WRAPPER/go.mod"
  rm -f "$WRAPPER/go.sum"
  (cd "$WRAPPER" && GOFLAGS=-mod=mod go mod tidy)
}

# True when the wrapper's go.mod is for $K8S_VERSION and names every command as a tool.
wrapper_current() {
  grep -qE "^(require)?[[:space:]]*k8s.io/kubernetes v$K8S_VERSION( |\$)" "$WRAPPER/go.mod" 2>/dev/null || return 1
  for tool in "${TOOLS[@]}"; do grep -qx "tool k8s.io/kubernetes/cmd/$tool" "$WRAPPER/go.mod" || return 1; done
}

# Builds one command of k8s.io/kubernetes into $DEST, stamped with the version, unless it is cached.
# Args: command name, binary path, the command's version check (prints one line to compare).
build_command() {
  local command="$1" bin="$2" version_check="$3"
  if [ -x "$bin" ] && [ "$(eval "$version_check" 2>/dev/null)" = "v$K8S_VERSION" ]; then
    log "cached: $bin (v$K8S_VERSION)"
    return
  fi
  command -v go >/dev/null || unavailable "no Go toolchain (go) on PATH to build $command v$K8S_VERSION"
  local need have
  need="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$WRAPPER/go.mod" 2>/dev/null || true)"
  have="$(go env GOVERSION | sed 's/^go//')"
  if [ -n "$need" ] && [ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]; then
    unavailable "Go $have is older than go $need, which k8s.io/kubernetes v$K8S_VERSION needs"
  fi
  wrapper_current || generate_wrapper
  mkdir -p "$DEST"
  log "building $command v$K8S_VERSION (cold: tens of minutes on 2 cores for kube-apiserver, minutes more for kubectl; cache $CACHE/go)"
  local start=$SECONDS
  (
    cd "$WRAPPER"
    nice -n 10 go build -p 2 -trimpath -o "$bin.tmp" -ldflags "-s -w \
      -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION \
      -X k8s.io/component-base/version.gitMajor=1 \
      -X k8s.io/component-base/version.gitMinor=$MINOR \
      -X k8s.io/component-base/version.gitTreeState=clean" \
      "k8s.io/kubernetes/cmd/$command"
  )
  mv "$bin.tmp" "$bin"
  log "built $bin in $((SECONDS - start)) s"
}

# One installer at a time per cache: parallel test runs on one machine wait instead of building twice.
exec 9>"$CACHE/kube-apiserver-setup.lock"
flock 9
install_etcd

use_version "$NEWEST_VERSION" "$ROOT/test/harness/kube-apiserver" kube-apiserver kubectl
NEWEST_BIN="$DEST/kube-apiserver" NEWEST_KUBECTL="$DEST/kubectl"
build_command kube-apiserver "$NEWEST_BIN" '"$bin" --version | sed "s/^Kubernetes //"'
build_command kubectl "$NEWEST_KUBECTL" '"$bin" version --client -o json | sed -n "s/.*\"gitVersion\": \"\\(v[^\"]*\\)\".*/\\1/p"'
# Tells test/harness/cluster.ts which binaries to start.
write_toolchain_manifest cluster kubernetesVersion "$K8S_VERSION" kubeApiserver "$NEWEST_BIN" kubectl "$NEWEST_KUBECTL" etcd "$ETCD_BIN"

use_version "$OLDEST_ADMISSION_VERSION" "$ROOT/test/harness/kube-apiserver-oldest-admission" kube-apiserver
OLDEST_BIN="$DEST/kube-apiserver"
build_command kube-apiserver "$OLDEST_BIN" '"$bin" --version | sed "s/^Kubernetes //"'
write_toolchain_manifest cluster-oldest-admission kubernetesVersion "$K8S_VERSION" kubeApiserver "$OLDEST_BIN" kubectl "$NEWEST_KUBECTL" etcd "$ETCD_BIN"

use_version "$MIDDLE_VERSION" "$ROOT/test/harness/kube-apiserver-middle" kube-apiserver
MIDDLE_BIN="$DEST/kube-apiserver"
build_command kube-apiserver "$MIDDLE_BIN" '"$bin" --version | sed "s/^Kubernetes //"'
write_toolchain_manifest cluster-middle kubernetesVersion "$K8S_VERSION" kubeApiserver "$MIDDLE_BIN" kubectl "$NEWEST_KUBECTL" etcd "$ETCD_BIN"
