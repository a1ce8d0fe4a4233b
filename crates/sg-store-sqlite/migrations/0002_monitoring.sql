-- Independent monitoring, schema version 2: public datasets, publications, and the statistics
-- aggregate of the system's own cases. Never edit an applied migration: add a new one.

-- Imported public statistics. Each import of a name is a new version; nothing is overwritten,
-- so revisions between releases stay visible.
CREATE TABLE datasets (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    source        TEXT NOT NULL,
    imported_at   INTEGER NOT NULL,
    rows_read     INTEGER NOT NULL,
    rows_imported INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    -- The import report: files, subtotals checked, rejected rows with line and reason.
    report        TEXT NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE dataset_tables (
    id          INTEGER PRIMARY KEY,
    dataset_id  INTEGER NOT NULL REFERENCES datasets(id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    -- JSON arrays of sg_stats::Measure and sg_stats::Dim codes.
    measures    TEXT NOT NULL,
    dims        TEXT NOT NULL,
    granularity TEXT NOT NULL
);

-- One published count of a table; columns the table does not give are NULL. Months are YYYY-MM.
CREATE TABLE dataset_cells (
    table_id         INTEGER NOT NULL REFERENCES dataset_tables(id),
    n                INTEGER NOT NULL,
    kind             TEXT,
    referred         TEXT,
    status           TEXT,
    jurisdiction     TEXT,
    age              TEXT,
    gender           TEXT,
    nationality      TEXT,
    exploitation     INTEGER,
    location         TEXT,
    fr_type          TEXT,
    ca               TEXT,
    rg_outcome       TEXT,
    rg_month         TEXT,
    rg_within_5wd    INTEGER,
    cg_outcome       TEXT,
    cg_month         TEXT,
    cg_days_sum      INTEGER NOT NULL DEFAULT 0,
    referred_day_sum INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX dataset_cells_by_table ON dataset_cells (table_id);

-- Everything that left the system with statistics in it: what, when, by whom, under which
-- disclosure rule, and a hash of the exact bytes. Append-only, like case events.
CREATE TABLE publications (
    id         TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    created_by TEXT REFERENCES users(id),
    kind       TEXT NOT NULL,
    source     TEXT NOT NULL,
    period     TEXT NOT NULL,
    format     TEXT NOT NULL,
    rule       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    bytes      INTEGER NOT NULL
);
CREATE INDEX publications_by_time ON publications (created_at DESC);
CREATE TRIGGER publications_are_append_only_update BEFORE UPDATE ON publications
BEGIN SELECT RAISE(ABORT, 'publications are append-only'); END;
CREATE TRIGGER publications_are_append_only_delete BEFORE DELETE ON publications
BEGIN SELECT RAISE(ABORT, 'publications are append-only'); END;

-- The statistics of the system's own cases, kept current as cases change: the questions are
-- known in advance, so their answers are maintained instead of recomputed by scanning every case.
-- One row per (measure, month, outcome, flag, dimension, value): the margins each indicator
-- breaks down by, like the Home Office's own tables, so the table stays a few thousand rows
-- whatever the number of cases. Triggers on `cases` keep it in the same transaction as every
-- change to the projection. Measures: the case kind (referrals and Duty to Notify reports, by
-- month of referral), `rg` and `cg` (decisions by month and outcome), `rg-timeliness` (flag 1
-- within 5 working days, Monday to Friday), `cg-time` (sum_a: days from referral to decision),
-- `status` (dim: the status; sum_b: Julian day numbers of referral, for the mean age of
-- waiting cases). Dimension '' is the total. Nationality values are `CODE1|CODE2`. Rows whose
-- count falls to 0 are kept and skipped on reading. sg_stats::Cell::from_case computes the same
-- keys in Rust; a test checks the report from this table equals the report from every case row.
CREATE TABLE case_marginals (
    measure TEXT NOT NULL,
    month   TEXT NOT NULL,
    outcome TEXT NOT NULL,
    flag    INTEGER NOT NULL,
    dim     TEXT NOT NULL,
    value   TEXT NOT NULL,
    n       INTEGER NOT NULL,
    sum_a   INTEGER NOT NULL,
    sum_b   INTEGER NOT NULL,
    PRIMARY KEY (measure, month, outcome, flag, dim, value)
) WITHOUT ROWID;

INSERT INTO case_marginals (measure, month, outcome, flag, dim, value, n, sum_a, sum_b)
SELECT measure, month, outcome, flag, dim, value, sum(n), sum(a), sum(b) FROM (
    SELECT c.kind AS measure, substr(c.referred_on, 1, 7) AS month, '' AS outcome, -1 AS flag, '' AS dim, '' AS value, 1 AS n, (0) AS a, (0) AS b FROM cases c
    UNION ALL
    SELECT c.kind, substr(c.referred_on, 1, 7), '', -1, 'age', c.age, 1, (0), (0) FROM cases c
    UNION ALL
    SELECT c.kind, substr(c.referred_on, 1, 7), '', -1, 'gender', c.gender, 1, (0), (0) FROM cases c
    UNION ALL
    SELECT c.kind, substr(c.referred_on, 1, 7), '', -1, 'nationality', coalesce(c.nationality_1, '') || '|' || coalesce(c.nationality_2, ''), 1, (0), (0) FROM cases c
    UNION ALL
    SELECT c.kind, substr(c.referred_on, 1, 7), '', -1, 'exploitation', CAST(c.exploitation_types AS TEXT), 1, (0), (0) FROM cases c
    UNION ALL
    SELECT c.kind, substr(c.referred_on, 1, 7), '', -1, 'first-responder-type', c.first_responder_type, 1, (0), (0) FROM cases c
    UNION ALL
    SELECT c.kind, substr(c.referred_on, 1, 7), '', -1, 'competent-authority', coalesce(c.competent_authority, ''), 1, (0), (0) FROM cases c
    UNION ALL
    SELECT c.kind, substr(c.referred_on, 1, 7), '', -1, 'jurisdiction', c.jurisdiction, 1, (0), (0) FROM cases c
    UNION ALL
    SELECT c.kind, substr(c.referred_on, 1, 7), '', -1, 'location', c.exploitation_location, 1, (0), (0) FROM cases c
    UNION ALL
    SELECT 'rg', substr(c.rg_on, 1, 7), c.rg_outcome, -1, '', '', 1, (0), (0) FROM cases c WHERE c.rg_on IS NOT NULL AND c.rg_outcome IS NOT NULL
    UNION ALL
    SELECT 'rg', substr(c.rg_on, 1, 7), c.rg_outcome, -1, 'competent-authority', coalesce(c.competent_authority, ''), 1, (0), (0) FROM cases c WHERE c.rg_on IS NOT NULL AND c.rg_outcome IS NOT NULL
    UNION ALL
    SELECT 'rg', substr(c.rg_on, 1, 7), c.rg_outcome, -1, 'nationality', coalesce(c.nationality_1, '') || '|' || coalesce(c.nationality_2, ''), 1, (0), (0) FROM cases c WHERE c.rg_on IS NOT NULL AND c.rg_outcome IS NOT NULL
    UNION ALL
    SELECT 'rg', substr(c.rg_on, 1, 7), c.rg_outcome, -1, 'age', c.age, 1, (0), (0) FROM cases c WHERE c.rg_on IS NOT NULL AND c.rg_outcome IS NOT NULL
    UNION ALL
    SELECT 'rg', substr(c.rg_on, 1, 7), c.rg_outcome, -1, 'first-responder-type', c.first_responder_type, 1, (0), (0) FROM cases c WHERE c.rg_on IS NOT NULL AND c.rg_outcome IS NOT NULL
    UNION ALL
    SELECT 'cg', substr(c.cg_on, 1, 7), c.cg_outcome, -1, '', '', 1, (0), (0) FROM cases c WHERE c.cg_on IS NOT NULL AND c.cg_outcome IS NOT NULL
    UNION ALL
    SELECT 'cg', substr(c.cg_on, 1, 7), c.cg_outcome, -1, 'competent-authority', coalesce(c.competent_authority, ''), 1, (0), (0) FROM cases c WHERE c.cg_on IS NOT NULL AND c.cg_outcome IS NOT NULL
    UNION ALL
    SELECT 'cg', substr(c.cg_on, 1, 7), c.cg_outcome, -1, 'nationality', coalesce(c.nationality_1, '') || '|' || coalesce(c.nationality_2, ''), 1, (0), (0) FROM cases c WHERE c.cg_on IS NOT NULL AND c.cg_outcome IS NOT NULL
    UNION ALL
    SELECT 'cg', substr(c.cg_on, 1, 7), c.cg_outcome, -1, 'age', c.age, 1, (0), (0) FROM cases c WHERE c.cg_on IS NOT NULL AND c.cg_outcome IS NOT NULL
    UNION ALL
    SELECT 'cg', substr(c.cg_on, 1, 7), c.cg_outcome, -1, 'first-responder-type', c.first_responder_type, 1, (0), (0) FROM cases c WHERE c.cg_on IS NOT NULL AND c.cg_outcome IS NOT NULL
    UNION ALL
    SELECT 'rg-timeliness', substr(c.rg_on, 1, 7), c.rg_outcome, CASE WHEN julianday(c.rg_on) - julianday(c.referred_on) <= (CASE strftime('%w', c.referred_on) WHEN '6' THEN 6 WHEN '0' THEN 5 ELSE 7 END) THEN 1 ELSE 0 END, 'competent-authority', coalesce(c.competent_authority, ''), 1, (0), (0) FROM cases c WHERE c.rg_on IS NOT NULL AND c.rg_outcome IS NOT NULL
    UNION ALL
    SELECT 'cg-time', substr(c.cg_on, 1, 7), c.cg_outcome, -1, 'competent-authority', coalesce(c.competent_authority, ''), 1, (max(0, CAST(julianday(c.cg_on) - julianday(c.referred_on) AS INTEGER))), (0) FROM cases c WHERE c.cg_on IS NOT NULL AND c.cg_outcome IS NOT NULL
    UNION ALL
    SELECT 'status', '', '', -1, c.status, coalesce(c.competent_authority, ''), 1, (0), (CAST(julianday(c.referred_on) + 0.5 AS INTEGER)) FROM cases c
) GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER case_marginals_on_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_marginals (measure, month, outcome, flag, dim, value, n, sum_a, sum_b)
    SELECT * FROM (
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, '', '', 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'age', NEW.age, 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'gender', NEW.gender, 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'nationality', coalesce(NEW.nationality_1, '') || '|' || coalesce(NEW.nationality_2, ''), 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'exploitation', CAST(NEW.exploitation_types AS TEXT), 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'first-responder-type', NEW.first_responder_type, 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'jurisdiction', NEW.jurisdiction, 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'location', NEW.exploitation_location, 1, (0), (0)
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, '', '', 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, 'nationality', coalesce(NEW.nationality_1, '') || '|' || coalesce(NEW.nationality_2, ''), 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, 'age', NEW.age, 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, 'first-responder-type', NEW.first_responder_type, 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, '', '', 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'nationality', coalesce(NEW.nationality_1, '') || '|' || coalesce(NEW.nationality_2, ''), 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'age', NEW.age, 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'first-responder-type', NEW.first_responder_type, 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg-timeliness', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, CASE WHEN julianday(NEW.rg_on) - julianday(NEW.referred_on) <= (CASE strftime('%w', NEW.referred_on) WHEN '6' THEN 6 WHEN '0' THEN 5 ELSE 7 END) THEN 1 ELSE 0 END, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg-time', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (max(0, CAST(julianday(NEW.cg_on) - julianday(NEW.referred_on) AS INTEGER))), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'status', '', '', -1, NEW.status, coalesce(NEW.competent_authority, ''), 1, (0), (CAST(julianday(NEW.referred_on) + 0.5 AS INTEGER))
    ) WHERE true
    ON CONFLICT DO UPDATE SET n = n + excluded.n, sum_a = sum_a + excluded.sum_a, sum_b = sum_b + excluded.sum_b;
END;

CREATE TRIGGER case_marginals_on_update AFTER UPDATE ON cases
BEGIN
    INSERT INTO case_marginals (measure, month, outcome, flag, dim, value, n, sum_a, sum_b)
    SELECT * FROM (
        SELECT OLD.kind, substr(OLD.referred_on, 1, 7), '', -1, '', '', -1, -(0), -(0)
        UNION ALL
        SELECT OLD.kind, substr(OLD.referred_on, 1, 7), '', -1, 'age', OLD.age, -1, -(0), -(0)
        UNION ALL
        SELECT OLD.kind, substr(OLD.referred_on, 1, 7), '', -1, 'gender', OLD.gender, -1, -(0), -(0)
        UNION ALL
        SELECT OLD.kind, substr(OLD.referred_on, 1, 7), '', -1, 'nationality', coalesce(OLD.nationality_1, '') || '|' || coalesce(OLD.nationality_2, ''), -1, -(0), -(0)
        UNION ALL
        SELECT OLD.kind, substr(OLD.referred_on, 1, 7), '', -1, 'exploitation', CAST(OLD.exploitation_types AS TEXT), -1, -(0), -(0)
        UNION ALL
        SELECT OLD.kind, substr(OLD.referred_on, 1, 7), '', -1, 'first-responder-type', OLD.first_responder_type, -1, -(0), -(0)
        UNION ALL
        SELECT OLD.kind, substr(OLD.referred_on, 1, 7), '', -1, 'competent-authority', coalesce(OLD.competent_authority, ''), -1, -(0), -(0)
        UNION ALL
        SELECT OLD.kind, substr(OLD.referred_on, 1, 7), '', -1, 'jurisdiction', OLD.jurisdiction, -1, -(0), -(0)
        UNION ALL
        SELECT OLD.kind, substr(OLD.referred_on, 1, 7), '', -1, 'location', OLD.exploitation_location, -1, -(0), -(0)
        UNION ALL
        SELECT 'rg', substr(OLD.rg_on, 1, 7), OLD.rg_outcome, -1, '', '', -1, -(0), -(0) WHERE OLD.rg_on IS NOT NULL AND OLD.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(OLD.rg_on, 1, 7), OLD.rg_outcome, -1, 'competent-authority', coalesce(OLD.competent_authority, ''), -1, -(0), -(0) WHERE OLD.rg_on IS NOT NULL AND OLD.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(OLD.rg_on, 1, 7), OLD.rg_outcome, -1, 'nationality', coalesce(OLD.nationality_1, '') || '|' || coalesce(OLD.nationality_2, ''), -1, -(0), -(0) WHERE OLD.rg_on IS NOT NULL AND OLD.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(OLD.rg_on, 1, 7), OLD.rg_outcome, -1, 'age', OLD.age, -1, -(0), -(0) WHERE OLD.rg_on IS NOT NULL AND OLD.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(OLD.rg_on, 1, 7), OLD.rg_outcome, -1, 'first-responder-type', OLD.first_responder_type, -1, -(0), -(0) WHERE OLD.rg_on IS NOT NULL AND OLD.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(OLD.cg_on, 1, 7), OLD.cg_outcome, -1, '', '', -1, -(0), -(0) WHERE OLD.cg_on IS NOT NULL AND OLD.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(OLD.cg_on, 1, 7), OLD.cg_outcome, -1, 'competent-authority', coalesce(OLD.competent_authority, ''), -1, -(0), -(0) WHERE OLD.cg_on IS NOT NULL AND OLD.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(OLD.cg_on, 1, 7), OLD.cg_outcome, -1, 'nationality', coalesce(OLD.nationality_1, '') || '|' || coalesce(OLD.nationality_2, ''), -1, -(0), -(0) WHERE OLD.cg_on IS NOT NULL AND OLD.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(OLD.cg_on, 1, 7), OLD.cg_outcome, -1, 'age', OLD.age, -1, -(0), -(0) WHERE OLD.cg_on IS NOT NULL AND OLD.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(OLD.cg_on, 1, 7), OLD.cg_outcome, -1, 'first-responder-type', OLD.first_responder_type, -1, -(0), -(0) WHERE OLD.cg_on IS NOT NULL AND OLD.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg-timeliness', substr(OLD.rg_on, 1, 7), OLD.rg_outcome, CASE WHEN julianday(OLD.rg_on) - julianday(OLD.referred_on) <= (CASE strftime('%w', OLD.referred_on) WHEN '6' THEN 6 WHEN '0' THEN 5 ELSE 7 END) THEN 1 ELSE 0 END, 'competent-authority', coalesce(OLD.competent_authority, ''), -1, -(0), -(0) WHERE OLD.rg_on IS NOT NULL AND OLD.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg-time', substr(OLD.cg_on, 1, 7), OLD.cg_outcome, -1, 'competent-authority', coalesce(OLD.competent_authority, ''), -1, -(max(0, CAST(julianday(OLD.cg_on) - julianday(OLD.referred_on) AS INTEGER))), -(0) WHERE OLD.cg_on IS NOT NULL AND OLD.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'status', '', '', -1, OLD.status, coalesce(OLD.competent_authority, ''), -1, -(0), -(CAST(julianday(OLD.referred_on) + 0.5 AS INTEGER))
    ) WHERE true
    ON CONFLICT DO UPDATE SET n = n + excluded.n, sum_a = sum_a + excluded.sum_a, sum_b = sum_b + excluded.sum_b;
    INSERT INTO case_marginals (measure, month, outcome, flag, dim, value, n, sum_a, sum_b)
    SELECT * FROM (
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, '', '', 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'age', NEW.age, 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'gender', NEW.gender, 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'nationality', coalesce(NEW.nationality_1, '') || '|' || coalesce(NEW.nationality_2, ''), 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'exploitation', CAST(NEW.exploitation_types AS TEXT), 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'first-responder-type', NEW.first_responder_type, 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'jurisdiction', NEW.jurisdiction, 1, (0), (0)
        UNION ALL
        SELECT NEW.kind, substr(NEW.referred_on, 1, 7), '', -1, 'location', NEW.exploitation_location, 1, (0), (0)
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, '', '', 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, 'nationality', coalesce(NEW.nationality_1, '') || '|' || coalesce(NEW.nationality_2, ''), 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, 'age', NEW.age, 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, -1, 'first-responder-type', NEW.first_responder_type, 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, '', '', 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'nationality', coalesce(NEW.nationality_1, '') || '|' || coalesce(NEW.nationality_2, ''), 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'age', NEW.age, 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'first-responder-type', NEW.first_responder_type, 1, (0), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'rg-timeliness', substr(NEW.rg_on, 1, 7), NEW.rg_outcome, CASE WHEN julianday(NEW.rg_on) - julianday(NEW.referred_on) <= (CASE strftime('%w', NEW.referred_on) WHEN '6' THEN 6 WHEN '0' THEN 5 ELSE 7 END) THEN 1 ELSE 0 END, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (0), (0) WHERE NEW.rg_on IS NOT NULL AND NEW.rg_outcome IS NOT NULL
        UNION ALL
        SELECT 'cg-time', substr(NEW.cg_on, 1, 7), NEW.cg_outcome, -1, 'competent-authority', coalesce(NEW.competent_authority, ''), 1, (max(0, CAST(julianday(NEW.cg_on) - julianday(NEW.referred_on) AS INTEGER))), (0) WHERE NEW.cg_on IS NOT NULL AND NEW.cg_outcome IS NOT NULL
        UNION ALL
        SELECT 'status', '', '', -1, NEW.status, coalesce(NEW.competent_authority, ''), 1, (0), (CAST(julianday(NEW.referred_on) + 0.5 AS INTEGER))
    ) WHERE true
    ON CONFLICT DO UPDATE SET n = n + excluded.n, sum_a = sum_a + excluded.sum_a, sum_b = sum_b + excluded.sum_b;
END;
