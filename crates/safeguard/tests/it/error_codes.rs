//! Refusals and refused steps reach the edge as typed codes (issue 14): the API's error `code`
//! names the reason itself (not a generic `forbidden` or `invalid_transition`), and every page
//! words it from the catalogue in the page's language, never in the English of its message.

use crate::common;

use common::browser::Browser;
use common::{adult_referral, days_ago, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

#[tokio::test]
async fn each_refusal_reaches_the_api_as_its_own_code() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let police = t.api_user("City Police", Role::Police, "pc").await;
    let monitor = t.api_user("Monitors", Role::Monitor, "mon").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();

    let (status, err) = t.get(&police, &format!("/api/v1/cases/{id}")).await;
    assert_eq!((status, &err["error"]["code"]), (StatusCode::FORBIDDEN, &json!("refusal.cannot_see_cases")), "{err}");
    assert_eq!(err["error"]["message"], "a police user cannot see case records", "the English is unchanged");

    let (status, err) = t.get(&police, &format!("/api/v1/cases/{id}/identity")).await;
    assert_eq!((status, &err["error"]["code"]), (StatusCode::FORBIDDEN, &json!("refusal.identity")), "{err}");

    let (status, err) = t.refer(&monitor, &adult_referral(), None).await;
    assert_eq!((status, &err["error"]["code"]), (StatusCode::FORBIDDEN, &json!("refusal.cannot_refer")), "{err}");
}

#[tokio::test]
async fn each_refused_step_reaches_the_api_as_its_own_code() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    let code = |answer: &(StatusCode, Value)| (answer.0, answer.1["error"]["code"].as_str().unwrap_or("").to_string());

    let cg = t.decide(&dm, id, "decide-conclusive-grounds", "positive", 0).await;
    assert_eq!(code(&cg), (StatusCode::CONFLICT, "not_yet.cg_needs_positive_rg".into()), "{}", cg.1);
    assert_eq!(
        cg.1["error"]["message"], "a conclusive grounds decision needs a positive reasonable grounds decision first",
        "the English is unchanged"
    );

    assert_eq!(t.decide(&dm, id, "decide-reasonable-grounds", "positive", 0).await.0, StatusCode::OK);
    let again = t.decide(&dm, id, "decide-reasonable-grounds", "positive", 0).await;
    assert_eq!(code(&again), (StatusCode::CONFLICT, "transition.already_decided".into()), "{}", again.1);

    let future =
        json!({"action": "exit-support", "exit_reason": "chose-to-leave", "reason": "moved", "date": days_ago(-3)});
    let answer = t.act(&fr, id, &future).await;
    assert_eq!(code(&answer), (StatusCode::CONFLICT, "transition.date_future".into()), "{}", answer.1);
    assert_eq!(answer.1["error"]["field"], "date");

    let answer =
        t.act(&fr, id, &json!({"action": "exit-support", "exit_reason": "chose-to-leave", "reason": "moved"})).await;
    assert_eq!(code(&answer), (StatusCode::CONFLICT, "not_yet.not_in_support".into()), "{}", answer.1);
}

/// A step the person takes in their own view, refused by the case's state, is worded in their
/// language: the page once showed the state machine's English to a Welsh speaker.
#[tokio::test]
async fn a_refused_step_is_worded_in_the_pages_language() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    t.api_user("Law Centre", Role::LegalAdviser, "la").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    let r = t.client.post(t.url(&format!("/api/v1/cases/{id}/survivor-code"))).bearer_auth(&fr.0).send().await.unwrap();
    let code = r.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_string();
    let org = t.store.org_by_name("Law Centre").await.unwrap().unwrap().id.to_string();

    let mut person = Browser::new(&t);
    person.post("/survivor?lang=cy", &[("code", &code)]).await;
    let (_, path, _) = person.post("/survivor/legal-advisers", &[("organisation", &org)]).await;
    assert_eq!(path, "/survivor/view");
    // The same practice again: already instructed.
    let (status, _, page) = person.post("/survivor/legal-advisers", &[("organisation", &org)]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    assert!(page.contains("Mae’r cynghorydd cyfreithiol hwn eisoes wedi’i gyfarwyddo ar yr achos"), "{page}");
    assert!(!page.contains("already instructed"), "{page}");
}
