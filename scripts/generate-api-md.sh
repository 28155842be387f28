#!/usr/bin/env bash
# Generates API.md from the TSDoc of the three entry points (hardpod, hardpod/cdk8s, hardpod/pulumi).
# typedoc writes one Markdown file per entry point; they are joined, in that order, into one API.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# API_MD names another output file (the staleness test writes elsewhere and compares).
target="${API_MD:-API.md}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx typedoc --logLevel Error --plugin typedoc-plugin-markdown --router module \
  --entryPoints src/index.ts --entryPoints src/cdk8s/index.ts --entryPoints src/pulumi/index.ts \
  --tsconfig tsconfig.json --readme none --disableSources --excludePrivate --excludeInternal \
  --hidePageHeader --hideBreadcrumbs --out "$out" >&2
{
  echo '# hardpod API reference'
  echo
  echo 'Generated from the sources by `npx projen docgen`; do not edit by hand.'
  echo
  for page in hardpod.md hardpod/cdk8s.md hardpod/pulumi.md; do
    [ -f "$out/$page" ] || { echo "typedoc wrote no $page" >&2; exit 1; }
    # Links between pages become links within this one file.
    sed -E 's/\]\((\.\.\/)?(hardpod\/)?(cdk8s|pulumi|hardpod)\.md#/](#/g' "$out/$page"
    echo
  done
} > "$target.tmp"
mv "$target.tmp" "$target"
