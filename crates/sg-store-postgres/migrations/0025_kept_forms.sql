-- Forms sent after their session ended (issue 20), kept until their user signs in again: at
-- most one per user, for a day. The form (its path, the body as typed, the referral draft it
-- belonged to) is sealed: a fresh data key wrapped by the master key, bound to the user and the
-- token's hash (`v1.` then the wrapped key and the sealed form, base64url, joined by `.`). The
-- browser holds the token, the database only its SHA-256. A row is deleted when its user takes
-- it back, and once expired (by every keep and take, and by `serve` every minute).
CREATE TABLE kept_forms (
    token_hash  BYTEA PRIMARY KEY,
    user_id     TEXT NOT NULL UNIQUE REFERENCES users(id),
    kept_at     BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    sealed      TEXT NOT NULL
);
CREATE INDEX kept_forms_by_expiry ON kept_forms (expires_at);
