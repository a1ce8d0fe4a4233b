//! The rows a new case or a change adds, as multi-row `INSERT`s built apart from any
//! connection: the values are owned, so the statements can be built on one thread (a bulk
//! load's preparing thread) and run on another (the writer). Every insert of these tables goes
//! through here, so the bulk load and the one-case paths write the same columns.

use sg_domain::{CaseId, Coded, DatedEvent};
use sg_stats::cells::CaseRow;
use sg_store::{CaseRelationship, MarginalDeltas, NewCase, VaultField};
use sqlx::{Database, Encode, QueryBuilder, Type};
use time::OffsetDateTime;

use crate::convert::{date_text, unix};
use crate::projection::{self, bind_projection, Projection};

/// Rows per multi-row `INSERT`: fewer statements means fewer round trips, and 400 rows of up
/// to 26 columns stays under SQLite's 32,766 bound parameters (and PostgreSQL's 65,535).
pub(crate) const ROWS_PER_INSERT: usize = 400;

/// A statement built here: owned values, for the engine `DB`.
pub(crate) type Insert<DB> = QueryBuilder<'static, DB>;

/// The value types these inserts bind, which each engine encodes. (A bound per type, as sqlx
/// asks; `cases.rs`' `push_filters` does the same.)
macro_rules! where_binds {
    ($(#[$m:meta])* $v:vis fn $name:ident<$db:ident>($($arg:ident: $t:ty),*) -> $ret:ty $body:block) => {
        $(#[$m])*
        $v fn $name<$db: Database>($($arg: $t),*) -> $ret
        where
            String: Encode<'static, $db> + Type<$db>,
            &'static str: Encode<'static, $db> + Type<$db>,
            i64: Encode<'static, $db> + Type<$db>,
            i32: Encode<'static, $db> + Type<$db>,
            Vec<u8>: Encode<'static, $db> + Type<$db>,
            Option<String>: Encode<'static, $db> + Type<$db>,
            Option<&'static str>: Encode<'static, $db> + Type<$db>,
        $body
    };
}

/// One event row to insert: the case, its sequence number, the event, who and when.
pub(crate) struct EventRow<'a> {
    pub case: CaseId,
    pub seq: u32,
    pub event: &'a DatedEvent,
    pub actor: Option<sg_domain::UserId>,
    pub now: OffsetDateTime,
}

/// The event rows of `events`, numbered from `first_seq`.
pub(crate) fn event_rows<'a>(
    case: CaseId,
    first_seq: u32,
    events: &'a [DatedEvent],
    actor: Option<sg_domain::UserId>,
    now: OffsetDateTime,
) -> impl Iterator<Item = EventRow<'a>> {
    events.iter().enumerate().map(move |(i, event)| EventRow { case, seq: first_seq + i as u32, event, actor, now })
}

/// The vault rows of a case's sealed fields.
pub(crate) fn vault_rows(
    id: CaseId,
    vault: &[(VaultField, Vec<u8>)],
) -> impl Iterator<Item = (CaseId, VaultField, &[u8])> {
    vault.iter().map(move |(f, v)| (id, *f, v.as_slice()))
}

where_binds! {
    /// The projection rows of new cases (`projection::Projection`, built once per case).
    pub(crate) fn projections<DB>(cases: &[&NewCase]) -> Vec<Insert<DB>> {
        cases
            .chunks(ROWS_PER_INSERT)
            .map(|chunk| {
                let mut q = QueryBuilder::new(projection::INSERT.as_str());
                q.push_values(chunk, |mut b, c| {
                    let p = Projection::of(&c.state, c.next_due);
                    b.push_bind(c.id.to_string())
                        .push_bind(c.reference.as_str().to_string())
                        .push_bind(c.created_by.to_string())
                        .push_bind(c.created_by_org.to_string())
                        .push_bind(unix(c.created_at))
                        .push_bind(0i32);
                    bind_projection!(b, p, push_bind);
                });
                q
            })
            .collect()
    }
}

where_binds! {
    /// The inserts of event rows.
    pub(crate) fn events<DB>(rows: &[EventRow<'_>]) -> Vec<Insert<DB>> {
        rows.chunks(ROWS_PER_INSERT)
            .map(|chunk| {
                let mut q = QueryBuilder::new(
                    "INSERT INTO case_events (case_id, seq, kind, occurred_on, payload, actor_id, recorded_at) ",
                );
                q.push_values(chunk, |mut b, r| {
                    b.push_bind(r.case.to_string())
                        .push_bind(i64::from(r.seq))
                        .push_bind(r.event.event.kind())
                        .push_bind(date_text(r.event.on))
                        .push_bind(serde_json::to_string(&r.event.event).expect("events serialise"))
                        .push_bind(r.actor.map(|a| a.to_string()))
                        .push_bind(unix(r.now));
                });
                q
            })
            .collect()
    }
}

where_binds! {
    /// The inserts of sealed vault fields (a field already stored is replaced).
    pub(crate) fn vault<DB>(rows: &[(CaseId, VaultField, &[u8])]) -> Vec<Insert<DB>> {
        rows.chunks(ROWS_PER_INSERT)
            .map(|chunk| {
                let mut q = QueryBuilder::new("INSERT INTO vault_entries (case_id, field, value) ");
                q.push_values(chunk, |mut b, (case, field, value)| {
                    b.push_bind(case.to_string()).push_bind(field.as_str()).push_bind(value.to_vec());
                });
                q.push(" ON CONFLICT (case_id, field) DO UPDATE SET value = excluded.value");
                q
            })
            .collect()
    }
}

where_binds! {
    /// The inserts of `case_relationships` rows.
    pub(crate) fn relationships<DB>(rows: &[(CaseId, &CaseRelationship)]) -> Vec<Insert<DB>> {
        rows.chunks(ROWS_PER_INSERT)
            .map(|chunk| {
                let mut q = QueryBuilder::new("INSERT INTO case_relationships (case_id, org_id, relation, active) ");
                q.push_values(chunk, |mut b, (case, r)| {
                    b.push_bind(case.to_string())
                        .push_bind(r.org.to_string())
                        .push_bind(r.relation.code())
                        .push_bind(i32::from(r.active));
                });
                q
            })
            .collect()
    }
}

where_binds! {
    /// The inserts of wrapped data keys (a case's key already stored is replaced).
    pub(crate) fn person_keys<DB>(keys: &[(CaseId, &[u8])]) -> Vec<Insert<DB>> {
        keys.chunks(ROWS_PER_INSERT)
            .map(|chunk| {
                let mut q = QueryBuilder::new("INSERT INTO person_keys (case_id, wrapped_key, master_key_id) ");
                q.push_values(chunk, |mut b, (case, wrapped)| {
                    let key_id = sg_crypto::envelope_key_id(wrapped).unwrap_or("unknown").to_string();
                    b.push_bind(case.to_string()).push_bind(wrapped.to_vec()).push_bind(key_id);
                });
                q.push(
                    " ON CONFLICT (case_id) DO UPDATE SET wrapped_key = excluded.wrapped_key, \
                    master_key_id = excluded.master_key_id",
                );
                q
            })
            .collect()
    }
}

where_binds! {
    /// Every row new cases add but their statistics deltas, audit records and conversion codes:
    /// projections, events, vault fields, relationships and wrapped data keys, in that order.
    pub(crate) fn of_cases<DB>(cases: &[&NewCase]) -> Vec<Insert<DB>> {
        let mut out = projections(cases);
        let rows: Vec<EventRow> =
            cases.iter().flat_map(|c| event_rows(c.id, 1, &c.events, Some(c.created_by), c.created_at)).collect();
        out.extend(events(&rows));
        let rows: Vec<_> = cases.iter().flat_map(|c| vault_rows(c.id, &c.vault)).collect();
        out.extend(vault(&rows));
        let rows: Vec<(CaseId, &CaseRelationship)> =
            cases.iter().flat_map(|c| c.relationships.iter().map(move |r| (c.id, r))).collect();
        out.extend(relationships(&rows));
        let keys: Vec<(CaseId, &[u8])> =
            cases.iter().filter_map(|c| c.person_key.as_deref().map(|k| (c.id, k))).collect();
        out.extend(person_keys(&keys));
        out
    }
}

/// The statistics keys new cases add (`sg_store::MarginalDeltas`, computed only in Rust).
pub(crate) fn deltas(cases: &[&NewCase]) -> MarginalDeltas {
    let mut deltas = MarginalDeltas::new();
    for c in cases {
        deltas.add_case(&CaseRow::of(&c.state), 1);
    }
    deltas
}
