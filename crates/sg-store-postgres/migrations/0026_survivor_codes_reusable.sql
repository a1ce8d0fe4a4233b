-- Survivor codes a person can use (issue 20): short codes, reusable until their caseworker ends
-- them (`ended_at`), a new code replaces them, or they expire (90 days); `used_at` is now the
-- last use. `code_hash` is HMAC-SHA256 under the fingerprint key, which is kept in the key
-- directory, never in the database. Codes issued before this migration were plain SHA-256 of
-- one-time codes: none can match a keyed hash, so they are deleted (the caseworker gives a new
-- one). Sessions they opened last an hour at most and stay.
DELETE FROM survivor_codes;
ALTER TABLE survivor_codes ADD COLUMN ended_at BIGINT;
CREATE INDEX survivor_codes_by_case ON survivor_codes (case_id);
