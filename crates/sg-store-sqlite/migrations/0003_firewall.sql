-- The firewall: per-person data keys, consent records, and the hash-chained audit log.
-- (0002 is reserved for the monitoring tables.)

-- Each person's data key, wrapped (sealed) by a master key kept outside the database.
-- Deleting the row erases the person's identifying record for good.
CREATE TABLE person_keys (
    case_id       TEXT PRIMARY KEY REFERENCES cases(id),
    wrapped_key   BLOB NOT NULL,
    master_key_id TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE consents (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id),
    purpose          TEXT NOT NULL,
    recipient_org_id TEXT NOT NULL REFERENCES organisations(id),
    -- Comma-separated data categories (identity, account).
    categories       TEXT NOT NULL,
    given_on         TEXT NOT NULL,
    expires_on       TEXT,
    withdrawn_at     INTEGER,
    language         TEXT NOT NULL,
    interpreter      INTEGER NOT NULL,
    recorded_by      TEXT NOT NULL REFERENCES users(id),
    recorded_at      INTEGER NOT NULL
);
CREATE INDEX consents_by_case ON consents (case_id);

-- Every read, write, export and refused attempt. Hash-chained; never updated or deleted.
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,
    case_id   TEXT,
    outcome   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash BLOB NOT NULL,
    hash      BLOB NOT NULL
);
CREATE INDEX audit_by_case ON audit_log (case_id, seq);

CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
