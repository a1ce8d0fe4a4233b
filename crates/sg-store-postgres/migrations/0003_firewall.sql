-- The firewall: per-person data keys, consent records, and the hash-chained audit log.

-- Each person's data key, wrapped (sealed) by a master key kept outside the database.
-- Deleting the row erases the person's identifying record for good.
CREATE TABLE person_keys (
    case_id       TEXT PRIMARY KEY REFERENCES cases(id),
    wrapped_key   BYTEA NOT NULL,
    master_key_id TEXT NOT NULL
);

CREATE TABLE consents (
    id               TEXT PRIMARY KEY,
    case_id          TEXT NOT NULL REFERENCES cases(id),
    purpose          TEXT NOT NULL,
    recipient_org_id TEXT NOT NULL REFERENCES organisations(id),
    -- Comma-separated data categories (identity, account).
    categories       TEXT NOT NULL,
    given_on         TEXT NOT NULL,
    expires_on       TEXT,
    withdrawn_at     BIGINT,
    language         TEXT NOT NULL,
    interpreter      BOOLEAN NOT NULL,
    recorded_by      TEXT NOT NULL REFERENCES users(id),
    recorded_at      BIGINT NOT NULL
);
CREATE INDEX consents_by_case ON consents (case_id);

-- Every read, write, export and refused attempt. Hash-chained; never updated or deleted.
-- Appends are serialised across processes by an advisory lock (see firewall.rs); the primary
-- key on seq refuses a fork even if that lock were bypassed.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        BIGINT NOT NULL,
    actor     TEXT,
    role      TEXT NOT NULL,
    action    TEXT NOT NULL,
    case_id   TEXT,
    outcome   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash BYTEA NOT NULL,
    hash      BYTEA NOT NULL
);
CREATE INDEX audit_by_case ON audit_log (case_id, seq);

CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit log is append-only');
CREATE TRIGGER audit_log_is_append_only_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit log is append-only');
