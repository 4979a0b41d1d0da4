#!/usr/bin/env bash
# Fuzz herald-core's hostile-input parsers for a bounded time each (CI runs this briefly).
#
#   callback_request  raw bytes as the loopback listener's request head
#                     (herald_core::oauth::listener::interpret_request)
#   token_response    HTTP status + Content-Type + body as a token endpoint's answer, through
#                     OAuthConfig::exchange_code_with / refresh_with (oauth2's parsing, the size
#                     cap, Herald's token checks and error classification)
#
# The targets live in core/fuzz (a cargo-fuzz project with its own [workspace], so the main
# build never sees it). cargo-fuzz drives libFuzzer and needs rustc's -Z flags (sanitizers,
# coverage passes), which a stable toolchain accepts with RUSTC_BOOTSTRAP=1; no nightly needed.
#
# Each target starts from the committed seeds in core/fuzz/corpus/<target>/ (read-only here);
# what libFuzzer learns goes to a working corpus under the fuzz target dir, which makes later
# runs on the same machine start further. A crash, a timeout or an out-of-memory fails the run
# (exit 1) and leaves the input under $fuzz_dir/artifacts/<target>/.
#
# Environment:
#   FUZZ_SECONDS     fuzzing time per target (default 30)
#   FUZZ_TARGETS     space-separated subset of targets (default: both)
#   FUZZ_SANITIZER   address (default) or none
#   HERALD_TOOLS     where cargo-fuzz is installed if missing (default ~/.cache/herald/tools)
#   CARGO_TARGET_DIR the main target dir; the fuzz build uses its own $CARGO_TARGET_DIR/fuzz
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seconds="${FUZZ_SECONDS:-30}"
targets="${FUZZ_TARGETS:-callback_request token_response}"
sanitizer="${FUZZ_SANITIZER:-address}"
tools="${HERALD_TOOLS:-$HOME/.cache/herald/tools}"
main_target="${CARGO_TARGET_DIR:-target}"
case "$main_target" in /*) ;; *) main_target="$root/$main_target" ;; esac
fuzz_dir="$main_target/fuzz"

export PATH="$tools/bin:$PATH"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz into $tools"
  cargo install cargo-fuzz --locked --root "$tools"
fi

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$fuzz_dir"
fuzz_args=(--fuzz-dir core/fuzz --target-dir "$fuzz_dir" --sanitizer "$sanitizer")

started=$SECONDS
echo "fuzz: building targets ($(cargo fuzz --version), sanitizer $sanitizer, target dir $fuzz_dir)"
cargo fuzz build "${fuzz_args[@]}"
echo "fuzz: built in $((SECONDS - started)) s"

status=0
for target in $targets; do
  seeds="core/fuzz/corpus/$target"
  work="$fuzz_dir/corpus/$target"
  artifacts="$fuzz_dir/artifacts/$target/"
  log="$fuzz_dir/logs/$target.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  max_len=16384
  [ "$target" = callback_request ] && max_len=20480
  echo "fuzz: $target for ${seconds} s (seeds: $(find "$seeds" -type f | wc -l))"
  set +e
  cargo fuzz run "${fuzz_args[@]}" "$target" "$work" "$seeds" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
    -dict="core/fuzz/$target.dict" -artifact_prefix="$artifacts" -print_final_stats=1 \
    >"$log" 2>&1
  rc=$?
  set -e
  # The last coverage line and libFuzzer's summary ("Done N runs in S second(s)").
  stats="$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)"
  done_line="$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -n 1 || true)"
  if [ "$rc" -ne 0 ] || [ -z "$done_line" ]; then
    echo "fuzz: $target FAILED (exit $rc); last lines of $log:"
    tail -n 40 "$log"
    echo "fuzz: reproduce with: RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir core/fuzz $target <artifact from $artifacts>"
    status=1
  else
    echo "fuzz: $target: $done_line"
    echo "fuzz: $target: $stats"
  fi
done
echo "fuzz: finished in $((SECONDS - started)) s"
exit "$status"
