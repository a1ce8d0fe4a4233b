//! The firewall's tables: wrapped data keys, consents, and the hash-chained audit log.

use sg_audit::{AuditEntry, AuditRecord};
use sg_domain::{CaseId, Coded, Consent, UserId};
use sg_store::{parse_code, StoreError, StoreResult};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use time::OffsetDateTime;

use crate::convert::{case_id, date_text, error, from_unix, org_id, parse_date, unix, user_id};
use crate::SqliteStore;

/// Appends audit records to the chain inside the caller's transaction. The single writer
/// connection serialises transactions, so reading the head and appending cannot interleave.
pub(crate) async fn append_audit_tx(conn: &mut SqliteConnection, records: &[AuditRecord]) -> Result<(), sqlx::Error> {
    if records.is_empty() {
        return Ok(());
    }
    let head =
        sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *conn).await?;
    let mut previous = match head {
        Some(row) => {
            let hash: Vec<u8> = row.get("hash");
            Some((row.get::<i64, _>("seq") as u64, hash.try_into().unwrap_or([0u8; 32])))
        }
        None => None,
    };
    let entries: Vec<AuditEntry> = records
        .iter()
        .map(|r| {
            let e = sg_audit::chain(previous, r.clone());
            previous = Some((e.seq, e.hash));
            e
        })
        .collect();
    for chunk in entries.chunks(500) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO audit_log (seq, at, actor, role, action, case_id, outcome, detail, prev_hash, hash) ",
        );
        q.push_values(chunk, |mut b, e| {
            b.push_bind(e.seq as i64)
                .push_bind(e.record.at)
                .push_bind(e.record.actor.clone())
                .push_bind(e.record.role.clone())
                .push_bind(e.record.action.code())
                .push_bind(e.record.case_id.clone())
                .push_bind(e.record.outcome.code())
                .push_bind(e.record.detail.clone())
                .push_bind(e.prev_hash.to_vec())
                .push_bind(e.hash.to_vec());
        });
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// Stores wrapped data keys inside the caller's transaction.
pub(crate) async fn insert_person_keys(
    conn: &mut SqliteConnection,
    keys: &[(CaseId, &[u8])],
) -> Result<(), sqlx::Error> {
    for chunk in keys.chunks(400) {
        let mut q = QueryBuilder::<Sqlite>::new("INSERT INTO person_keys (case_id, wrapped_key, master_key_id) ");
        q.push_values(chunk, |mut b, (case, wrapped)| {
            let key_id = sg_crypto::envelope_key_id(wrapped).unwrap_or("unknown").to_string();
            b.push_bind(case.to_string()).push_bind(wrapped.to_vec()).push_bind(key_id);
        });
        q.push(" ON CONFLICT (case_id) DO UPDATE SET wrapped_key = excluded.wrapped_key, master_key_id = excluded.master_key_id");
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

pub(crate) async fn person_key(s: &SqliteStore, case: CaseId) -> StoreResult<Option<Vec<u8>>> {
    sqlx::query_scalar("SELECT wrapped_key FROM person_keys WHERE case_id = ?")
        .bind(case.to_string())
        .fetch_optional(&s.reader)
        .await
        .map_err(error)
}

pub(crate) async fn erase_person(s: &SqliteStore, case: CaseId, audit: &AuditRecord) -> StoreResult<()> {
    let mut tx = s.writer.begin().await.map_err(error)?;
    sqlx::query("DELETE FROM person_keys WHERE case_id = ?")
        .bind(case.to_string())
        .execute(&mut *tx)
        .await
        .map_err(error)?;
    sqlx::query("DELETE FROM vault_entries WHERE case_id = ?")
        .bind(case.to_string())
        .execute(&mut *tx)
        .await
        .map_err(error)?;
    append_audit_tx(&mut tx, std::slice::from_ref(audit)).await.map_err(error)?;
    tx.commit().await.map_err(error)
}

pub(crate) async fn person_keys_page(
    s: &SqliteStore,
    after: Option<CaseId>,
    limit: u32,
) -> StoreResult<Vec<(CaseId, Vec<u8>)>> {
    let rows = sqlx::query("SELECT case_id, wrapped_key FROM person_keys WHERE case_id > ? ORDER BY case_id LIMIT ?")
        .bind(after.map(|c| c.to_string()).unwrap_or_default())
        .bind(limit as i64)
        .fetch_all(&s.reader)
        .await
        .map_err(error)?;
    rows.iter().map(|r| Ok((case_id(r.get("case_id"))?, r.get("wrapped_key")))).collect()
}

pub(crate) async fn replace_person_keys(s: &SqliteStore, keys: &[(CaseId, Vec<u8>)]) -> StoreResult<()> {
    let mut tx = s.writer.begin().await.map_err(error)?;
    let refs: Vec<(CaseId, &[u8])> = keys.iter().map(|(c, k)| (*c, k.as_slice())).collect();
    insert_person_keys(&mut tx, &refs).await.map_err(error)?;
    tx.commit().await.map_err(error)
}

pub(crate) async fn add_consent(s: &SqliteStore, c: &Consent, by: UserId, audit: &AuditRecord) -> StoreResult<()> {
    let mut tx = s.writer.begin().await.map_err(error)?;
    let categories: Vec<&str> = c.categories.iter().map(|x| x.code()).collect();
    sqlx::query(
        "INSERT INTO consents (id, case_id, purpose, recipient_org_id, categories, given_on, expires_on, withdrawn_at, \
         language, interpreter, recorded_by, recorded_at, agreed_by) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
    )
    .bind(c.id.to_string())
    .bind(c.case_id.to_string())
    .bind(c.purpose.code())
    .bind(c.recipient_org.to_string())
    .bind(categories.join(","))
    .bind(date_text(c.given_on))
    .bind(c.expires_on.map(date_text))
    .bind(&c.language)
    .bind(c.interpreter)
    .bind(by.to_string())
    .bind(unix(OffsetDateTime::now_utc()))
    .bind(c.agreed_by.code())
    .execute(&mut *tx)
    .await
    .map_err(error)?;
    append_audit_tx(&mut tx, std::slice::from_ref(audit)).await.map_err(error)?;
    tx.commit().await.map_err(error)
}

pub(crate) async fn withdraw_consent(
    s: &SqliteStore,
    case: CaseId,
    id: uuid::Uuid,
    at: OffsetDateTime,
    audit: &AuditRecord,
) -> StoreResult<bool> {
    let mut tx = s.writer.begin().await.map_err(error)?;
    let done =
        sqlx::query("UPDATE consents SET withdrawn_at = ? WHERE id = ? AND case_id = ? AND withdrawn_at IS NULL")
            .bind(unix(at))
            .bind(id.to_string())
            .bind(case.to_string())
            .execute(&mut *tx)
            .await
            .map_err(error)?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    append_audit_tx(&mut tx, std::slice::from_ref(audit)).await.map_err(error)?;
    tx.commit().await.map_err(error)?;
    Ok(true)
}

pub(crate) async fn confirm_consent(
    s: &SqliteStore,
    case: CaseId,
    id: uuid::Uuid,
    c: &sg_store::ConsentConfirmation,
    audit: &AuditRecord,
) -> StoreResult<bool> {
    let mut tx = s.writer.begin().await.map_err(error)?;
    let done = sqlx::query(
        "UPDATE consents SET confirmed_by = ?, confirmed_at = ?, countersigned_by = ?, attested_language = ?, \
         attested_interpreter = ? WHERE id = ? AND case_id = ? AND withdrawn_at IS NULL AND confirmed_by IS NULL",
    )
    .bind(c.by.code())
    .bind(unix(c.at))
    .bind(c.countersigned_by.map(|u| u.to_string()))
    .bind(c.language.as_deref())
    .bind(c.interpreter.as_deref())
    .bind(id.to_string())
    .bind(case.to_string())
    .execute(&mut *tx)
    .await
    .map_err(error)?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    append_audit_tx(&mut tx, std::slice::from_ref(audit)).await.map_err(error)?;
    tx.commit().await.map_err(error)?;
    Ok(true)
}

pub(crate) async fn consents(s: &SqliteStore, case: CaseId) -> StoreResult<Vec<Consent>> {
    let rows = sqlx::query(
        "SELECT c.id, c.purpose, c.recipient_org_id, o.name AS recipient_name, c.categories, c.given_on, c.expires_on, \
         c.withdrawn_at, c.language, c.interpreter, c.agreed_by, c.confirmed_by, c.confirmed_at, c.recorded_by, \
         u.org_id AS recorded_by_org, c.countersigned_by FROM consents c \
         JOIN organisations o ON o.id = c.recipient_org_id LEFT JOIN users u ON u.id = c.recorded_by \
         WHERE c.case_id = ? ORDER BY c.recorded_at, c.id",
    )
    .bind(case.to_string())
    .fetch_all(&s.reader)
    .await
    .map_err(error)?;
    rows.iter()
        .map(|r| {
            let categories: String = r.get("categories");
            let expires: Option<String> = r.get("expires_on");
            let withdrawn: Option<i64> = r.get("withdrawn_at");
            Ok(Consent {
                id: uuid::Uuid::try_parse(r.get("id")).map_err(|e| StoreError::Other(e.to_string()))?,
                case_id: case,
                purpose: parse_code("consents.purpose", r.get("purpose"))?,
                recipient_org: org_id(r.get("recipient_org_id"))?,
                recipient_name: r.get("recipient_name"),
                categories: categories
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(|c| parse_code("consents.categories", c))
                    .collect::<Result<_, _>>()?,
                given_on: parse_date("given_on", r.get("given_on"))?,
                expires_on: expires.as_deref().map(|d| parse_date("expires_on", d)).transpose()?,
                withdrawn_at: withdrawn.map(from_unix),
                language: r.get("language"),
                interpreter: r.get("interpreter"),
                agreed_by: parse_code("consents.agreed_by", r.get("agreed_by"))?,
                confirmed_by: r
                    .get::<Option<String>, _>("confirmed_by")
                    .map(|c| parse_code("consents.confirmed_by", &c))
                    .transpose()?,
                confirmed_at: r.get::<Option<i64>, _>("confirmed_at").map(from_unix),
                recorded_by: Some(user_id(r.get("recorded_by"))?),
                recorded_by_org: r.get::<Option<String>, _>("recorded_by_org").map(|o| org_id(&o)).transpose()?,
                countersigned_by: r.get::<Option<String>, _>("countersigned_by").map(|u| user_id(&u)).transpose()?,
            })
        })
        .collect()
}

fn entry_from_row(r: &sqlx::sqlite::SqliteRow) -> StoreResult<AuditEntry> {
    let bytes = |col: &str| -> StoreResult<[u8; 32]> {
        let v: Vec<u8> = r.get(col);
        v.try_into().map_err(|_| StoreError::Other(format!("audit_log.{col} is not 32 bytes")))
    };
    Ok(AuditEntry {
        seq: r.get::<i64, _>("seq") as u64,
        record: AuditRecord {
            at: r.get("at"),
            actor: r.get("actor"),
            role: r.get("role"),
            action: parse_code("audit_log.action", r.get("action"))?,
            case_id: r.get("case_id"),
            outcome: parse_code("audit_log.outcome", r.get("outcome"))?,
            detail: r.get("detail"),
        },
        prev_hash: bytes("prev_hash")?,
        hash: bytes("hash")?,
    })
}

const AUDIT_COLUMNS: &str = "seq, at, actor, role, action, case_id, outcome, detail, prev_hash, hash";

/// One page of the log packed into one value ([`sg_audit::packed`]): one row per page instead of
/// one per entry, which is what makes `audit verify` fast.
const AUDIT_PACKED_PAGE: &str = "SELECT group_concat(\
    seq || ',' || at || ',' || hex(prev_hash) || hex(hash) \
    || CASE WHEN actor IS NULL THEN '-' ELSE length(CAST(actor AS BLOB)) || ':' || actor END \
    || length(CAST(role AS BLOB)) || ':' || role \
    || length(CAST(action AS BLOB)) || ':' || action \
    || CASE WHEN case_id IS NULL THEN '-' ELSE length(CAST(case_id AS BLOB)) || ':' || case_id END \
    || length(CAST(outcome AS BLOB)) || ':' || outcome \
    || length(CAST(detail AS BLOB)) || ':' || detail, '' ORDER BY seq) \
    FROM (SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?)";

pub(crate) async fn audit_page(s: &SqliteStore, after: u64, limit: u32) -> StoreResult<Vec<AuditEntry>> {
    let packed: Option<String> = sqlx::query_scalar(AUDIT_PACKED_PAGE)
        .bind(after as i64)
        .bind(limit as i64)
        .fetch_one(&s.reader)
        .await
        .map_err(error)?;
    sg_audit::packed::parse_packed(packed.as_deref().unwrap_or("")).map_err(StoreError::Other)
}

pub(crate) async fn audit_for_case(s: &SqliteStore, case: CaseId) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query(&format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE case_id = ? ORDER BY seq"))
        .bind(case.to_string())
        .fetch_all(&s.reader)
        .await
        .map_err(error)?;
    rows.iter().map(entry_from_row).collect()
}

pub(crate) async fn org_by_name(s: &SqliteStore, name: &str) -> StoreResult<Option<sg_store::Organisation>> {
    let row = sqlx::query("SELECT id, name, kind FROM organisations WHERE name = ?")
        .bind(name)
        .fetch_optional(&s.reader)
        .await
        .map_err(error)?;
    match row {
        Some(r) => Ok(Some(sg_store::Organisation {
            id: org_id(r.get("id"))?,
            name: r.get("name"),
            kind: parse_code("organisations.kind", r.get("kind"))?,
        })),
        None => Ok(None),
    }
}

pub(crate) async fn add_survivor_code(
    s: &SqliteStore,
    case: CaseId,
    hash: &[u8],
    expires: OffsetDateTime,
) -> StoreResult<()> {
    sqlx::query("INSERT INTO survivor_codes (code_hash, case_id, expires_at) VALUES (?, ?, ?)")
        .bind(hash)
        .bind(case.to_string())
        .bind(unix(expires))
        .execute(&s.writer)
        .await
        .map_err(error)?;
    Ok(())
}

pub(crate) async fn open_survivor_session(
    s: &SqliteStore,
    code_hash: &[u8],
    token_hash: &[u8],
    csrf: &str,
    now: OffsetDateTime,
) -> StoreResult<Option<CaseId>> {
    let mut tx = s.writer.begin().await.map_err(error)?;
    let row = sqlx::query(
        "UPDATE survivor_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING case_id",
    )
    .bind(unix(now))
    .bind(code_hash)
    .bind(unix(now))
    .fetch_optional(&mut *tx)
    .await
    .map_err(error)?;
    let Some(row) = row else { return Ok(None) };
    let case: String = row.get("case_id");
    sqlx::query("INSERT INTO survivor_sessions (token_hash, case_id, csrf_token, created_at) VALUES (?, ?, ?, ?)")
        .bind(token_hash)
        .bind(&case)
        .bind(csrf)
        .bind(unix(now))
        .execute(&mut *tx)
        .await
        .map_err(error)?;
    tx.commit().await.map_err(error)?;
    Ok(Some(case_id(&case)?))
}

pub(crate) async fn survivor_session(
    s: &SqliteStore,
    token_hash: &[u8],
    not_before: OffsetDateTime,
) -> StoreResult<Option<(CaseId, String)>> {
    let row = sqlx::query("SELECT case_id, csrf_token FROM survivor_sessions WHERE token_hash = ? AND created_at >= ?")
        .bind(token_hash)
        .bind(unix(not_before))
        .fetch_optional(&s.reader)
        .await
        .map_err(error)?;
    match row {
        Some(r) => Ok(Some((case_id(r.get("case_id"))?, r.get("csrf_token")))),
        None => Ok(None),
    }
}

pub(crate) async fn identified_cases_inactive_since(
    s: &SqliteStore,
    before: time::Date,
    limit: u32,
) -> StoreResult<Vec<CaseId>> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT c.id FROM cases c JOIN person_keys k ON k.case_id = c.id WHERE c.last_event_on < ? ORDER BY c.id LIMIT ?",
    )
    .bind(date_text(before))
    .bind(limit as i64)
    .fetch_all(&s.reader)
    .await
    .map_err(error)?;
    ids.iter().map(|i| case_id(i)).collect()
}

pub(crate) async fn dtn_code_case(s: &SqliteStore, hash: &[u8]) -> StoreResult<Option<CaseId>> {
    let id: Option<String> =
        sqlx::query_scalar("SELECT case_id FROM dtn_codes WHERE code_hash = ? AND used_at IS NULL")
            .bind(hash)
            .fetch_optional(&s.reader)
            .await
            .map_err(error)?;
    id.as_deref().map(case_id).transpose()
}

/// Spends a conversion code inside the caller's transaction; `false` if it was already used.
pub(crate) async fn spend_dtn_code_tx(
    conn: &mut SqliteConnection,
    hash: &[u8],
    at: OffsetDateTime,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE dtn_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL")
        .bind(unix(at))
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
