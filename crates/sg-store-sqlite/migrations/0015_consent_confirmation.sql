-- Consent is the person's act (issue 15). A consent that releases anything to police or
-- immigration enforcement is pending until the person confirms it in their own view, or a
-- second person of the recording organisation countersigns it, attesting the language it was
-- explained in and the interpreter (or "none"). Older rows for those purposes read as pending.
ALTER TABLE consents ADD COLUMN agreed_by TEXT NOT NULL DEFAULT 'person';
ALTER TABLE consents ADD COLUMN confirmed_by TEXT;
ALTER TABLE consents ADD COLUMN confirmed_at INTEGER;
ALTER TABLE consents ADD COLUMN countersigned_by TEXT REFERENCES users(id);
ALTER TABLE consents ADD COLUMN attested_language TEXT;
ALTER TABLE consents ADD COLUMN attested_interpreter TEXT;

-- Emergency access where a life is at risk: a coded reason and the requester's own reference
-- (never free text about the person); a decision by someone who works on the case; for an
-- approval, the end of the requester's access to the identity category.
CREATE TABLE emergency_requests (
    id            TEXT PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases(id),
    requested_by  TEXT NOT NULL REFERENCES users(id),
    reason        TEXT NOT NULL,
    reference     TEXT NOT NULL,
    requested_at  INTEGER NOT NULL,
    decision      TEXT,
    decided_by    TEXT REFERENCES users(id),
    decided_at    INTEGER,
    access_until  INTEGER
);
CREATE INDEX emergency_requests_by_case ON emergency_requests (case_id, requested_at);
