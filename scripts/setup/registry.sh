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
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Refresh the package index only when it does not know a package we need.
for package in "${needed[@]}"; do
  if ! apt-cache show "$package" >/dev/null 2>&1; then
    $sudo apt-get update -q
    break
  fi
done
echo "registry setup: installing ${needed[*]}"
$sudo apt-get install -y -q --no-install-recommends "${needed[@]}"
