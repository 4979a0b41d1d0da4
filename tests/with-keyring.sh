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
  # The daemon claims its bus name a moment after it returns. A Secret Service call before that
  # would make D-Bus start a second, locked daemon, with no default collection ("result not
  # returned from SS API"): wait for the name (asking does not start anything), then for the
  # unlocked default collection.
  owned() { dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; }
  for _ in $(seq 100); do owned && break; sleep 0.05; done
  owned || { echo "with-keyring: the keyring daemon did not start" >&2; exit 1; }
  for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets \
      org.freedesktop.Secret.Service.ReadAlias string:default 2>/dev/null | grep -q "collection/" && break
    sleep 0.05
  done
  exec "$@"' herald-keyring "$@"
