//! The firewall's tables: wrapped data keys, consents, and the hash-chained audit log.

use sg_audit::{AuditEntry, AuditRecord};
use sg_domain::{CaseId, Coded, Consent, UserId};
use sg_store::{parse_code, StoreError, StoreResult};
use time::OffsetDateTime;

use crate::audit::append_audit_tx;
use crate::convert::{case_id, date_text, error, from_unix, org_id, parse_date, unix, user_id};
use crate::db::{on, read, write, Conn, Db, Row};
use crate::{survivor_codes, SqlStore};

/// Stores wrapped data keys inside the caller's transaction.
pub(crate) async fn insert_person_keys(conn: Conn<'_>, keys: &[(CaseId, &[u8])]) -> Result<(), sqlx::Error> {
    on!(conn, |conn| {
        for mut q in crate::new_rows::person_keys(keys) {
            q.build().execute(&mut *conn).await?;
        }
        Ok(())
    })
}

/// One page of the log packed into one value ([`sg_audit::packed`]): one row per page instead of
/// one per entry, which is what makes `audit verify` fast.
/// `audit_page`'s packing on SQLite.
const AUDIT_PACKED_PAGE_SQLITE: &str = "SELECT group_concat(\
    seq || ',' || at || ',' || hex(prev_hash) || hex(hash) \
    || CASE WHEN actor IS NULL THEN '-' ELSE length(CAST(actor AS BLOB)) || ':' || actor END \
    || length(CAST(role AS BLOB)) || ':' || role \
    || length(CAST(action AS BLOB)) || ':' || action \
    || CASE WHEN case_id IS NULL THEN '-' ELSE length(CAST(case_id AS BLOB)) || ':' || case_id END \
    || length(CAST(outcome AS BLOB)) || ':' || outcome \
    || length(CAST(detail AS BLOB)) || ':' || detail, '' ORDER BY seq) \
    FROM (SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2)";

/// `audit_page`'s packing on PostgreSQL.
const AUDIT_PACKED_PAGE_PG: &str = "SELECT string_agg(\
    seq::text || ',' || at::text || ',' || encode(prev_hash, 'hex') || encode(hash, 'hex') \
    || CASE WHEN actor IS NULL THEN '-' ELSE octet_length(actor)::text || ':' || actor END \
    || octet_length(role)::text || ':' || role \
    || octet_length(action)::text || ':' || action \
    || CASE WHEN case_id IS NULL THEN '-' ELSE octet_length(case_id)::text || ':' || case_id END \
    || octet_length(outcome)::text || ':' || outcome \
    || octet_length(detail)::text || ':' || detail, '' ORDER BY seq) \
    FROM (SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2) page";

/// Spends a conversion code inside the caller's transaction; `false` if it was already used.
pub(crate) async fn spend_dtn_code_tx(conn: Conn<'_>, hash: &[u8], at: OffsetDateTime) -> Result<bool, sqlx::Error> {
    on!(conn, |conn| {
        let done = sqlx::query("UPDATE dtn_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL")
            .bind(unix(at))
            .bind(hash)
            .execute(&mut *conn)
            .await?;
        Ok(done.rows_affected() == 1)
    })
}

#[async_trait::async_trait]
impl<E: 'static> sg_store::Firewall for SqlStore<E> {
    async fn append_audit(&self, records: &[AuditRecord]) -> StoreResult<()> {
        match &self.new_writes {
            Some(queue) => crate::sqlite::group_commit::append_audit(queue, records).await,
            None => crate::audit::append_audit(&self.db, records, self.auditor()).await,
        }
    }

    async fn person_key(&self, case: CaseId) -> StoreResult<Option<Vec<u8>>> {
        read!(&self.db, |pool| {
            sqlx::query_scalar("SELECT wrapped_key FROM person_keys WHERE case_id = $1")
                .bind(case.to_string())
                .fetch_optional(pool)
                .await
                .map_err(error)
        })
    }

    async fn erase_person(&self, case: CaseId, audit: &AuditRecord) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            sqlx::query("DELETE FROM person_keys WHERE case_id = $1")
                .bind(case.to_string())
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            sqlx::query("DELETE FROM vault_entries WHERE case_id = $1")
                .bind(case.to_string())
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            // With nothing left to show, the person's code and sessions end too.
            crate::survivor_codes::end_survivor_codes_tx(Conn::from(&mut *tx), case, audit.at).await?;
            append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), self.auditor()).await.map_err(error)?;
            tx.commit().await.map_err(error)
        })?;
        // `secure_delete` zeroed the rows in the pages; the WAL still holds the pages as they
        // were before, until a checkpoint copies the new ones back and truncates it.
        if let Db::Sqlite { writer, .. } = &self.db {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(writer).await.map_err(error)?;
        }
        Ok(())
    }

    async fn person_keys_page(&self, after: Option<CaseId>, limit: u32) -> StoreResult<Vec<(CaseId, Vec<u8>)>> {
        read!(&self.db, |pool| {
            let rows = sqlx::query(
                "SELECT case_id, wrapped_key FROM person_keys WHERE case_id > $1 ORDER BY case_id LIMIT $2",
            )
            .bind(after.map(|c| c.to_string()).unwrap_or_default())
            .bind(limit as i64)
            .fetch_all(pool)
            .await
            .map_err(error)?;
            rows.iter().map(|r| Ok((case_id(r.get("case_id"))?, r.get("wrapped_key")))).collect()
        })
    }

    async fn replace_person_keys(&self, keys: &[(CaseId, Vec<u8>)]) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let refs: Vec<(CaseId, &[u8])> = keys.iter().map(|(c, k)| (*c, k.as_slice())).collect();
            insert_person_keys(Conn::from(&mut *tx), &refs).await.map_err(error)?;
            tx.commit().await.map_err(error)
        })
    }

    async fn add_consent(&self, c: &Consent, by: UserId, audit: &AuditRecord) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let categories: Vec<&str> = c.categories.iter().map(|x| x.code()).collect();
            sqlx::query(
                "INSERT INTO consents (id, case_id, purpose, recipient_org_id, categories, given_on, \
                expires_on, withdrawn_at, \
             language, interpreter, recorded_by, recorded_at, agreed_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, $11, $12)",
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
            .bind(audit.at)
            .bind(c.agreed_by.code())
            .execute(&mut *tx)
            .await
            .map_err(error)?;
            append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), self.auditor()).await.map_err(error)?;
            tx.commit().await.map_err(error)
        })
    }

    async fn withdraw_consent(
        &self,
        case: CaseId,
        id: uuid::Uuid,
        at: OffsetDateTime,
        audit: &AuditRecord,
    ) -> StoreResult<bool> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let done = sqlx::query(
                "UPDATE consents SET withdrawn_at = $1 WHERE id = $2 AND case_id = $3 AND withdrawn_at IS NULL",
            )
            .bind(unix(at))
            .bind(id.to_string())
            .bind(case.to_string())
            .execute(&mut *tx)
            .await
            .map_err(error)?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), self.auditor()).await.map_err(error)?;
            tx.commit().await.map_err(error)?;
            Ok(true)
        })
    }

    async fn consents(&self, case: CaseId) -> StoreResult<Vec<Consent>> {
        read!(&self.db, |pool| {
            let rows = sqlx::query(
                "SELECT c.id, c.purpose, c.recipient_org_id, o.name AS recipient_name, c.categories, \
                c.given_on, c.expires_on, \
             c.withdrawn_at, c.language, c.interpreter, c.agreed_by, c.confirmed_by, c.confirmed_at, \
             c.recorded_by, u.org_id AS recorded_by_org, c.countersigned_by FROM consents c \
             JOIN organisations o ON o.id = c.recipient_org_id LEFT JOIN users u ON u.id = c.recorded_by \
             WHERE c.case_id = $1 ORDER BY c.recorded_at, c.id",
            )
            .bind(case.to_string())
            .fetch_all(pool)
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
                        recorded_by_org: r
                            .get::<Option<String>, _>("recorded_by_org")
                            .map(|o| org_id(&o))
                            .transpose()?,
                        countersigned_by: r
                            .get::<Option<String>, _>("countersigned_by")
                            .map(|u| user_id(&u))
                            .transpose()?,
                    })
                })
                .collect()
        })
    }

    async fn confirm_consent(
        &self,
        case: CaseId,
        id: uuid::Uuid,
        c: &sg_store::ConsentConfirmation,
        audit: &AuditRecord,
    ) -> StoreResult<bool> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let done = sqlx::query(
                "UPDATE consents SET confirmed_by = $1, confirmed_at = $2, countersigned_by = $3, \
                 attested_language = $4, attested_interpreter = $5 \
                 WHERE id = $6 AND case_id = $7 AND withdrawn_at IS NULL AND confirmed_by IS NULL",
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
            append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), self.auditor()).await.map_err(error)?;
            tx.commit().await.map_err(error)?;
            Ok(true)
        })
    }

    async fn add_emergency_request(&self, r: &sg_domain::EmergencyRequest, audit: &AuditRecord) -> StoreResult<()> {
        crate::emergency::add(&self.db, r, audit, self.auditor()).await
    }

    async fn decide_emergency_request(
        &self,
        case: CaseId,
        id: uuid::Uuid,
        d: &sg_store::EmergencyDecisionRecord,
        audit: &AuditRecord,
    ) -> StoreResult<bool> {
        crate::emergency::decide(&self.db, case, id, d, audit, self.auditor()).await
    }

    async fn emergency_requests(&self, case: CaseId) -> StoreResult<Vec<sg_domain::EmergencyRequest>> {
        crate::emergency::list(&self.db, case).await
    }

    async fn audit_page(&self, after: u64, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        self.settle_audit().await?;
        let sql = if self.db.is_postgres() { AUDIT_PACKED_PAGE_PG } else { AUDIT_PACKED_PAGE_SQLITE };
        read!(&self.db, |pool| {
            let packed: Option<String> =
                sqlx::query_scalar(sql).bind(after as i64).bind(limit as i64).fetch_one(pool).await.map_err(error)?;
            sg_audit::packed::parse_packed(packed.as_deref().unwrap_or("")).map_err(StoreError::Other)
        })
    }

    async fn audit_for_case(&self, case: CaseId) -> StoreResult<Vec<AuditEntry>> {
        self.settle_audit().await?;
        read!(&self.db, |pool| {
            let rows = sqlx::query(&format!(
                "SELECT {} FROM audit_log WHERE case_id = $1 ORDER BY seq",
                crate::audit::AUDIT_COLUMNS
            ))
            .bind(case.to_string())
            .fetch_all(pool)
            .await
            .map_err(error)?;
            rows.iter().map(crate::audit::entry_from_row).collect()
        })
    }

    async fn orgs_with_role(&self, role: sg_domain::Role) -> StoreResult<Vec<sg_store::Organisation>> {
        read!(&self.db, |pool| {
            let rows = sqlx::query(
                "SELECT id, name, kind FROM organisations o WHERE EXISTS \
                 (SELECT 1 FROM users u WHERE u.org_id = o.id AND u.role = $1 AND u.disabled_at IS NULL) ORDER BY name",
            )
            .bind(sg_domain::Coded::code(role))
            .fetch_all(pool)
            .await
            .map_err(error)?;
            rows.iter()
                .map(|r| {
                    Ok(sg_store::Organisation {
                        id: org_id(r.get("id"))?,
                        name: r.get("name"),
                        kind: parse_code("organisations.kind", r.get("kind"))?,
                    })
                })
                .collect()
        })
    }

    async fn org_by_name(&self, name: &str) -> StoreResult<Option<sg_store::Organisation>> {
        read!(&self.db, |pool| {
            // Names are matched whatever their case ("safe haven support" is "Safe Haven
            // Support"); an exact match first, should two differ only by case.
            let row = sqlx::query(
                "SELECT id, name, kind FROM organisations WHERE lower(name) = lower($1) \
                 ORDER BY CASE WHEN name = $1 THEN 0 ELSE 1 END, name LIMIT 1",
            )
            .bind(name)
            .fetch_optional(pool)
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
        })
    }

    async fn add_survivor_code(
        &self,
        case: CaseId,
        hash: &[u8],
        now: OffsetDateTime,
        expires: OffsetDateTime,
    ) -> StoreResult<()> {
        survivor_codes::add_survivor_code(&self.db, case, hash, now, expires).await
    }

    async fn survivor_code_case(&self, hash: &[u8], now: OffsetDateTime) -> StoreResult<Option<CaseId>> {
        survivor_codes::survivor_code_case(&self.db, hash, now).await
    }

    async fn live_survivor_code(&self, case: CaseId, now: OffsetDateTime) -> StoreResult<Option<OffsetDateTime>> {
        survivor_codes::live_survivor_code(&self.db, case, now).await
    }

    async fn end_survivor_codes(&self, case: CaseId, now: OffsetDateTime) -> StoreResult<bool> {
        survivor_codes::end_survivor_codes(&self.db, case, now).await
    }

    async fn open_survivor_session(
        &self,
        code_hash: &[u8],
        token_hash: &[u8],
        csrf: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<CaseId>> {
        survivor_codes::open_survivor_session(&self.db, code_hash, token_hash, csrf, now).await
    }

    async fn survivor_session(
        &self,
        token_hash: &[u8],
        not_before: OffsetDateTime,
    ) -> StoreResult<Option<(CaseId, String)>> {
        survivor_codes::survivor_session(&self.db, token_hash, not_before).await
    }

    async fn end_survivor_session(&self, token_hash: &[u8]) -> StoreResult<()> {
        survivor_codes::end_survivor_session(&self.db, token_hash).await
    }

    async fn identified_cases_inactive_since(&self, before: time::Date, limit: u32) -> StoreResult<Vec<CaseId>> {
        read!(&self.db, |pool| {
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT c.id FROM cases c JOIN person_keys k ON k.case_id = c.id WHERE c.last_event_on \
                < $1 ORDER BY c.id LIMIT $2",
            )
            .bind(date_text(before))
            .bind(limit as i64)
            .fetch_all(pool)
            .await
            .map_err(error)?;
            ids.iter().map(|i| case_id(i)).collect()
        })
    }

    async fn dtn_code_case(&self, hash: &[u8]) -> StoreResult<Option<CaseId>> {
        read!(&self.db, |pool| {
            let id: Option<String> =
                sqlx::query_scalar("SELECT case_id FROM dtn_codes WHERE code_hash = $1 AND used_at IS NULL")
                    .bind(hash)
                    .fetch_optional(pool)
                    .await
                    .map_err(error)?;
            id.as_deref().map(case_id).transpose()
        })
    }
}
