//! The dated rules through the JSON API: a conclusive decision inside the recovery period and
//! late or excluded reconsideration requests are refused with 409 naming the rule and its
//! source; every case carries its deadlines.

use crate::common;

use common::{adult_referral, days_ago, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

#[tokio::test]
async fn a_conclusive_decision_before_the_recovery_period_ends_is_refused_naming_the_rule() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let mut body = adult_referral();
    body["referred_on"] = json!(days_ago(40));
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap();

    let (status, case) = t.decide(&dm, id, "decide-reasonable-grounds", "positive", 20).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let rg = case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "rg-decision").unwrap().clone();
    assert_eq!(rg["rule"], "rg.target_working_days", "{rg}");
    assert_eq!(rg["met_on"], days_ago(20));
    assert_eq!(rg["breached"], true, "decided 20 days after the referral, past the 5-working-day target");
    assert!(rg["source"]["url"].as_str().unwrap().starts_with("https://"), "{rg}");
    let end = case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "recovery-period-end").unwrap();
    assert_eq!(end["due_on"], days_ago(-10), "30 days after the RG decision");

    let (status, err) = t.decide(&dm, id, "decide-conclusive-grounds", "positive", 0).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"]["code"], "refused_by_rule");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("before the recovery period ends"), "{message}");
    assert!(message.contains("recovery_period.days = 30"), "the rule is named: {message}");
    assert!(message.contains("source:"), "the source is named: {message}");
    let (_, case) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["status"], "awaiting-cg", "the refusal changed nothing");
}

#[tokio::test]
async fn reconsideration_is_refused_after_its_window_and_for_removal_to_an_ecat_echr_state() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let mut body = adult_referral();
    body["referred_on"] = json!(days_ago(60));
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap();
    let (status, _) = t.decide(&dm, id, "decide-reasonable-grounds", "negative", 50).await;
    assert_eq!(status, StatusCode::OK);

    let ask = |removal: bool| json!({"action": "request-reconsideration", "question": "reasonable-grounds", "removal_to_ecat_echr_state": removal});
    let (status, err) = t.act(&fr, id, &ask(false)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("refused_by_rule")), "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("reconsideration.window_days = 30"), "{err}");

    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    t.decide(&dm, id, "decide-reasonable-grounds", "negative", 0).await;
    let (status, err) = t.act(&fr, id, &ask(true)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("ECAT"), "{err}");
    assert_eq!(err["error"]["field"], "removal_to_ecat_echr_state");
    let (status, case) = t.act(&fr, id, &ask(false)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
}

/// Scotland's support period is 90 days and Northern Ireland's 45, "or until the conclusive
/// determination if earlier": the decision may come before they end, though not before the
/// competent authorities' minimum after the reasonable-grounds decision (30 days from
/// 13 December 2022). Issue 17: a Scottish decision at day 47 and a Northern Irish one at day 37
/// were refused.
#[tokio::test]
async fn outside_england_and_wales_a_conclusive_decision_may_come_before_the_support_period_ends() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let case_in = |jurisdiction: &str, rg_days_ago: i64| {
        let mut body = adult_referral();
        body["jurisdiction"] = json!(jurisdiction);
        body["referred_on"] = json!(days_ago(rg_days_ago + 10));
        body
    };
    for (jurisdiction, day) in [("scotland", 47), ("northern-ireland", 37)] {
        let (_, created) = t.refer(&fr, &case_in(jurisdiction, day), None).await;
        let id = created["case_id"].as_str().unwrap();
        let (status, case) = t.decide(&dm, id, "decide-reasonable-grounds", "positive", day).await;
        assert_eq!(status, StatusCode::OK, "{case}");
        let (status, case) = t.decide(&dm, id, "decide-conclusive-grounds", "positive", 0).await;
        assert_eq!(status, StatusCode::OK, "{jurisdiction}, day {day}: {case}");
        assert_eq!(case["status"], "positive-cg");
        let end = case["deadlines"].as_array().unwrap().iter().find(|d| d["kind"] == "recovery-period-end").unwrap();
        assert_eq!(end["breached"], false, "support ends at the decision if earlier: {end}");
    }

    // Before 30 days: refused, naming the competent authorities' minimum, and nothing changes.
    for jurisdiction in ["scotland", "northern-ireland"] {
        let (_, created) = t.refer(&fr, &case_in(jurisdiction, 20), None).await;
        let id = created["case_id"].as_str().unwrap();
        t.decide(&dm, id, "decide-reasonable-grounds", "positive", 20).await;
        let (status, err) = t.decide(&dm, id, "decide-conclusive-grounds", "positive", 0).await;
        assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("refused_by_rule")), "{err}");
        let message = err["error"]["message"].as_str().unwrap();
        assert!(message.contains("cg.min_days_after_rg = 30"), "{jurisdiction}: {message}");
        assert!(message.contains(&days_ago(-10)), "the first day it may be made: {message}");
        let (_, case) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
        assert_eq!(case["status"], "awaiting-cg", "the refusal changed nothing");
    }
}

/// Every re-routing is checked, not only the first (issue 17): a child's case, or that of a
/// person whose age is unknown, never goes to the IECA, and a re-routing gives its reason.
#[tokio::test]
async fn a_re_routing_is_checked_and_gives_its_reason() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    for age in ["child", "unknown"] {
        let mut body = adult_referral();
        common::set_age(&mut body, age);
        let (_, created) = t.refer(&fr, &body, None).await;
        let id = created["case_id"].as_str().unwrap();
        let to_ieca = json!({"action": "route", "competent_authority": "ieca", "reason": "nationality"});
        let (status, err) = t.act(&dm, id, &to_ieca).await;
        assert_eq!(status, StatusCode::CONFLICT, "{age}: {err}");
        let (_, case) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
        assert_eq!(case["competent_authority"], "sca", "{age}: the refusal changed nothing");
    }
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    let (status, err) = t.act(&dm, id, &json!({"action": "route", "competent_authority": "sca", "reason": " "})).await;
    // Refused as an empty decision's reasons are: the step, naming the field.
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("transition.empty")), "{err}");
    assert_eq!(err["error"]["field"], "reason", "{err}");
}

/// Each decision keeps the legal test it was made under (issue 17): the reasonable-grounds
/// test changed in January and July 2023, and the conclusive standard became law in England and
/// Wales on 30 January 2023; a decision shows the test in force on its own day.
#[tokio::test]
async fn a_decision_stores_the_legal_test_in_force_on_its_day() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let mut body = adult_referral();
    body["referred_on"] = json!("2022-11-01");
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap();
    let rg = json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": "Indicators present.", "date": "2022-11-04"});
    let (status, case) = t.act(&dm, id, &rg).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (status, case) = t.decide(&dm, id, "decide-conclusive-grounds", "positive", 0).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let test_of = |kind: &str| {
        let e = case["timeline"].as_array().unwrap().iter().find(|e| e["type"] == kind).unwrap().clone();
        e["legal_test"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(test_of("reasonable-grounds-decided"), "may_be_victim", "the test before 30 January 2023");
    assert_eq!(test_of("conclusive-grounds-decided"), "balance_of_probabilities_statutory");

    // The case page words it.
    let (page, _, _) = common::signed_in_client(&t, "Single Competent Authority", Role::DecisionMaker, "dm2").await;
    let html = page.get(t.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Test applied: Is there reason to believe that the person may be a victim"), "{html}");
}
