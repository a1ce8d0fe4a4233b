-- Which organisations are related to a case now (issue 15): a legal adviser the person
-- instructed, the support provider supporting them, a child's guardian service. The rows are
-- computed by the application from the case's events (sg_domain::CaseState::relationships) and
-- rewritten, delete and insert, in the same transaction as the events and the projection, so
-- the case lists of those roles are an indexed join instead of a scan of every case's events.
-- Ended relationships stay as rows with active = 0 (the history is in the events).
CREATE TABLE case_relationships (
    case_id   TEXT NOT NULL REFERENCES cases(id),
    org_id    TEXT NOT NULL,
    relation  TEXT NOT NULL,
    active    INTEGER NOT NULL,
    PRIMARY KEY (case_id, org_id, relation)
);
-- A role's list: the active cases of one organisation in one relation.
CREATE INDEX case_relationships_by_org ON case_relationships (org_id, relation, active, case_id);
-- Existing cases gain their rows from their events at start-up: marking every case's derived
-- columns stale makes the start-up backfill (sg_app::queue::backfill_next_due) replay each
-- case once and write its next deadline and its relationships together.
UPDATE cases SET next_due_stale = 1;
