#!/usr/bin/env bash
# Provides the image reference reader for test/images, built from test/harness/image-reference
# (github.com/distribution/reference, the parser the kubelet and container runtimes use) and cached
# outside the repo:
#   $HARDPOD_CACHE/image-reference-<hash of the module>/image-reference
#   $HARDPOD_CACHE/image-reference-toolchain.json     where it is, read by test/harness/image-reference.ts
# Idempotent: a build for the current module sources is reused.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

# shellcheck source=lib/harness-module.sh
source "$(dirname "$0")/lib/harness-module.sh"
provide_harness_module image-reference imageReference "the image reference differential (test/images)"
