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
# The compiled files end with a sourceMappingURL comment naming a .map file we do not
# vendor; Django's manifest storage (collectstatic with DEBUG=0) follows that reference
# and stops at the missing file. So drop the comment rather than ship the maps.
sed -e '\#^//\# sourceMappingURL=#d' -e 's#//\# sourceMappingURL=[^ ]*$##' \
    "$dist/govuk-frontend.min.js" > "$target/govuk-frontend.min.js"
cp -r "$dist/assets" "$target/assets"
cp "$work/package/LICENSE.txt" "$target/LICENSE.txt" 2>/dev/null || cp "$work/package/README.md" "$target/README.md"
# The CSS asks for /assets/...; make those relative to the CSS file so they work under STATIC_URL.
sed -e 's#url(/assets/#url(assets/#g' -e '\#^/\*\# sourceMappingURL=.*\*/$#d' \
    "$dist/govuk-frontend.min.css" > "$target/govuk-frontend.min.css"
if grep -q sourceMappingURL "$target"/govuk-frontend.min.*; then
    echo "a sourceMappingURL comment is left in static/govuk: collectstatic would fail" >&2
    exit 1
fi
printf 'govuk-frontend %s\nVendored by scripts/vendor_govuk_frontend.sh from the npm package (compiled dist/govuk only).\n' \
    "$version" > "$target/VERSION"
echo "static/govuk now holds govuk-frontend $version"
