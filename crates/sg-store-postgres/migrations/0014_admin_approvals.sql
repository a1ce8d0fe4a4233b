-- API tokens that expire and can be revoked one by one, and account changes that a second
-- administrator must approve.

-- Every token expires; tokens made before this migration get 90 days from their creation.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
UPDATE api_tokens SET expires_at = created_at + 7776000;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);

-- A change that gives a person sight of identities (a new user, a new sign-in code), asked for
-- by one administrator and answered by another. Names are staff sign-in names.
CREATE TABLE account_requests (
    id            TEXT PRIMARY KEY,
    change        TEXT NOT NULL,
    org_id        TEXT NOT NULL REFERENCES organisations(id),
    role          TEXT NOT NULL,
    name          TEXT NOT NULL,
    -- The reset's target, or the user an approved creation made (no foreign key: the id is
    -- chosen when the request is answered, just before the user is written).
    target_user   TEXT,
    requested_by  TEXT NOT NULL REFERENCES users(id),
    requested_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    decided_by    TEXT REFERENCES users(id),
    decided_at    BIGINT,
    outcome       TEXT
);
CREATE INDEX account_requests_by_org ON account_requests (org_id, requested_at);
CREATE INDEX account_requests_by_time ON account_requests (requested_at);
