//! The person reads where their case is in their own view (issue 20): the stage, each decision
//! and its date, the decision target, the recovery period and the last day to ask for a
//! reconsideration, in their language with dates in words, and nothing of the decision's
//! reasons.

use crate::common;

use common::{adult_referral, days_ago, TestApp, Token};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

async fn referred(t: &TestApp, fr: &Token, days: i64) -> String {
    let mut body = adult_referral();
    body["referred_on"] = json!(days_ago(days));
    let (status, created) = t.refer(fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["case_id"].as_str().unwrap().to_string()
}

/// The person signs in with a code for `case` and reads their view in `lang`.
async fn view(t: &TestApp, caseworker: &Token, case: &str, lang: &str) -> String {
    let r = t
        .client
        .post(t.url(&format!("/api/v1/cases/{case}/survivor-code")))
        .bearer_auth(&caseworker.0)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let code = r.json::<serde_json::Value>().await.unwrap()["code"].as_str().unwrap().to_string();
    let phone = reqwest::Client::builder().cookie_store(true).build().unwrap();
    common::post_presession(&phone, &t.url("/survivor"), &[("code", &code)]).await;
    let r = phone.get(t.url(&format!("/survivor/view?lang={lang}"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    // Only the status block: the access trail below it names the same steps differently.
    let start = page.find("id=\"status-heading\"").expect("the status heading");
    let end = page[start..].find("</div>").map(|e| start + e).unwrap();
    page[start..end].to_string()
}

fn words(days: i64) -> String {
    let d = time::OffsetDateTime::now_utc().date() - time::Duration::days(days);
    let month = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][usize::from(u8::from(d.month())) - 1];
    format!("{} {month} {}", d.day(), d.year())
}

#[tokio::test]
async fn a_person_waiting_for_the_first_decision_reads_when_it_is_due() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let case = referred(&t, &fr, 1).await;
    let status = view(&t, &fr, &case, "en").await;
    assert!(status.contains("Where your case is"), "{status}");
    assert!(status.contains(&format!("Your referral was made on {}.", words(1))), "{status}");
    assert!(status.contains("A decision maker is looking at your referral"), "{status}");
    assert!(status.contains("They aim to make this decision by"), "{status}");
    assert!(!status.contains(&days_ago(1)), "an ISO date: {status}");

    // Referred 30 days ago with no decision: the target has passed, and the page says so.
    let late = referred(&t, &fr, 30).await;
    let status = view(&t, &fr, &late, "en").await;
    assert!(status.contains("is taking longer"), "{status}");
}

#[tokio::test]
async fn a_positive_first_decision_gives_the_recovery_period_and_no_reasons() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let case = referred(&t, &fr, 10).await;
    assert_eq!(t.decide(&dm, &case, "decide-reasonable-grounds", "positive", 5).await.0, StatusCode::OK);
    let status = view(&t, &fr, &case, "en").await;
    assert!(
        status.contains(&format!("On {} the decision maker decided that there are reasonable grounds", words(5))),
        "{status}"
    );
    assert!(status.contains(&format!("Your recovery period started on {}", words(5))), "{status}");
    assert!(status.contains("lasts at least until"), "{status}");
    // England and Wales hold the final decision until the recovery period ends.
    assert!(status.contains("The final decision is not made before"), "{status}");
    assert!(!status.contains("They aim to make this decision"), "a past target shown: {status}");
    assert!(!status.contains("Consistent account"), "the decision's reasons are shown: {status}");

    let welsh = view(&t, &fr, &case, "cy").await;
    assert!(welsh.contains("Ble mae eich achos") && welsh.contains("cyfnod adfer"), "{welsh}");
    let arabic = view(&t, &fr, &case, "ar").await;
    assert!(arabic.contains("فترة التعافي"), "{arabic}");
}

#[tokio::test]
async fn a_negative_decision_gives_the_last_day_to_ask_again_until_someone_asks() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let case = referred(&t, &fr, 10).await;
    assert_eq!(t.decide(&dm, &case, "decide-reasonable-grounds", "negative", 2).await.0, StatusCode::OK);
    let status = view(&t, &fr, &case, "en").await;
    assert!(status.contains("there are not reasonable grounds"), "{status}");
    assert!(status.contains("it can be looked at again (a reconsideration)"), "{status}");

    let (code, answer) = t
        .act(
            &fr,
            &case,
            &json!({"action": "request-reconsideration", "question": "reasonable-grounds", "date": days_ago(1)}),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    let status = view(&t, &fr, &case, "en").await;
    assert!(status.contains("someone asked for this decision to be looked at again"), "{status}");
    assert!(!status.contains("Ask your caseworker or a legal adviser to ask for it by"), "{status}");
    let albanian = view(&t, &fr, &case, "sq").await;
    assert!(albanian.contains("rishqyrtim") || albanian.contains("shqyrtohet përsëri"), "{albanian}");

    // Overturned: the decision now reads positive, said to have changed, and the recovery
    // period follows.
    let body = json!({"action": "decide-reconsideration", "outcome": "overturned", "reasons": "New police evidence."});
    let (code, answer) = t.act(&dm, &case, &body).await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    let status = view(&t, &fr, &case, "en").await;
    assert!(status.contains("there are reasonable grounds to believe"), "{status}");
    assert!(status.contains("This decision was changed after it was looked at again."), "{status}");
    assert!(status.contains("Your recovery period started on"), "{status}");
    assert!(!status.contains("New police evidence"), "{status}");
}
