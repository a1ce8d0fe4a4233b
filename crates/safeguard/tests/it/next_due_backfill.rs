//! Cases stored before migration 0011 have no next deadline in their projection; the binary
//! computes it from their events when it opens the database (`safeguard migrate` here), so the
//! decision makers' queue is right for old data too; likewise the relationships of cases stored before
//! migration 0013.

use std::path::Path;
use std::process::Command;

use sg_store::{CaseFilter, CaseSort, Cases, Firewall, Replay};

fn safeguard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    c.env("RUST_LOG", "warn");
    c
}

/// Every case in deadline order, with its next deadline.
async fn queue(db: &Path) -> Vec<(String, Option<sg_store::NextDue>)> {
    let store = sg_store_sqlite::SqliteStore::open_without_migrating(db).await.unwrap();
    let mut out = Vec::new();
    for offset in [0, 200] {
        let filter = CaseFilter { sort: CaseSort::Deadline, limit: 200, offset, ..Default::default() };
        let page = store.list_cases(&filter).await.unwrap();
        out.extend(page.cases.into_iter().map(|c| (c.reference.to_string(), c.next_due)));
    }
    store.close().await;
    out
}

#[test]
fn migrate_fills_in_the_next_deadline_of_older_cases() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let db = dir.path().join("safeguard.db");
    let out = safeguard().args(["demo", "--cases", "300", "--seed", "11", "--data-dir", data]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let written = rt.block_on(queue(&db));
    assert_eq!(written.len(), 300);
    assert!(written.iter().any(|(_, d)| d.is_some()), "some demonstration cases await a decision");

    // As a database from before migration 0011 has them: nothing computed.
    rt.block_on(async {
        let url = format!("sqlite://{}", db.display());
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
        sqlx::query("UPDATE cases SET next_due = NULL, next_due_kind = NULL, next_due_stale = 1")
            .execute(&mut conn)
            .await
            .unwrap();
    });
    assert!(rt.block_on(queue(&db)).iter().all(|(_, d)| d.is_none()));

    let out = safeguard().args(["migrate", "--data-dir", data]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(rt.block_on(queue(&db)), written, "the backfill computes what the writes computed");
}

/// Cases stored before migration 0013 have no `case_relationships` rows: opening the database
/// computes them from the events, finding organisations named in older events by name, so a
/// support provider's list is right for old data too.
#[test]
fn migrate_fills_in_the_relationships_of_older_cases() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let db = dir.path().join("safeguard.db");
    let out = safeguard().args(["demo", "--cases", "300", "--seed", "11", "--data-dir", data]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let add = ["user", "add", "--org", "The Salvation Army", "--role", "support-provider", "--name", "sa"];
    let out = safeguard().args(add).args(["--data-dir", data]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rt = tokio::runtime::Runtime::new().unwrap();
    // As a database from before migration 0013 has them: no relationship rows.
    rt.block_on(async {
        let url = format!("sqlite://{}", db.display());
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
        for sql in ["DELETE FROM case_relationships", "UPDATE cases SET next_due_stale = 1"] {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
    });
    // (rows for the provider, active rows, and what the events say: cases that ever entered
    // its support, cases in its support now)
    let supported = || async {
        let store = sg_store_sqlite::SqliteStore::open_without_migrating(&db).await.unwrap();
        let org = store.org_by_name("The Salvation Army").await.unwrap().unwrap().id;
        let related = Some((org, sg_domain::Relation::SupportProvider));
        let active = store.list_cases(&CaseFilter { related, limit: 200, ..Default::default() }).await.unwrap().total;
        let url = format!("sqlite://{}", db.display());
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_relationships WHERE org_id = ?")
            .bind(org.to_string())
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let (mut ever, mut now) = (0, 0);
        for c in store.all_case_events(None, 1_000).await.unwrap() {
            let state = sg_domain::CaseState::replay(c.events.iter().map(|e| &e.event)).unwrap();
            ever += u64::from(state.relationships.iter().any(|r| r.name == "The Salvation Army"));
            now += u64::from(state.in_support_with.as_deref() == Some("The Salvation Army"));
        }
        store.close().await;
        (rows as u64, active, ever, now)
    };
    let (rows, active, ever, now) = rt.block_on(supported());
    assert!(ever > 0, "some demonstration adults entered the Salvation Army's support");
    assert_eq!((rows, active), (0, 0));
    let out = safeguard().args(["migrate", "--data-dir", data]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(rt.block_on(supported()), (ever, now, ever, now));
}

/// Before migration 0027 a decision overturned on reconsideration was stored as positive in the
/// projection (and so in the statistics); opening the database corrects it from the events and
/// rebuilds the statistics, so first-decision rates are right for old data too (issue 17).
#[test]
fn migrate_restores_first_decisions_overturned_before_0027() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let db = dir.path().join("safeguard.db");
    let out = safeguard().args(["demo", "--cases", "400", "--seed", "5", "--data-dir", data]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rt = tokio::runtime::Runtime::new().unwrap();
    const OVERTURNED: &str = "SELECT case_id FROM case_events WHERE kind = 'reconsideration-decided' \
        AND json_extract(payload, '$.question') = 'reasonable-grounds' \
        AND json_extract(payload, '$.outcome') = 'overturned'";
    let sql = |q: String| {
        rt.block_on(async {
            let url = format!("sqlite://{}", db.display());
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
            let n: i64 = sqlx::query_scalar(&q).fetch_one(&mut conn).await.unwrap();
            n
        })
    };
    let overturned = sql(format!("SELECT COUNT(*) FROM ({OVERTURNED})"));
    assert!(overturned > 0, "the demonstration data has overturned reasonable-grounds decisions");
    let first_negative = format!("SELECT COUNT(*) FROM cases WHERE rg_outcome = 'negative' AND id IN ({OVERTURNED})");
    assert_eq!(sql(first_negative.clone()), overturned, "written as first decided");

    // As a database from before 0027 has them: the final outcome, and statistics kept under
    // the old keys.
    rt.block_on(async {
        let url = format!("sqlite://{}", db.display());
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
        for q in [
            format!("UPDATE cases SET rg_outcome = 'positive' WHERE id IN ({OVERTURNED})"),
            "DELETE FROM _sqlx_migrations WHERE version = 27".to_string(),
            "UPDATE case_marginals_state SET keys_version = 1".to_string(),
        ] {
            sqlx::query(&q).execute(&mut conn).await.unwrap();
        }
    });
    assert_eq!(sql(first_negative.clone()), 0);

    let out = safeguard().args(["migrate", "--data-dir", data]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(sql(first_negative), overturned, "the migration restores the first decisions");
    assert_eq!(sql("SELECT keys_version FROM case_marginals_state".into()), sg_store::MARGINAL_KEYS_VERSION);
    // The statistics were rebuilt from the corrected rows: every negative first decision is
    // counted once (the key without a dimension), overturned ones included.
    let negative_in_statistics = sql(
        "SELECT COALESCE(SUM(n), 0) FROM (SELECT n FROM case_marginals WHERE measure = 'rg' AND outcome = 'negative' \
         AND dim = '' UNION ALL SELECT n FROM case_marginal_deltas WHERE measure = 'rg' AND outcome = 'negative' \
         AND dim = '')"
            .into(),
    );
    let negative_rows = sql("SELECT COUNT(*) FROM cases WHERE rg_outcome = 'negative'".into());
    assert_eq!(negative_in_statistics, negative_rows);
}
