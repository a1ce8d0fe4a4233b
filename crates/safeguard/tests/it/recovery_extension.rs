//! Extending the recovery period (issue 17): Northern Ireland's Department of Justice may make
//! the 45 days longer from 28 April 2022 (HTE(CJSV)A (NI) 2015 s18 as amended by the 2022 Act
//! s21); elsewhere, and before then, the length is set. The extension moves the period's end
//! everywhere it is shown: the case's deadlines, the decision makers' queue, the case page.

use crate::common;

use common::{adult_referral, days_ago, error_code, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

fn extend(days: Value, date: &str) -> Value {
    json!({"action": "extend-recovery-period", "days": days, "reason": "Recovery needs assessed as continuing.",
           "date": date})
}

fn recovery_end(case: &Value) -> Value {
    let deadlines = case["deadlines"].as_array().unwrap();
    deadlines.iter().find(|d| d["kind"] == "recovery-period-end").cloned().unwrap_or(Value::Null)
}

/// A case in `jurisdiction` referred on `referred`, with a positive reasonable grounds decision
/// on `rg`.
async fn positive_rg(t: &TestApp, jurisdiction: &str, referred: &str, rg: &str) -> String {
    let n = uuid::Uuid::new_v4();
    let fr = t.api_user("Hope NGO", Role::FirstResponder, &format!("fr-{n}")).await;
    let dm = t.api_user("SCA", Role::DecisionMaker, &format!("dm-{n}")).await;
    let mut body = adult_referral();
    body["jurisdiction"] = json!(jurisdiction);
    body["referred_on"] = json!(referred);
    let (status, created) = t.refer(&fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["case_id"].as_str().unwrap().to_string();
    let (status, case) = t.decide_on(&dm, &id, "decide-reasonable-grounds", "positive", rg).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    id
}

#[tokio::test]
async fn northern_irelands_recovery_period_is_extended_while_it_runs_and_its_end_moves() {
    let t = TestApp::start().await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let id = positive_rg(&t, "northern-ireland", &days_ago(50), &days_ago(40)).await;
    let (_, before) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
    let end = recovery_end(&before);
    assert_eq!(end["due_on"], json!(days_ago(40 - 45)), "45 days: {end}");
    assert!(end.get("extended_by_days").is_none(), "{end}");

    // The number of days is checked, naming the field; the authority decides, not the referrer.
    for bad in [json!(0), json!(366), json!(-3), json!("thirty")] {
        let (status, err) = t.act(&dm, &id, &extend(bad.clone(), &days_ago(0))).await;
        assert_eq!(
            (status, err["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("days")),
            "{bad}: {err}"
        );
    }
    let (status, _) = t.act(&fr, &id, &extend(json!(30), &days_ago(0))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut no_reason = extend(json!(30), &days_ago(0));
    no_reason["reason"] = json!(" ");
    let (status, err) = t.act(&dm, &id, &no_reason).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::CONFLICT, Some("reason")), "{err}");
    let (_, unchanged) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(unchanged["version"], before["version"], "nothing refused is stored");

    // Extended twice: the end moves by both, and the timeline says so.
    let (status, case) = t.act(&dm, &id, &extend(json!(30), &days_ago(0))).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (status, case) = t.act(&dm, &id, &extend(json!(14), &days_ago(0))).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let end = recovery_end(&case);
    assert_eq!(
        (end["due_on"].clone(), end["extended_by_days"].clone()),
        (json!(days_ago(40 - 45 - 44)), json!(44)),
        "{end}"
    );
    let last = case["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["type"].as_str(), last["days"].as_u64()), (Some("recovery-period-extended"), Some(14)), "{last}");

    // The queue sorts by the new end.
    let (_, list) = t.get(&dm, "/api/v1/cases").await;
    let row = list["cases"].as_array().unwrap().iter().find(|c| c["id"] == json!(id)).cloned().unwrap();
    assert_eq!(row["next_due"], json!({"on": days_ago(40 - 89), "kind": "recovery-period-end"}), "{row}");

    // The case page words it, and offers the step to the decision maker only.
    let mut page = common::browser::Browser::with_code(&t, "SCA", Role::DecisionMaker, "dm2").await;
    let (_, _, html) = page.get(&format!("/cases/{id}")).await;
    assert!(html.contains("Recovery period extended by 14 days") && html.contains("(extended by 44 days)"), "{html}");
    assert!(html.contains(&format!("/cases/{id}/act/extend-recovery-period")), "{html}");

    // Once the conclusive grounds decision is made (in Northern Ireland it may come before the
    // period's end) the period is over.
    let (status, _) = t.decide_on(&dm, &id, "decide-conclusive-grounds", "positive", &days_ago(0)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = t.act(&dm, &id, &extend(json!(30), &days_ago(0))).await;
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "not_yet.cg_made"), "{err}");
}

#[tokio::test]
async fn a_recovery_period_is_not_extended_where_or_when_the_rules_give_no_power_or_after_it_ended() {
    let t = TestApp::start().await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    // England and Wales: the rules set the length; nothing to extend.
    let ew = positive_rg(&t, "england-wales", &days_ago(30), &days_ago(20)).await;
    let (status, err) = t.act(&dm, &ew, &extend(json!(30), &days_ago(0))).await;
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "refused_by_rule"), "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("no power to extend the recovery period"), "{message}");
    // Northern Ireland before 28 April 2022: not yet.
    let old = positive_rg(&t, "northern-ireland", "2021-06-01", "2021-06-10").await;
    let (status, err) = t.act(&dm, &old, &extend(json!(30), "2021-06-20")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains("recovery_period.extendable = false"), "names the rule: {message}");
    // After the period ended (45 days from the decision of 60 days ago).
    let ended = positive_rg(&t, "northern-ireland", &days_ago(70), &days_ago(60)).await;
    let (status, err) = t.act(&dm, &ended, &extend(json!(30), &days_ago(0))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert!(err["error"]["message"].as_str().unwrap().contains(&format!("ended on {}", days_ago(15))), "{err}");
    // Before a positive reasonable grounds decision there is no period to extend.
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let mut body = adult_referral();
    body["jurisdiction"] = json!("northern-ireland");
    let (_, created) = t.refer(&fr, &body, None).await;
    let (status, err) = t.act(&dm, created["case_id"].as_str().unwrap(), &extend(json!(30), &days_ago(0))).await;
    assert_eq!((status, error_code(&err)), (StatusCode::CONFLICT, "not_yet.no_recovery_period"), "{err}");
}

#[tokio::test]
async fn a_decision_maker_extends_the_period_through_the_page_in_welsh_too() {
    let t = TestApp::start().await;
    let id = positive_rg(&t, "northern-ireland", &days_ago(30), &days_ago(20)).await;
    let case = format!("/cases/{id}");
    let act = format!("{case}/act/extend-recovery-period");
    let mut dm = common::browser::Browser::with_code(&t, "SCA", Role::DecisionMaker, "dm-page").await;
    let (status, _, form) = dm.get(&act).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("By how many days is the period extended?") && form.contains("inputmode=\"numeric\""),
        "{form}"
    );

    // Not a number, then out of range: each named against the field; nothing recorded.
    let (_, _, html) = dm.post(&act, &[("days", "a month"), ("reason", "Needs continue."), ("version", "4")]).await;
    assert!(html.contains("Enter the number of days as a whole number") && html.contains("href=\"#days\""), "{html}");
    let (_, _, html) = dm.post(&act, &[("days", "400"), ("reason", "Needs continue."), ("version", "4")]).await;
    assert!(html.contains("Enter a number of days from 1 to 365"), "{html}");
    let (_, path, page) = dm.post(&act, &[("days", "30"), ("reason", "Needs continue."), ("version", "4")]).await;
    assert_eq!(path, case, "{page}");
    assert!(page.contains("Recovery period extended by 30 days") && page.contains("(extended by 30 days)"), "{page}");

    let (_, _, cy) = dm.get(&format!("{case}?lang=cy")).await;
    assert!(cy.contains("Estynnwyd y cyfnod adfer 30 diwrnod"), "{cy}");
}
