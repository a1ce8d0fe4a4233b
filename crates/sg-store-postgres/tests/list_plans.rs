//! Every role's case list reads an index, on both engines: the database's own plan for the
//! count and for a page (first, and after a cursor) of each scope `sg_app::access` gives
//! (`ListScope`), in both orders, must not scan the cases or the relationships table. Issue 16
//! found support providers' and guardians' lists scanning every event (1.4–1.7 s a page at
//! 100,000 cases). SQLite always runs; PostgreSQL when `SAFEGUARD_TEST_DATABASE_URL` names a
//! server (with sequential scans discouraged, a plan without an index means there is none).

use std::sync::Arc;

use sg_app::App;
use sg_domain::{CompetentAuthority, OrgId, Relation};
use sg_store::{CaseCursor, CaseFilter, CaseSort, Coded, Store};
use sg_store_sql::SqlStore;

fn keys() -> sg_crypto::KeyRing {
    sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap()
}

/// The scopes of the roles that list cases, as the store is asked for them.
fn scopes() -> Vec<(&'static str, CaseFilter)> {
    let org = OrgId::parse("00000000-0000-4000-8000-000000000001").unwrap();
    let related = |relation| CaseFilter { related: Some((org, relation)), ..Default::default() };
    vec![
        ("first responder", CaseFilter { referred_by_org: Some(org), ..Default::default() }),
        ("decision maker", CaseFilter { competent_authority: Some(CompetentAuthority::Sca), ..Default::default() }),
        ("support provider", related(Relation::SupportProvider)),
        ("guardian", related(Relation::Guardian)),
        ("legal adviser", related(Relation::LegalAdviser)),
    ]
}

/// A plan line that reads a whole table (or a whole index of it) row by row.
fn full_scans(plan: &str, postgres: bool) -> Vec<String> {
    let lines: Vec<&str> = plan.lines().collect();
    let mut bad = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let on_table = line.contains(" on cases ") || line.contains(" on case_relationships ");
        if postgres {
            if line.contains("Seq Scan") && on_table {
                bad.push(line.trim().to_string());
            }
            if (line.contains("Index Scan") || line.contains("Index Only Scan")) && on_table {
                // The node's own lines, up to the next node, must bound the index.
                let bounded = lines[i + 1..].iter().take_while(|l| !l.contains("->")).any(|l| l.contains("Index Cond"));
                if !bounded {
                    bad.push(line.trim().to_string());
                }
            }
        } else {
            let detail = line.trim();
            if ["SCAN cases", "SCAN case_relationships", "SCAN r"]
                .iter()
                .any(|s| detail == *s || detail.starts_with(&format!("{s} ")))
            {
                bad.push(detail.to_string());
            }
        }
    }
    bad
}

async fn story<E>(store: &SqlStore<E>, shared: Arc<dyn Store>, postgres: bool) {
    let app = App::new(shared.clone(), keys());
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 200, 3, |_| {}).await.unwrap();
    let some_case = shared.all_case_events(None, 1).await.unwrap()[0].id;
    let mut failures = Vec::new();
    for (role, scope) in scopes() {
        for sort in [CaseSort::Newest, CaseSort::Deadline] {
            let first = CaseFilter { sort, limit: 25, ..scope.clone() };
            let cursor = CaseCursor { sort, key: time::macros::date!(2024 - 01 - 01), id: some_case };
            let later = CaseFilter { after: Some(cursor), ..first.clone() };
            for (page, filter) in [("first page", &first), ("after a cursor", &later)] {
                let [count, rows] = store.explain_list_cases(filter).await.unwrap();
                for (what, plan) in [("count", count), ("page", rows)] {
                    let bad = full_scans(&plan, postgres);
                    if !bad.is_empty() {
                        failures.push(format!("{role}, {}, {page}, {what}: {bad:?}\n{plan}", sort.code()));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "case lists that scan a table:\n{}", failures.join("\n\n"));
}

#[tokio::test]
async fn every_roles_case_list_reads_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sg_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    story(&sqlite, Arc::new(sqlite.clone()), false).await;
    sqlite.close().await;

    let Some(url) = sg_store_postgres::testing::fresh_database().await else {
        eprintln!("SAFEGUARD_TEST_DATABASE_URL is not set: the PostgreSQL half of this test was skipped");
        return;
    };
    let pg = sg_store_postgres::PgStore::open(&url).await.unwrap();
    story(&pg, Arc::new(pg.clone()), true).await;
    pg.close().await;
}

#[test]
fn the_plan_check_sees_a_scan() {
    assert_eq!(
        full_scans("SEARCH r USING COVERING INDEX x (org_id=?)\nSCAN cases USING INDEX cases_by_referral_date", false)
            .len(),
        1
    );
    assert!(full_scans("SEARCH cases USING INDEX sqlite_autoindex_cases_1 (id=?)\nSCAN matching", false).is_empty());
    let pg = "Limit\n  ->  Index Scan using cases_by_referral_date on cases  (cost=1)\n        Filter: (hashed SubPlan 1)\n  ->  Seq Scan on case_relationships r  (cost=1)";
    assert_eq!(full_scans(pg, true).len(), 2);
}
