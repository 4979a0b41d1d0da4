#!/usr/bin/env bash
# Run a command inside a private D-Bus session with a fresh, unlocked gnome-keyring, so the
# real Secret Service backs Herald's vault. The keyring lives in a temporary XDG_DATA_HOME
# (a leftover keyring with another password would refuse to unlock).
set -euo pipefail
if [ "${HERALD_IN_KEYRING:-}" = 1 ]; then exec "$@"; fi
exec dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$(mktemp -d)" HERALD_IN_KEYRING=1
  eval "$(echo "" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"' herald-keyring "$@"
