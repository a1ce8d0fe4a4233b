//! Reads `case_marginals` (kept current by triggers) for `sg_store::marginal_tables`, which
//! turns the rows into the statistics tables.

use sg_stats::Table;
use sg_store::{marginal_tables, MarginalRow, StoreResult};

use crate::convert::error;
use crate::db::{read, Db, Row};

/// Reads `case_marginals` into tables.
pub(crate) async fn case_tables(db: &Db) -> StoreResult<Vec<Table>> {
    read!(db, |pool| {
        let rows = sqlx::query(
            "SELECT measure, month, outcome, flag, dim, value, n, sum_a, sum_b FROM case_marginals WHERE n > 0",
        )
        .fetch_all(pool)
        .await
        .map_err(error)?;
        let rows: Vec<MarginalRow> = rows
            .iter()
            .map(|r| MarginalRow {
                measure: r.get(0),
                month: r.get(1),
                outcome: r.get(2),
                flag: r.get(3),
                dim: r.get(4),
                value: r.get(5),
                n: r.get(6),
                sum_a: r.get(7),
                sum_b: r.get(8),
            })
            .collect();
        marginal_tables(&rows)
    })
}
