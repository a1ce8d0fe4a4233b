-- The statistics keys are computed once, in Rust (sg_store::MarginalDeltas, from
-- sg_stats::Cell::from_case with the nations' working-day calendars), not in triggers: the
-- triggers counted "within 5 working days" as Monday to Friday, ignoring bank holidays.
DROP TRIGGER case_marginals_on_insert ON cases;
DROP TRIGGER case_marginals_on_update ON cases;
DROP FUNCTION case_marginals_on_insert();
DROP FUNCTION case_marginals_on_update();
DROP FUNCTION case_marginal_keys(cases);

-- Each change to a case inserts the keys it moves (old row's keys -1, new row's +1) here, in
-- its own transaction, instead of updating shared rows that stay locked until it commits (every
-- referral of a month used to queue on the same case_marginals rows); readers add these rows to
-- case_marginals, and a compaction (one process at a time, under an advisory lock) folds them
-- into it and deletes them. No index: writers only append.
CREATE TABLE case_marginal_deltas (
    measure TEXT NOT NULL,
    month   TEXT NOT NULL,
    outcome TEXT NOT NULL,
    flag    BIGINT NOT NULL,
    dim     TEXT NOT NULL,
    value   TEXT NOT NULL,
    n       BIGINT NOT NULL,
    sum_a   BIGINT NOT NULL,
    sum_b   BIGINT NOT NULL
);

-- The version of the keys the statistics were kept under (sg_store::MARGINAL_KEYS_VERSION).
-- 0 here: opening the database rebuilds case_marginals from every case with the Rust keys and
-- sets the version; a later version of the keys rebuilds them again.
CREATE TABLE case_marginals_state (
    id           BIGINT PRIMARY KEY CHECK (id = 1),
    keys_version BIGINT NOT NULL
);
INSERT INTO case_marginals_state (id, keys_version) VALUES (1, 0);
