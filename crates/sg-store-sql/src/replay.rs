//! Whole cases for replaying: every case page by page (the policy simulation), and the cases
//! whose next deadline is still to be computed (the start-up backfill of migration 0011).

use sg_domain::{CaseEvent, CaseId, CaseReference, DatedEvent};
use sg_store::{CaseRecord, NextDueUpdate, StoreError, StoreResult, StoredEvent};

use crate::convert::{case_id, error, from_unix, org_id, parse_date, user_id};
use crate::db::{read, Db, Row};
use crate::SqlStore;

/// The cases chosen by `condition` (SQL ending in `AND`, or empty) after `after`, in id order.
async fn records(db: &Db, condition: &str, after: Option<CaseId>, limit: u32) -> StoreResult<Vec<CaseRecord>> {
    // `condition` is one of the constants above, never input.
    let sql = format!(
        "SELECT c.id, c.reference, c.created_by_org, e.seq, e.occurred_on, e.payload, e.actor_id, e.recorded_at \
         FROM cases c JOIN case_events e ON e.case_id = c.id \
         WHERE c.id IN (SELECT id FROM cases WHERE {condition}id > $1 ORDER BY id LIMIT $2) ORDER BY c.id, e.seq"
    );
    let rows = read!(db, |pool| {
        sqlx::query(&sql)
            .bind(after.map(|a| a.to_string()).unwrap_or_default())
            .bind(i64::from(limit.max(1)))
            .fetch_all(pool)
            .await
            .map_err(error)
            .and_then(|rows| group_records(&rows))
    });
    rows
}

/// Rows of (case, event), in case then event order, as whole cases.
fn group_records<R: Row>(rows: &[R]) -> StoreResult<Vec<CaseRecord>> {
    let mut out: Vec<CaseRecord> = Vec::new();
    for row in rows {
        let id = case_id(row.get("id"))?;
        if out.last().is_none_or(|r| r.id != id) {
            out.push(CaseRecord {
                id,
                reference: CaseReference::from_stored(row.get("reference")),
                created_by_org: org_id(row.get("created_by_org"))?,
                events: Vec::new(),
            });
        }
        let event: CaseEvent = serde_json::from_str(row.get("payload"))
            .map_err(|e| StoreError::Other(format!("unreadable event in case {id}: {e}")))?;
        let actor: Option<String> = row.get("actor_id");
        let stored = StoredEvent {
            seq: row.get::<i64, _>("seq") as u32,
            event: DatedEvent { on: parse_date("occurred_on", row.get("occurred_on"))?, event },
            actor: actor.as_deref().map(user_id).transpose()?,
            recorded_at: from_unix(row.get("recorded_at")),
        };
        if let Some(last) = out.last_mut() {
            last.events.push(stored);
        }
    }
    Ok(out)
}

#[async_trait::async_trait]
impl<E: 'static> sg_store::Replay for SqlStore<E> {
    /// Up to `limit` cases after `after` in id order, each with its events, in one query: the page
    /// of ids is chosen in a subquery so that a case's events are never split across pages.
    async fn all_case_events(&self, after: Option<CaseId>, limit: u32) -> StoreResult<Vec<CaseRecord>> {
        records(&self.db, "", after, limit).await
    }

    /// Up to `limit` cases whose next deadline was never computed, in id order, with their events.
    async fn cases_without_next_due(&self, limit: u32) -> StoreResult<Vec<CaseRecord>> {
        // The partial index cases_next_due_stale holds exactly these rows.
        records(&self.db, "next_due_stale = 1 AND ", None, limit).await
    }

    /// Writes computed next deadlines, each only if its case is still at the version it was
    /// computed from, in one transaction.
    async fn set_next_due(&self, updates: &[NextDueUpdate]) -> StoreResult<()> {
        crate::cases::set_next_due(&self.db, updates).await
    }

    /// SQLite: the counter row that a trigger moves on every event; PostgreSQL: the sequence a
    /// statement trigger advances (no row lock, so concurrent writers never wait on it).
    async fn events_version(&self) -> StoreResult<i64> {
        let sql = if self.db.is_postgres() {
            "SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END FROM case_events_version"
        } else {
            "SELECT events FROM data_version WHERE id = 1"
        };
        read!(&self.db, |pool| sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.map_err(error))
    }
}
