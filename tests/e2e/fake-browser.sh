#!/usr/bin/env bash
# Stands in for the system browser during e2e runs (xdg-open hands it the URL via $BROWSER).
# It loads the authorize URL and follows the sandbox's redirect back to Herald's loopback
# listener, exactly as a browser does after the user clicks "Allow" (the test set the
# sandbox to auto-consent). Every URL it was asked to open is logged for the test to check.
set -euo pipefail
printf '%s\n' "$1" >> "${HERALD_E2E_OUT:-/tmp}/opened-urls.txt"
exec curl --silent --show-error --location --max-time 30 --output /dev/null "$1"
