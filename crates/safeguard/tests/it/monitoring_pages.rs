//! The monitoring dashboard over HTTP, as a browser without JavaScript uses it: a monitor lands
//! on its summary after signing in, and each indicator's page shows intervals and SVG charts; a first responder
//! is refused; every view is recorded as a publication.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use sg_domain::Role;

async fn signed_in(t: &TestApp, role: Role, name: &str) -> reqwest::Client {
    common::signed_in_client(t, common::org_for(role), role, name).await.0
}

#[tokio::test]
async fn a_monitor_sees_indicators_with_charts_and_each_view_is_published() {
    let t = TestApp::start().await;
    t.app.add_demo_cases(&sg_demo::Distributions::embedded(), 400, 3, |_| {}).await.unwrap();
    let monitor = signed_in(&t, Role::Monitor, "mon").await;
    let r = monitor.get(t.url("/")).send().await.unwrap();
    assert_eq!(r.url().path(), "/monitoring");
    let html = r.text().await.unwrap();
    assert!(html.contains("Positive reasonable-grounds decisions"), "{html}");
    assert!(!html.contains("<script>"), "inline script");
    let html =
        monitor.get(t.url("/monitoring/indicators/rg-positive-rate")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<svg") && html.contains("Rate (likely range)"), "no chart or interval");
    let r = monitor.get(t.url("/monitoring?period=2023-Q9")).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("There is a problem"));
    let published = t.store.publications(10).await.unwrap();
    // Three views (on choosing the password, on going home, and one indicator's page), each
    // recorded; the refused period shows nothing and records nothing.
    assert_eq!(published.len(), 3);
    assert!(published.iter().all(|p| p.kind == "page" && p.source == "own-cases"));
}

#[tokio::test]
async fn only_monitors_and_administrators_see_statistics() {
    let t = TestApp::start().await;
    let fr = signed_in(&t, Role::FirstResponder, "fr").await;
    let r = fr.get(t.url("/monitoring")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let police = signed_in(&t, Role::Police, "pc").await;
    assert_eq!(police.get(t.url("/monitoring")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let admin = signed_in(&t, Role::Admin, "adm").await;
    assert_eq!(admin.get(t.url("/monitoring")).send().await.unwrap().status(), StatusCode::OK);
    let anonymous = reqwest::Client::new();
    let r = anonymous.get(t.url("/monitoring")).send().await.unwrap();
    assert_eq!(r.url().path(), "/sign-in");
}

/// The own cases' report over every period, as the command line sees it.
async fn report_of(t: &TestApp, period: sg_stats::Period) -> sg_stats::Report {
    let req = sg_app::monitoring::ReportRequest {
        source: sg_app::monitoring::Source::OwnCases,
        period,
        rule: sg_stats::Rule::default(),
    };
    t.app.monitoring_report(None, &req).await.unwrap().report
}

fn indicator<'a>(r: &'a sg_stats::Report, id: &str) -> &'a sg_stats::report::IndicatorResult {
    r.indicators.iter().find(|i| i.indicator.id == id).unwrap()
}

#[tokio::test]
async fn the_summary_answers_the_main_questions_on_one_screen_and_links_to_each_indicator() {
    let t = TestApp::start().await;
    t.app.add_demo_cases(&sg_demo::Distributions::embedded(), 400, 3, |_| {}).await.unwrap();
    let monitor = signed_in(&t, Role::Monitor, "mon").await;
    let all = report_of(&t, sg_stats::Period::All).await;
    let referred = match indicator(&all, "referrals").headline.unwrap() {
        sg_stats::Published::Count(n) => sg_report::view::thousands(n),
        sg_stats::Published::Hidden => panic!("hidden"),
    };

    let html = monitor.get(t.url("/monitoring")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("{referred} people were referred")), "no headline count: {html}");
    assert!(html.contains("were children"), "no share of children");
    assert!(html.contains("within 5 working days"), "no reasonable-grounds speed");
    assert!(html.contains("See details"), "no link to the details");
    for id in ["referrals", "rg-positive-rate", "cg-positive-rate", "rg-within-5-working-days", "time-to-cg"] {
        assert!(html.contains(&format!("href=\"/monitoring/indicators/{id}")), "no link to {id}");
    }
    assert!(!html.contains("<table"), "the summary shows no breakdown table");
    assert!(!html.contains("95% CI") && !html.contains("Benjamini"), "statistical jargon on the summary");

    // The period is chosen from the periods the source has, newest first.
    assert!(html.contains("<select class=\"govuk-select\" id=\"period\" name=\"period\""), "{html}");
    let trend = indicator(&all, "referrals").trend.as_ref().unwrap();
    let quarters: Vec<String> = trend.table.row_labels.iter().map(|l| l.replace(' ', "-")).collect();
    let newest = quarters.last().unwrap();
    let oldest = quarters.first().unwrap();
    let (at_newest, at_oldest) =
        (html.find(&format!("<option value=\"{newest}\"")), html.find(&format!("<option value=\"{oldest}\"")));
    assert!(at_newest.is_some() && at_oldest.is_some(), "the quarters {newest} and {oldest} are not offered: {html}");
    assert!(at_newest < at_oldest, "newest first");

    // A quarter is compared with the one before it.
    let previous = &trend.table.row_labels[trend.table.row_labels.len() - 2];
    let html = monitor.get(t.url(&format!("/monitoring?period={newest}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("than in {previous}")), "no comparison with {previous}: {html}");
    assert!(html.contains(&format!("<option value=\"{newest}\" selected")), "the chosen period is not selected");
}

#[tokio::test]
async fn an_indicator_s_details_are_one_page_each_and_recorded_as_a_publication() {
    let t = TestApp::start().await;
    t.app.add_demo_cases(&sg_demo::Distributions::embedded(), 400, 3, |_| {}).await.unwrap();
    let monitor = signed_in(&t, Role::Monitor, "mon").await;
    let before = t.store.publications(100).await.unwrap().len();
    let r = monitor.get(t.url("/monitoring/indicators/rg-positive-rate")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("<h1 class=\"govuk-heading-l\">Positive reasonable-grounds decisions</h1>"), "{html}");
    assert!(html.contains("<svg") && html.contains("<table"), "no chart or table");
    assert!(html.contains("likely range"), "the interval is not explained in words: {html}");
    assert!(html.contains("hidden to protect people: fewer than 5"), "the hidden marker is not explained");
    let published = t.store.publications(100).await.unwrap();
    assert_eq!(published.len(), before + 1, "the drill-down view is not recorded");
    assert!(published.iter().all(|p| p.kind == "page" && p.source == "own-cases"));

    let r = monitor.get(t.url("/monitoring/indicators/no-such-thing")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let fr = signed_in(&t, Role::FirstResponder, "fr").await;
    let r = fr.get(t.url("/monitoring/indicators/referrals")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(t.store.publications(100).await.unwrap().len(), before + 1, "a refused view was recorded");
}

#[tokio::test]
async fn a_period_the_source_does_not_have_names_the_field_and_publishes_nothing() {
    let t = TestApp::start().await;
    t.app.add_demo_cases(&sg_demo::Distributions::embedded(), 100, 3, |_| {}).await.unwrap();
    let monitor = signed_in(&t, Role::Monitor, "mon").await;
    let before = t.store.publications(100).await.unwrap().len();
    for bad in ["2023-Q9", "1999"] {
        let html = monitor.get(t.url(&format!("/monitoring?period={bad}"))).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("There is a problem") && html.contains("href=\"#period\""), "{bad}: {html}");
        assert!(html.contains("Period: "), "{bad}: the message does not name the field: {html}");
    }
    // An indicator's page sends a bad period back to the summary, which names the field.
    let r = monitor.get(t.url("/monitoring/indicators/referrals?period=1999")).send().await.unwrap();
    assert_eq!(r.url().path(), "/monitoring");
    assert!(r.text().await.unwrap().contains("“1999” is not one this source has figures for"));
    assert_eq!(t.store.publications(100).await.unwrap().len(), before);
}
