-- The recommendation tracker: recommendations made to government (source report, date, text,
-- addressee, convention article, linked indicator ids) and the append-only history of their
-- status with evidence. The history is what was known when, so it is never rewritten: the
-- triggers refuse updates, deletes, and a status dated before the latest one recorded.

CREATE TABLE recommendations (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,
    report_date TEXT NOT NULL,
    text        TEXT NOT NULL,
    addressee   TEXT NOT NULL,
    article     TEXT NOT NULL,
    -- Indicator ids from the catalogue, space-separated (checked by the application).
    indicators  TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE recommendation_status (
    id                INTEGER PRIMARY KEY,
    recommendation_id TEXT NOT NULL REFERENCES recommendations(id),
    status            TEXT NOT NULL CHECK (status IN
                          ('not-implemented', 'partly-implemented', 'implemented', 'rejected', 'unknown')),
    as_of             TEXT NOT NULL,
    evidence          TEXT NOT NULL,
    evidence_url      TEXT,
    recorded_by       TEXT,
    recorded_at       INTEGER NOT NULL
);

CREATE INDEX recommendation_status_by_recommendation ON recommendation_status (recommendation_id, as_of, id);

CREATE TRIGGER recommendation_status_is_append_only_update BEFORE UPDATE ON recommendation_status
BEGIN SELECT RAISE(ABORT, 'recommendation status history is append-only'); END;
CREATE TRIGGER recommendation_status_is_append_only_delete BEFORE DELETE ON recommendation_status
BEGIN SELECT RAISE(ABORT, 'recommendation status history is append-only'); END;
-- ISO dates compare as text. The application refuses this first with a clear message; the
-- trigger holds even when two people record at once.
CREATE TRIGGER recommendation_status_dates_go_forward BEFORE INSERT ON recommendation_status
WHEN NEW.as_of < (SELECT max(as_of) FROM recommendation_status WHERE recommendation_id = NEW.recommendation_id)
BEGIN SELECT RAISE(ABORT, 'a status may not be dated before the latest one recorded'); END;
