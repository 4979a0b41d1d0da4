#!/usr/bin/env bash
# Herald in the tray: memory with the window open and closed, and how fast a second launch
# brings the window back. Demo mode (in-process sandbox), under Xvfb and a private keyring
# session; nothing is built here.
#   bench/tray.sh [herald binary]     default: $CARGO_TARGET_DIR/release/herald, else debug
# The binary must embed the UI (built with --features custom-protocol). Environment:
#   TRAY_CYCLES   close/reopen cycles (default 3)   SETTLE   seconds before each measure (default 10)
# Prints one line per measure and a summary; targets: tray ≤ 60 MiB PSS in total with no WebKit
# process left, reopen < 1000 ms. The demo's stand-in S3 server (moto, started by the demo when
# installed) is reported on its own and left out of Herald's figure: in real use the media host
# is someone else's service, like the networks.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [ -z "${TRAY_BENCH_INSIDE:-}" ]; then
  export TRAY_BENCH_INSIDE=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$root/tests/with-keyring.sh" "$0" "$@"
fi
target="${CARGO_TARGET_DIR:-$root/target}"
bin="${1:-}"
if [ -z "$bin" ]; then
  bin="$target/release/herald"
  [ -x "$bin" ] || bin="$target/debug/herald"
fi
[ -x "$bin" ] || { echo "tray bench: no herald binary at $bin"; exit 1; }
cycles="${TRAY_CYCLES:-3}"
settle="${SETTLE:-10}"
work="$(mktemp -d)"
log="$work/herald.out"
export HERALD_BENCH=1 HERALD_DEMO=1 HERALD_DATA_DIR="$work/data" HERALD_LOG="${HERALD_LOG:-info}"
# A fresh config dir: the window-state file and autostart entry stay out of the user's.
export XDG_CONFIG_HOME="$work/config"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
tree() { echo "$1"; for c in $(pgrep -P "$1" || true); do tree "$c"; done; }
# "<PSS KiB> <name:KiB ...>" over the app and every process it spawned but the demo's S3 server.
pss() {
  local total=0 parts="" p kib name
  for p in $(tree "$1"); do
    kib=$(awk '/^Pss:/{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    name=$(cat "/proc/$p/comm" 2>/dev/null || echo gone)
    parts="$parts $name:${kib:-0}"
    [ "$name" = moto_server ] || total=$((total + ${kib:-0}))
  done
  echo "$total$parts"
}
webkit_left() { tree "$1" | while read -r p; do cat "/proc/$p/comm" 2>/dev/null; done | grep -c WebKit || true; }
ready_count() { grep -c '^HERALD_READY' "$log" || true; }
wait_ready() { # until the log holds $1 HERALD_READY lines (each: a window's first screen)
  for _ in $(seq 600); do [ "$(ready_count)" -ge "$1" ] && return 0; sleep 0.01; done
  echo "tray bench: no first screen (wanted $1)"; tail -20 "$log"; exit 1
}
window_id() { xdotool search --onlyvisible --pid "$pid" --name '^Herald$' 2>/dev/null | head -1; }
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }

t0=$(now_ms)
"$bin" > "$log" 2>&1 &
pid=$!
wait_ready 1
echo "first start: grid shown after $(( $(now_ms) - t0 )) ms"
sleep "$settle"
read -r open_kib open_parts <<<"$(pss "$pid")"
echo "window open:   PSS $(mib "$open_kib") MiB ($open_parts )"

reopen_ms=(); tray_kib=()
for cycle in $(seq "$cycles"); do
  wid="$(window_id)"
  [ -n "$wid" ] || { echo "tray bench: no Herald window"; exit 1; }
  "$here/close-window.py" "$wid"
  for _ in $(seq 500); do [ "$(webkit_left "$pid")" = 0 ] && break; sleep 0.02; done
  kill -0 "$pid" 2>/dev/null || { echo "tray bench: Herald exited when its window closed"; tail -20 "$log"; exit 1; }
  sleep "$settle"
  read -r kib parts <<<"$(pss "$pid")"
  tray_kib+=("$kib")
  echo "cycle $cycle, in the tray: PSS $(mib "$kib") MiB, WebKit processes left: $(webkit_left "$pid") ($parts )"
  before=$(ready_count)
  t0=$(now_ms)
  "$bin" > "$work/second.out" 2>&1
  second_exit=$(( $(now_ms) - t0 ))
  wait_ready $((before + 1))
  ms=$(( $(now_ms) - t0 ))
  reopen_ms+=("$ms")
  echo "cycle $cycle, second launch: exited after $second_exit ms, grid shown after $ms ms"
  sleep 2
done

sorted=($(printf '%s\n' "${reopen_ms[@]}" | sort -n))
median_reopen=${sorted[$(( ${#sorted[@]} / 2 ))]}
max_tray=$(printf '%s\n' "${tray_kib[@]}" | sort -n | tail -1)
echo "summary: window open $(mib "$open_kib") MiB PSS; in the tray max $(mib "$max_tray") MiB PSS (target ≤ 60); reopen median ${median_reopen} ms, runs ${reopen_ms[*]} (target < 1000)"
echo "log lines:"; grep -E "window closed|opening the window|first screen rendered" "$log" | sed 's/^/  /' | tail -8
