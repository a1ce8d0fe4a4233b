//! Monitoring: the statistics rows of cases, imported datasets, and publications.

use sg_domain::{Coded, DecisionOutcome};
use sg_stats::cells::{CaseRow, Granularity};
use sg_stats::{Cell, Dim, Measure, Month, Table};
use sg_store::{DatasetVersion, NewDataset, Publication, StoreError, StoreResult};
use sqlx::QueryBuilder;

use crate::convert::{error, from_unix, unix, user_id};
use crate::db::{read, write, Row};
use crate::SqlStore;

pub(crate) use sg_store::{month, opt_code};

fn decision(outcome: Option<String>, m: Option<Month>) -> StoreResult<Option<(DecisionOutcome, Month)>> {
    Ok(match (opt_code::<DecisionOutcome>("outcome", outcome)?, m) {
        (Some(o), Some(m)) => Some((o, m)),
        _ => None,
    })
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("plain data serialises")
}

fn unjson<T: serde::de::DeserializeOwned>(column: &str, s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Other(format!("bad {column} in database: {e}")))
}

/// 20 columns per cell row; 900 rows per statement stays under PostgreSQL's 65,535 parameters.
const CELLS_PER_INSERT: usize = 900;

fn version_row(r: &impl Row) -> DatasetVersion {
    DatasetVersion {
        name: r.get("name"),
        version: r.get::<i64, _>("version") as u32,
        source: r.get("source"),
        imported_at: from_unix(r.get("imported_at")),
        rows_read: r.get::<i64, _>("rows_read") as u64,
        rows_imported: r.get::<i64, _>("rows_imported") as u64,
        rows_rejected: r.get::<i64, _>("rows_rejected") as u64,
    }
}

#[async_trait::async_trait]
impl<E: 'static> sg_store::Monitoring for SqlStore<E> {
    fn pool_use(&self) -> sg_store::PoolUse {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let write_queue = self.new_writes.as_ref().map(|q| count(q.max_capacity() - q.capacity())).unwrap_or(0)
            + self.intake.as_ref().map(|i| count(i.queued())).unwrap_or(0);
        let (connections, idle) = match &self.db {
            crate::db::Db::Sqlite { writer, reader } => {
                (writer.size() + reader.size(), count(writer.num_idle() + reader.num_idle()))
            }
            crate::db::Db::Postgres(pool) => (pool.size(), count(pool.num_idle())),
        };
        sg_store::PoolUse { connections, idle, write_queue }
    }

    async fn case_tables(&self) -> StoreResult<Vec<sg_stats::Table>> {
        crate::marginals::case_tables(&self.db).await
    }

    /// One page of case rows, by position (SQLite's rowid; PostgreSQL's `row_no`, an identity
    /// column standing in for it) so that each page is an index range, not an OFFSET scan.
    async fn case_rows(&self, after: i64, limit: u32) -> StoreResult<(Vec<CaseRow>, Option<i64>)> {
        let position = if self.db.is_postgres() { "row_no" } else { "rowid" };
        let sql = format!(
            "SELECT {position} AS position, {} FROM cases WHERE {position} > $1 ORDER BY {position} LIMIT $2",
            crate::marginals::CASE_ROW_COLUMNS
        );
        read!(&self.db, |pool| {
            let rows = sqlx::query(&sql).bind(after).bind(limit as i64).fetch_all(pool).await.map_err(error)?;
            let mut out = Vec::with_capacity(rows.len());
            let mut last = None;
            for r in &rows {
                last = Some(r.get::<i64, _>("position"));
                out.push(crate::marginals::case_row(r)?);
            }
            let more = rows.len() as u32 == limit;
            Ok((out, last.filter(|_| more)))
        })
    }

    /// Stores a dataset version in one transaction.
    async fn save_dataset(&self, d: &NewDataset) -> StoreResult<DatasetVersion> {
        write!(&self.db, |pool| {
            let mut tx = pool.begin().await.map_err(error)?;
            let version: i64 = sqlx::query_scalar("SELECT coalesce(max(version), 0) + 1 FROM datasets WHERE name = $1")
                .bind(&d.name)
                .fetch_one(&mut *tx)
                .await
                .map_err(error)?;
            let dataset_id: i64 = sqlx::query_scalar(
                "INSERT INTO datasets (name, version, source, imported_at, rows_read, rows_imported, \
                rows_rejected, report) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(&d.name)
            .bind(version)
            .bind(&d.source)
            .bind(unix(d.imported_at))
            .bind(d.rows_read as i64)
            .bind(d.rows_imported as i64)
            .bind(d.rows_rejected as i64)
            .bind(&d.report)
            .fetch_one(&mut *tx)
            .await
            .map_err(error)?;
            for (position, t) in d.tables.iter().enumerate() {
                let table_id: i64 = sqlx::query_scalar(
                "INSERT INTO dataset_tables (dataset_id, position, name, description, measures, dims, granularity) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(dataset_id)
            .bind(position as i64)
            .bind(&t.name)
            .bind(&t.description)
            .bind(json(&t.measures))
            .bind(json(&t.dims))
            .bind(json(&t.granularity))
            .fetch_one(&mut *tx)
            .await
            .map_err(error)?;
                for chunk in t.cells.chunks(CELLS_PER_INSERT) {
                    let mut q = QueryBuilder::new(
                        "INSERT INTO dataset_cells (table_id, n, kind, referred, status, jurisdiction, \
                        age, gender, nationality, \
                     exploitation, location, fr_type, ca, rg_outcome, rg_month, rg_within_5wd, cg_outcome, cg_month, \
                     cg_days_sum, referred_day_sum) ",
                    );
                    q.push_values(chunk, |mut b, c| {
                        let code = |v: Option<&'static str>| v.map(str::to_string);
                        b.push_bind(table_id)
                            .push_bind(c.n as i64)
                            .push_bind(code(c.kind.map(|v| v.code())))
                            .push_bind(c.referred.map(|m| m.to_string()))
                            .push_bind(code(c.status.map(|v| v.code())))
                            .push_bind(code(c.jurisdiction.map(|v| v.code())))
                            .push_bind(code(c.age.map(|v| v.code())))
                            .push_bind(code(c.gender.map(|v| v.code())))
                            .push_bind(c.nationality.clone())
                            .push_bind(c.exploitation.map(i64::from))
                            .push_bind(code(c.location.map(|v| v.code())))
                            .push_bind(code(c.fr_type.map(|v| v.code())))
                            .push_bind(code(c.ca.map(|v| v.code())))
                            .push_bind(code(c.rg.map(|(o, _)| o.code())))
                            .push_bind(c.rg.map(|(_, m)| m.to_string()))
                            .push_bind(c.rg_within_5wd.map(i64::from))
                            .push_bind(code(c.cg.map(|(o, _)| o.code())))
                            .push_bind(c.cg.map(|(_, m)| m.to_string()))
                            .push_bind(c.cg_days_sum as i64)
                            .push_bind(c.referred_day_sum);
                    });
                    q.build().execute(&mut *tx).await.map_err(error)?;
                }
            }
            tx.commit().await.map_err(error)?;
            Ok(DatasetVersion {
                name: d.name.clone(),
                version: version as u32,
                source: d.source.clone(),
                imported_at: d.imported_at,
                rows_read: d.rows_read,
                rows_imported: d.rows_imported,
                rows_rejected: d.rows_rejected,
            })
        })
    }

    /// Every dataset version.
    async fn datasets(&self) -> StoreResult<Vec<DatasetVersion>> {
        read!(&self.db, |pool| {
            let rows = sqlx::query("SELECT * FROM datasets ORDER BY name COLLATE \"C\", version")
                .fetch_all(pool)
                .await
                .map_err(error)?;
            Ok(rows.iter().map(version_row).collect())
        })
    }

    /// A dataset version's tables with their cells.
    async fn dataset_tables(
        &self,
        name: &str,
        version: Option<u32>,
    ) -> StoreResult<Option<(DatasetVersion, Vec<Table>)>> {
        read!(&self.db, |pool| {
            let row = sqlx::query(
                "SELECT * FROM datasets WHERE name = $1 AND ($2 IS NULL OR version = $3) ORDER BY version DESC LIMIT 1",
            )
            .bind(name)
            .bind(version.map(i64::from))
            .bind(version.map(i64::from))
            .fetch_optional(pool)
            .await
            .map_err(error)?;
            let Some(row) = row else { return Ok(None) };
            let id: i64 = row.get("id");
            let table_rows = sqlx::query("SELECT * FROM dataset_tables WHERE dataset_id = $1 ORDER BY position")
                .bind(id)
                .fetch_all(pool)
                .await
                .map_err(error)?;
            let mut tables = Vec::new();
            for t in &table_rows {
                let cells = sqlx::query("SELECT * FROM dataset_cells WHERE table_id = $1")
                    .bind(t.get::<i64, _>("id"))
                    .fetch_all(pool)
                    .await
                    .map_err(error)?;
                let cells = cells
                    .iter()
                    .map(|r| {
                        Ok(Cell {
                            n: r.get::<i64, _>("n") as u64,
                            kind: opt_code("kind", r.get("kind"))?,
                            referred: month("referred", r.get("referred"))?,
                            status: opt_code("status", r.get("status"))?,
                            jurisdiction: opt_code("jurisdiction", r.get("jurisdiction"))?,
                            age: opt_code("age", r.get("age"))?,
                            gender: opt_code("gender", r.get("gender"))?,
                            nationality: r.get("nationality"),
                            exploitation: r.get::<Option<i64>, _>("exploitation").map(|v| v as u8),
                            location: opt_code("location", r.get("location"))?,
                            fr_type: opt_code("fr_type", r.get("fr_type"))?,
                            ca: opt_code("ca", r.get("ca"))?,
                            rg: decision(r.get("rg_outcome"), month("rg_month", r.get("rg_month"))?)?,
                            rg_within_5wd: r.get::<Option<i64>, _>("rg_within_5wd").map(|v| v == 1),
                            cg: decision(r.get("cg_outcome"), month("cg_month", r.get("cg_month"))?)?,
                            cg_days_sum: r.get::<i64, _>("cg_days_sum") as u64,
                            referred_day_sum: r.get("referred_day_sum"),
                            // No published table counts these: only the system's own cases do.
                            rg_overturned: None,
                            cg_overturned: None,
                            re_referral: None,
                            disqualified: None,
                        })
                    })
                    .collect::<StoreResult<Vec<Cell>>>()?;
                tables.push(Table {
                    name: t.get("name"),
                    description: t.get("description"),
                    measures: unjson::<Vec<Measure>>("measures", &t.get::<String, _>("measures"))?,
                    dims: unjson::<Vec<Dim>>("dims", &t.get::<String, _>("dims"))?,
                    granularity: unjson::<Granularity>("granularity", &t.get::<String, _>("granularity"))?,
                    cells,
                });
            }
            Ok(Some((version_row(&row), tables)))
        })
    }

    /// Records a publication.
    async fn record_publication(&self, p: &Publication) -> StoreResult<()> {
        write!(&self.db, |pool| {
            sqlx::query(
            "INSERT INTO publications (id, created_at, created_by, kind, source, period, format, rule, sha256, bytes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&p.id)
        .bind(unix(p.created_at))
        .bind(p.created_by.map(|u| u.to_string()))
        .bind(&p.kind)
        .bind(&p.source)
        .bind(&p.period)
        .bind(&p.format)
        .bind(&p.rule)
        .bind(&p.sha256)
        .bind(p.bytes as i64)
        .execute(pool)
        .await
        .map_err(error)?;
            Ok(())
        })
    }

    /// The latest publications.
    async fn publications(&self, limit: u32) -> StoreResult<Vec<Publication>> {
        read!(&self.db, |pool| {
            let rows = sqlx::query("SELECT * FROM publications ORDER BY created_at DESC, id COLLATE \"C\" LIMIT $1")
                .bind(limit as i64)
                .fetch_all(pool)
                .await
                .map_err(error)?;
            rows.iter()
                .map(|r| {
                    Ok(Publication {
                        id: r.get("id"),
                        created_at: from_unix(r.get("created_at")),
                        created_by: r.get::<Option<String>, _>("created_by").map(|s| user_id(&s)).transpose()?,
                        kind: r.get("kind"),
                        source: r.get("source"),
                        period: r.get("period"),
                        format: r.get("format"),
                        rule: r.get("rule"),
                        sha256: r.get("sha256"),
                        bytes: r.get::<i64, _>("bytes") as u64,
                    })
                })
                .collect()
        })
    }
}
