//! Judicial review of a negative decision (issue 17): recorded by the person's legal adviser,
//! its outcome by the adviser or the competent authority; a quashed decision is decided again.

use crate::case_actions::instruct;
use crate::common;

use common::{adult_referral, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

#[tokio::test]
async fn a_quashed_decision_is_decided_again_and_a_dismissed_one_stands() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let la = t.api_user("Law Centre", Role::LegalAdviser, "la").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    let lodge = json!({"action": "lodge-judicial-review", "question": "reasonable-grounds"});

    // Nothing to challenge before the decision; then the adviser must be instructed.
    instruct(&t, &fr, id, "Law Centre").await;
    let (status, err) = t.act(&la, id, &lodge).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::CONFLICT, "not_yet.decision_not_made"), "{err}");
    assert_eq!(t.decide(&dm, id, "decide-reasonable-grounds", "negative", 0).await.0, StatusCode::OK);
    assert_eq!(t.act(&fr, id, &lodge).await.0, StatusCode::FORBIDDEN, "the person's lawyer brings the claim");
    let (status, case) = t.act(&la, id, &lodge).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["pending_judicial_review"][0], "reasonable-grounds", "{case}");
    let (status, err) = t.act(&la, id, &lodge).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::CONFLICT, "not_yet.judicial_review_already_pending"));

    // Permission refused ends the claim; a new claim may be lodged, and given permission.
    let permission = |granted: bool| json!({"action": "record-judicial-review-permission", "granted": granted});
    let (status, case) = t.act(&dm, id, &permission(false)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert!(case["pending_judicial_review"].is_null(), "the claim ended: {case}");
    assert_eq!(t.act(&la, id, &lodge).await.0, StatusCode::OK);
    assert_eq!(t.act(&la, id, &permission(true)).await.0, StatusCode::OK);
    let (status, err) = t.act(&la, id, &permission(true)).await;
    assert_eq!(
        (status, common::error_code(&err)),
        (StatusCode::CONFLICT, "not_yet.judicial_review_permission_decided")
    );

    // Quashed: the authority decides again, as a reconsideration it must decide.
    let quashed = json!({"action": "record-judicial-review-outcome", "outcome": "quashed"});
    let (status, case) = t.act(&dm, id, &quashed).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert!(case["pending_judicial_review"].is_null(), "{case}");
    assert_eq!(case["pending_reconsideration"][0], "reasonable-grounds", "{case}");
    let again = json!({"action": "decide-reconsideration", "outcome": "overturned", "reasons": "Decided again."});
    let (status, case) = t.act(&dm, id, &again).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "awaiting-cg");
    assert_eq!(case["reasonable_grounds"]["first_outcome"], "negative", "the first decision is kept: {case}");
    let (status, err) = t.act(&la, id, &lodge).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::CONFLICT, "not_yet.only_negative_challenged"), "{err}");

    // The page words it.
    let mut page = common::browser::Browser::with_code(&t, "Law Centre", Role::LegalAdviser, "la2").await;
    let (_, _, html) = page.get(&format!("/cases/{id}")).await;
    assert!(html.contains("Judicial review of the reasonable grounds decision lodged"), "{html}");
    assert!(html.contains("permission refused, the claim ends") && html.contains("permission granted"), "{html}");
    assert!(
        html.contains("Judicial review of the reasonable grounds decision: quashed, to be decided again"),
        "{html}"
    );
}

#[tokio::test]
async fn an_adviser_records_a_claim_through_the_page_and_a_dismissal_changes_nothing() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    assert_eq!(t.decide(&dm, id, "decide-reasonable-grounds", "negative", 0).await.0, StatusCode::OK);
    let mut la = common::browser::Browser::with_code(&t, "Law Centre", Role::LegalAdviser, "la").await;
    instruct(&t, &fr, id, "Law Centre").await;
    let case = format!("/cases/{id}");
    let act = format!("{case}/act/lodge-judicial-review");
    let (_, _, html) = la.get(&case).await;
    assert!(html.contains(&format!("href=\"{act}\"")), "offered: {html}");
    let (_, current) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
    let version = current["version"].to_string();
    let (_, path, html) = la.post(&act, &[("question", "reasonable-grounds"), ("version", &version)]).await;
    assert_eq!(path, case, "{html}");
    assert!(html.contains("Judicial review</dt>"), "{html}");
    let dismissed = json!({"action": "record-judicial-review-outcome", "outcome": "dismissed"});
    let (status, case) = t.act(&dm, id, &dismissed).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "negative-rg", "the decision stands: {case}");
    assert!(case["pending_reconsideration"].is_null() && case["pending_judicial_review"].is_null(), "{case}");
}
