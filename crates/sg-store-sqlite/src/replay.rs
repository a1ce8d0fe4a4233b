//! Whole cases for replaying: every case page by page (the policy simulation), and the cases
//! whose next deadline is still to be computed (the start-up backfill of migration 0011).

use sg_domain::{CaseEvent, CaseId, CaseReference, DatedEvent};
use sg_store::{CaseRecord, Coded, NextDueUpdate, StoreError, StoreResult, StoredEvent};
use sqlx::Row;

use crate::convert::{case_id, date_text, error, from_unix, org_id, parse_date, user_id};
use crate::SqliteStore;

/// Up to `limit` cases after `after` in id order, each with its events, in one query: the page
/// of ids is chosen in a subquery so that a case's events are never split across pages.
pub(crate) async fn all_case_events(
    s: &SqliteStore,
    after: Option<CaseId>,
    limit: u32,
) -> StoreResult<Vec<CaseRecord>> {
    records(s, "", after, limit).await
}

/// Up to `limit` cases whose next deadline was never computed, in id order, with their events.
pub(crate) async fn cases_without_next_due(s: &SqliteStore, limit: u32) -> StoreResult<Vec<CaseRecord>> {
    // The partial index cases_next_due_stale holds exactly these rows.
    records(s, "next_due_stale = 1 AND ", None, limit).await
}

/// Writes computed next deadlines and relationships, each only if its case is still at the version it was
/// computed from, in one transaction.
pub(crate) async fn set_next_due(s: &SqliteStore, updates: &[NextDueUpdate]) -> StoreResult<()> {
    let mut tx = s.writer.begin().await.map_err(error)?;
    for u in updates {
        let updated = sqlx::query(
            "UPDATE cases SET next_due = ?, next_due_kind = ?, next_due_stale = 0 WHERE id = ? AND version = ?",
        )
        .bind(u.next_due.map(|d| date_text(d.on)))
        .bind(u.next_due.map(|d| d.kind.code()))
        .bind(u.case.to_string())
        .bind(i64::from(u.version))
        .execute(&mut *tx)
        .await
        .map_err(error)?;
        // Only a case still at the version computed from gains its relationships.
        if updated.rows_affected() == 1 {
            crate::cases::write_relationships(&mut tx, &[(u.case, u.relationships.as_slice())], true)
                .await
                .map_err(error)?;
        }
    }
    tx.commit().await.map_err(error)
}

/// The cases chosen by `condition` (SQL ending in `AND`, or empty) after `after`, in id order.
async fn records(s: &SqliteStore, condition: &str, after: Option<CaseId>, limit: u32) -> StoreResult<Vec<CaseRecord>> {
    // `condition` is one of the constants above, never input.
    let sql = format!(
        "SELECT c.id, c.reference, c.created_by_org, e.seq, e.occurred_on, e.payload, e.actor_id, e.recorded_at \
         FROM cases c JOIN case_events e ON e.case_id = c.id \
         WHERE c.id IN (SELECT id FROM cases WHERE {condition}id > ? ORDER BY id LIMIT ?) ORDER BY c.id, e.seq"
    );
    let rows = sqlx::query(&sql)
        .bind(after.map(|a| a.to_string()).unwrap_or_default())
        .bind(i64::from(limit.max(1)))
        .fetch_all(&s.reader)
        .await
        .map_err(error)?;
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
