//! The monitoring statistics of the system's own cases over a real server and database: keys
//! computed once in Rust with the nations' working-day calendars (`sg-rules`), no statistics
//! trigger in the schema, and the maintained statistics equal to the case rows.

use crate::common;

use common::{adult_referral, TestApp, Token};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;
use sg_stats::{build_report, Cell, Dim, Period, ReportOptions, Rule, Table};

/// A first responder and a decision maker.
async fn users(t: &TestApp) -> (Token, Token) {
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    (fr, t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await)
}

/// Refers an adult on `referred_on` in `jurisdiction` and decides reasonable grounds on
/// `decided_on`; returns the case id.
async fn refer_and_decide(
    t: &TestApp,
    (fr, dm): &(Token, Token),
    jurisdiction: &str,
    referred_on: &str,
    decided_on: &str,
) -> String {
    let mut body = adult_referral();
    body["jurisdiction"] = json!(jurisdiction);
    body["referred_on"] = json!(referred_on);
    let (status, created) = t.refer(fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["case_id"].as_str().unwrap().to_string();
    let reasons = "Consistent account; indicators present.";
    let decision =
        json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": reasons, "date": decided_on});
    let (status, case) = t.act(dm, &id, &decision).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    id
}

/// The stored timeliness cells: (decisions within 5 working days, decisions later).
async fn timeliness(t: &TestApp) -> (u64, u64) {
    let tables = t.store.case_tables().await.unwrap();
    let table = tables.iter().find(|t| t.dims.contains(&Dim::Timeliness)).expect("a timeliness table");
    let count = |flag: bool| table.cells.iter().filter(|c| c.rg_within_5wd == Some(flag)).map(|c| c.n).sum();
    (count(true), count(false))
}

/// Referred on Monday 14 April 2025 and decided on Wednesday 23 April: Good Friday (18 April)
/// is a bank holiday in every nation and Easter Monday (21 April) in England and Wales but not
/// in Scotland. So the decision is the 5th working day in England and Wales (on time), and the
/// 6th in Scotland (late); counting Monday to Friday only, both would be late (7 weekdays).
#[tokio::test]
async fn timeliness_counts_working_days_with_each_nations_bank_holidays() {
    let t = TestApp::start().await;
    let u = users(&t).await;
    refer_and_decide(&t, &u, "england-wales", "2025-04-14", "2025-04-23").await;
    assert_eq!(timeliness(&t).await, (1, 0), "England and Wales: the 5th working day after referral");
    refer_and_decide(&t, &u, "scotland", "2025-04-14", "2025-04-23").await;
    assert_eq!(timeliness(&t).await, (1, 1), "Scotland works on Easter Monday: the 6th working day");
    // A week with no bank holiday: Monday to the next Monday is 5 working days, a day more is 6.
    refer_and_decide(&t, &u, "england-wales", "2025-03-03", "2025-03-10").await;
    refer_and_decide(&t, &u, "england-wales", "2025-03-03", "2025-03-11").await;
    assert_eq!(timeliness(&t).await, (2, 2));
    assert_statistics_equal_case_rows(&t).await;
}

/// A report over all periods with the default rule.
fn all_periods() -> ReportOptions {
    ReportOptions {
        title: String::new(),
        period: Period::All,
        rule: Rule::default(),
        confidence: 0.95,
        top_nationalities: 10,
        as_of: time::macros::date!(2026 - 01 - 01),
    }
}

/// The report's indicators from the maintained statistics, and from every case row.
async fn assert_statistics_equal_case_rows(t: &TestApp) {
    let options = all_periods();
    let rows = t.app.all_case_rows().await.unwrap();
    let from_rows = build_report(vec![Table::own_cases(rows.iter().map(Cell::from_case).collect())], &options);
    let maintained = build_report(t.store.case_tables().await.unwrap(), &options);
    let json = |r: &sg_stats::Report| serde_json::to_value(&r.indicators).unwrap();
    assert_eq!(json(&maintained), json(&from_rows));
}

/// The statistics are kept by the application in Rust, never by the database: after the
/// migrations, no trigger is left on `cases` and PostgreSQL has no key function.
#[tokio::test]
async fn no_statistics_trigger_or_key_function_is_left_in_the_schema() {
    let t = TestApp::start().await;
    match &t.database_url {
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let triggers: Vec<String> = sqlx::query_scalar(
                "SELECT tgname::text FROM pg_trigger WHERE tgrelid = 'cases'::regclass AND NOT tgisinternal",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            assert_eq!(triggers, Vec::<String>::new());
            let functions: Vec<String> =
                sqlx::query_scalar("SELECT proname::text FROM pg_proc WHERE proname LIKE 'case_marginal%'")
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            assert_eq!(functions, Vec::<String>::new());
            pool.close().await;
        }
        None => {
            let path = t.dir_path.join("safeguard.db");
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
            let triggers: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases'")
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            assert_eq!(triggers, Vec::<String>::new());
            pool.close().await;
        }
    }
}

/// Demonstration cases (the bulk load), referrals and decisions through the API: the
/// statistics still equal the case rows, and their totals the number of cases.
#[tokio::test]
async fn statistics_equal_the_case_rows_through_bulk_loads_referrals_and_decisions() {
    let t = TestApp::start().await;
    t.app.add_demo_cases(&sg_demo::Distributions::embedded(), 700, 5, |_| {}).await.unwrap();
    let u = users(&t).await;
    for day in ["2025-12-22", "2025-12-23", "2025-12-24"] {
        refer_and_decide(&t, &u, "northern-ireland", day, "2026-01-02").await;
    }
    assert_statistics_equal_case_rows(&t).await;
    let tables = t.store.case_tables().await.unwrap();
    let totals = &tables[0];
    assert!(totals.dims.is_empty(), "the first table holds the totals");
    let counted: u64 = totals.cells.iter().filter(|c| c.kind.is_some()).map(|c| c.n).sum();
    assert_eq!(counted, t.case_count().await);
    assert_eq!(counted, 703);
}

/// A negative first decision overturned on reconsideration stays a negative first decision in
/// the statistics (issue 17: overturns rewrote history, so first-decision rates vanished); the
/// final outcome is the case's status, so both can be counted.
#[tokio::test]
async fn an_overturned_decision_is_counted_as_the_first_decision_it_was() {
    let t = TestApp::start().await;
    let (fr, dm) = users(&t).await;
    let mut body = adult_referral();
    body["referred_on"] = json!("2025-03-03");
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap().to_string();
    let act = |v: serde_json::Value| {
        let (t, dm, id) = (&t, dm.clone(), id.clone());
        async move {
            let (status, case) = t.act(&dm, &id, &v).await;
            assert_eq!(status, StatusCode::OK, "{case}");
            case
        }
    };
    let (status, case) = t.decide_on(&dm, &id, "decide-reasonable-grounds", "negative", "2025-03-07").await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let ask = json!({"action": "request-reconsideration", "question": "reasonable-grounds", "date": "2025-03-10"});
    let (status, _) = t.act(&fr, &id, &ask).await;
    assert_eq!(status, StatusCode::OK);
    let case =
        act(json!({"action": "decide-reconsideration", "outcome": "overturned", "reasons": "r", "date": "2025-03-20"}))
            .await;
    assert_eq!(case["status"], "awaiting-cg", "the final outcome: positive");
    assert_eq!(case["reasonable_grounds"]["outcome"], "positive", "{case}");
    assert_eq!(case["reasonable_grounds"]["first_outcome"], "negative", "{case}");

    let tables = t.store.case_tables().await.unwrap();
    let rg: Vec<_> = tables.iter().flat_map(|t| &t.cells).filter_map(|c| c.rg.map(|(o, _)| (o, c.n))).collect();
    assert!(!rg.is_empty());
    assert!(
        rg.iter().all(|(o, _)| *o == sg_domain::DecisionOutcome::Negative),
        "the first decision is counted as made: {rg:?}"
    );
    let rows = t.app.all_case_rows().await.unwrap();
    assert_eq!(
        rows[0].rg.map(|(o, d)| (o, d.to_string())),
        Some((sg_domain::DecisionOutcome::Negative, "2025-03-07".into()))
    );
    assert_eq!(rows[0].status, sg_domain::CaseStatus::AwaitingConclusiveGrounds);
    assert_statistics_equal_case_rows(&t).await;
}

/// Re-referrals and disqualifications (issue 17) are counted in the maintained statistics, by
/// the month of the new referral and of the decision, equal to the case rows, and the report's
/// two indicators are available (before, disqualification was "not part of the lifecycle").
/// A referral of February 2024 linked to an earlier case of the same person, disqualified in
/// March 2024.
async fn linked_and_disqualified(t: &TestApp, u: &(Token, Token)) {
    let earlier = refer_and_decide(t, u, "england-wales", "2023-05-02", "2023-05-09").await;
    let (_, case) = t.get(&u.0, &format!("/api/v1/cases/{earlier}")).await;
    let mut again = adult_referral();
    again["referred_on"] = json!("2024-02-05");
    again["previous_reference"] = case["reference"].clone();
    again["link_agreed"] = json!(true);
    let (status, created) = t.refer(&u.0, &again, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["case_id"].as_str().unwrap();
    let rg = json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": "Indicators.",
                    "date": "2024-02-12"});
    assert_eq!(t.act(&u.1, id, &rg).await.0, StatusCode::OK);
    let disqualify = json!({"action": "disqualify", "ground": "bad-faith", "retrafficking_risk_assessed": true,
                            "reasons": "The claim was made in bad faith.", "date": "2024-03-04"});
    let (status, case) = t.act(&u.1, id, &disqualify).await;
    assert_eq!(status, StatusCode::OK, "{case}");
}

#[tokio::test]
async fn re_referrals_and_disqualifications_are_counted_by_month() {
    let t = TestApp::start().await;
    let u = users(&t).await;
    linked_and_disqualified(&t, &u).await;
    let tables = t.store.case_tables().await.unwrap();
    let totals = tables.iter().find(|t| t.dims.is_empty()).expect("a totals table");
    let re_referred: Vec<_> =
        totals.cells.iter().filter(|c| c.re_referral == Some(true)).map(|c| (c.referred, c.n)).collect();
    assert_eq!(re_referred, vec![(sg_stats::Month::parse("2024-02"), 1)], "the linked referral only");
    let disqualified: Vec<_> = totals.cells.iter().filter_map(|c| c.disqualified.map(|m| (m, c.n))).collect();
    assert_eq!(disqualified, vec![(sg_stats::Month::parse("2024-03").unwrap(), 1)]);
    assert_statistics_equal_case_rows(&t).await;

    let options = all_periods();
    let report = build_report(tables, &options);
    for id in ["re-referrals", "disqualifications"] {
        let ind = report.indicators.iter().find(|i| i.indicator.id == id).unwrap_or_else(|| panic!("{id}"));
        assert!(ind.available, "{id}: {:?}", ind.note);
    }
}

/// A database from before migrations 0029 and 0030 has none of their columns: the migrations
/// fill them from the events, and the statistics are rebuilt under the new keys (SQLite lane: the columns are
/// dropped to make the database old, which PostgreSQL's lane need not repeat).
#[tokio::test]
async fn migrations_0029_and_0030_count_the_re_referrals_disqualifications_and_overturns_of_existing_cases() {
    let t = TestApp::start().await;
    if t.database_url.is_some() {
        return;
    }
    let u = users(&t).await;
    linked_and_disqualified(&t, &u).await;
    overturned_case(&t, &u).await;
    let url = format!("sqlite://{}", t.dir_path.join("safeguard.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let count = |q: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(q).fetch_one(&pool).await.unwrap() }
    };
    const COUNTED: &str = "SELECT COALESCE(SUM(n), 0) FROM (SELECT measure, n FROM case_marginals UNION ALL \
        SELECT measure, n FROM case_marginal_deltas) WHERE measure IN ('re-referral', 'disqualification')";
    assert_eq!(count(COUNTED).await, 2);
    for q in [
        "ALTER TABLE cases DROP COLUMN re_referral",
        "ALTER TABLE cases DROP COLUMN disqualified_on",
        "ALTER TABLE cases DROP COLUMN rg_overturned",
        "ALTER TABLE cases DROP COLUMN cg_overturned",
        "DELETE FROM _sqlx_migrations WHERE version IN (29, 30)",
        "UPDATE case_marginals_state SET keys_version = 2",
        "DELETE FROM case_marginal_deltas WHERE measure IN ('re-referral', 'disqualification')",
        "DELETE FROM case_marginals WHERE measure IN ('re-referral', 'disqualification')",
    ] {
        sqlx::query(q).execute(&pool).await.unwrap();
    }
    assert_eq!(count(COUNTED).await, 0);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .env("RUST_LOG", "warn")
        .args(["migrate", "--data-dir", t.dir_path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(count("SELECT COUNT(*) FROM cases WHERE re_referral = 1").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM cases WHERE disqualified_on = '2024-03-04'").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM cases WHERE rg_overturned = 1").await, 1, "0030 from the events");
    assert_eq!(count(COUNTED).await, 2, "the statistics rebuilt with both");
    pool.close().await;
}

/// A negative first decision overturned on reconsideration is counted as both (issue 17 and
/// 21): negative when first made, and overturned since; equal to the case rows.
#[tokio::test]
async fn an_overturned_decision_is_counted_as_first_made_and_as_overturned() {
    let t = TestApp::start().await;
    let u = users(&t).await;
    overturned_case(&t, &u).await;
    let tables = t.store.case_tables().await.unwrap();
    let totals = tables.iter().find(|t| t.dims.is_empty()).expect("a totals table");
    let rg: Vec<_> = totals.cells.iter().filter_map(|c| c.rg.map(|(o, m)| (o, m, c.rg_overturned, c.n))).collect();
    let may = sg_stats::Month::parse("2024-05").unwrap();
    assert_eq!(rg, vec![(sg_domain::DecisionOutcome::Negative, may, Some(true), 1)]);
    assert_statistics_equal_case_rows(&t).await;
}

/// A referral of May 2024 with a negative reasonable-grounds decision overturned in June.
async fn overturned_case(t: &TestApp, (fr, dm): &(Token, Token)) {
    let mut body = adult_referral();
    body["referred_on"] = json!("2024-05-01");
    let (_, created) = t.refer(fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap();
    let (status, case) = t.decide_on(dm, id, "decide-reasonable-grounds", "negative", "2024-05-10").await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let ask = json!({"action": "request-reconsideration", "question": "reasonable-grounds",
                     "grounds": "New medical evidence.", "date": "2024-05-20"});
    assert_eq!(t.act(fr, id, &ask).await.0, StatusCode::OK);
    let decide = json!({"action": "decide-reconsideration", "outcome": "overturned",
                        "reasons": "The evidence shows indicators.", "date": "2024-06-03"});
    let (status, case) = t.act(dm, id, &decide).await;
    assert_eq!(status, StatusCode::OK, "{case}");
}
