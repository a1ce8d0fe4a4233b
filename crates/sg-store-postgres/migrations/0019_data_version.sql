-- A number that moves whenever case events are stored, by any process, so that what is
-- computed from every case (the policy simulation) can be cached until it moves. A sequence
-- advanced once per inserting statement: unlike a counter row, concurrent writers never wait
-- on it (SQLite's migration of the same number uses a row; it has one writer).
CREATE SEQUENCE case_events_version;

CREATE FUNCTION move_case_events_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM nextval('case_events_version');
    RETURN NULL;
END
$$;

CREATE TRIGGER case_events_move_version AFTER INSERT ON case_events
FOR EACH STATEMENT EXECUTE FUNCTION move_case_events_version();
