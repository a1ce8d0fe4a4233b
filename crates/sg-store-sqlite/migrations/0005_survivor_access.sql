-- The survivor's own view: one-time codes a caseworker gives the person, and the sessions they
-- open. A survivor session reaches exactly one case.

CREATE TABLE survivor_codes (
    code_hash  BLOB PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;

CREATE TABLE survivor_sessions (
    token_hash BLOB PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
