#!/usr/bin/env bash
# Benchmark (not a test): how long `safeguard demo --cases N` takes on a fresh SQLite database,
# against this disk's ceiling of durable commits (a plain fsync loop measured in the same run).
# Usage: scripts/bench-demo.sh [N] [SEED]
set -euo pipefail
n="${1:-100000}"
seed="${2:-1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --release --locked -p safeguard >/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/sg-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The disk's ceiling: how many 4 KiB write+fsync pairs per second one file gets.
fsyncs=$(python3 - "$work/fsync.probe" <<'PY'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o600)
n, start = 0, time.perf_counter()
while time.perf_counter() - start < 2.0:
    os.pwrite(fd, b"x" * 4096, 0); os.fsync(fd); n += 1
print(int(n / (time.perf_counter() - start)))
PY
)

start=$(date +%s.%N)
./target/release/safeguard demo --cases "$n" --seed "$seed" --data-dir "$work/data" >"$work/out.txt" 2>"$work/err.txt"
end=$(date +%s.%N)
secs=$(python3 -c "print(f'{$end - $start:.2f}')")
rate=$(python3 -c "print(f'{$n / ($end - $start):.0f}')")
size=$(du -sh "$work/data" | cut -f1)
echo "machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d)"
echo "disk ceiling: $fsyncs fsyncs/s"
echo "safeguard demo --cases $n --seed $seed: $secs s ($rate cases/s), database $size"
