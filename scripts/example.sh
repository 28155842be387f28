#!/usr/bin/env bash
# The main job: synthesize examples/cdk8s-app into YAML and check it with hardpod.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install
npx tsc --build
out=examples/cdk8s-app/dist
rm -rf "$out"
npx ts-node --project test/tsconfig.json examples/cdk8s-app/main.ts
node lib/cli/main.js check "$out"
