#!/usr/bin/env bash
# Herald in the tray, end to end on the real binary (demo mode, in-process sandbox), from the
# shell: a WebDriver session cannot follow a window that is destroyed and built again (the
# specs in specs/ drive one window per session). The tray menu is clicked through its D-Bus
# menu (com.canonical.dbusmenu, what a desktop's tray host reads); the window is closed the
# way a window manager's close button does it (bench/close-window.py); desktop notifications go
# to notifyd.mjs, a notification server on the session bus that records them and clicks one on
# SIGUSR1 as a person would.
#   tests/e2e/tray.sh [herald binary]   default $CARGO_TARGET_DIR/debug/herald (custom-protocol)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [ -z "${TRAY_E2E_INSIDE:-}" ]; then
  export TRAY_E2E_INSIDE=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$root/tests/with-keyring.sh" "$0" "$@"
fi
bin="${1:-${CARGO_TARGET_DIR:-$root/target}/debug/herald}"
[ -x "$bin" ] || { echo "tray e2e: no herald binary at $bin"; exit 1; }
work="$(mktemp -d)"
export HERALD_BENCH=1 HERALD_DEMO=1 HERALD_DATA_DIR="$work/data" HERALD_LOG=info LANG=en_US.UTF-8
export XDG_CONFIG_HOME="$work/config" BROWSER=true
pid=""
log=""
notifyd=""
cleanup() {
  local status=$?
  [ "$status" = 0 ] || echo "tray e2e: stopped (status $status)"
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ -n "$notifyd" ] && kill "$notifyd" 2>/dev/null
  wait 2>/dev/null || true
  if [ -n "${TRAY_E2E_KEEP:-}" ]; then echo "tray e2e: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fails=0
pass() { echo "ok   - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
check() { local what="$1"; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

start() { # start Herald with its output in $work/$1.out, wait for its first screen
  log="$work/$1.out"
  "$bin" "${@:2}" > "$log" 2>&1 &
  pid=$!
}
ready_count() { grep -c '^HERALD_READY' "$log" || true; }
wait_for() { # wait_for <seconds> <command…>
  local until=$(( $(date +%s) + $1 )); shift
  while ! "$@"; do [ "$(date +%s)" -ge "$until" ] && return 1; sleep 0.1; done
}
ready_at_least() { [ "$(ready_count)" -ge "$1" ]; }
alive() { kill -0 "$pid" 2>/dev/null; }
dead() { ! kill -0 "$pid" 2>/dev/null; }
children() { pgrep -P "$pid" -a 2>/dev/null || true; }
no_webkit() { ! children | grep -q WebKit; }
window_id() { xdotool search --onlyvisible --pid "$pid" --name '^Herald$' 2>/dev/null | head -1; }
has_window() { [ -n "$(window_id)" ]; }
close_window() { "$root/bench/close-window.py" "$(window_id)"; }
# The demo keeps its data in a directory of its own under the data directory.
db() { sqlite3 "$HERALD_DATA_DIR/demo/herald.db" "$1"; }
setting() { db "SELECT value FROM settings WHERE key = '$1'"; }
setting_is() { [ "$(setting "$1")" = "$2" ]; }
log_count() { grep -c "$1" "$log" || true; }

# The desktop's notification server: every notification Herald shows lands in $notes.
notes="$work/notifications.jsonl"
: > "$notes"
NOTIFYD_LOG="$notes" node "$here/notifyd.mjs" > "$work/notifyd.out" 2>&1 &
notifyd=$!
notifyd_ready() { grep -q "notifyd ready" "$work/notifyd.out"; }
wait_for 10 notifyd_ready || { echo "the test notification server did not start"; cat "$work/notifyd.out"; exit 1; }
notes_with() { grep -F '"summary"' "$notes" | grep -cF "$1" || true; }
noted() { [ "$(notes_with "$1")" -ge 1 ]; }
click_notification() { kill -USR1 "$notifyd"; }

menu_path=/org/ayatana/NotificationItem/tray_icon_tray_app_herald/Menu
menu_dest() { # the bus connection of Herald's tray menu: one of Herald's own connections
  local name owner cache="$work/menu-dest.$pid"
  if [ -s "$cache" ]; then cat "$cache"; return 0; fi
  for name in $(dbus-send --session --dest=org.freedesktop.DBus --print-reply /org/freedesktop/DBus \
      org.freedesktop.DBus.ListNames | grep -o '":1\.[0-9]*"' | tr -d '"'); do
    owner="$(dbus-send --session --dest=org.freedesktop.DBus --print-reply /org/freedesktop/DBus \
      org.freedesktop.DBus.GetConnectionUnixProcessID "string:$name" 2>/dev/null | awk '/uint32/{print $2}')" || true
    [ "$owner" = "$pid" ] || continue
    # --timeout: another of Herald's connections may leave an unknown call unanswered.
    if gdbus call --session --timeout 2 --dest "$name" --object-path "$menu_path" \
        --method com.canonical.dbusmenu.GetLayout -- 0 -1 "['label']" > /dev/null 2>&1; then
      echo "$name" > "$cache"; echo "$name"; return 0
    fi
  done
  return 1
}
menu() { # the menu as "id<TAB>label<TAB>toggle-state" lines (retried while it is being rebuilt)
  local layout="" dest
  for _ in $(seq 20); do
    dest="$(menu_dest)" && layout="$(gdbus call --session --dest "$dest" --object-path "$menu_path" \
      --method com.canonical.dbusmenu.GetLayout -- 0 -1 "['label', 'toggle-state']" 2>/dev/null)" && break
    sleep 0.1
  done
  [ -n "$layout" ] || return 1
  echo "$layout" | python3 -c '
import re, sys
for m in re.finditer(r"\((\d+), \{([^}]*)\}", sys.stdin.read()):
    label = re.search(r"'"'"'label'"'"': <'"'"'(.*?)'"'"'>", m.group(2))
    toggle = re.search(r"'"'"'toggle-state'"'"': <(\d+)>", m.group(2))
    if label and m.group(1) != "0":
        print(m.group(1), label.group(1), toggle.group(1) if toggle else "", sep="\t")'
}
icon_is() { # the tray's current icon has the pixels of the image $1
  local file
  file="$(gdbus call --session --dest "$(menu_dest)" --object-path "${menu_path%/Menu}" \
    --method org.freedesktop.DBus.Properties.Get org.kde.StatusNotifierItem IconName | grep -o "/[^'>]*\.png")"
  [ -f "$file" ] && [ "$(compare -metric AE "$file" "$1" null: 2>&1)" = 0 ]
}
pause_checked() { menu | grep -q $'\tPause publishing\t1$'; }
menu_has() { menu | cut -f2 | grep -qx "$1"; }
click() { # click the menu item labelled $1
  local id
  id="$(menu | awk -F'\t' -v l="$1" '$2 == l {print $1}')" || return 1
  [ -n "$id" ] || { echo "no menu item '$1'"; menu; return 1; }
  gdbus call --session --dest "$(menu_dest)" --object-path "$menu_path" \
    --method com.canonical.dbusmenu.Event -- "$id" clicked '<0>' 0 > /dev/null || return 1
}

echo "# close to the tray, first-close notice once, second launch reopens"
start first
wait_for 30 ready_at_least 1 || { echo "Herald did not show its first screen"; cat "$log"; exit 1; }
check "the window is up and the tray menu offers Open, Pause, Quit" wait_for 10 menu_has "Open Herald"
check "pause and quit are in the menu" menu_has "Pause publishing"
check "quit is in the menu" menu_has "Quit Herald"
check "no tray notice before the first close" setting_is shell.tray_notice_shown ""
check "the tray icon is the plain one" wait_for 5 icon_is "$root/icons/tray.png"
xdotool windowsize "$(window_id)" 900 640
sleep 0.5
close_window
check "closing the window leaves Herald running" wait_for 5 bash -c "sleep 1; kill -0 $pid"
check "WebKit's web and network processes exit" wait_for 10 no_webkit
check "the first close is remembered (notice shown once)" wait_for 5 setting_is shell.tray_notice_shown 1
check "no window while in the tray" bash -c "! xdotool search --onlyvisible --pid $pid --name '^Herald\$' >/dev/null 2>&1"
before=$(ready_count)
second_started=$(date +%s%N)
"$bin" > "$work/second.out" 2>&1 && second_status=0 || second_status=$?
check "a second launch hands over and exits 0" test "$second_status" = 0
check "the second launch brings the first's window back" wait_for 10 ready_at_least $((before + 1))
echo "     (reopened in $(( ($(date +%s%N) - second_started) / 1000000 )) ms)"
check "one Herald process" test "$(pgrep -xc herald)" = 1
close_window
check "closing again keeps running" wait_for 5 bash -c "sleep 1; kill -0 $pid"
sleep 1
check "the tray notice was shown exactly once" test "$(log_count 'tray notice shown')" = 1
check "... and reached the desktop's notification server once" test "$(notes_with 'Herald keeps running in the tray')" = 1

echo "# the tray menu: Open Herald, Pause/Resume publishing"
before=$(ready_count)
check "click Open Herald" click "Open Herald"
check "Open Herald recreates the window" wait_for 10 ready_at_least $((before + 1))
check "click Pause publishing" click "Pause publishing"
check "Pause publishing pauses the scheduler (setting saved)" wait_for 5 setting_is publishing.paused 1
check "the menu shows the pause as checked" wait_for 5 pause_checked
check "click Pause publishing again" click "Pause publishing"
check "clicking it again resumes" wait_for 5 setting_is publishing.paused ""
# The process ends without its exit path (as at logout): the window's size must already be saved.
close_window
sleep 1
kill -9 "$pid"; wait "$pid" 2>/dev/null || true

echo "# an account needing attention: tray item, attention icon, reconnect from the tray; Quit"
# A connected Facebook Page whose sign-in is gone from the keyring (as when the keyring is
# cleared): the health check at start finds it missing and moves the account to "needs reconnect".
account_id="tray-e2e-page"
account_network=facebook
db "INSERT INTO grants (id, network, created_at) VALUES ('tray-e2e-grant', 'facebook', '2026-01-01T00:00:00Z');
    INSERT INTO accounts (id, network, external_id, kind, display_name, status, connected_at, grant_id)
    VALUES ('$account_id', 'facebook', 'tray-e2e', 'page', 'Forno Rossi', 'connected', '2026-01-01T00:00:00Z', 'tray-e2e-grant')"
start third
wait_for 30 ready_at_least 1 || { echo "Herald did not restart"; cat "$log"; exit 1; }
check "the window comes back at its saved size" test "$(xdotool getwindowgeometry "$(window_id)" | awk '/Geometry/{print $2}')" = 900x640
status_is() { [ "$(db "SELECT status FROM accounts WHERE id = '$account_id'")" = "$1" ]; }
check "the check at start finds the sign-in missing" wait_for 10 status_is needs_reconnect
has_reconnect_item() { menu | cut -f2 | grep -q '^Reconnect '; }
wait_for 10 has_reconnect_item || true
reconnect_label="$(menu | cut -f2 | grep '^Reconnect ' || true)"
check "the tray lists the account needing attention" test -n "$reconnect_label"
check "the tray icon shows the attention dot" wait_for 5 icon_is "$root/icons/tray-attention.png"
check "a desktop notification says the account needs reconnecting" wait_for 10 noted "Forno Rossi (Facebook) needs reconnecting"
signins() { grep "sign-in started" "$log" | grep -c "$account_network" || true; }
signins_at_least() { [ "$(signins)" -ge "$1" ]; }
close_window
wait_for 10 no_webkit || true
before=$(ready_count)
check "click the notification (window closed)" click_notification
check "the notification opens the window" wait_for 10 ready_at_least $((before + 1))
check "... on that account's reconnect (sign-in started for its network)" wait_for 10 signins_at_least 1
close_window
wait_for 10 no_webkit || true
before=$(ready_count)
check "click $reconnect_label" click "$reconnect_label"
check "the reconnect item opens the window" wait_for 10 ready_at_least $((before + 1))
check "... on that account's reconnect too" wait_for 10 signins_at_least 2
[ -n "${TRAY_E2E_DEBUG:-}" ] && tail -15 "$log"
check "click Quit Herald" click "Quit Herald"
check "Quit exits Herald" wait_for 10 dead
pid=""

echo "# start at login starts in the tray"
start fourth --in-tray
check "an --in-tray start builds the tray menu" wait_for 30 menu_has "Open Herald"
sleep 2
check "... and no window" test "$(ready_count)" = 0
check "the account's notification was not raised again at this start" test "$(notes_with 'Forno Rossi (Facebook) needs reconnecting')" = 1
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

echo "tray e2e: $fails failed"
[ "$fails" = 0 ]
