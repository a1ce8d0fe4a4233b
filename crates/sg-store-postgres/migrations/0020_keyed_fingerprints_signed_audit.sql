-- Idempotency fingerprints keyed with a secret outside the database (HMAC-SHA256 of the former
-- SHA-256), and kept answers sealed under the master key. Rows written before this migration
-- are re-keyed and sealed by the binary at its next start (it holds the keys; SQL does not),
-- which sets `keyed`.
ALTER TABLE idempotency_keys ADD COLUMN keyed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE api_idempotency ADD COLUMN keyed BIGINT NOT NULL DEFAULT 0;

-- Signed heads of the audit chain: (seq, hash) signed with an Ed25519 key kept outside the
-- database, so a chain rewritten and recomputed no longer matches them.
CREATE TABLE audit_checkpoints (
    seq       BIGINT PRIMARY KEY,
    hash      BYTEA NOT NULL,
    signed_at BIGINT NOT NULL,
    signature BYTEA NOT NULL
);

CREATE TRIGGER audit_checkpoints_are_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
FOR EACH ROW EXECUTE FUNCTION refuse_change('audit checkpoints are append-only');
CREATE TRIGGER audit_checkpoints_are_append_only_truncate BEFORE TRUNCATE ON audit_checkpoints
FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('audit checkpoints are append-only');
