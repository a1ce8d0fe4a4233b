//! Rule details behind a link (issue 20): working screens say what a rule means for the case
//! and link to `/rules`, which gives each rule's value, since when, source and earlier versions.

use crate::common;

use common::browser::Browser;
use common::{adult_referral, days_ago, TestApp};
use serde_json::json;
use sg_domain::Role;

#[tokio::test]
async fn working_screens_link_to_the_rules_page_instead_of_showing_rule_keys() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    let dm_api = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm-api").await;
    let mut body = adult_referral();
    body["jurisdiction"] = json!("scotland");
    body["referred_on"] = json!(days_ago(2));
    let (status, created) = t.refer(&fr, &body, None).await;
    assert_eq!(status, 201, "{created}");
    let case = created["case_id"].as_str().unwrap().to_string();
    let (status, body) = t.decide(&dm_api, &case, "decide-reasonable-grounds", "positive", 1).await;
    assert_eq!(status, 200, "{body}");
    let mut dm = Browser::sign_up(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await;

    // The case page: deadlines in words, each with a link; no `key = value`, no source title.
    let (_, _, html) = dm.get(&format!("/cases/{case}")).await;
    assert!(!html.contains(" = "), "a rule key and value on the case page: {html}");
    assert!(!html.contains("recovery_period.days"), "{html}");
    let link = "/rules?jurisdiction=scotland#rule-recovery_period-days";
    assert!(html.contains(&format!("href=\"{link}\"")) && html.contains("How this date is worked out"), "{html}");

    // The decide page: the test in words and a link, no "in force since" or source beside the form.
    let (_, _, html) = dm.get(&format!("/cases/{case}/decide/conclusive-grounds")).await;
    assert!(html.contains("/rules?jurisdiction=scotland#rule-cg-standard"), "{html}");
    assert!(!html.contains("Rule in force") && !html.contains("Not confirmed in the reference"), "{html}");

    // The rules page has the entry the link names, with its value, source and history.
    let (status, _, html) = dm.get("/rules?jurisdiction=scotland").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"rule-recovery_period-days\""), "{html}");
    assert!(html.contains("<option value=\"scotland\" selected>"), "{html}");
    assert!(html.contains("In force since") && html.contains("Earlier versions"), "{html}");
    let (_, _, html) = dm.get("/rules?jurisdiction=england-wales&lang=cy").await;
    assert!(html.contains("Rheolau mewn grym") && html.contains("yng Nghymru a Lloegr"), "{html}");
}
