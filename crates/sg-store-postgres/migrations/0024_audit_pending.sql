-- Audit records written by a transaction, waiting to be chained (issue 14). Each transaction
-- that audits inserts here without any global lock and commits; just after, one chainer at a
-- time (under the chain's advisory lock) moves the committed records into audit_log, chained and
-- signed, and deletes them here in the same transaction. Before, every transaction took the
-- chain's advisory lock at its audit append and held it to commit, so commits from all
-- connections and processes went one at a time.
CREATE TABLE audit_pending (
    id      BIGSERIAL PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT,
    role    TEXT NOT NULL,
    action  TEXT NOT NULL,
    case_id TEXT,
    outcome TEXT NOT NULL,
    detail  TEXT NOT NULL
);

-- A pending record is chained as it was written, or not at all.
CREATE TRIGGER audit_pending_is_not_updated BEFORE UPDATE ON audit_pending
FOR EACH ROW EXECUTE FUNCTION refuse_change('pending audit records are not updated');
