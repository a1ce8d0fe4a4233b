//! The recommendation tracker page over HTTP, as a browser without JavaScript uses it: a
//! monitor sees the summary line and linked indicators' live values, records a status with the
//! form, and is told when its date goes backwards; a first responder is refused.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use sg_app::recommendations::RecommendationInput;
use sg_domain::Role;

async fn signed_in(t: &TestApp, role: Role, name: &str) -> reqwest::Client {
    common::signed_in_client(t, common::org_for(role), role, name).await.0
}

fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_monitor_sees_the_summary_and_live_indicators_and_records_a_status() {
    let t = TestApp::start().await;
    t.app.add_demo_cases(&sg_demo::Distributions::embedded(), 300, 5, |_| {}).await.unwrap();
    let rec = RecommendationInput {
        source: "ATMG: Time to Deliver".into(),
        date: "2023-03-01".into(),
        text: "Make reasonable-grounds decisions within five working days".into(),
        addressee: "Home Office".into(),
        article: "ECAT Art. 10".into(),
        indicators: "referrals rg-positive-rate".into(),
    };
    let r = t.app.add_recommendation(None, &rec).await.unwrap();
    let tracker = t.app.recommendation_tracker(None).await.unwrap();
    let referrals = tracker.recommendations[0].indicators[0].value.clone();
    let interval = tracker.recommendations[0].indicators[1].interval.clone().unwrap();

    let monitor = signed_in(&t, Role::Monitor, "mon").await;
    let html = monitor.get(t.url("/monitoring/recommendations")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("1 recommendation, 0 implemented partly or fully"), "{html}");
    assert!(html.contains(&format!("(referrals)</span>: {referrals}")), "no live referrals value: {html}");
    assert!(html.contains(&interval), "no interval {interval}");
    assert!(html.contains("ECAT Art. 10") && !html.contains("<script>"));

    let csrf = csrf_of(&html);
    let form = |status: &'static str, as_of: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("recommendation", r.id.clone()),
            ("status", status.to_string()),
            ("as_of", as_of.to_string()),
            ("evidence", "Home Office response".to_string()),
            ("evidence_url", "https://www.gov.uk/r".to_string()),
        ]
    };
    let res = monitor
        .post(t.url("/monitoring/recommendations"))
        .form(&form("partly-implemented", "2024-02-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.url().path(), "/monitoring/recommendations");
    let html = res.text().await.unwrap();
    assert!(html.contains("1 recommendation, 1 implemented partly or fully"), "{html}");
    assert!(html.contains("Partly implemented as of 2024-02-01"), "{html}");

    let res = monitor
        .post(t.url("/monitoring/recommendations"))
        .form(&form("implemented", "2024-01-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("There is a problem") && html.contains("href=\"#as_of\""), "{html}");
    assert!(html.contains("before the latest status recorded (2024-02-01)"), "{html}");
    let history = &t.app.recommendation_tracker(None).await.unwrap().recommendations[0].history;
    assert_eq!(history.len(), 1, "the refused status was stored");

    let without_token = monitor
        .post(t.url("/monitoring/recommendations"))
        .form(&[("recommendation", r.id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_first_responder_is_refused() {
    let t = TestApp::start().await;
    let fr = signed_in(&t, Role::FirstResponder, "fr").await;
    assert_eq!(fr.get(t.url("/monitoring/recommendations")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    let anonymous = reqwest::Client::new();
    let r = anonymous.get(t.url("/monitoring/recommendations")).send().await.unwrap();
    assert_eq!(r.url().path(), "/sign-in");
}

#[tokio::test]
async fn a_monitor_adds_a_recommendation_with_the_form_and_is_told_what_is_missing() {
    let t = TestApp::start().await;
    let monitor = signed_in(&t, Role::Monitor, "mon").await;
    let html = monitor.get(t.url("/monitoring/recommendations")).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("safeguard recommendations import"), "the page tells the monitor to run a command");
    assert!(html.contains("action=\"/monitoring/recommendations/add\""), "no form to add one: {html}");
    let csrf = csrf_of(&html);
    let form = |text: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("source", "GRETA report on the UK".to_string()),
            ("date", "2024-06-01".to_string()),
            ("text", text.to_string()),
            ("addressee", "Home Office".to_string()),
            ("article", "ECAT Art. 12".to_string()),
            ("indicators", "cg-positive-rate".to_string()),
        ]
    };
    let res = monitor.post(t.url("/monitoring/recommendations/add")).form(&form("  ")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("There is a problem") && html.contains("href=\"#text\""), "{html}");
    assert!(html.contains("GRETA report on the UK"), "what was typed is lost");
    assert!(t.app.recommendation_tracker(None).await.unwrap().recommendations.is_empty(), "stored on an error");

    let res = monitor
        .post(t.url("/monitoring/recommendations/add"))
        .form(&form("Identify child victims sooner"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.url().path(), "/monitoring/recommendations");
    let html = res.text().await.unwrap();
    assert!(html.contains("govuk-notification-banner--success") && html.contains("Recommendation added"), "{html}");
    assert!(html.contains("Identify child victims sooner"));
    let tracker = t.app.recommendation_tracker(None).await.unwrap();
    assert_eq!(tracker.recommendations.len(), 1);
    assert_eq!(tracker.recommendations[0].recommendation.indicators, vec!["cg-positive-rate".to_string()]);

    let without_token =
        monitor.post(t.url("/monitoring/recommendations/add")).form(&[("text", "x")]).send().await.unwrap();
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_role_that_may_not_see_statistics_cannot_add_a_recommendation() {
    let t = TestApp::start().await;
    let fr = signed_in(&t, Role::FirstResponder, "fr").await;
    let html = fr.get(t.url("/cases")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&html);
    let res = fr
        .post(t.url("/monitoring/recommendations/add"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("source", "GRETA"),
            ("date", "2024-06-01"),
            ("text", "Something"),
            ("addressee", "Home Office"),
            ("article", "ECAT Art. 12"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(t.app.recommendation_tracker(None).await.unwrap().recommendations.is_empty());
}
