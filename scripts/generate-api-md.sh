#!/usr/bin/env bash
# Generates API.md from the TSDoc of the three entry points (hardpod, hardpod/cdk8s, hardpod/pulumi).
# typedoc writes one Markdown file per entry point; they are joined into one API.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx typedoc --logLevel Warn --plugin typedoc-plugin-markdown --router module \
  --entryPoints src/index.ts --entryPoints src/cdk8s/index.ts --entryPoints src/pulumi/index.ts \
  --tsconfig tsconfig.json --readme none --disableSources --excludePrivate --excludeInternal \
  --hidePageHeader --hideBreadcrumbs --out "$out" >&2
{
  echo '# hardpod API reference'
  echo
  echo 'Generated from the sources by `npx projen docgen`; do not edit by hand.'
  for entry in index cdk8s pulumi; do
    file=$(ls "$out" | grep -i "^${entry}\(/\|\.md\)\?" | head -1 || true)
    [ -n "$file" ] || continue
    if [ -d "$out/$file" ]; then cat "$out/$file"/*.md; else cat "$out/$file"; fi
    echo
  done
} > API.md.tmp
mv API.md.tmp API.md
