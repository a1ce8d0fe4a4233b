-- Referrals a first responder saved to finish later, one row per draft, the author's own.
-- The answers are sealed (a fresh data key wrapped by the master key, and the sealed JSON,
-- base64url in `sealed`); only the step reached is plain, for the list, and it names a
-- question, never an answer. Rows are deleted when the referral is sent, when the author deletes
-- them, and by the retention policy once untouched for the draft retention period.
CREATE TABLE referral_drafts (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    step        TEXT NOT NULL,
    sealed      TEXT NOT NULL
);
CREATE INDEX referral_drafts_by_user ON referral_drafts (user_id, updated_at);
CREATE INDEX referral_drafts_by_age ON referral_drafts (updated_at);
