//! Suspending consideration while the person is missing, and resuming it (issue 17): no
//! decision is made about a missing person; who was told is recorded with each step.

use crate::common;

use common::{adult_referral, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

#[tokio::test]
async fn no_decision_is_made_while_the_person_is_missing_and_who_was_told_is_kept() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let other = t.api_user("Other NGO", Role::FirstResponder, "other").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();

    let suspend = json!({"action": "suspend", "reason": "Reported missing by the safe house on Monday.",
                         "notified": ["police", "local-authority", "police"]});
    // Only those who work on the case may.
    let (status, _) = t.act(&other, id, &suspend).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    let (status, case) = t.act(&fr, id, &suspend).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert!(case["suspended_since"].is_string(), "{case}");
    let step = case["timeline"].as_array().unwrap().iter().find(|e| e["type"] == "suspended").unwrap().clone();
    assert_eq!(step["notified"], json!(["police", "local-authority"]), "each once: {step}");

    // No decision while suspended; suspending twice is refused.
    let (status, err) = t.decide(&dm, id, "decide-reasonable-grounds", "negative", 0).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("not_yet.suspended")), "{err}");
    assert_eq!(t.act(&dm, id, &suspend).await.0, StatusCode::CONFLICT);

    // Resumed by the decision maker: decisions can be made again.
    let resume = json!({"action": "resume", "reason": "Found and wants to continue.", "notified": ["first-responder"]});
    let (status, case) = t.act(&dm, id, &resume).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert!(case["suspended_since"].is_null(), "{case}");
    let (status, case) = t.decide(&dm, id, "decide-reasonable-grounds", "positive", 0).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (status, err) = t.act(&dm, id, &resume).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("not_yet.not_suspended")));

    // The case page words who was told.
    let (page, _, _) = common::signed_in_client(&t, "Hope NGO", Role::FirstResponder, "fr2").await;
    let html = page.get(t.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Consideration suspended: the person is missing. Told: the police, the local authority"));
    assert!(html.contains("Consideration resumed. Told: the first responder"));
}

#[tokio::test]
async fn a_first_responder_suspends_through_the_page_saying_who_was_told() {
    let t = TestApp::start().await;
    let fr_api = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let (_, created) = t.refer(&fr_api, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    let case = format!("/cases/{id}");
    let mut fr = common::browser::Browser::with_code(&t, "Hope NGO", Role::FirstResponder, "fr").await;
    let (_, _, page) = fr.get(&case).await;
    let act = format!("{case}/act/suspend");
    assert!(page.contains(&format!("href=\"{act}\"")), "offered: {page}");
    assert!(!page.contains("/act/resume"), "nothing to resume");
    let (status, _, form) = fr.get(&act).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("The police were told") && form.contains("The local authority was told"), "{form}");

    // The reason is needed; nothing changes without it.
    let (_, _, html) = fr.post(&act, &[("reason", ""), ("version", "2")]).await;
    assert!(html.contains("Write why consideration is suspended") && html.contains("href=\"#reason\""), "{html}");
    let fields = [("reason", "Missing since Friday."), ("notified_police", "yes"), ("version", "2")];
    let (_, path, page) = fr.post(&act, &fields).await;
    assert_eq!(path, case);
    assert!(page.contains("Consideration suspended: the person is missing. Told: the police"), "{page}");
    assert!(page.contains("Consideration suspended</dt>"), "the case facts say so: {page}");
    assert!(page.contains(&format!("href=\"{case}/act/resume\"")), "resume now offered");
}
