#!/usr/bin/env bash
# Run the e2e specs against the real app window. Expects to run under a display (xvfb-run) and
# a Secret Service session (tests/with-keyring.sh); tests/run-all.sh arranges both.
#   HERALD_APP      the herald binary built with --features custom-protocol
#   TAURI_DRIVER    the tauri-driver binary
#   SANDBOX_BIN     the herald-sandbox binary
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
for bin in "$HERALD_APP" "$TAURI_DRIVER" "$SANDBOX_BIN"; do
  [ -x "$bin" ] || { echo "e2e: $bin is missing (run tests/setup.sh and build first)"; exit 1; }
done
out="$here/output"
rm -rf "$out" && mkdir -p "$out"
data="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT

# The sandbox's admin API answers only this token; only the specs get it (not the app).
admin_token="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# X accepts only its registered callback: the sandbox's X app and Herald's demo both take this
# port (a free one, so a program already on 8080 does not break the run).
x_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export HERALD_SANDBOX_X_PORT="$x_port"
HERALD_SANDBOX_ADMIN_TOKEN="$admin_token" "$SANDBOX_BIN" > "$out/sandbox.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$out/sandbox.log" && break; sleep 0.1; done
sandbox_url="$(grep -o 'http://127.0.0.1:[0-9]*' "$out/sandbox.log" | head -1)"
[ -n "$sandbox_url" ] || { echo "sandbox did not start"; cat "$out/sandbox.log"; exit 1; }

export HERALD_DEMO=1 HERALD_SANDBOX_URL="$sandbox_url" HERALD_DATA_DIR="$data" HERALD_E2E_OUT="$out"
# Make the test's browser the desktop's default http(s) handler, the way a real desktop
# registers one, so xdg-open (what the opener calls) hands it the authorize URL.
export XDG_DATA_HOME="${XDG_DATA_HOME:-$data/xdg-data}" XDG_CONFIG_HOME="$data/xdg-config"
mkdir -p "$XDG_DATA_HOME/applications" "$XDG_CONFIG_HOME"
cat > "$XDG_DATA_HOME/applications/herald-e2e-browser.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=Herald e2e browser
Exec=$here/fake-browser.sh %u
MimeType=x-scheme-handler/http;x-scheme-handler/https;
NoDisplay=true
DESKTOP
printf '[Default Applications]\nx-scheme-handler/http=herald-e2e-browser.desktop\nx-scheme-handler/https=herald-e2e-browser.desktop\n' \
  > "$XDG_CONFIG_HOME/mimeapps.list"
# Exports land in a Documents folder inside the run's temporary directory.
mkdir -p "$data/documents"
printf 'XDG_DOCUMENTS_DIR="%s"\n' "$data/documents" > "$XDG_CONFIG_HOME/user-dirs.dirs"
export HERALD_E2E_DOCUMENTS="$data/documents"
export BROWSER="$here/fake-browser.sh" XDG_CURRENT_DESKTOP= HERALD_APP HERALD_LOG="${HERALD_LOG:-info}"
# tauri-driver and WebKitWebDriver ports: 4444/4445 unless set (runs side by side need others).
export HERALD_E2E_DRIVER_PORT="${HERALD_E2E_DRIVER_PORT:-4444}"
"$TAURI_DRIVER" --port "$HERALD_E2E_DRIVER_PORT" --native-port "$((HERALD_E2E_DRIVER_PORT + 1))" > "$out/tauri-driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (echo > /dev/tcp/127.0.0.1/"$HERALD_E2E_DRIVER_PORT") 2>/dev/null && break; sleep 0.1; done

status=0
(cd "$here" && HERALD_SANDBOX_ADMIN_TOKEN="$admin_token" node --test --test-reporter=spec --test-concurrency=1 ${HERALD_E2E_SPECS:-specs/}) || status=$?
exit $status
