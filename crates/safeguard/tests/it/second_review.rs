//! The review of negative decisions (issue 17): a negative decision the rules hold is not
//! served until another decision maker agrees it (every negative decision since December
//! 2022), or a Multi-Agency Assurance Panel's view is recorded (negative conclusive grounds
//! decisions, April 2019 to December 2022). Before, `review.negative_decisions` was data that
//! nothing recorded or enforced.

use crate::common;

use common::{adult_referral, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

#[tokio::test]
async fn a_negative_decision_waits_for_a_second_decision_maker_who_is_not_its_author() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let second = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm2").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();

    let negative = json!({"action": "decide-reasonable-grounds", "outcome": "negative", "reasons": "No indicators."});
    let (status, case) = t.act(&dm, id, &negative).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "awaiting-rg", "not served yet: {case}");
    assert!(case["reasonable_grounds"].is_null(), "{case}");
    assert_eq!(case["awaiting_review"][0], "reasonable-grounds");
    assert_eq!(case["awaiting_review"][2], "second-caseworker");
    // The person's status and the statistics see no decision yet; nothing else is decided.
    let (status, err) = t.act(&dm, id, &negative).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::CONFLICT, "not_yet.awaiting_review"), "{err}");
    let fr_asks = json!({"action": "request-reconsideration", "question": "reasonable-grounds"});
    assert_eq!(t.act(&fr, id, &fr_asks).await.0, StatusCode::CONFLICT, "nothing to reconsider yet");

    // It is the case's next item in the decision makers' queue, from the day it was written,
    // worded on the list page.
    let (_, list) = t.get(&second, "/api/v1/cases").await;
    let row = list["cases"].as_array().unwrap().iter().find(|c| c["id"] == json!(id)).cloned().unwrap();
    let today = common::days_ago(0);
    assert_eq!(row["next_due"], json!({"on": today, "kind": "negative-decision-review"}), "{row}");
    let mut page =
        common::browser::Browser::with_code(&t, "Single Competent Authority", Role::DecisionMaker, "dm-list").await;
    let (_, _, html) = page.get("/cases").await;
    assert!(html.contains("Negative decision to review, written on"), "{html}");

    // Not by its author, nor by a first responder.
    let agree = json!({"action": "review-negative-decision", "agreed": true});
    let (status, err) = t.act(&dm, id, &agree).await;
    assert_eq!((status, common::error_code(&err)), (StatusCode::FORBIDDEN, "refusal.review_own_decision"), "{err}");
    assert_eq!(t.act(&fr, id, &agree).await.0, StatusCode::FORBIDDEN);
    // Returned needs comments; then the author decides again.
    let (status, err) = t.act(&second, id, &json!({"action": "review-negative-decision", "agreed": false})).await;
    assert_eq!(
        (status, common::error_code(&err), err["error"]["field"].as_str()),
        (StatusCode::CONFLICT, "transition.empty", Some("reasons"))
    );
    let returned = json!({"action": "review-negative-decision", "agreed": false,
                          "reasons": "The account's indicators of forced labour were not weighed."});
    let (status, case) = t.act(&second, id, &returned).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert!(case["awaiting_review"].is_null() && case["reasonable_grounds"].is_null(), "{case}");
    let (status, case) = t.act(&dm, id, &negative).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (status, case) = t.act(&second, id, &agree).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    // Served: the queue is back to the deadlines (none is open after a negative decision).
    let (_, list) = t.get(&second, "/api/v1/cases").await;
    let row = list["cases"].as_array().unwrap().iter().find(|c| c["id"] == json!(id)).cloned().unwrap();
    assert!(row["next_due"].is_null(), "{row}");
    assert_eq!(case["status"], "negative-rg", "served on the review's day: {case}");
    let kinds: Vec<&str> = case["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds[2..],
        [
            "negative-decision-proposed",
            "negative-decision-reviewed",
            "negative-decision-proposed",
            "negative-decision-reviewed",
            "reasonable-grounds-decided"
        ]
    );
    // The author's reasons stay with the proposal; the reviewer's comments with the review.
    assert_eq!(case["timeline"][2]["detail"], "No indicators.");
    assert_eq!(case["timeline"][3]["detail"], "The account's indicators of forced labour were not weighed.");
    let (status, _) = t.act(&fr, id, &fr_asks).await;
    assert_eq!(status, StatusCode::OK, "served, it can be reconsidered");
}

#[tokio::test]
async fn the_panels_reviewed_negative_conclusive_decisions_from_2019_to_2022_and_positive_ones_are_never_held() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let mut body = adult_referral();
    body["referred_on"] = json!("2020-01-06");
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap();
    let (status, case) = t.decide_on(&dm, id, "decide-reasonable-grounds", "positive", "2020-01-08").await;
    assert_eq!((status, case["awaiting_review"].is_null()), (StatusCode::OK, true), "{case}");
    let cg =
        json!({"action": "decide-conclusive-grounds", "outcome": "negative", "reasons": "r", "date": "2020-06-01"});
    let (status, case) = t.act(&dm, id, &cg).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["awaiting_review"][2], "multi-agency-assurance-panel", "{case}");
    // A panel's view is recorded by the authority, the decision's author included.
    let agree = json!({"action": "review-negative-decision", "agreed": true, "date": "2020-06-15"});
    let (status, case) = t.act(&dm, id, &agree).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "negative-cg");
    assert_eq!(case["conclusive_grounds"]["decided_on"], "2020-06-15", "{case}");

    // In 2020 a negative reasonable grounds decision was served at once.
    let mut body = adult_referral();
    body["referred_on"] = json!("2020-01-06");
    let (_, created) = t.refer(&fr, &body, None).await;
    let other = created["case_id"].as_str().unwrap();
    let rg =
        json!({"action": "decide-reasonable-grounds", "outcome": "negative", "reasons": "r", "date": "2020-01-09"});
    let (_, case) = t.act(&dm, other, &rg).await;
    assert_eq!(case["status"], "negative-rg", "{case}");
}

#[tokio::test]
async fn a_second_decision_maker_reviews_through_the_page() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    let negative = json!({"action": "decide-reasonable-grounds", "outcome": "negative", "reasons": "No indicators."});
    assert_eq!(t.act(&dm, id, &negative).await.0, StatusCode::OK);

    let mut page =
        common::browser::Browser::with_code(&t, "Single Competent Authority", Role::DecisionMaker, "dm2").await;
    let case = format!("/cases/{id}");
    let (_, _, html) = page.get(&case).await;
    assert!(
        html.contains("Negative reasonable grounds decision written: held for review by a second caseworker"),
        "{html}"
    );
    assert!(html.contains("Awaiting review</dt>"), "{html}");
    let review = format!("{case}/act/review-negative-decision");
    assert!(html.contains(&format!("href=\"{review}\"")), "offered: {html}");
    let (_, _, html) = page.post(&review, &[("review", ""), ("version", "3")]).await;
    assert!(html.contains("Choose whether to agree or return the decision"), "{html}");
    let (_, path, html) = page.post(&review, &[("review", "agreed"), ("version", "3")]).await;
    assert_eq!(path, case, "{html}");
    assert!(html.contains("Review agreed the negative reasonable grounds decision: served"), "{html}");
}
