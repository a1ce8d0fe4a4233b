//! Asking for a reconsideration as the law has it (issue 17): with grounds and new evidence,
//! after the window only in exceptional circumstances the grounds explain, and by a child's
//! guardian on the child's behalf.

use crate::common;

use common::{adult_referral, days_ago, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

#[tokio::test]
async fn a_late_request_needs_exceptional_circumstances_explained_in_its_grounds() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let mut body = adult_referral();
    body["referred_on"] = json!(days_ago(60));
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap();
    let (status, _) = t.decide(&dm, id, "decide-reasonable-grounds", "negative", 50).await;
    assert_eq!(status, StatusCode::OK);
    let ask = |grounds: &str, exceptional: bool| {
        json!({"action": "request-reconsideration", "question": "reasonable-grounds",
               "grounds": grounds, "exceptional_circumstances": exceptional})
    };

    // 50 days after the decision: refused, naming the window.
    let (status, err) = t.act(&fr, id, &ask("Groundsmarker: a medical report.", false)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("refused_by_rule")), "{err}");
    // Exceptional circumstances must be explained.
    let (status, err) = t.act(&fr, id, &ask(" ", true)).await;
    assert_eq!(err["error"]["field"], "grounds", "{status}: {err}");
    // Explained: accepted, and recorded as late and exceptional.
    let grounds = "Groundsmarker: the person was in hospital for six weeks; a medical report is attached.";
    let (status, case) = t.act(&fr, id, &ask(grounds, true)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let asked = case["timeline"].as_array().unwrap().iter().find(|e| e["type"] == "reconsideration-requested").unwrap();
    assert_eq!(asked["exceptional_circumstances"], true, "{asked}");
    assert_eq!(asked["detail"], grounds, "the grounds are the request's detail, read back for those on the case");
    assert_eq!(case["pending_reconsideration"][0], "reasonable-grounds", "{case}");

    // The grounds are sealed at rest like the reasons of decisions: the stored events do not
    // hold them in plain text.
    let case_id = sg_domain::CaseId(id.parse().unwrap());
    let stored = t.store.case(case_id).await.unwrap().unwrap();
    let raw = serde_json::to_string(&stored.events.iter().map(|e| &e.event).collect::<Vec<_>>()).unwrap();
    assert!(!raw.contains("Groundsmarker"), "{raw}");
}

#[tokio::test]
async fn a_childs_guardian_asks_for_a_reconsideration_on_the_childs_behalf() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let guardian = t.api_user("ICTG North", Role::Guardian, "g").await;
    let other_guardian = t.api_user("ICTG South", Role::Guardian, "g2").await;
    let mut body = adult_referral();
    common::set_age(&mut body, "child");
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap();
    t.decide(&dm, id, "decide-reasonable-grounds", "negative", 0).await;
    let (status, _) = t.act(&fr, id, &json!({"action": "assign-guardian", "guardian": "ICTG North"})).await;
    assert_eq!(status, StatusCode::OK);
    let ask = json!({"action": "request-reconsideration", "question": "reasonable-grounds",
                     "grounds": "The child's account was not heard with an appropriate adult."});
    // A guardian service not assigned to the child may not.
    let (status, _) = t.act(&other_guardian, id, &ask).await;
    assert!(matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{status}");
    let (status, case) = t.act(&guardian, id, &ask).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["pending_reconsideration"][0], "reasonable-grounds", "{case}");
}
