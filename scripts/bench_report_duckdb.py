"""DuckDB answering the monitoring report's questions over the same SQLite file.

Used by scripts/bench-report.sh. DuckDB reads the SQLite file through its sqlite_scanner
extension, installed offline from PyPI (`pip install duckdb duckdb-extension-sqlite-scanner`).
It scans the `cases` projection for every question, as an analyst would; it is given the
same questions the report answers: each indicator's headline, trend and breakdowns.
Usage: python3 bench_report_duckdb.py DB [PERIOD_YEAR]
"""
import glob
import os
import sys
import time

import duckdb
import duckdb_extension_sqlite_scanner

db = sys.argv[1]
ext = glob.glob(os.path.join(os.path.dirname(duckdb_extension_sqlite_scanner.__file__), "extensions", "*",
                             "sqlite_scanner.duckdb_extension"))[0]

start = time.perf_counter()
con = duckdb.connect()
con.execute(f"LOAD '{ext}'")
con.execute(f"ATTACH '{db}' AS s (TYPE sqlite, READ_ONLY)")
# Copy the projection into DuckDB's own columnar storage once, then answer every question from
# it: the fastest way to use DuckDB here (querying through the scanner per question is slower).
con.execute("""CREATE TABLE c AS SELECT kind, status, jurisdiction, age, gender, nationality_1, nationality_2,
  exploitation_types, exploitation_location, first_responder_type, competent_authority,
  CAST(referred_on AS DATE) AS referred_on, rg_outcome, CAST(rg_on AS DATE) AS rg_on, cg_outcome,
  CAST(cg_on AS DATE) AS cg_on FROM s.cases""")
loaded = time.perf_counter()

quarter = "strftime(%s, '%Y') || ' Q' || CAST(quarter(%s) AS VARCHAR)"
dims = ["age", "gender", "nationality_1", "exploitation_types", "first_responder_type",
        "competent_authority", "jurisdiction", "exploitation_location"]
queries = []
# referrals: headline, trend, breakdowns (nationality group needs a lookup; grouping by nationality covers it)
queries.append("SELECT count(*) FROM c WHERE kind = 'referral'")
queries.append(f"SELECT {quarter % ('referred_on', 'referred_on')} q, count(*) FROM c WHERE kind = 'referral' GROUP BY q")
for d in dims:
    queries.append(f"SELECT {d}, count(*) FROM c WHERE kind = 'referral' GROUP BY {d}")
# Duty to Notify share
queries.append("SELECT kind, count(*) FROM c GROUP BY kind")
queries.append(f"SELECT {quarter % ('referred_on', 'referred_on')} q, kind, count(*) FROM c GROUP BY q, kind")
# RG and CG positive rates: headline, trend, four breakdowns each
for outcome, on in [("rg_outcome", "rg_on"), ("cg_outcome", "cg_on")]:
    queries.append(f"SELECT {outcome}, count(*) FROM c WHERE {outcome} IS NOT NULL GROUP BY {outcome}")
    queries.append(f"SELECT {quarter % (on, on)} q, {outcome}, count(*) FROM c WHERE {on} IS NOT NULL GROUP BY q, {outcome}")
    for d in ["competent_authority", "nationality_1", "age", "first_responder_type"]:
        queries.append(f"SELECT {d}, {outcome}, count(*) FROM c WHERE {outcome} IS NOT NULL GROUP BY {d}, {outcome}")
# RG within 5 working days (Monday to Friday), by competent authority, and its trend
within = ("(rg_on - referred_on) <= CASE dayofweek(referred_on) WHEN 6 THEN 6 WHEN 0 THEN 5 ELSE 7 END")
queries.append(f"SELECT competent_authority, {within} w, count(*) FROM c WHERE rg_on IS NOT NULL GROUP BY 1, 2")
queries.append(f"SELECT {quarter % ('rg_on', 'rg_on')} q, {within} w, count(*) FROM c WHERE rg_on IS NOT NULL GROUP BY 1, 2")
# Time to CG and cases awaiting CG, by competent authority
queries.append("SELECT competent_authority, count(*), avg(cg_on - referred_on) FROM c WHERE cg_on IS NOT NULL GROUP BY 1")
queries.append("SELECT competent_authority, count(*), avg(current_date - referred_on) FROM c "
               "WHERE status = 'awaiting-cg' GROUP BY 1")

results = [con.execute(q).fetchall() for q in queries]
done = time.perf_counter()
rows = con.execute("SELECT count(*) FROM c").fetchone()[0]
print(f"duckdb {duckdb.__version__}: {rows} rows; load {loaded - start:.3f} s; "
      f"{len(queries)} queries {done - loaded:.3f} s; total {done - start:.3f} s")
