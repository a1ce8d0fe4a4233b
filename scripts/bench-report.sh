#!/usr/bin/env bash
# Benchmark (not a test): the full monitoring report over N cases (default 1,000,000) in a real
# SQLite database, against DuckDB answering the same questions over the same file.
#
# The cases: `safeguard demo --cases BASE` generates BASE real demonstration cases (events,
# vault and projection, through the application), then the projection rows are copied until
# there are N, each copy's dates moved by a few days so that months and weekdays vary. The
# copies go through the same `cases` table and triggers as real cases. With BASE=N every case
# is generated for real (about 12 minutes for a million on a 2-core machine).
#
# Usage: scripts/bench-report.sh [N] [BASE]
# Needs: python3 with `pip install duckdb duckdb-extension-sqlite-scanner` (both from PyPI; the
# extension lets DuckDB read the SQLite file itself, offline).
set -euo pipefail
n="${1:-1000000}"
base="${2:-100000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cargo build --release --locked -p safeguard >/dev/null
work="${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/sg-bench-report.XXXXXX")}"
mkdir -p "$work"
db="$work/data/safeguard.db"
bin="$root/target/release/safeguard"

if [ ! -f "$db" ]; then
  echo "generating $base demonstration cases..." >&2
  "$bin" demo --cases "$base" --seed 1 --data-dir "$work/data" >/dev/null 2>&1
  python3 - "$db" "$n" "$base" <<'PY'
import sqlite3, sys
db, n, base = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
con = sqlite3.connect(db)
k = 1
while con.execute("SELECT count(*) FROM cases").fetchone()[0] < n:
    have = con.execute("SELECT count(*) FROM cases").fetchone()[0]
    take = min(base, n - have)
    shift = f"'+{k * 3} days'"
    d = lambda col: f"CASE WHEN {col} IS NULL THEN NULL ELSE date({col}, {shift}) END"
    con.execute(f"""INSERT INTO cases (id, reference, kind, status, jurisdiction, age, gender, nationality_1,
        nationality_2, exploitation_types, exploitation_location, first_responder_type, competent_authority,
        referred_on, rg_outcome, rg_on, cg_outcome, cg_on, last_event_on, version, created_by, created_by_org,
        created_at)
      SELECT id || '-' || {k}, reference || '-' || {k}, kind, status, jurisdiction, age, gender, nationality_1,
        nationality_2, exploitation_types, exploitation_location, first_responder_type, competent_authority,
        {d('referred_on')}, rg_outcome, {d('rg_on')}, cg_outcome, {d('cg_on')}, {d('last_event_on')}, version,
        created_by, created_by_org, created_at
      FROM cases WHERE rowid <= {take}""")
    con.commit()
    k += 1
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(f"{con.execute('SELECT count(*) FROM cases').fetchone()[0]} cases, "
      f"{con.execute('SELECT count(*) FROM case_stats WHERE n > 0').fetchone()[0]} statistics rows", file=sys.stderr)
PY
fi

time_it() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); python3 -c "print(f'{$e - $s:.3f}')"; }
# Warm the page cache once, then best of three for each.
"$bin" report --data-dir "$work/data" --format json --output "$work/report.json" 2>/dev/null
best=999
for _ in 1 2 3; do
  t=$(time_it "$bin" report --data-dir "$work/data" --format json --output "$work/report.json")
  best=$(python3 -c "print(min($best, $t))")
done
html=$(time_it "$bin" report --data-dir "$work/data" --format html --output "$work/report.html")
duck=""
for _ in 1 2 3; do duck="$(python3 "$root/scripts/bench_report_duckdb.py" "$db")"; done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%Y-%m-%d)"
echo "cases: $n ($base generated, the rest copies with dates moved)"
echo "safeguard report --format json (whole process, best of 3): $best s"
echo "safeguard report --format html: $html s"
echo "$duck"
