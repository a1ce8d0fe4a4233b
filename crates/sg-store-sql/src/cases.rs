//! Cases: the event stream, the projection row and the identifying record.

use sg_domain::{CaseEvent, CaseId, CaseReference, CaseState, CaseStatus, Coded, DatedEvent};
use sg_stats::cells::CaseRow;
use sg_store::MarginalDeltas;
use sg_store::{
    parse_code, Append, CaseBatches, CaseCursor, CaseFilter, CasePage, CaseRecord, CaseRelationship, CaseSort,
    CaseSummary, Created, IdempotencyKey, NewCase, NextDue, StoreError, StoreResult, StoredEvent, VaultField,
};
use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::convert::{case_id, date_text, error, from_unix, org_id, parse_date, unix, user_id};
use crate::db::{on, read, write, Conn, Db, Row};
use crate::marginals;
use crate::new_rows::{self, event_rows, vault_rows, EventRow};
use crate::projection::{self, bind_projection, Projection};
use crate::SqlStore;

/// Rewrites a case's projection row from its new state: every projected column.
async fn update_projection(
    conn: Conn<'_>,
    id: CaseId,
    state: &CaseState,
    next_due: Option<NextDue>,
) -> Result<(), sqlx::Error> {
    on!(conn, |conn| {
        let p = Projection::of(state, next_due);
        bind_projection!(sqlx::query(projection::UPDATE.as_str()), p, bind)
            .bind(id.to_string())
            .execute(&mut *conn)
            .await?;
        Ok(())
    })
}

/// Replaces the stored relationships of each case given (delete and insert), in the caller's
/// transaction: the rows always equal the ones computed from the case's state.
pub(crate) async fn write_relationships(
    conn: Conn<'_>,
    cases: &[(CaseId, &[CaseRelationship])],
    replace: bool,
) -> Result<(), sqlx::Error> {
    on!(conn, |conn| {
        if replace {
            for (case, _) in cases {
                sqlx::query("DELETE FROM case_relationships WHERE case_id = $1")
                    .bind(case.to_string())
                    .execute(&mut *conn)
                    .await?;
            }
        }
        let rows: Vec<(CaseId, &CaseRelationship)> =
            cases.iter().flat_map(|(case, rels)| rels.iter().map(move |r| (*case, r))).collect();
        for mut q in new_rows::relationships(&rows) {
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    })
}

async fn insert_events(conn: Conn<'_>, rows: &[EventRow<'_>]) -> Result<(), sqlx::Error> {
    on!(conn, |conn| {
        for mut q in new_rows::events(rows) {
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    })
}

async fn insert_vault(conn: Conn<'_>, rows: &[(CaseId, VaultField, &[u8])]) -> Result<(), sqlx::Error> {
    on!(conn, |conn| {
        for mut q in new_rows::vault(rows) {
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    })
}

/// Inserts new cases with their events and vault fields, in the caller's transaction.
pub(crate) async fn insert_cases(
    conn: Conn<'_>,
    cases: &[&NewCase],
    auditor: crate::audit::Auditor<'_>,
) -> Result<(), sqlx::Error> {
    on!(conn, |conn| {
        for mut q in new_rows::of_cases(cases) {
            q.build().execute(&mut *conn).await?;
        }
        marginals::append_deltas(Conn::from(&mut *conn), &new_rows::deltas(cases)).await?;
        insert_audit_and_codes(Conn::from(&mut *conn), cases, auditor).await
    })
}

/// The audit records and conversion codes of new cases, in the caller's transaction, after
/// their rows.
pub(crate) async fn insert_audit_and_codes(
    conn: Conn<'_>,
    cases: &[&NewCase],
    auditor: crate::audit::Auditor<'_>,
) -> Result<(), sqlx::Error> {
    on!(conn, |conn| {
        let audit: Vec<sg_audit::AuditRecord> = cases.iter().flat_map(|c| c.audit.iter().cloned()).collect();
        crate::audit::append_audit_tx(Conn::from(&mut *conn), &audit, auditor).await?;
        for c in cases {
            if let Some(hash) = &c.dtn_code_hash {
                sqlx::query("INSERT INTO dtn_codes (code_hash, case_id) VALUES ($1, $2)")
                    .bind(hash)
                    .bind(c.id.to_string())
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    })
}

/// Creates one case (or replays its Idempotency-Key) in the caller's transaction; the caller
/// commits. SQLite's group-commit writer calls it once per case, each in its own savepoint.
pub(crate) async fn create_case_tx(
    conn: Conn<'_>,
    c: &NewCase,
    idem: Option<&IdempotencyKey>,
    auditor: crate::audit::Auditor<'_>,
) -> StoreResult<Created> {
    let postgres = matches!(conn, Conn::Postgres(_));
    on!(conn, |tx| {
        if let Some(k) = idem {
            if postgres {
                // Two processes given the same key at once: the second waits here until the first
                // commits, then finds its record and replays it, as SQLite's single writer gives.
                sqlx::query("SELECT pg_advisory_xact_lock(1, hashtext($1))")
                    .bind(format!("{}\n{}", k.user, k.key))
                    .execute(&mut *tx)
                    .await
                    .map_err(error)?;
            }
            let row = sqlx::query(
            "SELECT i.fingerprint, i.case_id, c.reference FROM idempotency_keys i JOIN cases c ON c.id = i.case_id \
             WHERE i.user_id = $1 AND i.key = $2",
        )
        .bind(k.user.to_string())
        .bind(&k.key)
        .fetch_optional(&mut *tx)
        .await
        .map_err(error)?;
            if let Some(row) = row {
                let fingerprint: Vec<u8> = row.get("fingerprint");
                if fingerprint != k.fingerprint {
                    return Err(StoreError::Conflict(
                        "this Idempotency-Key was already used for a different request".into(),
                    ));
                }
                return Ok(Created {
                    case_id: case_id(row.get("case_id"))?,
                    reference: CaseReference::from_stored(row.get("reference")),
                    replayed: true,
                });
            }
        }
        insert_cases(Conn::from(&mut *tx), &[c], auditor).await.map_err(error)?;
        if let Some(k) = idem {
            sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, case_id, created_at, keyed) VALUES ($1, $2, $3, $4, $5, 1)",
        )
        .bind(k.user.to_string())
        .bind(&k.key)
        .bind(&k.fingerprint)
        .bind(c.id.to_string())
        .bind(unix(c.created_at))
        .execute(&mut *tx)
        .await
        .map_err(error)?;
        }
        Ok(Created { case_id: c.id, reference: c.reference.clone(), replayed: false })
    })
}

/// Appends the filter's conditions. Generic over the engine because the query is built, not
/// written.
fn push_filters<'a, DB: Database>(q: &mut QueryBuilder<'a, DB>, f: &CaseFilter)
where
    &'static str: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
{
    q.push(" WHERE 1 = 1");
    if let Some(v) = f.status {
        q.push(" AND status = ").push_bind(v.code());
    }
    if f.open_only {
        q.push(" AND status IN (")
            .push_bind(CaseStatus::AwaitingReasonableGrounds.code())
            .push(", ")
            .push_bind(CaseStatus::AwaitingConclusiveGrounds.code())
            .push(")");
    }
    if let Some(v) = f.kind {
        q.push(" AND kind = ").push_bind(v.code());
    }
    if let Some(v) = f.jurisdiction {
        q.push(" AND jurisdiction = ").push_bind(v.code());
    }
    if let Some(v) = f.age {
        q.push(" AND age = ").push_bind(v.code());
    }
    if let Some(v) = f.competent_authority {
        q.push(" AND competent_authority = ").push_bind(v.code());
    }
    match (f.referred_by_org, f.or_related) {
        (Some(v), Some((org, relation))) => {
            q.push(" AND (created_by_org = ")
                .push_bind(v.to_string())
                .push(" OR id IN (SELECT r.case_id FROM case_relationships r WHERE r.active = 1 AND r.org_id = ")
                .push_bind(org.to_string())
                .push(" AND r.relation = ")
                .push_bind(relation.code())
                .push("))");
        }
        (Some(v), None) => {
            q.push(" AND created_by_org = ").push_bind(v.to_string());
        }
        (None, _) => {}
    }
    if let Some((org, relation)) = f.related {
        // case_relationships_by_org answers this from one range of the index.
        q.push(" AND id IN (SELECT r.case_id FROM case_relationships r WHERE r.active = 1 AND r.org_id = ")
            .push_bind(org.to_string())
            .push(" AND r.relation = ")
            .push_bind(relation.code())
            .push(")");
    }
    if let Some(v) = &f.reference {
        q.push(" AND reference = ").push_bind(v.trim().to_uppercase());
    }
    if let Some(v) = f.referred_from {
        q.push(" AND referred_on >= ").push_bind(date_text(v));
    }
    if let Some(v) = f.referred_to {
        q.push(" AND referred_on <= ").push_bind(date_text(v));
    }
}

/// The count of a case-list filter, stopping at one more than `COUNT_LIMIT` matches so that a
/// broad filter stops early.
fn push_count<'a, DB: Database>(q: &mut QueryBuilder<'a, DB>, f: &CaseFilter)
where
    &'static str: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    q.push("SELECT COUNT(*) FROM (SELECT 1 FROM cases");
    push_filters(q, f);
    q.push(" LIMIT ").push_bind(sg_store::COUNT_LIMIT as i64 + 1).push(") AS matching");
}

/// One page of a case-list filter, in its order, from its cursor or offset.
fn push_page<'a, DB: Database>(q: &mut QueryBuilder<'a, DB>, f: &CaseFilter)
where
    &'static str: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
    i64: Encode<'a, DB> + Type<DB>,
{
    q.push(
        "SELECT id, reference, kind, status, jurisdiction, age, competent_authority, referred_on, last_event_on, \
         next_due, next_due_kind FROM cases",
    );
    push_filters(q, f);
    if let Some(after) = f.after.filter(|a| a.sort == f.sort) {
        // A range of the same index the order reads (row values compare as tuples).
        q.push(match f.sort {
            CaseSort::Newest => " AND (referred_on, id) < (",
            CaseSort::Deadline => " AND (COALESCE(next_due, '9999-12-31'), id) > (",
        });
        q.push_bind(date_text(after.key)).push(", ").push_bind(after.id.to_string()).push(")");
    }
    q.push(match f.sort {
        // Each order is the one an index of migrations 0010 and 0011 is built in.
        CaseSort::Newest => " ORDER BY referred_on DESC, id DESC",
        CaseSort::Deadline => " ORDER BY COALESCE(next_due, '9999-12-31'), id",
    });
    q.push(" LIMIT ").push_bind(f.limit.clamp(1, 200) as i64);
    q.push(" OFFSET ").push_bind(f.offset.min(sg_store::MAX_OFFSET) as i64);
}

impl<E> crate::SqlStore<E> {
    /// The database's plans for a case list's count and page (`EXPLAIN QUERY PLAN` on SQLite,
    /// `EXPLAIN` with sequential scans discouraged on PostgreSQL, so that a plan without an
    /// index means there is none to use). For the test that every role's list reads an index.
    pub async fn explain_list_cases(&self, f: &CaseFilter) -> StoreResult<[String; 2]> {
        let mut plans = [String::new(), String::new()];
        for (i, plan) in plans.iter_mut().enumerate() {
            *plan = read!(&self.db, |pool| {
                let postgres = self.db.is_postgres();
                let mut q = QueryBuilder::new(if postgres { "EXPLAIN " } else { "EXPLAIN QUERY PLAN " });
                if i == 0 {
                    push_count(&mut q, f);
                } else {
                    push_page(&mut q, f);
                }
                let mut tx = pool.begin().await.map_err(error)?;
                if postgres {
                    sqlx::query("SET LOCAL enable_seqscan = off").execute(&mut *tx).await.map_err(error)?;
                }
                let rows = q.build().fetch_all(&mut *tx).await.map_err(error)?;
                let column = if postgres { 0 } else { 3 };
                let lines: Vec<String> = rows.iter().map(|r| Row::get::<String, _>(r, column)).collect();
                Ok::<_, StoreError>(lines.join("\n"))
            })?;
        }
        Ok(plans)
    }
}

/// How many times a case transaction is run in all when PostgreSQL gives it up to concurrent
/// ones (SQLSTATE class 40).
const CONTENTION_ATTEMPTS: u32 = 4;

/// Runs `attempt` again, after a short pause, while it fails with
/// [`Outage::Contention`](sg_store::Outage::Contention) (a deadlock or serialisation failure:
/// the transaction was rolled back whole, so running it again is safe), up to
/// [`CONTENTION_ATTEMPTS`] times in all.
pub(crate) async fn retry_contention<T, F: std::future::Future<Output = StoreResult<T>>>(
    mut attempt: impl FnMut() -> F,
) -> StoreResult<T> {
    let mut tries = 1;
    loop {
        match attempt().await {
            Err(StoreError::Unavailable(sg_store::Outage::Contention, detail)) if tries < CONTENTION_ATTEMPTS => {
                tracing::warn!(%detail, tries, "a transaction met a concurrent one; running it again");
                // PostgreSQL aborts one side of a deadlock; the other goes on meanwhile.
                tokio::time::sleep(std::time::Duration::from_millis(10 * u64::from(tries))).await;
                tries += 1;
            }
            other => return other,
        }
    }
}

impl<E: 'static> SqlStore<E> {
    /// One attempt at [`sg_store::Cases::append_events`].
    async fn append_events_once(&self, a: &Append<'_>) -> StoreResult<()> {
        // On PostgreSQL the row lock makes a second writer wait here, then see the new version
        // and get Conflict; SQLite's single writer already queues them.
        // The row's statistical facts are read with its version: the change takes away their
        // statistics keys and adds the new state's.
        let lock = if self.db.is_postgres() { " FOR UPDATE" } else { "" };
        let sql = format!("SELECT version, {} FROM cases WHERE id = $1{lock}", marginals::CASE_ROW_COLUMNS);
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let row = sqlx::query(&sql).bind(a.case.to_string()).fetch_optional(&mut *tx).await.map_err(error)?;
            let Some(row) = row else { return Err(StoreError::NotFound) };
            match row.get::<i64, _>("version") {
                v if v != a.expected_version as i64 => {
                    return Err(StoreError::Conflict(format!(
                        "the case changed since it was read (version {} is now {v}); reload it and try again",
                        a.expected_version
                    )))
                }
                _ => {}
            }
            let mut deltas = MarginalDeltas::new();
            deltas.add_case(&marginals::case_row(&row)?, -1);
            deltas.add_case(&CaseRow::of(a.state), 1);
            let events: Vec<EventRow> = event_rows(a.case, a.expected_version + 1, a.events, a.actor, a.now).collect();
            insert_events(Conn::from(&mut *tx), &events).await.map_err(error)?;
            update_projection(Conn::from(&mut *tx), a.case, a.state, a.next_due).await.map_err(error)?;
            marginals::append_deltas(Conn::from(&mut *tx), &deltas).await.map_err(error)?;
            write_relationships(Conn::from(&mut *tx), &[(a.case, a.relationships)], true).await.map_err(error)?;
            let vault: Vec<_> = vault_rows(a.case, a.vault).collect();
            insert_vault(Conn::from(&mut *tx), &vault).await.map_err(error)?;
            if let Some(key) = a.person_key {
                crate::firewall::insert_person_keys(Conn::from(&mut *tx), &[(a.case, key)]).await.map_err(error)?;
            }
            crate::audit::append_audit_tx(Conn::from(&mut *tx), a.audit, self.auditor()).await.map_err(error)?;
            if let Some(code) = a.spend_dtn_code {
                if !crate::firewall::spend_dtn_code_tx(Conn::from(&mut *tx), code, a.now).await.map_err(error)? {
                    return Err(StoreError::Conflict("this conversion code was already used".into()));
                }
            }
            if let Some(org) = a.new_owner_org {
                sqlx::query("UPDATE cases SET created_by_org = $1 WHERE id = $2")
                    .bind(org.to_string())
                    .bind(a.case.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(error)?;
            }
            tx.commit().await.map_err(error)
        })?;
        self.compactor.note(&self.db, 1);
        Ok(())
    }
}

/// The stored next deadline: both columns or neither.
fn next_due(on: Option<String>, kind: Option<String>) -> StoreResult<Option<NextDue>> {
    match (on, kind) {
        (Some(on), Some(kind)) => {
            Ok(Some(NextDue { on: parse_date("next_due", &on)?, kind: parse_code("next_due_kind", &kind)? }))
        }
        _ => Ok(None),
    }
}

#[async_trait::async_trait]
impl<E: 'static> sg_store::Cases for SqlStore<E> {
    async fn create_case(&self, c: &NewCase, idem: Option<&IdempotencyKey>) -> StoreResult<Created> {
        let created = if let Some(queue) = &self.new_writes {
            crate::sqlite::group_commit::create_case(queue, c, idem).await?
        } else if let (Some(intake), None) = (&self.intake, idem) {
            intake.create(c).await?
        } else {
            retry_contention(|| async {
                write!(&self.db, |pool| {
                    let mut tx = pool.begin().await.map_err(error)?;
                    let created = create_case_tx(Conn::from(&mut *tx), c, idem, self.auditor()).await?;
                    tx.commit().await.map_err(error)?;
                    Ok(created)
                })
            })
            .await?
        };
        self.compactor.note(&self.db, u64::from(!created.replayed));
        Ok(created)
    }

    async fn load_cases(
        &self,
        expected: u64,
        batches: &mut dyn CaseBatches,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> StoreResult<u64> {
        let done = match &self.db {
            Db::Sqlite { writer, reader } => {
                crate::sqlite::bulk::load(writer, reader, expected, batches, progress, self.signer()).await?
            }
            // A transaction per batch, so referrals to other cases commit meanwhile and the
            // chainer chains the load's audit records as it goes.
            Db::Postgres(pool) => {
                let mut done = 0u64;
                while let Some(batch) = batches.next_batch().await {
                    let batch = batch?;
                    let cases: Vec<&NewCase> = batch.iter().collect();
                    let mut tx = pool.begin().await.map_err(error)?;
                    insert_cases(Conn::from(&mut *tx), &cases, self.auditor()).await.map_err(error)?;
                    tx.commit().await.map_err(error)?;
                    done += cases.len() as u64;
                    progress(done);
                }
                done
            }
        };
        self.compactor.note(&self.db, done);
        Ok(done)
    }

    async fn append_events(&self, a: &Append<'_>) -> StoreResult<()> {
        retry_contention(|| self.append_events_once(a)).await
    }

    async fn case_id_by_reference(&self, reference: &str) -> StoreResult<Option<CaseId>> {
        read!(&self.db, |pool| {
            let row = sqlx::query("SELECT id FROM cases WHERE reference = $1")
                .bind(reference.to_string())
                .fetch_optional(pool)
                .await
                .map_err(error)?;
            row.map(|r| case_id(r.get("id"))).transpose()
        })
    }

    async fn case(&self, id: CaseId) -> StoreResult<Option<CaseRecord>> {
        read!(&self.db, |pool| {
            let Some(head) = sqlx::query("SELECT reference, created_by_org FROM cases WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(pool)
                .await
                .map_err(error)?
            else {
                return Ok(None);
            };
            let rows = sqlx::query(
            "SELECT seq, occurred_on, payload, actor_id, recorded_at FROM case_events WHERE case_id = $1 ORDER BY seq",
        )
        .bind(id.to_string())
        .fetch_all(pool)
        .await
        .map_err(error)?;
            let mut events = Vec::with_capacity(rows.len());
            for row in rows {
                let event: CaseEvent = serde_json::from_str(row.get("payload"))
                    .map_err(|e| StoreError::Other(format!("unreadable event in case {id}: {e}")))?;
                let actor: Option<String> = row.get("actor_id");
                events.push(StoredEvent {
                    seq: row.get::<i64, _>("seq") as u32,
                    event: DatedEvent { on: parse_date("occurred_on", row.get("occurred_on"))?, event },
                    actor: actor.as_deref().map(user_id).transpose()?,
                    recorded_at: from_unix(row.get("recorded_at")),
                });
            }
            Ok(Some(CaseRecord {
                id,
                reference: CaseReference::from_stored(head.get("reference")),
                created_by_org: org_id(head.get("created_by_org"))?,
                events,
            }))
        })
    }

    async fn list_cases(&self, f: &CaseFilter) -> StoreResult<CasePage> {
        read!(&self.db, |pool| {
            // The `OR` form keeps an organisation's list off the index it is sorted by, so it is
            // used only when the organisation has such a case (an index probe; rare).
            let mut narrowed;
            let mut f = f;
            if let (Some(_), Some((org, relation))) = (f.referred_by_org, f.or_related) {
                let any: Option<i32> = sqlx::query_scalar(
                    "SELECT 1 FROM case_relationships WHERE org_id = $1 AND relation = $2 AND active = 1 LIMIT 1",
                )
                .bind(org.to_string())
                .bind(relation.code())
                .fetch_optional(pool)
                .await
                .map_err(error)?;
                if any.is_none() {
                    narrowed = f.clone();
                    narrowed.or_related = None;
                    f = &narrowed;
                }
            }
            let mut count = QueryBuilder::new("");
            push_count(&mut count, f);
            let total: i64 = count.build_query_scalar().fetch_one(pool).await.map_err(error)?;
            let mut q = QueryBuilder::new("");
            push_page(&mut q, f);
            let rows = q.build().fetch_all(pool).await.map_err(error)?;
            let mut cases = Vec::with_capacity(rows.len());
            for row in rows {
                let ca: Option<String> = row.get("competent_authority");
                cases.push(CaseSummary {
                    id: case_id(row.get("id"))?,
                    reference: CaseReference::from_stored(row.get("reference")),
                    kind: parse_code("kind", row.get("kind"))?,
                    status: parse_code("status", row.get("status"))?,
                    jurisdiction: parse_code("jurisdiction", row.get("jurisdiction"))?,
                    age_at_exploitation: parse_code("age", row.get("age"))?,
                    competent_authority: ca.as_deref().map(|c| parse_code("competent_authority", c)).transpose()?,
                    referred_on: parse_date("referred_on", row.get("referred_on"))?,
                    last_event_on: parse_date("last_event_on", row.get("last_event_on"))?,
                    next_due: next_due(row.get("next_due"), row.get("next_due_kind"))?,
                });
            }
            let full = cases.len() == f.limit.clamp(1, 200) as usize;
            let next_after =
                full.then(|| cases.last().map(|c| CaseCursor::after_case(f.sort, c).to_string())).flatten();
            Ok(CasePage { next_after, ..CasePage::with_count(cases, total as u64) })
        })
    }

    async fn vault_get(&self, id: CaseId, field: VaultField) -> StoreResult<Option<Vec<u8>>> {
        read!(&self.db, |pool| {
            sqlx::query_scalar("SELECT value FROM vault_entries WHERE case_id = $1 AND field = $2")
                .bind(id.to_string())
                .bind(field.as_str())
                .fetch_optional(pool)
                .await
                .map_err(error)
        })
    }
}

/// Writes computed next deadlines (the start-up backfill; here because this file is the only
/// writer of the `cases` projection), each only if its case is still at the version it was
/// computed from, in one transaction.
pub(crate) async fn set_next_due(db: &Db, updates: &[sg_store::NextDueUpdate]) -> StoreResult<()> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        for u in updates {
            let updated = sqlx::query(
                "UPDATE cases SET next_due = $1, next_due_kind = $2, next_due_stale = 0 WHERE id = $3 AND version = $4",
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
                write_relationships(Conn::from(&mut *tx), &[(u.case, u.relationships.as_slice())], true)
                    .await
                    .map_err(error)?;
            }
        }
        tx.commit().await.map_err(error)
    })
}
