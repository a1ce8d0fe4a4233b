//! The case list sorted by deadline, told to both backends through the `Store` interface:
//! soonest next deadline first, cases with no open deadline last, ties by id, the filters still
//! applied, pages that join up; and the start-up backfill of rows written before migration 0011
//! (computed from the events, refused for a row that moved on). SQLite always runs; PostgreSQL
//! when `SAFEGUARD_TEST_DATABASE_URL` names a server.

use std::sync::Arc;

use sg_app::App;
use sg_domain::{CaseId, CaseStatus, CompetentAuthority, DatedEvent};
use sg_store::{CaseFilter, CaseRecord, CaseSort, NextDue, NextDueUpdate, Store};

fn keys() -> sg_crypto::KeyRing {
    sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap()
}

fn events(c: &CaseRecord) -> Vec<DatedEvent> {
    c.events.iter().map(|e| e.event.clone()).collect()
}

/// Every case matching `filter`, in the store's order, read in pages of 40.
async fn listed(store: &dyn Store, mut filter: CaseFilter) -> Vec<(CaseId, Option<NextDue>)> {
    let mut out = Vec::new();
    filter.limit = 40;
    loop {
        let page = store.list_cases(&filter).await.unwrap();
        let n = page.cases.len();
        out.extend(page.cases.into_iter().map(|c| (c.id, c.next_due)));
        if n < 40 {
            return out;
        }
        filter.offset += 40;
    }
}

/// The order the deadline sort promises, computed here from the events.
fn expected(cases: &[CaseRecord], keep: impl Fn(&CaseRecord) -> bool) -> Vec<(CaseId, Option<NextDue>)> {
    let mut rows: Vec<(CaseId, Option<NextDue>)> =
        cases.iter().filter(|c| keep(c)).map(|c| (c.id, sg_app::queue::next_due(&events(c)))).collect();
    // No deadline sorts after every date; ties by the id's text, as the databases store it.
    rows.sort_by_key(|(id, due)| (due.map(|d| d.on).is_none(), due.map(|d| d.on), id.to_string()));
    rows
}

async fn story(store: Arc<dyn Store>, mark_all_stale: impl AsyncFnOnce()) {
    let app = App::new(store.clone(), keys());
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 300, 11, |_| {}).await.unwrap();
    let cases = store.all_case_events(None, 1_000).await.unwrap();
    assert_eq!(cases.len(), 300);

    let all = CaseFilter { sort: CaseSort::Deadline, ..Default::default() };
    let want = expected(&cases, |_| true);
    let with = want.iter().filter(|(_, d)| d.is_some()).count();
    assert!(with > 0 && with < 300, "the story needs cases with and without an open deadline ({with})");
    assert_eq!(listed(store.as_ref(), all.clone()).await, want, "deadline order, no deadline last, ties by id");

    // The filters still apply: a decision maker's authority, and a status within it.
    let sca = CaseFilter { competent_authority: Some(CompetentAuthority::Sca), ..all.clone() };
    let routed_sca = |c: &CaseRecord| {
        sg_domain::CaseState::replay(c.events.iter().map(|e| &e.event)).unwrap().competent_authority
            == Some(CompetentAuthority::Sca)
    };
    let sca_rows = listed(store.as_ref(), sca.clone()).await;
    assert!(!sca_rows.is_empty());
    assert_eq!(sca_rows, expected(&cases, routed_sca));
    let awaiting = CaseFilter { status: Some(CaseStatus::AwaitingReasonableGrounds), ..sca };
    let awaiting_rows = listed(store.as_ref(), awaiting).await;
    assert!(awaiting_rows.iter().all(|(_, d)| d.is_some_and(|d| d.kind == sg_store::DueKind::RgDecision)));
    assert_eq!(
        awaiting_rows,
        expected(&cases, |c| {
            let s = sg_domain::CaseState::replay(c.events.iter().map(|e| &e.event)).unwrap();
            routed_sca(c) && s.status() == CaseStatus::AwaitingReasonableGrounds
        })
    );

    // Newest first is unchanged and still the default.
    let newest = listed(store.as_ref(), CaseFilter::default()).await;
    let referred: Vec<time::Date> = newest
        .iter()
        .map(|(id, _)| {
            let c = cases.iter().find(|c| c.id == *id).unwrap();
            sg_domain::CaseState::replay(c.events.iter().map(|e| &e.event)).unwrap().facts.referred_on
        })
        .collect();
    assert!(referred.windows(2).all(|w| w[0] >= w[1]));

    // Rows from before migration 0011: nothing computed; the backfill replays them in pages.
    let statistics = cells(store.as_ref()).await;
    mark_all_stale().await;
    assert_eq!(store.cases_without_next_due(1_000).await.unwrap().len(), 300);
    let listed_stale = listed(store.as_ref(), all.clone()).await;
    assert!(listed_stale.iter().all(|(_, d)| d.is_none()));
    // A value computed from an old version is not written over the row.
    let first = &cases[0];
    let old = NextDueUpdate {
        case: first.id,
        version: first.events.len() as u32 - 1,
        next_due: Some(NextDue { on: time::macros::date!(2000 - 01 - 01), kind: sg_store::DueKind::RgDecision }),
        relationships: vec![],
    };
    store.set_next_due(&[old]).await.unwrap();
    assert_eq!(store.cases_without_next_due(1_000).await.unwrap().len(), 300);
    let mut pages = Vec::new();
    let filled = sg_app::queue::backfill_next_due(store.as_ref(), |n| pages.push(n)).await.unwrap();
    assert_eq!(filled, 300);
    assert_eq!(pages.last(), Some(&300));
    assert!(store.cases_without_next_due(1_000).await.unwrap().is_empty());
    assert_eq!(listed(store.as_ref(), all).await, want, "the backfill gives what the writes gave");
    assert_eq!(sg_app::queue::backfill_next_due(store.as_ref(), |_| {}).await.unwrap(), 0);
    assert_eq!(cells(store.as_ref()).await, statistics, "the statistics saw no change of facts");
}

/// Every statistics cell, as text, sorted.
async fn cells(store: &dyn Store) -> Vec<String> {
    let tables = store.case_tables().await.unwrap();
    let mut cells: Vec<String> = tables.iter().flat_map(|t| t.cells.iter().map(|c| format!("{c:?}"))).collect();
    cells.sort();
    cells
}

const MARK_STALE: &str = "UPDATE cases SET next_due = NULL, next_due_kind = NULL, next_due_stale = 1";

#[tokio::test]
async fn both_backends_sort_by_deadline_alike() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let sqlite = sg_store_sqlite::SqliteStore::open(&path).await.unwrap();
    let url = format!("sqlite://{}", path.display());
    story(Arc::new(sqlite.clone()), async || {
        let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
        sqlx::query(MARK_STALE).execute(&mut conn).await.unwrap();
    })
    .await;
    sqlite.close().await;

    let Some(url) = sg_store_postgres::testing::fresh_database().await else {
        eprintln!("SAFEGUARD_TEST_DATABASE_URL is not set: the PostgreSQL half of this test was skipped");
        return;
    };
    let pg = sg_store_postgres::PgStore::open(&url).await.unwrap();
    let pool = pg.pool().clone();
    story(Arc::new(pg.clone()), async || {
        sqlx::query(MARK_STALE).execute(&pool).await.unwrap();
    })
    .await;
    pg.close().await;
}
