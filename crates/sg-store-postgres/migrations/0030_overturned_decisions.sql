-- The statistics count negative first decisions and whether each was overturned since (on
-- reconsideration, or after a judicial review quashed it): two projection columns written with
-- the others from each case's state (sg-store-sql projection.rs). Existing cases get theirs from
-- their reconsideration events; the statistics are rebuilt when the database is opened, the
-- keys' version having changed (sg_store::MARGINAL_KEYS_VERSION 4).
ALTER TABLE cases ADD COLUMN rg_overturned BIGINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN cg_overturned BIGINT NOT NULL DEFAULT 0;
UPDATE cases SET rg_overturned = 1 WHERE id IN (SELECT case_id FROM case_events
 WHERE kind = 'reconsideration-decided' AND payload LIKE '%"question":"reasonable-grounds"%'
   AND payload LIKE '%"outcome":"overturned"%');
UPDATE cases SET cg_overturned = 1 WHERE id IN (SELECT case_id FROM case_events
 WHERE kind = 'reconsideration-decided' AND payload LIKE '%"question":"conclusive-grounds"%'
   AND payload LIKE '%"outcome":"overturned"%');
