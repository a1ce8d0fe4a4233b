//! The steps of issue 17 through their pages (`/cases/{id}/act/{action}`), as the people who
//! take them: disqualification, age dispute and assessment, the 18th birthday, and the
//! judicial review's permission and outcome. Each form's missing answers are named against
//! their fields, a refusal (the dated rules', the state machine's) is shown on the form and
//! changes nothing, and the step taken is worded in the case's timeline.

use crate::common;

use common::browser::Browser;
use common::{adult_referral, days_ago, TestApp, Token};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

const SCA: &str = "Single Competent Authority";

/// The case's version through the API, as `who` sees it, as form text.
async fn version(t: &TestApp, who: &Token, id: &str) -> String {
    let (status, case) = t.get(who, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    case["version"].to_string()
}

async fn refer(t: &TestApp, fr: &Token, age: &str) -> String {
    let mut body = adult_referral();
    common::set_age(&mut body, age);
    body["referred_on"] = json!(days_ago(10));
    let (status, created) = t.refer(fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["case_id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_decision_maker_disqualifies_through_the_page_only_as_the_policy_allows() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm_api = t.api_user(SCA, Role::DecisionMaker, "dm-api").await;
    let id = refer(&t, &fr, "adult").await;
    assert_eq!(t.decide(&dm_api, &id, "decide-reasonable-grounds", "positive", 5).await.0, StatusCode::OK);
    let (case, act) = (format!("/cases/{id}"), format!("/cases/{id}/act/disqualify"));
    let mut dm = Browser::with_code(&t, SCA, Role::DecisionMaker, "dm").await;
    let (_, _, page) = dm.get(&case).await;
    assert!(page.contains(&format!("href=\"{act}\"")), "offered: {page}");

    let v = version(&t, &dm_api, &id).await;
    let (_, _, html) = dm.post(&act, &[("version", &v)]).await;
    assert!(html.contains("Choose the ground") && html.contains("href=\"#ground\""), "{html}");
    assert!(html.contains("Write the reasons") && html.contains("href=\"#reasons\""), "{html}");
    // A public order ground names what it rests on.
    let (reasons, assessed) =
        (("reasons", "Convicted of an offence listed in Schedule 4."), ("retrafficking_risk_assessed", "yes"));
    let (_, _, html) = dm.post(&act, &[("ground", "public-order"), assessed, reasons, ("version", &v)]).await;
    assert!(html.contains("href=\"#public_order_basis\""), "{html}");
    // Without the re-trafficking risk assessment the policy in force requires: the rule's refusal.
    let basis = ("public_order_basis", "schedule-4-offence");
    let (_, _, html) = dm.post(&act, &[("ground", "public-order"), basis, reasons, ("version", &v)]).await;
    assert!(html.contains("separate assessment of the risk of re-trafficking") && html.contains("Source:"), "{html}");
    assert!(html.contains("href=\"#retrafficking_risk_assessed\""), "named against its checkbox: {html}");
    assert_eq!(version(&t, &dm_api, &id).await, v, "nothing refused is stored");

    let fields = [("ground", "public-order"), basis, assessed, reasons, ("version", &v)];
    let (_, path, html) = dm.post(&act, &fields).await;
    assert_eq!(path, case, "{html}");
    assert!(html.contains("Protections ceased: disqualified (A threat to public order)"), "{html}");
    assert!(!html.contains(&format!("href=\"{act}\"")), "not offered twice: {html}");
}

#[tokio::test]
async fn an_age_is_disputed_assessed_and_a_child_turns_18_through_the_pages() {
    let t = TestApp::start().await;
    let fr_api = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let dm_api = t.api_user(SCA, Role::DecisionMaker, "dm-api").await;
    let mut fr = Browser::with_code(&t, "Hope NGO", Role::FirstResponder, "fr").await;
    let mut dm = Browser::with_code(&t, SCA, Role::DecisionMaker, "dm").await;

    // The referrer doubts an adult's age, saying why.
    let id = refer(&t, &fr_api, "adult").await;
    let case = format!("/cases/{id}");
    let dispute = format!("{case}/act/dispute-age");
    let v = version(&t, &fr_api, &id).await;
    let (_, _, html) = fr.post(&dispute, &[("reason", ""), ("version", &v)]).await;
    assert!(html.contains("Write why the age is in doubt") && html.contains("href=\"#reason\""), "{html}");
    let (_, path, html) = fr.post(&dispute, &[("reason", "Looks about 15; no documents."), ("version", &v)]).await;
    assert_eq!(path, case, "{html}");
    assert!(html.contains("Age disputed: treated as a child until assessed"), "{html}");

    // The decision maker records the board's assessment.
    let assess = format!("{case}/act/record-age-assessment");
    let v = version(&t, &dm_api, &id).await;
    let (_, _, html) = dm.post(&assess, &[("version", &v)]).await;
    assert!(html.contains("Choose who assessed the age") && html.contains("href=\"#assessed_by\""), "{html}");
    let fields = [("assessed_by", "naab"), ("assessed_age", "adult"), ("version", &v)];
    let (_, path, html) = dm.post(&assess, &fields).await;
    assert_eq!(path, case, "{html}");
    assert!(html.contains("Age assessment (The National Age Assessment Board): an adult"), "{html}");

    // A child's 18th birthday, once: an adult does not turn 18 again.
    let child = refer(&t, &fr_api, "child").await;
    let (case, birthday) = (format!("/cases/{child}"), format!("/cases/{child}/act/record-eighteenth-birthday"));
    let v = version(&t, &fr_api, &child).await;
    let (_, path, html) = fr.post(&birthday, &[("version", &v)]).await;
    assert_eq!(path, case, "{html}");
    assert!(html.contains("Turned 18: an adult’s case from this day"), "{html}");
    let v2 = version(&t, &fr_api, &child).await;
    let (_, _, html) = fr.post(&birthday, &[("version", &v2)]).await;
    assert!(html.contains("The person is not a child on this case, so cannot turn 18 during it"), "{html}");
    assert_eq!(version(&t, &fr_api, &child).await, v2, "nothing refused is stored");
}

#[tokio::test]
async fn an_adviser_records_a_judicial_reviews_permission_and_outcome_through_the_pages() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user(SCA, Role::DecisionMaker, "dm").await;
    let id = refer(&t, &fr, "adult").await;
    assert_eq!(t.decide(&dm, &id, "decide-reasonable-grounds", "negative", 0).await.0, StatusCode::OK);
    let mut la = Browser::with_code(&t, "Law Centre", Role::LegalAdviser, "la").await;
    crate::case_actions::instruct(&t, &fr, &id, "Law Centre").await;
    let case = format!("/cases/{id}");

    // No claim yet: the outcome is refused on its form and nothing changes.
    let outcome = format!("{case}/act/record-judicial-review-outcome");
    let v = version(&t, &dm, &id).await;
    let (_, _, html) = la.post(&outcome, &[("outcome", "quashed"), ("version", &v)]).await;
    assert!(html.contains("No judicial review is pending"), "{html}");
    let lodge = json!({"action": "lodge-judicial-review", "question": "reasonable-grounds"});
    let la_api = t.api_user("Law Centre", Role::LegalAdviser, "la-api").await;
    assert_eq!(t.act(&la_api, &id, &lodge).await.0, StatusCode::OK);

    let permission = format!("{case}/act/record-judicial-review-permission");
    let v = version(&t, &dm, &id).await;
    let (_, _, html) = la.post(&permission, &[("version", &v)]).await;
    assert!(html.contains("Choose whether permission was granted or refused"), "{html}");
    let (_, path, html) = la.post(&permission, &[("decision", "granted"), ("version", &v)]).await;
    assert_eq!(path, case, "{html}");
    assert!(html.contains("Judicial review of the reasonable grounds decision: permission granted"), "{html}");

    let v = version(&t, &dm, &id).await;
    let (_, _, html) = la.post(&outcome, &[("version", &v)]).await;
    assert!(html.contains("Choose how the judicial review ended"), "{html}");
    let (_, path, html) = la.post(&outcome, &[("outcome", "quashed"), ("version", &v)]).await;
    assert_eq!(path, case, "{html}");
    assert!(html.contains("quashed, to be decided again"), "{html}");
    let (_, now) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(now["pending_reconsideration"][0], "reasonable-grounds", "decided again: {now}");
}
