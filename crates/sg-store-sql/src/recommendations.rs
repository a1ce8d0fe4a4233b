//! The recommendation tracker: recommendations and their append-only status history.

use std::collections::HashMap;

use sg_store::{Recommendation, RecommendationHistory, RecommendationStatus, StatusRecord, StoreError, StoreResult};

use crate::convert::{date_text, error, from_unix, parse_date, unix, user_id};
use crate::db::{on, read, write, Conn, Row};
use crate::SqlStore;

/// The trigger's refusal of a backwards date is a conflict the application can name, not a
/// fault (the application checks first; this holds when two people record at once). Known by
/// its code: on an insert into `recommendation_status` only the dates-go-forward trigger raises,
/// SQLITE_CONSTRAINT_TRIGGER (1811) on SQLite, `raise_exception` (P0001) on PostgreSQL.
fn status_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if matches!(db.code().as_deref(), Some("1811" | "P0001")) => {
            StoreError::Conflict(db.message().to_string())
        }
        _ => error(e),
    }
}

async fn insert_status(conn: Conn<'_>, s: &StatusRecord) -> StoreResult<()> {
    on!(conn, |conn| {
        sqlx::query(
            "INSERT INTO recommendation_status \
         (recommendation_id, status, as_of, evidence, evidence_url, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&s.recommendation_id)
        .bind(s.status.code())
        .bind(date_text(s.as_of))
        .bind(&s.evidence)
        .bind(&s.evidence_url)
        .bind(s.recorded_by.map(|u| u.to_string()))
        .bind(unix(s.recorded_at))
        .execute(&mut *conn)
        .await
        .map_err(status_error)?;
        Ok(())
    })
}

fn status_row(r: &impl Row) -> StoreResult<StatusRecord> {
    let code: String = r.get("status");
    Ok(StatusRecord {
        recommendation_id: r.get("recommendation_id"),
        status: RecommendationStatus::parse(&code)
            .ok_or_else(|| StoreError::Other(format!("bad status {code:?} in recommendation_status")))?,
        as_of: parse_date("as_of", r.get("as_of"))?,
        evidence: r.get("evidence"),
        evidence_url: r.get("evidence_url"),
        recorded_by: r.get::<Option<String>, _>("recorded_by").map(|s| user_id(&s)).transpose()?,
        recorded_at: from_unix(r.get("recorded_at")),
    })
}

#[async_trait::async_trait]
impl<E: 'static> sg_store::Recommendations for SqlStore<E> {
    /// Stores recommendations and statuses in one transaction.
    async fn add_recommendations(
        &self,
        recommendations: &[Recommendation],
        statuses: &[StatusRecord],
    ) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            for r in recommendations {
                sqlx::query(
                    "INSERT INTO recommendations (id, source, report_date, text, addressee, article, \
                    indicators, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&r.id)
                .bind(&r.source)
                .bind(date_text(r.report_date))
                .bind(&r.text)
                .bind(&r.addressee)
                .bind(&r.article)
                .bind(r.indicators.join(" "))
                .bind(unix(r.created_at))
                .execute(&mut *tx)
                .await
                .map_err(error)?;
            }
            for s in statuses {
                insert_status(Conn::from(&mut *tx), s).await?;
            }
            tx.commit().await.map_err(error)
        })
    }

    /// Appends one status; `NotFound` if there is no such recommendation.
    async fn add_recommendation_status(&self, s: &StatusRecord) -> StoreResult<()> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let exists: Option<String> = sqlx::query_scalar("SELECT id FROM recommendations WHERE id = $1")
                .bind(&s.recommendation_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(error)?;
            if exists.is_none() {
                return Err(StoreError::NotFound);
            }
            insert_status(Conn::from(&mut *tx), s).await?;
            tx.commit().await.map_err(error)
        })
    }

    /// Every recommendation with its history.
    async fn recommendations(&self) -> StoreResult<Vec<RecommendationHistory>> {
        read!(&self.db, |pool| {
            let rows =
                sqlx::query("SELECT * FROM recommendations ORDER BY report_date, text COLLATE \"C\", id COLLATE \"C\"")
                    .fetch_all(pool)
                    .await
                    .map_err(error)?;
            let mut out = Vec::with_capacity(rows.len());
            let mut position = HashMap::new();
            for r in &rows {
                let indicators: String = r.get("indicators");
                let recommendation = Recommendation {
                    id: r.get("id"),
                    source: r.get("source"),
                    report_date: parse_date("report_date", r.get("report_date"))?,
                    text: r.get("text"),
                    addressee: r.get("addressee"),
                    article: r.get("article"),
                    indicators: indicators.split_whitespace().map(String::from).collect(),
                    created_at: from_unix(r.get("created_at")),
                };
                position.insert(recommendation.id.clone(), out.len());
                out.push(RecommendationHistory { recommendation, history: vec![] });
            }
            // The id breaks ties between statuses of the same day: the later entry is the later word.
            let statuses =
                sqlx::query("SELECT * FROM recommendation_status ORDER BY recommendation_id COLLATE \"C\", as_of, id")
                    .fetch_all(pool)
                    .await
                    .map_err(error)?;
            for r in &statuses {
                let s = status_row(r)?;
                if let Some(&i) = position.get(&s.recommendation_id) {
                    out[i].history.push(s);
                }
            }
            Ok(out)
        })
    }
}
