//! The monitoring dashboard over HTTP, as a browser without JavaScript uses it: a monitor lands
//! on it after signing in and sees indicators with intervals and SVG charts; a first responder
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
    assert!(html.contains("<svg") && html.contains("95% CI"), "no chart or interval");
    assert!(!html.contains("<script>"), "inline script");
    let r = monitor.get(t.url("/monitoring?period=2023-Q9")).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("There is a problem"));
    let published = t.store.publications(10).await.unwrap();
    // Two views (on choosing the password, and on going home), each recorded; the refused
    // period shows nothing and records nothing.
    assert_eq!(published.len(), 2);
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
