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

-- The statistics aggregate of the cases projection: one row per combination of the facts the
-- indicators ask about, with dates coarsened to months. Kept current by the triggers below in
-- the same transaction as every change to `cases`, so the monitoring report reads a few
-- thousand rows instead of scanning every case. NULLs are stored as '' (and -1) because NULLs
-- never conflict in a key. Rows whose count falls to 0 are kept and skipped on reading.
-- sg_stats::Cell::from_case computes the same keys in Rust; a test checks they agree.
CREATE TABLE case_stats (
    kind                  TEXT NOT NULL,
    status                TEXT NOT NULL,
    jurisdiction          TEXT NOT NULL,
    age                   TEXT NOT NULL,
    gender                TEXT NOT NULL,
    nationality_1         TEXT NOT NULL,
    nationality_2         TEXT NOT NULL,
    exploitation_types    INTEGER NOT NULL,
    exploitation_location TEXT NOT NULL,
    first_responder_type  TEXT NOT NULL,
    competent_authority   TEXT NOT NULL,
    referred_month        TEXT NOT NULL,
    rg_outcome            TEXT NOT NULL,
    rg_month              TEXT NOT NULL,
    -- 1 within 5 working days (Monday to Friday) of referral, 0 later, -1 no decision.
    rg_within_5wd         INTEGER NOT NULL,
    cg_outcome            TEXT NOT NULL,
    cg_month              TEXT NOT NULL,
    n                     INTEGER NOT NULL,
    -- Sums over the row's cases: days from referral to conclusive decision, and the Julian day
    -- number of referral (for the mean age of cases awaiting a decision).
    cg_days_sum           INTEGER NOT NULL,
    referred_day_sum      INTEGER NOT NULL,
    PRIMARY KEY (kind, status, jurisdiction, age, gender, nationality_1, nationality_2, exploitation_types, exploitation_location, first_responder_type, competent_authority, referred_month, rg_outcome, rg_month, rg_within_5wd, cg_outcome, cg_month)
) WITHOUT ROWID;

INSERT INTO case_stats (kind, status, jurisdiction, age, gender, nationality_1, nationality_2, exploitation_types, exploitation_location, first_responder_type, competent_authority, referred_month, rg_outcome, rg_month, rg_within_5wd, cg_outcome, cg_month, n, cg_days_sum, referred_day_sum)
SELECT
    c.kind,
    c.status,
    c.jurisdiction,
    c.age,
    c.gender,
    coalesce(c.nationality_1, ''),
    coalesce(c.nationality_2, ''),
    c.exploitation_types,
    c.exploitation_location,
    c.first_responder_type,
    coalesce(c.competent_authority, ''),
    substr(c.referred_on, 1, 7),
    coalesce(c.rg_outcome, ''),
    coalesce(substr(c.rg_on, 1, 7), ''),
    CASE WHEN c.rg_on IS NULL THEN -1 WHEN julianday(c.rg_on) - julianday(c.referred_on) <= (CASE strftime('%w', c.referred_on) WHEN '6' THEN 6 WHEN '0' THEN 5 ELSE 7 END) THEN 1 ELSE 0 END,
    coalesce(c.cg_outcome, ''),
    coalesce(substr(c.cg_on, 1, 7), ''),
    count(*), sum(CASE WHEN c.cg_on IS NULL THEN 0 ELSE max(0, CAST(julianday(c.cg_on) - julianday(c.referred_on) AS INTEGER)) END), sum(CAST(julianday(c.referred_on) + 0.5 AS INTEGER))
FROM cases c
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17;

CREATE TRIGGER case_stats_on_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_stats (kind, status, jurisdiction, age, gender, nationality_1, nationality_2, exploitation_types, exploitation_location, first_responder_type, competent_authority, referred_month, rg_outcome, rg_month, rg_within_5wd, cg_outcome, cg_month, n, cg_days_sum, referred_day_sum)
    VALUES (
        NEW.kind,
        NEW.status,
        NEW.jurisdiction,
        NEW.age,
        NEW.gender,
        coalesce(NEW.nationality_1, ''),
        coalesce(NEW.nationality_2, ''),
        NEW.exploitation_types,
        NEW.exploitation_location,
        NEW.first_responder_type,
        coalesce(NEW.competent_authority, ''),
        substr(NEW.referred_on, 1, 7),
        coalesce(NEW.rg_outcome, ''),
        coalesce(substr(NEW.rg_on, 1, 7), ''),
        CASE WHEN NEW.rg_on IS NULL THEN -1 WHEN julianday(NEW.rg_on) - julianday(NEW.referred_on) <= (CASE strftime('%w', NEW.referred_on) WHEN '6' THEN 6 WHEN '0' THEN 5 ELSE 7 END) THEN 1 ELSE 0 END,
        coalesce(NEW.cg_outcome, ''),
        coalesce(substr(NEW.cg_on, 1, 7), ''),
        1, (CASE WHEN NEW.cg_on IS NULL THEN 0 ELSE max(0, CAST(julianday(NEW.cg_on) - julianday(NEW.referred_on) AS INTEGER)) END), (CAST(julianday(NEW.referred_on) + 0.5 AS INTEGER)))
    ON CONFLICT DO UPDATE SET n = n + excluded.n, cg_days_sum = cg_days_sum + excluded.cg_days_sum,
        referred_day_sum = referred_day_sum + excluded.referred_day_sum;
END;

CREATE TRIGGER case_stats_on_update AFTER UPDATE ON cases
BEGIN
    INSERT INTO case_stats (kind, status, jurisdiction, age, gender, nationality_1, nationality_2, exploitation_types, exploitation_location, first_responder_type, competent_authority, referred_month, rg_outcome, rg_month, rg_within_5wd, cg_outcome, cg_month, n, cg_days_sum, referred_day_sum)
    VALUES (
        OLD.kind,
        OLD.status,
        OLD.jurisdiction,
        OLD.age,
        OLD.gender,
        coalesce(OLD.nationality_1, ''),
        coalesce(OLD.nationality_2, ''),
        OLD.exploitation_types,
        OLD.exploitation_location,
        OLD.first_responder_type,
        coalesce(OLD.competent_authority, ''),
        substr(OLD.referred_on, 1, 7),
        coalesce(OLD.rg_outcome, ''),
        coalesce(substr(OLD.rg_on, 1, 7), ''),
        CASE WHEN OLD.rg_on IS NULL THEN -1 WHEN julianday(OLD.rg_on) - julianday(OLD.referred_on) <= (CASE strftime('%w', OLD.referred_on) WHEN '6' THEN 6 WHEN '0' THEN 5 ELSE 7 END) THEN 1 ELSE 0 END,
        coalesce(OLD.cg_outcome, ''),
        coalesce(substr(OLD.cg_on, 1, 7), ''),
        -1, -(CASE WHEN OLD.cg_on IS NULL THEN 0 ELSE max(0, CAST(julianday(OLD.cg_on) - julianday(OLD.referred_on) AS INTEGER)) END), -(CAST(julianday(OLD.referred_on) + 0.5 AS INTEGER)))
    ON CONFLICT DO UPDATE SET n = n + excluded.n, cg_days_sum = cg_days_sum + excluded.cg_days_sum,
        referred_day_sum = referred_day_sum + excluded.referred_day_sum;
    INSERT INTO case_stats (kind, status, jurisdiction, age, gender, nationality_1, nationality_2, exploitation_types, exploitation_location, first_responder_type, competent_authority, referred_month, rg_outcome, rg_month, rg_within_5wd, cg_outcome, cg_month, n, cg_days_sum, referred_day_sum)
    VALUES (
        NEW.kind,
        NEW.status,
        NEW.jurisdiction,
        NEW.age,
        NEW.gender,
        coalesce(NEW.nationality_1, ''),
        coalesce(NEW.nationality_2, ''),
        NEW.exploitation_types,
        NEW.exploitation_location,
        NEW.first_responder_type,
        coalesce(NEW.competent_authority, ''),
        substr(NEW.referred_on, 1, 7),
        coalesce(NEW.rg_outcome, ''),
        coalesce(substr(NEW.rg_on, 1, 7), ''),
        CASE WHEN NEW.rg_on IS NULL THEN -1 WHEN julianday(NEW.rg_on) - julianday(NEW.referred_on) <= (CASE strftime('%w', NEW.referred_on) WHEN '6' THEN 6 WHEN '0' THEN 5 ELSE 7 END) THEN 1 ELSE 0 END,
        coalesce(NEW.cg_outcome, ''),
        coalesce(substr(NEW.cg_on, 1, 7), ''),
        1, (CASE WHEN NEW.cg_on IS NULL THEN 0 ELSE max(0, CAST(julianday(NEW.cg_on) - julianday(NEW.referred_on) AS INTEGER)) END), (CAST(julianday(NEW.referred_on) + 0.5 AS INTEGER)))
    ON CONFLICT DO UPDATE SET n = n + excluded.n, cg_days_sum = cg_days_sum + excluded.cg_days_sum,
        referred_day_sum = referred_day_sum + excluded.referred_day_sum;
END;
