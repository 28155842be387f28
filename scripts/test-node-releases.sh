#!/usr/bin/env bash
# Runs the test suites again on each Node.js release of scripts/setup/node-releases.sh: hardpod's code
# meets Node's own modules (zlib, TLS, crypto, streams, the module loader) whose behaviour changes
# between releases. The cluster suites judge the API servers' admission, not Node, and run once.
# Each release runs first on PATH, so the CLI processes the suites start run on it too.
# Extra arguments go to jest (a test path, -t NAME).
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE="${HARDPOD_CACHE:-$HOME/.cache/hardpod}"
manifest="$CACHE/node-releases-toolchain.json"

# Suites that could not run on a release fail the run, as a suite without its server does.
if [ ! -f "$manifest" ]; then
  echo "test-node-releases: no Node.js releases in $manifest; run scripts/setup/node-releases.sh" >&2
  exit 1
fi

# "version<TAB>bin folder" lines from the manifest.
mapfile -t releases < <(node -e 'for (const [version, bin] of Object.entries(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")))) console.log(`${version}\t${bin}`)' "$manifest")
if [ "${#releases[@]}" -eq 0 ]; then
  echo "test-node-releases: $manifest lists no release; run scripts/setup/node-releases.sh" >&2
  exit 1
fi
for release in "${releases[@]}"; do
  version="${release%%$'\t'*}" bin="${release#*$'\t'}"
  # A release gone from the cache must not leave the machine's own node to run in its place.
  if [ "$("$bin/node" --version 2>/dev/null)" != "v$version" ]; then
    echo "test-node-releases: $bin/node is not Node.js v$version; run scripts/setup/node-releases.sh" >&2
    exit 1
  fi
  echo "=== the test suites on Node.js $version ==="
  PATH="$bin:$PATH" node node_modules/jest/bin/jest.js "$@" --ci --coverage=false --testPathIgnorePatterns '/node_modules/' '/lib/' '/examples/.*/dist/' '/test/cluster/' </dev/null
done
