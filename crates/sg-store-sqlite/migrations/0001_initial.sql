-- Safeguard schema, version 1. Never edit an applied migration: add a new one.
-- Times are Unix seconds (UTC); calendar dates are ISO 8601 text (YYYY-MM-DD).

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    -- argon2id PHC string; NULL until the user chooses a password.
    password_hash TEXT,
    created_at    INTEGER NOT NULL
);

-- Only hashes of secrets are stored: a copy of the database gives no usable token or code.
CREATE TABLE api_tokens (
    token_hash  BLOB PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE sign_in_codes (
    code_hash   BLOB PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) WITHOUT ROWID;

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    -- A referral being filled in (JSON). Cleared on submission or sign-out.
    draft       TEXT
) WITHOUT ROWID;

-- The current state of each case: a projection of case_events, rewritten in the same
-- transaction as every append. Only non-identifying facts live here.
CREATE TABLE cases (
    id                    TEXT PRIMARY KEY,
    reference             TEXT NOT NULL UNIQUE,
    kind                  TEXT NOT NULL,
    status                TEXT NOT NULL,
    jurisdiction          TEXT NOT NULL,
    age                   TEXT NOT NULL,
    gender                TEXT NOT NULL,
    nationality_1         TEXT,
    nationality_2         TEXT,
    -- Bit set of the five statistical exploitation types, in sg_domain order.
    exploitation_types    INTEGER NOT NULL,
    exploitation_location TEXT NOT NULL,
    first_responder_type  TEXT NOT NULL,
    competent_authority   TEXT,
    referred_on           TEXT NOT NULL,
    rg_outcome            TEXT,
    rg_on                 TEXT,
    cg_outcome            TEXT,
    cg_on                 TEXT,
    last_event_on         TEXT NOT NULL,
    version               INTEGER NOT NULL,
    created_by            TEXT NOT NULL REFERENCES users(id),
    created_by_org        TEXT NOT NULL REFERENCES organisations(id),
    created_at            INTEGER NOT NULL
);
CREATE INDEX cases_by_referral_date ON cases (referred_on DESC, id);
CREATE INDEX cases_by_status ON cases (status, referred_on DESC);
CREATE INDEX cases_by_org ON cases (created_by_org, referred_on DESC);

-- The source of truth: each case's append-only stream of events.
CREATE TABLE case_events (
    case_id     TEXT NOT NULL REFERENCES cases(id),
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    payload     TEXT NOT NULL,
    actor_id    TEXT,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TRIGGER case_events_are_append_only_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
CREATE TRIGGER case_events_are_append_only_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;

-- Identifying data (identity, the person's account), kept apart from case facts so that it can
-- be encrypted per person and erased without touching statistics.
CREATE TABLE vault_entries (
    case_id  TEXT NOT NULL REFERENCES cases(id),
    field    TEXT NOT NULL,
    value    BLOB NOT NULL,
    PRIMARY KEY (case_id, field)
) WITHOUT ROWID;

CREATE TABLE idempotency_keys (
    user_id     TEXT NOT NULL REFERENCES users(id),
    key         TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    case_id     TEXT NOT NULL REFERENCES cases(id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
