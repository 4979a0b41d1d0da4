#!/usr/bin/env bash
# Scheduler benchmarks (core/tests/scheduler_bench.rs): due → request p50/p99 over 200 posts,
# and idle CPU + wake-ups over DURATION seconds (default 60). Usage: bench/scheduler.sh [DURATION]
set -euo pipefail
cd "$(dirname "$0")/.."
HERALD_IDLE_SECS="${1:-60}" tests/with-keyring.sh \
    cargo test -p herald-core --test scheduler_bench -- --ignored --nocapture --test-threads=1
