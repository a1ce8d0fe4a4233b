//! Journeys finished as their users expect (issue 20): a confirmation before an irreversible
//! step and a success message after it, the decision maker's queue of open cases that keeps
//! its filters, the recovery period's end shown as a date, a step offered only when it can
//! be taken, and dates in words.

use crate::common;

use common::browser::Browser;
use common::{adult_referral, days_ago, TestApp, Token};
use serde_json::json;
use sg_domain::Role;

async fn case_referred(t: &TestApp, fr: &Token, days: i64) -> String {
    let mut body = adult_referral();
    body["referred_on"] = json!(days_ago(days));
    let (status, created) = t.refer(fr, &body, None).await;
    assert_eq!(status, 201, "{created}");
    created["case_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_decision_is_confirmed_before_it_is_recorded_and_acknowledged_after() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let case = case_referred(&t, &fr, 2).await;
    let mut dm = Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    let path = format!("/cases/{case}/decide/reasonable-grounds");
    let (_, _, html) = dm.get(&path).await;
    assert!(html.contains("name=\"confirm\" value=\"ask\""), "the form does not ask for a confirmation");
    let reasons = "Consistent account; indicators present.";
    let typed = [("outcome", "positive"), ("reasons", reasons), ("confirm", "ask")];
    let (_, landed, html) = dm.post(&path, &typed).await;
    assert_eq!(landed, path);
    assert!(html.contains("Check before you record this") && html.contains("You cannot undo this"), "{html}");
    assert!(html.contains(reasons));
    // Nothing is recorded until it is confirmed.
    let (_, view) = t.get(&fr, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(view["status"], "awaiting-rg");
    // "Change what you typed": the form again, as typed.
    let (_, _, html) = dm.post(&path, &[("outcome", "positive"), ("reasons", reasons), ("confirm", "change")]).await;
    assert!(html.contains(reasons) && html.contains("name=\"confirm\" value=\"ask\""));
    let (_, landed, html) = dm.post(&path, &[("outcome", "positive"), ("reasons", reasons), ("confirm", "yes")]).await;
    assert_eq!(landed, format!("/cases/{case}"));
    assert!(html.contains("govuk-notification-banner--success"), "no success message");
    assert!(html.contains("Reasonable grounds decision recorded"));
    let (_, view) = t.get(&fr, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(view["status"], "awaiting-cg");
}

#[tokio::test]
async fn a_withdrawal_is_confirmed_and_acknowledged_in_welsh_too() {
    let t = TestApp::start().await;
    let mut fr = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "fr").await;
    let token = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let case = case_referred(&t, &token, 1).await;
    let path = format!("/cases/{case}/act/withdraw");
    fr.get(&path).await;
    let (_, _, html) = fr.post(&path, &[("reason", "Moved away"), ("confirm", "ask")]).await;
    assert!(html.contains("Check before you record this") && html.contains("Moved away"), "{html}");
    let (_, view) = t.get(&token, &format!("/api/v1/cases/{case}")).await;
    assert_ne!(view["status"], "withdrawn");
    let (_, _, html) = fr.post(&path, &[("reason", "Moved away"), ("confirm", "yes")]).await;
    assert!(html.contains("Withdrawal from the NRM recorded"), "{html}");
    let (_, _, html) = fr.get(&format!("/cases/{case}?done=withdraw&lang=cy")).await;
    assert!(html.contains("Tynnu’n ôl o’r NRM wedi’i gofnodi"), "no Welsh success message");
    // Only a step's code is shown: nothing else is echoed from the address.
    let (_, _, html) = fr.get(&format!("/cases/{case}?done=%3Cscript%3E&lang=en")).await;
    assert!(!html.contains("govuk-notification-banner--success") && !html.contains("<script>"));
}

#[tokio::test]
async fn the_queue_shows_open_cases_and_keeps_its_filters() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let open = case_referred(&t, &fr, 3).await;
    let withdrawn = case_referred(&t, &fr, 3).await;
    let (status, _) = t.act(&fr, &withdrawn, &json!({"action": "withdraw", "reason": "Moved away"})).await;
    assert_eq!(status, 200);
    let mut dm = Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, _, html) = dm.get("/cases").await;
    assert!(html.contains(&format!("/cases/{open}")), "the open case is missing");
    assert!(!html.contains(&format!("/cases/{withdrawn}")), "the queue shows a withdrawn case by default");
    let (_, _, html) = dm.get("/cases?status=all").await;
    assert!(html.contains(&format!("/cases/{withdrawn}")), "All shows every status");
    // Opening a case from a filtered list: its back link returns to the list as filtered.
    let (_, _, html) = dm.get("/cases?status=all&sort=newest").await;
    let link = format!("/cases/{open}?list=status%3Dall%26sort%3Dnewest");
    assert!(html.contains(&link), "the case link does not carry the list's filters: {html}");
    let (_, _, html) = dm.get(&link).await;
    assert!(html.contains("href=\"/cases?status=all&#38;sort=newest\""), "no back link to the filtered list: {html}");
}

#[tokio::test]
async fn the_recovery_period_end_is_a_date_and_the_cg_step_waits_for_it() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let dm_token = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm-api").await;
    // Recognised on reasonable grounds 100 days ago: the recovery period ended long ago.
    let old = case_referred(&t, &fr, 102).await;
    let (status, body) = t.decide(&dm_token, &old, "decide-reasonable-grounds", "positive", 100).await;
    assert_eq!(status, 200, "{body}");
    // Recognised today: the conclusive grounds decision cannot be made yet.
    let new = case_referred(&t, &fr, 1).await;
    let (status, body) = t.decide(&dm_token, &new, "decide-reasonable-grounds", "positive", 0).await;
    assert_eq!(status, 200, "{body}");
    let mut dm = Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, _, html) = dm.get("/cases").await;
    assert!(html.contains("Recovery period ends"));
    assert!(!html.contains("Overdue"), "the recovery period's end is shown as a missed deadline: {html}");
    let (_, _, html) = dm.get(&format!("/cases/{new}")).await;
    assert!(!html.contains("decide/conclusive-grounds"), "the CG step is offered before it can be taken");
    let (_, _, html) = dm.get(&format!("/cases/{old}")).await;
    assert!(html.contains("decide/conclusive-grounds"), "the CG step is not offered when it can be taken");
}

#[tokio::test]
async fn the_queue_shows_dates_in_words() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    case_referred(&t, &fr, 3).await;
    let mut dm = Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;
    let on = time::OffsetDateTime::now_utc().date() - time::Duration::days(3);
    let english = format!("{} {} {}", on.day(), on.month(), on.year());
    let (_, _, html) = dm.get("/cases").await;
    assert!(html.contains(&english), "no date in words ({english}): {html}");
    assert!(!html.contains(&on.to_string()), "an ISO date on the page");
}

#[tokio::test]
async fn change_on_check_your_answers_returns_there() {
    let t = TestApp::start().await;
    let mut b = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "fr").await;
    b.get("/referrals/new").await;
    b.post("/referrals/new/about", &[("jurisdiction", "england-wales"), ("age", "adult"), ("age_then", "adult")]).await;
    b.post("/referrals/new/consent", &[("consent", "yes")]).await;
    b.post("/referrals/new/person", &[("gender", "female"), ("nationality", "AL")]).await;
    b.post("/referrals/new/exploitation", &[("forms", "forced-to-commit-crime"), ("location", "uk")]).await;
    let identity = [("full_name", "Ana Example"), ("account", "Made to work for no pay.")];
    b.post("/referrals/new/identity", &identity).await;
    let (_, path, html) = b.post("/referrals/new/context", &[]).await;
    assert_eq!(path, "/referrals/new/check");
    assert!(html.contains("href=\"/referrals/new/context\" class=\"govuk-back-link\""), "no Back link: {html}");
    let change = "/referrals/new/person?change=yes";
    assert!(html.contains(change), "Change does not say it returns: {html}");
    let (_, _, html) = b.get(change).await;
    assert!(html.contains("href=\"/referrals/new/check\" class=\"govuk-back-link\""), "Back does not return");
    let (_, path, html) =
        b.post("/referrals/new/person", &[("gender", "male"), ("nationality", "AL"), ("return", "check")]).await;
    assert_eq!(path, "/referrals/new/check", "Change walked forward instead of returning");
    assert!(html.contains("Male"));
}

#[tokio::test]
async fn the_html_checker_findings_are_fixed() {
    let t = TestApp::start().await;
    let r = t.client.get(t.url("/favicon.ico")).send().await.unwrap();
    assert_eq!(r.status(), 200, "/favicon.ico answers 404");
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    case_referred(&t, &fr, 1).await;
    let mut b = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "fr").await;
    let (_, _, html) = b.get("/cases").await;
    // A form may not sit inside a <span> (phrasing content): the header's sign-out form.
    let header = &html[html.find("<header").unwrap()..html.find("</header>").unwrap()];
    assert!(!header.contains("<span class=\"sg-header__user\">"), "{header}");
    assert!(html.contains("<link rel=\"icon\""));
    // Case references are isolated from the text around them (Arabic pages, right to left).
    assert!(html.contains("\"><bdi>"), "no <bdi> around the case reference: {html}");
}
