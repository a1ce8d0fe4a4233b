-- Decisions are counted as first made (issue 17). The `cases` projection kept a decision
-- overturned on reconsideration as positive on its first date, so the statistics lost the
-- negative first decisions; `rg_outcome` and `cg_outcome` now hold the outcome as first decided
-- (the final outcome is `status`). The overturned ones are corrected here from their events;
-- the statistics are then rebuilt from the cases on opening (MARGINAL_KEYS_VERSION 2).
UPDATE cases SET rg_outcome = 'negative'
WHERE rg_outcome = 'positive' AND id IN (
    SELECT case_id FROM case_events
    WHERE kind = 'reconsideration-decided'
      AND (payload::jsonb ->> 'question') = 'reasonable-grounds'
      AND (payload::jsonb ->> 'outcome') = 'overturned'
);
UPDATE cases SET cg_outcome = 'negative'
WHERE cg_outcome = 'positive' AND id IN (
    SELECT case_id FROM case_events
    WHERE kind = 'reconsideration-decided'
      AND (payload::jsonb ->> 'question') = 'conclusive-grounds'
      AND (payload::jsonb ->> 'outcome') = 'overturned'
);
