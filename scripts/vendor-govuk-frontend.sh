#!/usr/bin/env bash
# Vendors govuk-frontend's built stylesheet and script into crates/sg-web/static/govuk/.
# The GOV.UK brand is turned off: Safeguard is not a GOV.UK service, so the @font-face rules for
# the GDS Transport typeface (licensed to GOV.UK only) are removed and pages fall back to Arial;
# templates use no crown logo. The MIT licence is kept beside the files.
set -euo pipefail
version="${1:-6.6.0}"
dest="$(cd "$(dirname "$0")/.." && pwd)/crates/sg-web/static/govuk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "govuk-frontend@$version" >/dev/null && tar xzf govuk-frontend-*.tgz)
mkdir -p "$dest"
sed -E 's/@font-face\{[^}]*\}//g' "$work/package/dist/govuk/govuk-frontend.min.css" >"$dest/govuk-frontend.min.css"
cp "$work/package/dist/govuk/govuk-frontend.min.js" "$dest/"
# The npm package carries no licence file; its package.json says MIT and its README's "Licence"
# section is kept verbatim, with the standard MIT text.
{
  echo "govuk-frontend $version, https://github.com/alphagov/govuk-frontend"
  echo "package.json: \"license\": \"$(node -p "require('$work/package/package.json').license")\""
  echo
  sed -n '/^## Licence/,/^## /p' "$work/package/README.md" | sed '$d'
  cat <<'MIT'
The MIT License (MIT)

Copyright (c) 2016 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT
OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
MIT
} >"$dest/LICENSE.txt"
echo "$version" >"$dest/VERSION"
echo "vendored govuk-frontend $version into $dest"
