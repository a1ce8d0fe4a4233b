//! Monitoring over a real database (SQLite, or PostgreSQL in its lane): the statistics
//! aggregate kept in Rust with every change equals the cells computed from every case row; reports, imports
//! and publications round-trip.

use std::sync::Arc;

use sg_app::monitoring::{ReportRequest, Source};
use sg_app::App;
use sg_domain::{CaseCommand, CaseStatus, DecisionOutcome, Role};
use sg_stats::{build_report, Cell, Period, ReportOptions, Rule, Table};
use sg_store::CaseFilter;
use sg_store_sqlite::SqliteStore;

async fn app() -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn sg_store::Store> = match sg_store_postgres::testing::fresh_database().await {
        Some(url) => Arc::new(sg_store_postgres::PgStore::open(&url).await.unwrap()),
        None => Arc::new(SqliteStore::open(&dir.path().join("t.db")).await.unwrap()),
    };
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    (App::new(store, keys), dir)
}

/// The report's indicators from the maintained statistics, and from every case row.
async fn assert_aggregate_matches_rows(app: &App) {
    let options = ReportOptions {
        title: String::new(),
        period: Period::All,
        rule: Rule::default(),
        confidence: 0.95,
        top_nationalities: 10,
        as_of: time::macros::date!(2026 - 01 - 01),
    };
    let rows = app.all_case_rows().await.unwrap();
    let from_rows = build_report(vec![Table::own_cases(rows.iter().map(Cell::from_case).collect())], &options);
    let maintained = build_report(app.store.case_tables().await.unwrap(), &options);
    let json = |r: &sg_stats::Report| serde_json::to_value(&r.indicators).unwrap();
    assert_eq!(json(&maintained), json(&from_rows));
}

#[tokio::test]
async fn the_maintained_aggregate_equals_the_case_rows_through_inserts_and_updates() {
    let (app, _dir) = app().await;
    let dist = sg_demo::Distributions::embedded();
    app.add_demo_cases(&dist, 600, 7, |_| {}).await.unwrap();
    assert_eq!(app.all_case_rows().await.unwrap().len(), 600);
    assert_aggregate_matches_rows(&app).await;

    // Decide some cases awaiting a conclusive-grounds decision: each change moves their keys.
    // Decision makers see only their competent authority's cases: one for each.
    let sca = app.create_user("Single Competent Authority", None, Role::DecisionMaker, "dm", false).await.unwrap().user;
    let ieca = app
        .create_user_for("IECA", None, Role::DecisionMaker, "ieca-dm", false, Some(sg_domain::CompetentAuthority::Ieca))
        .await
        .unwrap()
        .user;
    let filter = CaseFilter { status: Some(CaseStatus::AwaitingConclusiveGrounds), limit: 20, ..Default::default() };
    let page = app.store.list_cases(&filter).await.unwrap();
    assert!(!page.cases.is_empty());
    for (i, c) in page.cases.iter().enumerate() {
        let outcome = if i % 2 == 0 { DecisionOutcome::Positive } else { DecisionOutcome::Negative };
        let cmd = CaseCommand::DecideConclusiveGrounds { outcome, reasons: "test".into() };
        let dm = if c.competent_authority == Some(sg_domain::CompetentAuthority::Ieca) { &ieca } else { &sca };
        app.change_case(dm, c.id, cmd, None, None, None).await.unwrap();
    }
    assert_aggregate_matches_rows(&app).await;
}

#[tokio::test]
async fn reports_need_the_monitor_or_admin_role_and_publications_are_recorded() {
    let (app, _dir) = app().await;
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 300, 1, |_| {}).await.unwrap();
    let fr = app.create_user("NGO", None, Role::FirstResponder, "fr", false).await.unwrap().user;
    let monitor = app.create_user("ATMG", None, Role::Monitor, "mon", false).await.unwrap().user;
    let req = ReportRequest { source: Source::OwnCases, period: Period::All, rule: Rule::default() };
    assert!(app.monitoring_report(Some(&fr), &req).await.is_err());
    let built = app.monitoring_report(Some(&monitor), &req).await.unwrap();
    let referrals = built.report.indicators.iter().find(|i| i.indicator.id == "referrals").unwrap();
    let dtn = built.report.indicators.iter().find(|i| i.indicator.id == "duty-to-notify-share").unwrap();
    let total = referrals.headline.unwrap().value().unwrap() + dtn.headline.unwrap().value().unwrap();
    assert_eq!(total, 300);
    let p = app.publish(Some(&monitor), "report", &built.source, "all", "json", &req.rule, b"{}").await.unwrap();
    let stored = app.store.publications(10).await.unwrap();
    assert_eq!(stored, vec![p.clone()]);
    assert_eq!(p.sha256, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

#[tokio::test]
async fn a_dataset_round_trips_and_each_import_is_a_new_version() {
    let dir = std::path::Path::new("../../../shared/data/uk-nrm");
    if !dir.is_dir() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let (app, _tmp) = app().await;
    let imported = sg_import::nrm::import_dir(dir).unwrap();
    let cells: usize = imported.tables.iter().map(|t| t.cells.len()).sum();
    let v1 = app.import_dataset("uk-nrm", "test", imported.clone()).await.unwrap();
    let v2 = app.import_dataset("uk-nrm", "test", imported).await.unwrap();
    assert_eq!((v1.version, v2.version), (1, 2));
    let (_, tables) = app.store.dataset_tables("uk-nrm", Some(1)).await.unwrap().unwrap();
    assert_eq!(tables.iter().map(|t| t.cells.len()).sum::<usize>(), cells);
    let req = ReportRequest {
        source: Source::parse(Some("uk-nrm")).unwrap(),
        period: Period::Year(2023),
        rule: Rule::default(),
    };
    let built = app.monitoring_report(None, &req).await.unwrap();
    assert_eq!(built.source, "uk-nrm@2");
    let referrals = built.report.indicators.iter().find(|i| i.indicator.id == "referrals").unwrap();
    assert_eq!(referrals.headline.unwrap().value(), Some(17_004));
    // Published figures are shown as published (issue 21: counts of 1 to 4 the Home Office
    // publishes were hidden): no cell of any table is hidden, whatever rule was asked for.
    let hidden: usize = built
        .report
        .indicators
        .iter()
        .flat_map(|i| i.breakdowns.iter())
        .flat_map(|b| b.table.cells.iter().flatten())
        .filter(|c| c.value().is_none())
        .count();
    assert_eq!(hidden, 0);
    let small = referrals.breakdowns.iter().flat_map(|b| b.table.cells.iter().flatten()).filter_map(|c| c.value());
    assert!(small.filter(|v| (1..5).contains(v)).count() > 0, "the small published counts are there");
}
