//! A session ending mid-form (issue 20): the timeout warning is on every signed-in page, and
//! a form sent after the 30 idle minutes is kept until its user signs in again, then shown
//! again with what they typed; never to another user.

use crate::common;

use common::browser::Browser;
use common::{adult_referral, TestApp};
use sg_domain::Role;

/// The sealed forms in `kept_forms`, as a copy of the database shows them.
pub(crate) async fn kept_rows(t: &TestApp) -> Vec<String> {
    let sql = "SELECT sealed FROM kept_forms";
    match &t.database_url {
        Some(url) => sqlx::query_scalar(sql).fetch_all(&sqlx::PgPool::connect(url).await.unwrap()).await.unwrap(),
        None => {
            let url = format!("sqlite://{}", t.dir_path.join("safeguard.db").display());
            sqlx::query_scalar(sql).fetch_all(&sqlx::SqlitePool::connect(&url).await.unwrap()).await.unwrap()
        }
    }
}

/// A first responder's referral, walked to the identity question.
async fn at_identity_question(t: &TestApp, name: &str) -> Browser {
    let mut b = Browser::sign_up(t, "Hope NGO", Role::FirstResponder, name).await;
    b.get("/referrals/new").await;
    b.post("/referrals/new/about", &[("jurisdiction", "england-wales"), ("age", "adult"), ("age_then", "adult")]).await;
    b.post("/referrals/new/consent", &[("consent", "yes")]).await;
    b.post("/referrals/new/person", &[("gender", "female"), ("nationality", "AL")]).await;
    let (_, path, _) =
        b.post("/referrals/new/exploitation", &[("forms", "forced-to-commit-crime"), ("location", "uk")]).await;
    assert_eq!(path, "/referrals/new/identity");
    b
}

const TYPED: &[(&str, &str)] = &[
    ("full_name", "Ana Example"),
    ("dob-day", "3"),
    ("dob-month", "4"),
    ("dob-year", "1990"),
    ("account", "Typed during a long interview: made to work in a nail bar for no pay."),
];

#[tokio::test]
async fn a_referral_sent_after_the_session_ended_is_kept_through_signing_in_again() {
    let t = TestApp::start().await;
    let mut b = at_identity_question(&t, "fr-kept").await;
    let (_, _, html) = b.get("/referrals/new/identity").await;
    // The timeout warning is on the page, for the script to open before the sign-out.
    assert!(html.contains("id=\"timeout-warning\"") && html.contains("data-idle-seconds=\"1800\""), "{html}");
    assert!(html.contains("Stay signed in"));

    t.advance_minutes(31);
    let (_, path, html) = b.post("/referrals/new/identity", TYPED).await;
    assert_eq!(path, "/sign-in", "{html}");
    assert!(html.contains("Your session ended"), "{html}");

    let (path, html) = b.sign_in_again(&t, "fr-kept").await;
    assert_eq!(path, "/referrals/new/identity", "signing in again did not return to the form");
    assert!(html.contains("value=\"Ana Example\""), "the typed name was lost: {html}");
    assert!(html.contains("made to work in a nail bar for no pay."), "the typed account was lost");
    assert!(html.contains("we kept what you typed"), "no banner says the answers were kept");
    // The answers are in the draft: continuing goes on to the next question.
    let (_, path, _) = b.post("/referrals/new/identity", TYPED).await;
    assert_eq!(path, "/referrals/new/context");
    // Once only: signing in again later lands on the user's first page.
    b.post("/sign-out", &[]).await;
    let (path, _) = b.sign_in_again(&t, "fr-kept").await;
    assert_eq!(path, "/cases");
}

#[tokio::test]
async fn a_kept_form_is_never_given_to_another_user() {
    let t = TestApp::start().await;
    Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "fr-colleague").await;
    let mut b = at_identity_question(&t, "fr-author").await;
    t.advance_minutes(31);
    let (_, path, _) = b.post("/referrals/new/identity", TYPED).await;
    assert_eq!(path, "/sign-in");
    // A colleague signs in on the same browser: their own first page, nothing of the form.
    let (path, html) = b.sign_in_again(&t, "fr-colleague").await;
    assert_eq!(path, "/cases");
    assert!(!html.contains("Ana Example") && !html.contains("nail bar"));
    let (_, _, html) = b.get("/referrals/drafts").await;
    assert!(!html.contains("Ana Example"));
    assert_eq!(kept_rows(&t).await.len(), 1, "the author's form went with the colleague's sign-in");
    // The colleague signs out; the author signs in on that browser and finds their form.
    b.post("/sign-out", &[]).await;
    let (path, html) = b.sign_in_again(&t, "fr-author").await;
    assert_eq!(path, "/referrals/new/identity");
    assert!(html.contains("value=\"Ana Example\""), "{html}");
}

#[tokio::test]
async fn a_decision_typed_when_the_session_ended_comes_back_after_signing_in() {
    let t = TestApp::start().await;
    let referrer = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let (_, created) = t.refer(&referrer, &adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    let mut b = Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm-kept").await;
    let path = format!("/cases/{case}/decide/reasonable-grounds");
    b.get(&path).await;
    t.advance_minutes(45);
    let reasons = "Reasons typed over three quarters of an hour";
    let (_, landed, _) = b.post(&path, &[("outcome", "positive"), ("reasons", reasons)]).await;
    assert_eq!(landed, "/sign-in");
    let (_, html) = b.sign_in_again(&t, "dm-kept").await;
    assert!(html.contains(reasons), "the typed reasons were lost: {html}");
    assert!(html.contains(&format!("action=\"{path}\"")), "not the decision's form");
    // Nothing was decided while signed out.
    let (_, html) = (b.get(&format!("/cases/{case}")).await.0, b.get(&format!("/cases/{case}")).await.2);
    assert!(!html.contains(reasons));
}

#[tokio::test]
async fn stay_signed_in_keeps_the_session() {
    let t = TestApp::start().await;
    let mut b = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "fr-stay").await;
    b.get("/cases").await;
    t.advance_minutes(25);
    let (status, _, _) = b.post("/session/keep-alive", &[]).await;
    assert_eq!(status, reqwest::StatusCode::NO_CONTENT);
    t.advance_minutes(25);
    let (_, path, _) = b.get("/cases").await;
    assert_eq!(path, "/cases", "the session ended although the user chose to stay signed in");
}

/// The kept form is in the database, not in the server's memory: sealed (no typed word in the
/// row, nor in SQLite's file and WAL), and erased once its user has it back.
#[tokio::test]
async fn a_kept_form_is_sealed_in_the_database_and_erased_once_returned() {
    let t = TestApp::start().await;
    let mut b = at_identity_question(&t, "fr-sealed").await;
    t.advance_minutes(31);
    let (_, path, _) = b.post("/referrals/new/identity", TYPED).await;
    assert_eq!(path, "/sign-in");
    let rows = kept_rows(&t).await;
    assert_eq!(rows.len(), 1, "the form was not kept in the database");
    assert!(rows[0].starts_with("v1."), "not sealed");
    for typed in ["Ana", "nail", "1990"] {
        assert!(!rows[0].contains(typed), "{typed} is in the kept form's row");
    }
    if t.database_url.is_none() {
        let mut bytes = std::fs::read(t.dir_path.join("safeguard.db")).unwrap();
        bytes.extend(std::fs::read(t.dir_path.join("safeguard.db-wal")).unwrap_or_default());
        for typed in [&b"nail+bar"[..], b"nail bar", b"Ana+Example"] {
            assert!(!bytes.windows(typed.len()).any(|w| w == typed), "typed text in the database file");
        }
    }
    let (path, _) = b.sign_in_again(&t, "fr-sealed").await;
    assert_eq!(path, "/referrals/new/identity");
    assert!(kept_rows(&t).await.is_empty(), "the kept form outlived its return");
}

/// A post that does not carry the ended session's own form token (another site's page, riding
/// on the cookie) is not kept, so it cannot come back, or be acted on, after signing in.
#[tokio::test]
async fn a_form_without_its_sessions_form_token_is_not_kept() {
    let t = TestApp::start().await;
    let mut b = at_identity_question(&t, "fr-csrf").await;
    t.advance_minutes(31);
    let (_, path, _) = b.post_from_another_site("/referrals/new/identity", TYPED).await;
    assert_eq!(path, "/sign-in");
    assert!(kept_rows(&t).await.is_empty(), "a form without the session's token was kept");
    let (path, html) = b.sign_in_again(&t, "fr-csrf").await;
    assert_eq!(path, "/cases", "{html}");
}

/// A form nobody comes back for is erased after a day.
#[tokio::test]
async fn a_kept_form_is_erased_after_a_day() {
    let t = TestApp::start().await;
    let mut b = at_identity_question(&t, "fr-late").await;
    t.advance_minutes(31);
    b.post("/referrals/new/identity", TYPED).await;
    assert_eq!(kept_rows(&t).await.len(), 1);
    t.advance_minutes(23 * 60);
    assert_eq!(t.app.expire_kept_forms().await.unwrap(), 0, "erased before its day was out");
    t.advance_minutes(61);
    let (path, _) = b.sign_in_again(&t, "fr-late").await;
    assert_eq!(path, "/cases", "a form kept over a day ago came back");
    assert_eq!(t.app.expire_kept_forms().await.unwrap(), 1);
    assert!(kept_rows(&t).await.is_empty());
}

/// Kept in the database, a form comes back whichever server process the sign-in reaches (or
/// after a restart): nothing of it is held in the memory of the process that kept it.
#[tokio::test]
async fn a_kept_form_comes_back_through_another_server_process() {
    let t = TestApp::start().await;
    let mut b = at_identity_question(&t, "fr-elsewhere").await;
    t.advance_minutes(31);
    let (_, path, _) = b.post("/referrals/new/identity", TYPED).await;
    assert_eq!(path, "/sign-in");
    b.use_server(&t.another_process().await);
    let (path, html) = b.sign_in_again(&t, "fr-elsewhere").await;
    assert_eq!(path, "/referrals/new/identity", "the other process did not return the form");
    assert!(html.contains("value=\"Ana Example\""), "{html}");
}

/// A session that never got past its second factor keeps nothing.
#[tokio::test]
async fn a_half_open_session_keeps_no_form() {
    let t = TestApp::start().await;
    let mut b = at_identity_question(&t, "fr-half").await;
    b.post("/sign-out", &[]).await;
    b.get("/sign-in").await;
    let (_, path, _) = b.post("/sign-in", &[("name", "fr-half"), ("password", common::browser::PASSWORD)]).await;
    assert_eq!(path, "/sign-in/two-factor");
    t.advance_minutes(31);
    let (_, path, _) = b.post("/referrals/new/identity", TYPED).await;
    assert!(path.starts_with("/sign-in"), "{path}");
    assert!(kept_rows(&t).await.is_empty(), "a half-open session kept a form");
}
