-- A counter that moves whenever case events are stored, by any connection or process, so that
-- what is computed from every case (the policy simulation) can be cached until it moves.
-- (PostgreSQL uses a sequence instead; the single SQLite writer makes a row cheap here.)
CREATE TABLE data_version (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    events INTEGER NOT NULL
);
INSERT INTO data_version (id, events) VALUES (1, 0);

CREATE TRIGGER case_events_move_data_version AFTER INSERT ON case_events
BEGIN
    UPDATE data_version SET events = events + 1 WHERE id = 1;
END;
