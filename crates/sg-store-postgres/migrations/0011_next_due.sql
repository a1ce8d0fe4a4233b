-- The next open deadline of each case, for the decision makers' queue sorted by deadline.
-- The rules that compute it are dated data read by sg-rules, not SQL, so the application
-- computes it and writes it with the projection; rows written before this migration are marked
-- stale (next_due_stale = 1) and the application fills them in from their events at start-up
-- (sg_app::App::backfill_next_due), in pages, through the partial index below.
ALTER TABLE cases ADD COLUMN next_due TEXT;
ALTER TABLE cases ADD COLUMN next_due_kind TEXT;
ALTER TABLE cases ADD COLUMN next_due_stale INTEGER NOT NULL DEFAULT 1;
CREATE INDEX cases_next_due_stale ON cases (id) WHERE next_due_stale = 1;
-- The list sorted by deadline orders by COALESCE(next_due, '9999-12-31'), id: soonest first,
-- cases with no open deadline last, ties by id. Each index starts with the scope the list is
-- filtered by (a decision maker's competent authority, a first responder's organisation), so
-- a page is read in order from one range of the index and stops early.
CREATE INDEX cases_due_by_authority ON cases (competent_authority, (COALESCE(next_due, '9999-12-31')), id);
CREATE INDEX cases_due_by_org ON cases (created_by_org, (COALESCE(next_due, '9999-12-31')), id);
CREATE INDEX cases_due ON cases ((COALESCE(next_due, '9999-12-31')), id);
