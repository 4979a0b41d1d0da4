#!/usr/bin/env bash
# The idle app in the tray: CPU time and thread wake-ups over DURATION seconds (default 600).
# Demo mode (in-process sandbox, demo accounts), under Xvfb and a private keyring session. It
# starts Herald, waits for the first screen, closes the window (Herald stays in the tray), lets
# it settle, then reads /proc: CPU = utime + stime of the process; wake-ups = context switches
# summed over all its threads (each one is a thread that slept and was woken).
#   bench/idle.sh [herald binary]    default: $CARGO_TARGET_DIR/release/herald, else debug
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [ -z "${IDLE_BENCH_INSIDE:-}" ]; then
  export IDLE_BENCH_INSIDE=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$root/tests/with-keyring.sh" "$0" "$@"
fi
target="${CARGO_TARGET_DIR:-$root/target}"
bin="${1:-}"
if [ -z "$bin" ]; then
  bin="$target/release/herald"
  [ -x "$bin" ] || bin="$target/debug/herald"
fi
[ -x "$bin" ] || { echo "idle bench: no herald binary at $bin"; exit 1; }
duration="${DURATION:-600}"
work="$(mktemp -d)"
log="$work/herald.out"
export HERALD_BENCH=1 HERALD_DEMO=1 HERALD_DATA_DIR="$work/data" HERALD_LOG="${HERALD_LOG:-info}"
export XDG_CONFIG_HOME="$work/config"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for _ in $(seq 600); do [ -n "$pid" ] || { "$bin" > "$log" 2>&1 & pid=$!; }; grep -q '^HERALD_READY' "$log" 2>/dev/null && break; sleep 0.05; done
grep -q '^HERALD_READY' "$log" || { echo "idle bench: no first screen"; tail -20 "$log"; exit 1; }
sleep 5
wid="$(xdotool search --onlyvisible --pid "$pid" --name '^Herald$' 2>/dev/null | head -1)"
[ -n "$wid" ] || { echo "idle bench: no Herald window"; exit 1; }
"$here/close-window.py" "$wid"
sleep 15
kill -0 "$pid" || { echo "idle bench: Herald exited when its window closed"; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
switches() { cat /proc/"$pid"/task/*/status 2>/dev/null | awk '/_ctxt_switches/{n += $2} END{print n}'; }
hz=$(getconf CLK_TCK)
t0=$(ticks); s0=$(switches); threads=$(ls /proc/"$pid"/task | wc -l)
sleep "$duration"
t1=$(ticks); s1=$(switches)
cpu_ms=$(( (t1 - t0) * 1000 / hz ))
awk -v ms="$cpu_ms" -v d="$duration" -v w="$((s1 - s0))" -v th="$threads" 'BEGIN {
  printf "idle in the tray for %d s: CPU %d ms (%.4f %% of one core); %d thread wake-ups (%.2f a minute) over %d threads\n",
    d, ms, ms / (d * 10), w, w * 60 / d, th }'
