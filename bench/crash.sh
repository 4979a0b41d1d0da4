#!/usr/bin/env bash
# Crash bench: the crash test of core/tests/scheduler_crash.rs with many kills (default 1,000):
# the real scheduler process SIGKILLed at random moments, in rounds of 200 posts, checked against
# the sandbox's own record at the end. Usage: bench/crash.sh [KILLS]
set -euo pipefail
cd "$(dirname "$0")/.."
kills="${1:-1000}"
HERALD_CRASH_KILLS="$kills" tests/with-keyring.sh \
    cargo test -p herald-core --test scheduler_crash -- --nocapture --exact \
    sigkill_at_random_never_publishes_twice_and_reconciliation_resolves_what_arrived
