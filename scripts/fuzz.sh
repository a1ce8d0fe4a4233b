#!/usr/bin/env bash
# A short fuzz run of every target in fuzz/ (cargo-fuzz; see docs/reliability.md).
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
# New inputs go to a scratch directory, so the corpora kept in fuzz/corpus stay small; a crash
# (or a timeout, or running out of memory) is saved under fuzz/artifacts/TARGET/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-20}"
# cargo-fuzz needs nightly flags; on stable Rust, RUSTC_BOOTSTRAP=1 allows them.
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked cargo-fuzz
cargo fuzz build --sanitizer none
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for target in $(cargo fuzz list); do
  mkdir -p "$scratch/$target"
  rm -rf "artifacts/$target"
  echo "== fuzz $target (${seconds}s)"
  cargo fuzz run --sanitizer none "$target" "$scratch/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 2>&1 | grep -E "^(Done|stat::number_of_executed_units)|panicked|SUMMARY|crash-" || true
  if [ -n "$(ls -A "artifacts/$target" 2>/dev/null)" ]; then
    echo "fuzz: $target failed (crash, timeout or out of memory); see fuzz/artifacts/$target" >&2
    exit 1
  fi
done
