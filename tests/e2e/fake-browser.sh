#!/usr/bin/env bash
# Stands in for the system browser during e2e runs (xdg-open hands it the URL via $BROWSER).
# It loads the authorize URL and follows the sandbox's redirect back to Herald's loopback
# listener, exactly as a browser does after the user clicks "Allow" (the test set the
# sandbox to auto-consent). When the redirect lands on the relay page (the sandbox serves
# Herald's core/relay/relay.html at /relay), the page's own script is run with
# core/relay/follow.mjs and the address it navigates to is opened, as a browser would.
# Every URL it was asked to open is logged for the test to check.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${HERALD_E2E_OUT:-/tmp}"
printf '%s\n' "$1" >> "$out/opened-urls.txt"
page="$(mktemp)"
trap 'rm -f "$page"' EXIT
final="$(curl --silent --show-error --location --max-time 30 --output "$page" --write-out '%{url_effective}' "$1")"
case "$final" in
  */relay\?* | */relay)
    target="$(node "$repo/core/relay/follow.mjs" "$final" "$page")"
    printf 'relay %s -> %s\n' "${final%%\?*}" "${target%%\?*}" >> "$out/relay-hops.txt"
    [ -n "$target" ] || { echo "fake-browser: the relay page refused to forward" >&2; exit 1; }
    exec curl --silent --show-error --location --max-time 30 --output /dev/null "$target"
    ;;
esac
