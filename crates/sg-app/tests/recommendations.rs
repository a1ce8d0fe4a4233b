//! The recommendation tracker over a real SQLite file: the status history only moves forward,
//! the summary counts what is implemented partly or fully, linked indicators are computed live,
//! and only statistics roles may use it.

use std::sync::Arc;

use sg_app::recommendations::{ImportRow, RecommendationInput, StatusInput};
use sg_app::{App, AppError};
use sg_domain::Role;
use sg_store::RecommendationStatus;
use sg_store_sqlite::SqliteStore;

async fn app() -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("t.db")).await.unwrap();
    let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
    (App::new(Arc::new(store), keys), dir)
}

fn input(indicators: &str) -> RecommendationInput {
    RecommendationInput {
        source: "ATMG: Time to Deliver".into(),
        date: "2023-03-01".into(),
        text: "Make reasonable-grounds decisions within five working days".into(),
        addressee: "Home Office".into(),
        article: "ECAT Art. 10".into(),
        indicators: indicators.into(),
    }
}

fn status(id: &str, status: &str, as_of: &str) -> StatusInput {
    StatusInput {
        recommendation_id: id.into(),
        status: status.into(),
        as_of: as_of.into(),
        evidence: "Home Office response to the report".into(),
        evidence_url: "https://www.gov.uk/example".into(),
    }
}

fn field(e: AppError) -> (String, String) {
    match e {
        AppError::Invalid(f) => (f.field, f.message),
        other => panic!("expected a field error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_history_moves_forward_and_the_latest_status_counts() {
    let (app, _dir) = app().await;
    let r = app.add_recommendation(None, &input("referrals rg-within-5-working-days")).await.unwrap();
    app.record_recommendation_status(None, &status(&r.id, "not-implemented", "2023-06-01")).await.unwrap();
    app.record_recommendation_status(None, &status(&r.id, "partly-implemented", "2024-01-15")).await.unwrap();
    // The same day again is allowed (a correction is a later word, not a rewrite).
    app.record_recommendation_status(None, &status(&r.id, "implemented", "2024-01-15")).await.unwrap();

    let (f, m) =
        field(app.record_recommendation_status(None, &status(&r.id, "rejected", "2023-12-31")).await.unwrap_err());
    assert_eq!(f, "as_of");
    assert!(m.contains("before the latest status recorded (2024-01-15)"), "{m}");
    let (f, _) =
        field(app.record_recommendation_status(None, &status(&r.id, "rejected", "2999-01-01")).await.unwrap_err());
    assert_eq!(f, "as_of");
    let (f, _) = field(app.record_recommendation_status(None, &status(&r.id, "done", "2024-02-01")).await.unwrap_err());
    assert_eq!(f, "status");
    let (f, _) =
        field(app.record_recommendation_status(None, &status(&r.id, "rejected", "2023-01-01")).await.unwrap_err());
    assert_eq!(f, "as_of", "before the report itself");

    let other = app.add_recommendation(None, &input("")).await.unwrap();
    app.record_recommendation_status(None, &status(&other.id, "rejected", "2023-05-01")).await.unwrap();

    let t = app.recommendation_tracker(None).await.unwrap();
    assert_eq!(t.summary, "2 recommendations, 1 implemented partly or fully");
    let tracked = t.recommendations.iter().find(|x| x.recommendation.id == r.id).unwrap();
    let order: Vec<_> = tracked.history.iter().map(|s| s.status).collect();
    assert_eq!(
        order,
        [
            RecommendationStatus::NotImplemented,
            RecommendationStatus::PartlyImplemented,
            RecommendationStatus::Implemented
        ]
    );
    assert_eq!(tracked.status, RecommendationStatus::Implemented);
    assert_eq!(tracked.current.as_ref().unwrap().evidence_url.as_deref(), Some("https://www.gov.uk/example"));
    let ids: Vec<_> = tracked.indicators.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["referrals", "rg-within-5-working-days"]);

    // Each addition and accepted status is in the audit chain; refused ones are not.
    let audit = app.store.audit_page(0, 1000).await.unwrap();
    let recorded = audit.iter().filter(|e| e.record.action == sg_audit::AuditAction::RecommendationRecorded).count();
    assert_eq!(recorded, 2 + 4, "two recommendations and four accepted statuses");
}

#[tokio::test]
async fn linked_indicators_are_computed_live_from_the_cases() {
    let (app, _dir) = app().await;
    app.add_recommendation(None, &input("referrals rg-positive-rate")).await.unwrap();
    let before = app.recommendation_tracker(None).await.unwrap();
    app.add_demo_cases(&sg_demo::Distributions::embedded(), 300, 7, |_| {}).await.unwrap();
    let after = app.recommendation_tracker(None).await.unwrap();
    let referrals = |t: &sg_app::recommendations::Tracker| t.recommendations[0].indicators[0].value.clone();
    assert_ne!(referrals(&before), referrals(&after));
    // The same figure as the monitoring report over the own cases (some demo cases are Duty to
    // Notify reports, not referrals).
    let req = sg_app::monitoring::ReportRequest {
        source: sg_app::monitoring::Source::OwnCases,
        period: sg_stats::Period::All,
        rule: sg_stats::Rule::default(),
    };
    let report = app.monitoring_report(None, &req).await.unwrap().report;
    let headline = report.indicators.iter().find(|i| i.indicator.id == "referrals").unwrap().headline;
    assert_eq!(referrals(&after), headline.unwrap().value().unwrap().to_string());
    let rate = &after.recommendations[0].indicators[1];
    assert!(rate.value.contains('%') && rate.interval.as_deref().unwrap_or("").starts_with("95% CI"), "{rate:?}");
}

#[tokio::test]
async fn unknown_indicators_are_refused_and_an_import_is_all_or_nothing() {
    let (app, _dir) = app().await;
    let (f, m) = field(app.add_recommendation(None, &input("referrals made-up")).await.unwrap_err());
    assert_eq!(f, "indicators");
    assert!(m.contains("referrals, duty-to-notify-share"), "{m}");
    let good = ImportRow {
        line: 2,
        recommendation: input("referrals"),
        status: "partly-implemented".into(),
        status_date: "2024-01-01".into(),
        evidence: "Statement https://example.org/s".into(),
    };
    let bad = ImportRow { line: 3, status_date: String::new(), ..good.clone() };
    let outcome = app.import_recommendations(None, &[good.clone(), bad]).await.unwrap();
    assert_eq!(outcome.imported, 0);
    assert_eq!(outcome.rejected.len(), 1);
    assert_eq!((outcome.rejected[0].line, outcome.rejected[0].error.field.as_str()), (3, "status_date"));
    assert!(app.recommendation_tracker(None).await.unwrap().recommendations.is_empty());
    let outcome = app.import_recommendations(None, &[good]).await.unwrap();
    assert_eq!(outcome.imported, 1);
    let t = app.recommendation_tracker(None).await.unwrap();
    assert_eq!(t.summary, "1 recommendation, 1 implemented partly or fully");
    assert_eq!(t.recommendations[0].history[0].evidence_url.as_deref(), Some("https://example.org/s"));
}

#[tokio::test]
async fn only_statistics_roles_may_use_the_tracker() {
    let (app, _dir) = app().await;
    let fr = app.create_user("NGO", None, Role::FirstResponder, "fr", false).await.unwrap().user;
    let monitor = app.create_user("ATMG", None, Role::Monitor, "mon", false).await.unwrap().user;
    assert!(matches!(app.recommendation_tracker(Some(&fr)).await, Err(AppError::Forbidden(_))));
    assert!(matches!(app.add_recommendation(Some(&fr), &input("")).await, Err(AppError::Forbidden(_))));
    let r = app.add_recommendation(Some(&monitor), &input("")).await.unwrap();
    let s =
        app.record_recommendation_status(Some(&monitor), &status(&r.id, "implemented", "2024-01-01")).await.unwrap();
    assert_eq!(s.recorded_by, Some(monitor.id));
    assert!(matches!(
        app.record_recommendation_status(Some(&fr), &status(&r.id, "implemented", "2024-02-01")).await,
        Err(AppError::Forbidden(_))
    ));
}
