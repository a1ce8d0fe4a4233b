-- A Duty to Notify report's one-time conversion code (only its hash): if the adult later
-- consents, a first responder enters the code and the report becomes a referral.
CREATE TABLE dtn_codes (
    code_hash BYTEA PRIMARY KEY,
    case_id   TEXT NOT NULL UNIQUE REFERENCES cases(id),
    used_at   BIGINT
);
