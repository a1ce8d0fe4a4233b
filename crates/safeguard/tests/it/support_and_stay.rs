//! Who temporary permission to stay is for (issue 18's finding): not a British national (NABA
//! s65 is for a person who is not a British citizen). The refusal changes nothing.

use crate::common;

use common::{adult_referral, days_ago, error_code, TestApp, Token};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

#[tokio::test]
async fn a_british_national_cannot_apply_for_permission_to_stay() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let apply = json!({"action": "apply-for-permission-to-stay"});
    let mut ids = vec![];
    for nationalities in [json!(["GB"]), json!(["AL", "GB"]), json!(["AL"])] {
        let mut body = adult_referral();
        body["nationalities"] = nationalities;
        body["referred_on"] = json!(days_ago(60));
        let (_, created) = t.refer(&fr, &body, None).await;
        let id = created["case_id"].as_str().unwrap().to_string();
        assert_eq!(t.decide(&dm, &id, "decide-reasonable-grounds", "positive", 50).await.0, StatusCode::OK);
        assert_eq!(t.decide(&dm, &id, "decide-conclusive-grounds", "positive", 0).await.0, StatusCode::OK);
        ids.push(id);
    }
    for id in &ids[..2] {
        let (status, err) = t.act(&fr, id, &apply).await;
        assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "not_yet.british_national_no_stay"), "{err}");
    }
    let (status, case) = t.act(&fr, &ids[2], &apply).await;
    assert_eq!(status, StatusCode::OK, "an Albanian national may: {case}");
}

/// A case with a conclusive grounds decision of `outcome` made 100 days ago, the person in
/// support with `provider` since the reasonable grounds decision.
async fn in_support_after_cg(t: &TestApp, fr: &Token, dm: &Token, outcome: &str) -> String {
    let mut body = adult_referral();
    body["referred_on"] = json!(days_ago(200));
    let (_, created) = t.refer(fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap().to_string();
    assert_eq!(t.decide(dm, &id, "decide-reasonable-grounds", "positive", 190).await.0, StatusCode::OK);
    let enter = json!({"action": "enter-support", "provider": "Safe House Trust", "date": days_ago(185)});
    assert_eq!(t.act(fr, &id, &enter).await.0, StatusCode::OK);
    assert_eq!(t.decide(dm, &id, "decide-conclusive-grounds", outcome, 100).await.0, StatusCode::OK);
    id
}

/// Issue 18's findings: exit reasons were free text, and support was recorded as ending one day
/// after a positive conclusive grounds decision, inside the move-on period (at least 45 days in
/// England and Wales, `move_on.positive_cg_min_days`). Now the reason is a code, checked
/// against the case and the dated rule; each refusal changes nothing.
#[tokio::test]
async fn support_ends_for_a_coded_reason_and_move_on_lasts_at_least_its_minimum() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    t.api_user("Safe House Trust", Role::SupportProvider, "sp").await;
    let positive = in_support_after_cg(&t, &fr, &dm, "positive").await;
    let exit = |why: &str, days: i64| json!({"action": "exit-support", "exit_reason": why, "date": days_ago(days)});

    // Free text is no reason: the field is named.
    let (status, err) = t.act(&fr, &positive, &json!({"action": "exit-support", "reason": "moved on"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err.to_string().contains("exit_reason"), "names the field: {err}");
    let (status, err) = t.act(&fr, &positive, &exit("moved-on", 0)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err.to_string().contains("exit_reason"), "names the field: {err}");

    // One day after the positive decision, move-on cannot have ended.
    let (status, err) = t.act(&fr, &positive, &exit("move-on-ended", 99)).await;
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "refused_by_rule"), "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("at least 45 days"), "{message}");
    // A reason that names what the case does not have.
    let (status, err) = t.act(&fr, &positive, &exit("exit-support-ended", 50)).await;
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "not_yet.exit_support_needs_negative"), "{err}");
    let (status, err) = t.act(&fr, &positive, &exit("disqualified", 50)).await;
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "not_yet.not_disqualified"), "{err}");
    let (_, case) = t.get(&fr, &format!("/api/v1/cases/{positive}")).await;
    assert_eq!(case["in_support_with"], "Safe House Trust", "every refusal changed nothing: {case}");

    // 45 days after it, it may have; the timeline says why.
    let (status, case) = t.act(&fr, &positive, &exit("move-on-ended", 55)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert!(case["in_support_with"].is_null(), "{case}");
    let event = case["timeline"].as_array().unwrap().iter().find(|e| e["type"] == "support-exited").unwrap().clone();
    assert_eq!(event["exit_reason"], "move-on-ended", "{event}");

    // The person may choose to leave at any time; exit support follows a negative decision.
    let early = in_support_after_cg(&t, &fr, &dm, "positive").await;
    assert_eq!(t.act(&fr, &early, &exit("chose-to-leave", 99)).await.0, StatusCode::OK);
    let negative = in_support_after_cg(&t, &fr, &dm, "negative").await;
    let (status, err) = t.act(&fr, &negative, &exit("move-on-ended", 50)).await;
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "not_yet.move_on_needs_positive_cg"), "{err}");
    assert_eq!(t.act(&fr, &negative, &exit("exit-support-ended", 90)).await.0, StatusCode::OK);
}

/// Issue 18's finding: a grant of temporary permission to stay in 2022 was accepted, before
/// NABA s65 existed (in force 30 January 2023; `permission_to_stay.basis`). Applying and deciding
/// are refused before that day, and allowed from it.
#[tokio::test]
async fn permission_to_stay_is_applied_for_only_once_section_65_was_in_force() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let mut body = adult_referral();
    body["referred_on"] = json!("2022-03-01");
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap().to_string();
    assert_eq!(t.decide_on(&dm, &id, "decide-reasonable-grounds", "positive", "2022-03-04").await.0, StatusCode::OK);
    assert_eq!(t.decide_on(&dm, &id, "decide-conclusive-grounds", "positive", "2022-06-01").await.0, StatusCode::OK);
    let apply = |date: &str| json!({"action": "apply-for-permission-to-stay", "date": date});
    let (status, err) = t.act(&fr, &id, &apply("2022-12-01")).await;
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "refused_by_rule"), "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("began on 30 January 2023"), "{message}");
    assert!(message.contains("permission_to_stay.basis"), "names the rule: {message}");
    let (status, case) = t.act(&fr, &id, &apply("2023-01-30")).await;
    assert_eq!(status, StatusCode::OK, "{case}");
}

/// Issue 18's finding: the guardian could not act for the child. A child's assigned guardian
/// service applies for permission to stay on the child's behalf; another guardian service may
/// not, and its refusal changes nothing.
#[tokio::test]
async fn a_childs_guardian_applies_for_permission_to_stay_on_the_childs_behalf() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let guardian = t.api_user("ICTG North", Role::Guardian, "g").await;
    let other_guardian = t.api_user("ICTG South", Role::Guardian, "g2").await;
    let mut body = adult_referral();
    common::set_age(&mut body, "child");
    body["referred_on"] = json!(days_ago(120));
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap();
    assert_eq!(t.decide(&dm, id, "decide-reasonable-grounds", "positive", 110).await.0, StatusCode::OK);
    let assign = json!({"action": "assign-guardian", "guardian": "ICTG North", "date": days_ago(100)});
    assert_eq!(t.act(&fr, id, &assign).await.0, StatusCode::OK);
    assert_eq!(t.decide(&dm, id, "decide-conclusive-grounds", "positive", 10).await.0, StatusCode::OK);
    let apply = json!({"action": "apply-for-permission-to-stay"});
    let (status, _) = t.act(&other_guardian, id, &apply).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    let (_, case) = t.get(&fr, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["permission_to_stay"]["state"], "not-applied", "the refusal changed nothing: {case}");
    let (status, case) = t.act(&guardian, id, &apply).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["permission_to_stay"]["state"], "applied", "{case}");
}
