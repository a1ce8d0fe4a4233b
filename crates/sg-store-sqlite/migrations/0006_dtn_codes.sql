-- A Duty to Notify report's one-time conversion code (only its hash): if the adult later
-- consents, a first responder enters the code and the report becomes a referral without anyone
-- retelling what was already reported.
CREATE TABLE dtn_codes (
    code_hash BLOB PRIMARY KEY,
    case_id   TEXT NOT NULL UNIQUE REFERENCES cases(id),
    used_at   INTEGER
) WITHOUT ROWID;

-- The organisation responsible for a case can change when another organisation converts a
-- report into a referral; the projection keeps the current one in cases.created_by_org.
