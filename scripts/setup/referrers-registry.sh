#!/usr/bin/env bash
# Provides an OCI registry that serves the OCI 1.1 referrers API for the image signature tests,
# built from test/harness/referrers-registry (go-containerregistry's in-memory registry with
# referrers support on; Debian's docker-registry lacks the API) and cached outside the repo:
#   $HARDPOD_CACHE/referrers-registry-<hash of the module>/referrers-registry
#   $HARDPOD_CACHE/referrers-registry-toolchain.json     where it is, read by test/harness/cosign.ts
# Idempotent: a build for the current module sources is reused.
#
# Env: HARDPOD_CACHE (default ~/.cache/hardpod).
set -euo pipefail

# shellcheck source=lib/harness-module.sh
source "$(dirname "$0")/lib/harness-module.sh"
provide_harness_module referrers-registry referrersRegistry "the image signature suite (test/images/signatures.test.ts)"
