-- The statistics count re-referrals (a referral linked to the same person's earlier case) and
-- disqualifications (NABA 2022 s63), from two new projection columns written with the others
-- from each case's state (sg-store-sql projection.rs). Existing cases get theirs from their
-- events' kinds; the statistics are rebuilt from the cases when the database is opened, because
-- the keys' version changed (sg_store::MARGINAL_KEYS_VERSION 3).
ALTER TABLE cases ADD COLUMN re_referral BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN disqualified_on TEXT;
UPDATE cases SET re_referral = 1
 WHERE id IN (SELECT case_id FROM case_events WHERE kind = 'linked-to-earlier-case');
UPDATE cases SET disqualified_on =
 (SELECT MIN(occurred_on) FROM case_events e WHERE e.case_id = cases.id AND e.kind = 'disqualified')
 WHERE id IN (SELECT case_id FROM case_events WHERE kind = 'disqualified');
