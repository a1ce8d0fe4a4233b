-- Idempotency-Key records for the API's state-changing calls other than a referral (a
-- referral's key is kept with its case in idempotency_keys). A row is reserved before the call
-- is answered (status NULL) and holds the answer once it succeeded, to replay it to a retry.
CREATE TABLE api_idempotency (
    user_id     TEXT NOT NULL REFERENCES users(id),
    key         TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    owner       TEXT NOT NULL,
    status      INTEGER,
    response    BLOB,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
