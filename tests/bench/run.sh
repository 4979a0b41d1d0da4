#!/usr/bin/env bash
# Benchmark Herald against the floor. Builds both in release mode (about 7 minutes cold), then
# measures under Xvfb inside a Secret Service session. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-$(pwd)/target}"
npm --prefix ui run build > /dev/null
cargo build --release -p herald -p herald-floor --features herald/custom-protocol,herald-floor/custom-protocol
xvfb-run -a -s "-screen 0 1280x800x24" tests/with-keyring.sh \
  python3 tests/bench/measure.py "$target/release/herald" "$target/release/herald-floor"
