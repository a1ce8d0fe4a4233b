//! Organisations chosen from lists (issue 20): a step that names a support provider, a guardian
//! service or a legal practice lists the organisations the server accepts for it, and a name
//! typed (through the API) is matched whatever its case.

use crate::common;

use common::browser::Browser;
use common::{adult_referral, days_ago, TestApp};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::Role;

fn option(name: &str) -> String {
    format!(">{name}</option>")
}

#[tokio::test]
async fn steps_list_the_organisations_that_fit_and_names_match_whatever_their_case() {
    let t = TestApp::start().await;
    let fr_api = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    t.api_user("City Police", Role::Police, "pc").await;
    t.api_user("ICTG North", Role::Guardian, "g").await;
    t.api_user("Safe House Trust", Role::SupportProvider, "sp").await;
    t.api_user("Law Centre", Role::LegalAdviser, "la").await;
    let mut body = adult_referral();
    common::set_age(&mut body, "child");
    body["referred_on"] = json!(days_ago(3));
    let (status, created) = t.refer(&fr_api, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["case_id"].as_str().unwrap().to_string();
    let mut fr = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "fr").await;

    let (_, _, form) = fr.get(&format!("/cases/{id}/act/enter-support")).await;
    assert!(form.contains("<select class=\"govuk-select\" id=\"provider\" name=\"provider\""), "{form}");
    assert!(form.contains(&option("Safe House Trust")) && form.contains(&option("Hope NGO")), "{form}");
    assert!(!form.contains(&option("City Police")) && !form.contains(&option("ICTG North")), "{form}");
    let (_, _, form) = fr.get(&format!("/cases/{id}/act/assign-guardian")).await;
    assert!(form.contains(&option("ICTG North")) && !form.contains(&option("Safe House Trust")), "{form}");
    let (_, _, form) = fr.get(&format!("/cases/{id}/act/instruct-legal-adviser")).await;
    assert!(form.contains(&option("Law Centre")) && !form.contains(&option("Hope NGO")), "{form}");

    // Typed in another case, the name still finds the organisation, recorded by its own name.
    let (status, answer) =
        t.act(&fr_api, &id, &json!({"action": "enter-support", "provider": "safe house TRUST"})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["in_support_with"], "Safe House Trust");

    // A support provider records support with itself only: its list holds only itself.
    let mut sp = Browser::sign_up(&t, "Safe House Trust", Role::SupportProvider, "sp2").await;
    let (status, _, form) = sp.get(&format!("/cases/{id}/act/enter-support")).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains(&option("Safe House Trust")) && !form.contains(&option("Hope NGO")), "{form}");
}
