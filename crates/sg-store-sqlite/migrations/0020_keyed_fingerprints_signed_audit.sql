-- Idempotency fingerprints keyed with a secret outside the database (HMAC-SHA256 of the former
-- SHA-256), and kept answers sealed under the master key. Rows written before this migration
-- are re-keyed and sealed by the binary at its next start (it holds the keys; SQL does not),
-- which sets `keyed`.
ALTER TABLE idempotency_keys ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_idempotency ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;

-- Signed heads of the audit chain: (seq, hash) signed with an Ed25519 key kept outside the
-- database, so a chain rewritten and recomputed no longer matches them.
CREATE TABLE audit_checkpoints (
    seq       INTEGER PRIMARY KEY,
    hash      BLOB NOT NULL,
    signed_at INTEGER NOT NULL,
    signature BLOB NOT NULL
);

CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;
