-- Accounts: a second factor, disabling users, sign-in throttling, and sessions waiting for
-- their second factor.

-- The TOTP secret, sealed by the master key ring (never stored in plaintext).
ALTER TABLE users ADD COLUMN totp_secret BYTEA;
-- A disabled user's sessions and tokens stop working at once.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;

-- True while the password was right but the second factor is still to come.
ALTER TABLE sessions ADD COLUMN second_factor_pending BOOLEAN NOT NULL DEFAULT false;

-- Failed sign-ins, by a hash of the name tried, for throttling. In the database, so the limit
-- holds across every server process.
CREATE TABLE sign_in_failures (
    name_hash BYTEA NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_by_name ON sign_in_failures (name_hash, at);
