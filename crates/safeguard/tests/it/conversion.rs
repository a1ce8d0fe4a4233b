//! A Duty to Notify report turned into a referral when the adult consents (issue 17): the
//! referral's clock starts on the day of the conversion, not the report's; the organisation
//! that made the report keeps sight of it (the facts and what happened next, as before), but
//! not the identity the person gave to the organisation that referred them.

use crate::common;

use common::{adult_referral, days_ago, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

async fn convert(t: &TestApp, who: &common::Token, code: &Value) -> (StatusCode, Value) {
    let body = json!({
        "conversion_code": code,
        "identity": {"full_name": "Nowconsenting Personmarker"},
        "account": "Accountmarker: I was made to work without pay."
    });
    let resp = t.client.post(t.url("/api/v1/referrals/convert")).bearer_auth(&who.0).json(&body).send().await.unwrap();
    (resp.status(), resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_converted_report_starts_its_clock_on_the_day_it_became_a_referral() {
    let t = TestApp::start().await;
    let reporter = t.api_user("Hope NGO", Role::FirstResponder, "reporter").await;
    let referrer = t.api_user("Haven NGO", Role::FirstResponder, "referrer").await;
    let mut report = adult_referral();
    report["consent_to_referral"] = json!(false);
    report["referred_on"] = json!(days_ago(185));
    let (_, made) = t.refer(&reporter, &report, None).await;
    let id = made["case_id"].as_str().unwrap().to_string();

    let (status, case) = convert(&t, &referrer, &made["conversion_code"]).await;
    assert!(status.is_success(), "{status}: {case}");
    let (_, case) = t.get(&referrer, &format!("/api/v1/cases/{id}")).await;
    let rg = case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "rg-decision").unwrap().clone();
    assert_eq!(rg["starts_on"], days_ago(0), "the clock starts at the conversion: {rg}");
    assert_eq!(rg["breached"], false, "{rg}");
    // The queue orders it by the same clock.
    let (_, list) = t.get(&referrer, "/api/v1/cases").await;
    let row = list["cases"].as_array().unwrap().iter().find(|c| c["id"] == id.as_str()).unwrap().clone();
    assert_eq!(row["next_due"]["kind"], "rg-decision", "{row}");
    assert_eq!(row["next_due"]["on"], rg["due_on"], "{row}");
}

#[tokio::test]
async fn the_reporting_organisation_keeps_sight_of_a_converted_report_but_not_the_identity() {
    let t = TestApp::start().await;
    let reporter = t.api_user("Hope NGO", Role::FirstResponder, "reporter").await;
    let referrer = t.api_user("Haven NGO", Role::FirstResponder, "referrer").await;
    let mut report = adult_referral();
    report["consent_to_referral"] = json!(false);
    report["referred_on"] = json!(days_ago(30));
    let (_, made) = t.refer(&reporter, &report, None).await;
    let id = made["case_id"].as_str().unwrap().to_string();
    let (status, _) = convert(&t, &referrer, &made["conversion_code"]).await;
    assert!(status.is_success());

    // The organisation that made the report still sees the case and finds it in its list.
    let (status, case) = t.get(&reporter, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["kind"], "referral");
    let (_, list) = t.get(&reporter, "/api/v1/cases").await;
    let ids: Vec<&str> = list["cases"].as_array().unwrap().iter().filter_map(|c| c["id"].as_str()).collect();
    assert!(ids.contains(&id.as_str()), "{list}");
    // Not the identity or the account the person gave the organisation that referred them.
    let text = case.to_string();
    assert!(!text.contains("Personmarker") && !text.contains("Accountmarker"), "{text}");
    let (status, _) = t.get(&reporter, &format!("/api/v1/cases/{id}/identity")).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    // Nor may it act on the referral: the referring organisation does.
    let withdraw = json!({"action": "withdraw", "reason": "test"});
    let (status, _) = t.act(&reporter, &id, &withdraw).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");

    // The same through the pages: a colleague at the reporting organisation finds the case in
    // the list and opens it, without the identity.
    let (page, _, _) = common::signed_in_client(&t, "Hope NGO", Role::FirstResponder, "colleague").await;
    let list = page.get(t.url("/cases")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains(&format!("/cases/{id}")), "the list links the case");
    let resp = page.get(t.url(&format!("/cases/{id}"))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert!(!html.contains("Personmarker") && !html.contains("Accountmarker"), "no identity on the page");
    let resp = page.get(t.url(&format!("/cases/{id}/identity"))).send().await.unwrap();
    let html = resp.text().await.unwrap();
    assert!(!html.contains("Personmarker"), "the identity page refuses");

    // The referring organisation sees the identity.
    // A decision's written reasons may describe the person: the reporting organisation sees
    // the decision, not its reasons; the referring organisation sees both.
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let reasons = "Reasonsmarker: the account of forced labour is consistent.";
    let rg = json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": reasons});
    let (status, _) = t.act(&dm, &id, &rg).await;
    assert_eq!(status, StatusCode::OK);
    let (_, seen) = t.get(&reporter, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(seen["reasonable_grounds"]["outcome"], "positive", "{seen}");
    assert!(!seen.to_string().contains("Reasonsmarker"), "{seen}");
    let html = page.get(t.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("Reasonsmarker"), "nor on the page");
    let (_, seen) = t.get(&referrer, &format!("/api/v1/cases/{id}")).await;
    assert!(seen.to_string().contains("Reasonsmarker"), "{seen}");

    let (status, person) = t.get(&referrer, &format!("/api/v1/cases/{id}/identity")).await;
    assert_eq!(status, StatusCode::OK, "{person}");
    assert_eq!(person["identity"]["full_name"], "Nowconsenting Personmarker");
}
