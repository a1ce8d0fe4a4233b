//! The `cases` projection is rewritten whole from a `CaseState` on every change, on both
//! backends: a change whose state carries different referral facts (age, gender, nationalities,
//! exploitation, jurisdiction, location, first responder, referral date) shows every one of them
//! in the row, in the case list and in the statistics kept with it. (Before one store, the
//! update wrote only the decision columns, so these facts stayed as first referred.) SQLite
//! always runs; PostgreSQL when `SAFEGUARD_TEST_DATABASE_URL` names a server.

use std::sync::Arc;

use sg_app::App;
use sg_domain::{CaseState, Coded, ExploitationType, Nationality};
use sg_stats::{build_report, Cell, Period, ReportOptions, Rule, Table};
use sg_store::{Append, CaseFilter, Store};

/// Any variant but `current`.
fn other<T: Coded + PartialEq>(current: T) -> T {
    *T::ALL.iter().find(|v| **v != current).expect("every code list has two values")
}

/// The report's indicators over `tables`, to compare statistics.
fn indicators(tables: Vec<Table>) -> serde_json::Value {
    let options = ReportOptions {
        title: String::new(),
        period: Period::All,
        rule: Rule::default(),
        confidence: 0.95,
        top_nationalities: 10,
        as_of: time::macros::date!(2026 - 01 - 01),
    };
    serde_json::to_value(build_report(tables, &options).indicators).unwrap()
}

async fn story(store: Arc<dyn Store>) {
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    let app = App::new(store.clone(), keys);
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 1, 3, |_| {}).await.unwrap();
    let case = store.all_case_events(None, 10).await.unwrap().remove(0);
    let mut state = CaseState::replay(case.events.iter().map(|e| &e.event)).unwrap();

    let f = &mut state.facts;
    f.age_at_exploitation = other(f.age_at_exploitation);
    f.gender = other(f.gender);
    f.jurisdiction = other(f.jurisdiction);
    f.exploitation_location = other(f.exploitation_location);
    f.first_responder_type = other(f.first_responder_type);
    let (al, gb) = (Nationality::parse("AL").unwrap(), Nationality::parse("GB").unwrap());
    f.nationalities = if f.nationalities.first() == Some(&al) { vec![gb, al] } else { vec![al, gb] };
    f.exploitation_types =
        ExploitationType::ALL.iter().copied().filter(|t| !f.exploitation_types.contains(t)).collect();
    f.referred_on = f.referred_on.previous_day().unwrap();
    let expected = (
        f.age_at_exploitation,
        f.gender,
        f.jurisdiction,
        f.exploitation_location,
        f.first_responder_type,
        f.nationalities.clone(),
        f.referred_on,
    );
    let change = Append {
        case: case.id,
        expected_version: state.version,
        events: &[],
        state: &state,
        actor: case.events[0].actor,
        relationships: &[],
        now: time::OffsetDateTime::now_utc(),
        vault: &[],
        person_key: None,
        audit: &[],
        new_owner_org: None,
        spend_dtn_code: None,
        next_due: None,
    };
    store.append_events(&change).await.unwrap();

    let (rows, _) = store.case_rows(0, 10).await.unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    let nationalities: Vec<Nationality> = row.nationalities.iter().flatten().copied().collect();
    assert_eq!(
        (row.age, row.gender, row.jurisdiction, row.location, row.fr_type, nationalities, row.referred_on),
        expected,
        "the projection row kept facts the new state changed"
    );
    let bits = ExploitationType::ALL
        .iter()
        .enumerate()
        .filter(|(_, t)| state.facts.exploitation_types.contains(t))
        .fold(0u8, |b, (i, _)| b | 1 << i);
    assert_eq!(row.exploitation, bits, "the exploitation types were not rewritten");

    let listed = store.list_cases(&CaseFilter { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(
        (listed.cases[0].age_at_exploitation, listed.cases[0].jurisdiction, listed.cases[0].referred_on),
        (expected.0, expected.2, expected.6)
    );

    // The statistics follow the rewritten row.
    let from_rows = vec![Table::own_cases(rows.iter().map(Cell::from_case).collect())];
    assert_eq!(indicators(store.case_tables().await.unwrap()), indicators(from_rows));
}

#[tokio::test]
async fn a_change_rewrites_every_projected_column_on_both_backends() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sg_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    story(Arc::new(sqlite.clone())).await;
    sqlite.close().await;
    let Some(url) = sg_store_postgres::testing::fresh_database().await else {
        eprintln!("SAFEGUARD_TEST_DATABASE_URL is not set: the PostgreSQL half of this test was skipped");
        return;
    };
    let pg = sg_store_postgres::PgStore::open(&url).await.unwrap();
    story(Arc::new(pg.clone())).await;
    pg.close().await;
}
