-- Audit records waiting to be chained: written by PostgreSQL's transactions and chained just
-- after their commit (see the PostgreSQL migration of the same number). SQLite's single writer
-- chains in each transaction and leaves this table empty; it exists so that both engines have
-- the same tables (backups and their checks list them once).
CREATE TABLE audit_pending (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    actor   TEXT,
    role    TEXT NOT NULL,
    action  TEXT NOT NULL,
    case_id TEXT,
    outcome TEXT NOT NULL,
    detail  TEXT NOT NULL
);

CREATE TRIGGER audit_pending_is_not_updated BEFORE UPDATE ON audit_pending
BEGIN SELECT RAISE(ABORT, 'pending audit records are not updated'); END;
