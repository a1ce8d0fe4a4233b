-- The survivor's own view: one-time codes a caseworker gives the person, and the sessions they
-- open. A survivor session reaches exactly one case.

CREATE TABLE survivor_codes (
    code_hash  BYTEA PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE TABLE survivor_sessions (
    token_hash BYTEA PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
