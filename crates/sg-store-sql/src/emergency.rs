//! Emergency access requests: asked, decided once, read by the case's workers and by the
//! identity decision.

use sg_audit::AuditRecord;
use sg_domain::{CaseId, Coded, EmergencyRequest};
use sg_store::{parse_code, EmergencyDecisionRecord, StoreError, StoreResult};

use crate::audit::append_audit_tx;
use crate::convert::{error, from_unix, unix, user_id};
use crate::db::{read, write, Conn, Db, Row};

pub(crate) async fn add(
    db: &Db,
    r: &EmergencyRequest,
    audit: &AuditRecord,
    auditor: crate::audit::Auditor<'_>,
) -> StoreResult<()> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        sqlx::query(
            "INSERT INTO emergency_requests (id, case_id, requested_by, reason, reference, requested_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.id.to_string())
        .bind(r.case_id.to_string())
        .bind(r.requested_by.to_string())
        .bind(r.reason.code())
        .bind(&r.reference)
        .bind(unix(r.requested_at))
        .execute(&mut *tx)
        .await
        .map_err(error)?;
        append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), auditor).await.map_err(error)?;
        tx.commit().await.map_err(error)
    })
}

pub(crate) async fn decide(
    db: &Db,
    case: CaseId,
    id: uuid::Uuid,
    d: &EmergencyDecisionRecord,
    audit: &AuditRecord,
    auditor: crate::audit::Auditor<'_>,
) -> StoreResult<bool> {
    write!(db, |pool| {
        let mut tx = pool.begin().await.map_err(error)?;
        let done = sqlx::query(
            "UPDATE emergency_requests SET decision = $1, decided_by = $2, decided_at = $3, access_until = $4 \
             WHERE id = $5 AND case_id = $6 AND decision IS NULL",
        )
        .bind(d.decision.code())
        .bind(d.by.to_string())
        .bind(unix(d.at))
        .bind(d.access_until.map(unix))
        .bind(id.to_string())
        .bind(case.to_string())
        .execute(&mut *tx)
        .await
        .map_err(error)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        append_audit_tx(Conn::from(&mut *tx), std::slice::from_ref(audit), auditor).await.map_err(error)?;
        tx.commit().await.map_err(error)?;
        Ok(true)
    })
}

pub(crate) async fn list(db: &Db, case: CaseId) -> StoreResult<Vec<EmergencyRequest>> {
    read!(db, |pool| {
        let rows = sqlx::query(
            "SELECT e.id, e.requested_by, o.name AS org_name, e.reason, e.reference, e.requested_at, e.decision, \
             e.decided_by, e.decided_at, e.access_until FROM emergency_requests e \
             JOIN users u ON u.id = e.requested_by JOIN organisations o ON o.id = u.org_id \
             WHERE e.case_id = $1 ORDER BY e.requested_at, e.id",
        )
        .bind(case.to_string())
        .fetch_all(pool)
        .await
        .map_err(error)?;
        rows.iter().map(|r| from_row(case, r)).collect()
    })
}

fn from_row(case: CaseId, r: &impl Row) -> StoreResult<EmergencyRequest> {
    Ok(EmergencyRequest {
        id: uuid::Uuid::try_parse(&r.get::<String, _>("id")).map_err(|e| StoreError::Other(e.to_string()))?,
        case_id: case,
        requested_by: user_id(&r.get::<String, _>("requested_by"))?,
        requested_by_org: r.get("org_name"),
        reason: parse_code("emergency_requests.reason", &r.get::<String, _>("reason"))?,
        reference: r.get("reference"),
        requested_at: from_unix(r.get("requested_at")),
        decision: r
            .get::<Option<String>, _>("decision")
            .map(|d| parse_code("emergency_requests.decision", &d))
            .transpose()?,
        decided_by: r.get::<Option<String>, _>("decided_by").map(|u| user_id(&u)).transpose()?,
        decided_at: r.get::<Option<i64>, _>("decided_at").map(from_unix),
        access_until: r.get::<Option<i64>, _>("access_until").map(from_unix),
    })
}
