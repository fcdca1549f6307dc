#!/usr/bin/env bash
# Vendor the compiled GOV.UK Frontend into static/govuk/ at a pinned version.
# Needs npm (only here, never at runtime). Usage: scripts/vendor_govuk_frontend.sh [VERSION]
set -euo pipefail
version="${1:-6.6.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack "govuk-frontend@$version" --silent >/dev/null && tar xzf "govuk-frontend-$version.tgz")
dist="$work/package/dist/govuk"
target="$root/static/govuk"
rm -rf "$target"
mkdir -p "$target"
cp "$dist/govuk-frontend.min.js" "$target/"
cp -r "$dist/assets" "$target/assets"
cp "$work/package/LICENSE.txt" "$target/LICENSE.txt" 2>/dev/null || cp "$work/package/README.md" "$target/README.md"
# The CSS asks for /assets/...; make those relative to the CSS file so they work under STATIC_URL.
sed -e 's#url(/assets/#url(assets/#g' "$dist/govuk-frontend.min.css" > "$target/govuk-frontend.min.css"
printf 'govuk-frontend %s\nVendored by scripts/vendor_govuk_frontend.sh from the npm package (compiled dist/govuk only).\n' \
    "$version" > "$target/VERSION"
echo "static/govuk now holds govuk-frontend $version"
