#!/usr/bin/env bash
# Installs what the image tests and the lock benchmark need: Debian's OCI registry (docker-registry),
# skopeo and umoci to write images into it, htpasswd (apache2-utils) for Basic auth entries, and
# openssl for the token server's certificate.
# Idempotent: does nothing when every tool is present.
set -euo pipefail
needed=()
command -v docker-registry >/dev/null 2>&1 || needed+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || needed+=(skopeo)
command -v umoci >/dev/null 2>&1 || needed+=(umoci)
command -v htpasswd >/dev/null 2>&1 || needed+=(apache2-utils)
command -v openssl >/dev/null 2>&1 || needed+=(openssl)
if [ "${#needed[@]}" -eq 0 ]; then
  exit 0
fi
# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"
echo "registry setup: installing ${needed[*]}"
apt_install "${needed[@]}"
