//! Public order and bad faith disqualification (issue 17; NABA 2022 s63): a decision maker's
//! step, checked against the dated policy (none before 30 January 2023, withdrawn after the
//! interim relief of 26 July 2023, a re-trafficking risk assessment required from 2024).

use crate::common;

use common::{adult_referral, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

fn disqualify(date: &str, assessed: bool) -> Value {
    json!({"action": "disqualify", "ground": "public-order", "public_order_basis": "schedule-4-offence",
           "retrafficking_risk_assessed": assessed,
           "reasons": "Convicted of an offence listed in Schedule 4.", "date": date})
}

fn refused_by(err: &Value) -> (&str, &str) {
    (err["error"]["code"].as_str().unwrap_or(""), err["error"]["message"].as_str().unwrap_or(""))
}

#[tokio::test]
async fn a_disqualification_follows_the_policy_in_force_on_its_day() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let mut body = adult_referral();
    body["referred_on"] = json!("2022-06-01");
    let (_, created) = t.refer(&fr, &body, None).await;
    let id = created["case_id"].as_str().unwrap();

    // Only a person with a positive reasonable grounds decision has protections to lose.
    let (_, undecided) = t.refer(&fr, &adult_referral(), None).await;
    let today = common::days_ago(0);
    let (status, err) = t.act(&dm, undecided["case_id"].as_str().unwrap(), &disqualify(&today, true)).await;
    assert_eq!((status, refused_by(&err).0), (StatusCode::CONFLICT, "not_yet.disqualify_needs_positive_rg"), "{err}");
    let rg = json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": "Indicators present.",
                    "date": "2022-06-08"});
    assert_eq!(t.act(&dm, id, &rg).await.0, StatusCode::OK);

    // Before s63 commenced, and while the policy was withdrawn: refused, naming the rule.
    for (date, rule) in
        [("2022-12-01", "disqualification.public_order = none"), ("2023-08-01", "= withdrawn_pending_revision")]
    {
        let (status, err) = t.act(&dm, id, &disqualify(date, true)).await;
        let (code, message) = refused_by(&err);
        assert_eq!((status, code), (StatusCode::CONFLICT, "refused_by_rule"), "{date}: {err}");
        assert!(message.contains(rule), "{date}: {message}");
    }
    // From 2024, not without a separate re-trafficking risk assessment.
    let (status, err) = t.act(&dm, id, &disqualify("2024-03-01", false)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert!(refused_by(&err).1.contains("risk of re-trafficking"), "{err}");
    assert_eq!(err["error"]["field"], "retrafficking_risk_assessed", "the fact it turns on: {err}");
    // Not the first responder's to make.
    assert_eq!(t.act(&fr, id, &disqualify("2024-03-01", true)).await.0, StatusCode::FORBIDDEN);

    // A public order ground names what in s63(3) it rests on.
    let mut unnamed = disqualify("2024-03-01", true);
    unnamed.as_object_mut().unwrap().remove("public_order_basis");
    let (status, err) = t.act(&dm, id, &unnamed).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::CONFLICT, Some("public_order_basis")), "{err}");

    let (status, case) = t.act(&dm, id, &disqualify("2024-03-01", true)).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["disqualified"], json!(["public-order", "2024-03-01"]), "{case}");
    let last = case["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["type"].as_str(), last["retrafficking_risk_assessed"].as_bool()),
        (Some("disqualified"), Some(true))
    );
    assert_eq!(last["public_order_basis"], "schedule-4-offence", "{last}");
    assert_eq!(last["detail"], "Convicted of an offence listed in Schedule 4.", "the reasons are kept: {last}");
    let (status, err) = t.act(&dm, id, &disqualify("2024-03-02", true)).await;
    assert_eq!((status, refused_by(&err).0), (StatusCode::CONFLICT, "not_yet.already_disqualified"));

    // The duty to grant permission to stay ends with it (s63): a grant is refused, a refusal
    // is recorded.
    let (status, case) = t.decide_on(&dm, id, "decide-conclusive-grounds", "positive", "2024-03-05").await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let apply = json!({"action": "apply-for-permission-to-stay", "date": "2024-03-06"});
    assert_eq!(t.act(&fr, id, &apply).await.0, StatusCode::OK);
    let grant = json!({"action": "decide-permission-to-stay", "granted": true, "date": "2024-03-07"});
    let (status, err) = t.act(&dm, id, &grant).await;
    assert_eq!((status, refused_by(&err).0), (StatusCode::CONFLICT, "not_yet.disqualified_no_stay"), "{err}");
    let refuse = json!({"action": "decide-permission-to-stay", "granted": false, "date": "2024-03-07"});
    let (status, case) = t.act(&dm, id, &refuse).await;
    assert_eq!((status, case["permission_to_stay"]["granted"].as_bool()), (StatusCode::OK, Some(false)), "{case}");

    // The case page says so, in the timeline and the facts.
    let mut page =
        common::browser::Browser::with_code(&t, "Single Competent Authority", Role::DecisionMaker, "dm2").await;
    let (_, _, html) = page.get(&format!("/cases/{id}")).await;
    assert!(html.contains("Protections ceased: disqualified (A threat to public order)"), "{html}");
    assert!(html.contains("The risk of re-trafficking was assessed first"), "{html}");
    assert!(html.contains("Disqualified</dt>"), "{html}");
}
