//! Who sees which case through the API: record scopes per role (first responders, decision
//! makers, support providers, guardians), disabled users, and converting a Duty to Notify
//! report with its one-time code.

use crate::common;

use common::{adult_referral, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

#[tokio::test]
async fn a_disabled_users_token_stops_working_at_once() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "leaver").await;
    assert_eq!(t.get(&fr, "/api/v1/cases").await.0, StatusCode::OK);
    t.app.disable_user("leaver").await.unwrap();
    let (status, body) = t.get(&fr, "/api/v1/cases").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn a_duty_to_notify_report_becomes_a_referral_with_its_one_time_code() {
    let t = TestApp::start().await;
    let police = t.api_user("City Police", Role::Police, "pc").await;
    let ngo = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let mut report = adult_referral();
    report["consent_to_referral"] = json!(false);
    let (status, made) = t.refer(&police, &report, Some("report-1")).await;
    assert_eq!(status, StatusCode::CREATED);
    let code = made["conversion_code"].as_str().unwrap().to_string();
    assert!(code.starts_with("DTN-"));
    let (_, again) = t.refer(&police, &report, Some("report-1")).await;
    assert_eq!(again["conversion_code"], code.as_str(), "a replay must answer the same");

    let convert = |body: Value| {
        let (client, url, token) = (t.client.clone(), t.url("/api/v1/referrals/convert"), ngo.0.clone());
        async move {
            let r = client.post(url).bearer_auth(token).json(&body).send().await.unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let (status, err) = convert(json!({"conversion_code": "DTN-wrong", "identity": {"full_name": "X"}})).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("conversion_code")));
    let (status, err) = convert(json!({"conversion_code": code, "identity": {"full_name": ""}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");

    let (status, case) =
        convert(json!({"conversion_code": code, "identity": {"full_name": "Now Consenting"}, "account": "later"}))
            .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["kind"], "referral");
    assert_eq!(case["status"], "awaiting-rg");
    assert_eq!(case["facts"]["gender"], "female", "the report's facts were kept");
    assert_eq!(case["facts"]["first_responder_org"], "City Police");
    // The converting organisation now holds the case, and the person's identity.
    let id = case["case_id"].as_str().unwrap();
    let (_, person) = t.get(&ngo, &format!("/api/v1/cases/{id}/identity")).await;
    assert_eq!(person["identity"]["full_name"], "Now Consenting");
    // The code works once.
    let (status, _) = convert(json!({"conversion_code": code, "identity": {"full_name": "Again"}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn decision_makers_see_only_the_cases_routed_to_their_competent_authority() {
    let t = TestApp::start().await;
    let ie = t.api_user("Home Office - Immigration Enforcement", Role::ImmigrationEnforcement, "ie").await;
    let ngo = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let sca = t.api_user("Single Competent Authority", Role::DecisionMaker, "sca-dm").await;
    let code = t
        .app
        .create_user_for("IECA", None, Role::DecisionMaker, "ieca-dm", true, Some(sg_domain::CompetentAuthority::Ieca))
        .await
        .unwrap();
    let ieca = common::Token(code.api_token.unwrap());
    let mut body = adult_referral();
    body["ieca_criteria"] = json!(true);
    let (_, to_ieca) = t.refer(&ie, &body, None).await;
    let (_, to_sca) = t.refer(&ngo, &adult_referral(), None).await;
    let (ieca_case, sca_case) = (to_ieca["case_id"].as_str().unwrap(), to_sca["case_id"].as_str().unwrap());

    for (who, mine, theirs) in [(&sca, sca_case, ieca_case), (&ieca, ieca_case, sca_case)] {
        assert_eq!(t.get(who, &format!("/api/v1/cases/{mine}")).await.0, StatusCode::OK);
        assert_eq!(t.get(who, &format!("/api/v1/cases/{mine}/identity")).await.0, StatusCode::OK);
        assert_eq!(t.get(who, &format!("/api/v1/cases/{theirs}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(t.get(who, &format!("/api/v1/cases/{theirs}/identity")).await.0, StatusCode::NOT_FOUND);
        let (_, list) = t.get(who, "/api/v1/cases").await;
        assert_eq!(list["total"], 1, "{list}");
        assert_eq!(list["cases"][0]["id"], mine);
        let (status, _) = t
            .act(who, theirs, &json!({"action": "decide-reasonable-grounds", "outcome": "negative", "reasons": "r"}))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "a decision on another authority's case");
    }
}

#[tokio::test]
async fn support_providers_see_only_the_people_they_support() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let house = t.api_user("Safe House Trust", Role::SupportProvider, "sp").await;
    let other = t.api_user("Other Provider", Role::SupportProvider, "sp2").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    let case = format!("/api/v1/cases/{id}");

    // Before support is arranged, no provider sees the person.
    assert_eq!(t.get(&house, &case).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&house, "/api/v1/cases").await.1["total"], 0);
    // A provider cannot claim the person for itself or another provider.
    let (status, _) = t.act(&house, id, &json!({"action": "enter-support", "provider": "Safe House Trust"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, err) = t.act(&fr, id, &json!({"action": "enter-support", "provider": "No Such Provider"})).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("provider")));

    // The referring organisation arranges support with the house.
    let (status, _) = t.act(&fr, id, &json!({"action": "enter-support", "provider": "Safe House Trust"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(t.get(&house, &case).await.0, StatusCode::OK);
    assert_eq!(t.get(&house, &format!("{case}/identity")).await.1["identity"]["full_name"], "Ana Example");
    assert_eq!(t.get(&house, "/api/v1/cases").await.1["total"], 1);
    assert_eq!(t.get(&other, &case).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&other, &format!("{case}/identity")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&other, "/api/v1/cases").await.1["total"], 0);

    // The house records the exit, and with it loses sight of the person: the case, the
    // identity and the list, exactly as for a case that does not exist.
    let (status, body) = t
        .act(&house, id, &json!({"action": "exit-support", "exit_reason": "chose-to-leave", "reason": "moved on"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["timeline"].as_array().unwrap().last().unwrap()["type"], "support-exited", "{body}");
    assert_eq!(t.get(&house, &case).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&house, &format!("{case}/identity")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&house, "/api/v1/cases").await.1["total"], 0);
    // What it recorded stays in the case's history.
    let (_, seen) = t.get(&fr, &case).await;
    let kinds: Vec<&str> = seen["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"support-entered") && kinds.contains(&"support-exited"), "{kinds:?}");
}

#[tokio::test]
async fn guardians_see_only_the_children_assigned_to_them() {
    let t = TestApp::start().await;
    let la = t.api_user("City Council Children's Services", Role::FirstResponder, "sw").await;
    let icg = t.api_user("ICTG Service North", Role::Guardian, "g1").await;
    let other = t.api_user("ICTG Service South", Role::Guardian, "g2").await;
    let mut child = adult_referral();
    common::set_age(&mut child, "child");
    let (_, created) = t.refer(&la, &child, None).await;
    let id = created["case_id"].as_str().unwrap();
    let case = format!("/api/v1/cases/{id}");
    assert_eq!(t.get(&icg, &case).await.0, StatusCode::NOT_FOUND);

    // Adults have no child trafficking guardian.
    let (_, adult) = t.refer(&la, &adult_referral(), None).await;
    let (status, err) = t
        .act(
            &la,
            adult["case_id"].as_str().unwrap(),
            &json!({"action": "assign-guardian", "guardian": "ICTG Service North"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");

    let (status, body) = t.act(&la, id, &json!({"action": "assign-guardian", "guardian": "ICTG Service North"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(t.get(&icg, &case).await.0, StatusCode::OK);
    assert_eq!(t.get(&icg, &format!("{case}/identity")).await.0, StatusCode::OK);
    assert_eq!(t.get(&icg, "/api/v1/cases").await.1["total"], 1);
    assert_eq!(t.get(&other, &case).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&other, "/api/v1/cases").await.1["total"], 0);
}

#[tokio::test]
async fn who_may_see_what() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let other_fr = t.api_user("Other NGO", Role::FirstResponder, "fr2").await;
    let police = t.api_user("City Police", Role::Police, "pc").await;
    let ie = t.api_user("Immigration Enforcement", Role::ImmigrationEnforcement, "ie").await;
    let monitor = t.api_user("Monitoring Group", Role::Monitor, "mon").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let case = format!("/api/v1/cases/{}", created["case_id"].as_str().unwrap());

    for who in [&police, &ie] {
        let (status, body) = t.get(who, &format!("{case}/identity")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert!(!body.to_string().contains("Ana"));
    }
    let (status, _) = t.get(&monitor, &case).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = t.get(&other_fr, &case).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another organisation's case must not be revealed");
    let (_, list) = t.get(&other_fr, "/api/v1/cases").await;
    assert_eq!(list["total"], 0);
    let (_, list) = t.get(&fr, "/api/v1/cases").await;
    assert_eq!(list["total"], 1);
    let (status, err) = t.get(&common::Token("wrong".into()), &case).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(err["error"]["code"], "unauthenticated");
}
