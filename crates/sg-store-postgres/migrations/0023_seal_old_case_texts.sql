-- Reasons written before migration 0020 are plaintext in case_events.payload. The binary (which
-- holds the keys; SQL does not) seals them under each case's data key when it opens the
-- database, once: this marks the events that may hold one (`plain_text = 1`), and lets exactly
-- that change through the append-only trigger: the payload of a marked event rewritten and the
-- mark cleared, nothing else about the event changed.
ALTER TABLE case_events ADD COLUMN plain_text SMALLINT;

DROP TRIGGER case_events_are_append_only ON case_events;

UPDATE case_events SET plain_text = 1
WHERE kind IN ('routed-to-competent-authority', 'reasonable-grounds-decided', 'conclusive-grounds-decided',
               'reconsideration-decided', 'support-exited', 'guardian-assignment-ended', 'withdrawn')
  AND payload NOT LIKE '%sealed:v1:%';

CREATE FUNCTION case_events_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.plain_text = 1 AND NEW.plain_text IS NULL
       AND NEW.case_id = OLD.case_id AND NEW.seq = OLD.seq AND NEW.kind = OLD.kind
       AND NEW.occurred_on = OLD.occurred_on AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.recorded_at = OLD.recorded_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'case events are append-only';
END $$;

CREATE TRIGGER case_events_are_append_only BEFORE UPDATE OR DELETE ON case_events
FOR EACH ROW EXECUTE FUNCTION case_events_seal_only();

CREATE INDEX case_events_plain_text ON case_events (case_id, seq) WHERE plain_text = 1;
