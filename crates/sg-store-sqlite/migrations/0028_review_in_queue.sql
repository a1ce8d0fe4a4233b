-- A negative decision held for its second review is now the case's next item in the decision
-- makers' queue (sg_app::queue::next_due, kind negative-decision-review). Cases still waiting
-- for a decision are marked stale so the start-up backfill recomputes theirs from their events.
UPDATE cases SET next_due_stale = 1 WHERE status IN ('awaiting-rg', 'awaiting-cg');
