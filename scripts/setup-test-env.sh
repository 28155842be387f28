#!/usr/bin/env bash
# Installs and builds what the test suites need, outside the repo, idempotently:
# Debian packages, and servers built from Go modules. Each part lives in scripts/setup/.
set -euo pipefail
cd "$(dirname "$0")/.."
export HARDPOD_CACHE="${HARDPOD_CACHE:-$HOME/.cache/hardpod}"
mkdir -p "$HARDPOD_CACHE"
for part in scripts/setup/*.sh; do
  [ -e "$part" ] || continue
  echo "setup: $part"
  bash "$part"
done
