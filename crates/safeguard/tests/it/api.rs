//! The JSON API against a real server: the four referral journeys, both decisions, bad input,
//! idempotency and refused transitions.

use crate::common;

use common::{adult_referral, days_ago, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

#[tokio::test]
async fn an_adult_who_consents_is_referred_and_walked_to_a_conclusive_decision() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;

    let mut body = adult_referral();
    body["referred_on"] = json!(days_ago(60));
    let (status, created) = t.refer(&fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["case_id"].as_str().unwrap().to_string();
    assert!(created["reference"].as_str().unwrap().starts_with("SG-"));

    let (status, case) = t.get(&fr, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(case["status"], "awaiting-rg");
    assert_eq!(case["competent_authority"], "sca");
    assert_eq!(case["facts"]["nationalities"], json!(["AL"]));
    assert_eq!(case["facts"]["first_responder_org"], "Hope NGO");
    assert!(case.get("identity").is_none(), "case facts must not carry identity");
    assert!(!case.to_string().contains("Ana Example"), "identity leaked into the case view");

    let (status, case) = t.decide(&dm, &id, "decide-reasonable-grounds", "positive", 55).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "awaiting-cg");
    assert_eq!(case["recovery_period_started_on"], days_ago(55));

    let (status, case) = t.decide(&dm, &id, "decide-conclusive-grounds", "positive", 1).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "positive-cg");
    let kinds: Vec<&str> = case["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "referral-received",
            "routed-to-competent-authority",
            "reasonable-grounds-decided",
            "recovery-period-started",
            "conclusive-grounds-decided"
        ]
    );

    let (status, person) = t.get(&fr, &format!("/api/v1/cases/{id}/identity")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(person["identity"]["full_name"], "Ana Example");
    assert_eq!(person["identity"]["date_of_birth"], "1999-04-01");
}

#[tokio::test]
async fn an_adult_who_does_not_consent_becomes_an_anonymous_duty_to_notify_report() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let mut body = adult_referral();
    body["consent_to_referral"] = json!(false);
    let (status, created) = t.refer(&fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["kind"], "duty-to-notify");
    let id = created["case_id"].as_str().unwrap();

    // Nothing identifying was stored, even though the request carried an identity.
    let (status, err) = t.get(&fr, &format!("/api/v1/cases/{id}/identity")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(err["error"]["message"].as_str().unwrap().contains("anonymous Duty to Notify"), "{err}");
    let case_id = sg_domain::CaseId::parse(id).unwrap();
    assert!(t.store.vault_get(case_id, sg_store::VaultField::Identity).await.unwrap().is_none());
    assert!(t.store.person_key(case_id).await.unwrap().is_none());

    // A report is routed to no competent authority: decision makers do not see it, and the
    // domain refuses any decision on it (sg-domain's lifecycle property tests).
    let (status, _) = t.decide(&dm, id, "decide-reasonable-grounds", "positive", 0).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, case) = t.get(&fr, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["status"], "duty-to-notify");
    assert!(case["competent_authority"].is_null());
}

#[tokio::test]
async fn a_child_is_referred_without_consent_and_so_is_a_person_of_unknown_age() {
    let t = TestApp::start().await;
    let fr = t.api_user("Children's Services", Role::FirstResponder, "sw").await;
    for age in ["child", "unknown"] {
        let mut body = adult_referral();
        common::set_age(&mut body, age);
        body.as_object_mut().unwrap().remove("consent_to_referral");
        let (status, created) = t.refer(&fr, &body, None).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["kind"], "referral", "{age}");
        let (_, case) = t.get(&fr, &format!("/api/v1/cases/{}", created["case_id"].as_str().unwrap())).await;
        assert_eq!(case["timeline"][0]["basis"], "child-no-consent-needed");
        assert_eq!(case["competent_authority"], "sca", "children always go to the SCA");
    }
    // Even an explicit "no" does not turn a child's referral into a Duty to Notify report.
    let mut body = adult_referral();
    common::set_age(&mut body, "child");
    body["consent_to_referral"] = json!(false);
    let (_, created) = t.refer(&fr, &body, None).await;
    assert_eq!(created["kind"], "referral");
}

#[tokio::test]
async fn an_adult_within_the_iecas_remit_is_routed_to_the_ieca() {
    let t = TestApp::start().await;
    let fr = t.api_user("Home Office - Immigration Enforcement", Role::ImmigrationEnforcement, "ie").await;
    let mut body = adult_referral();
    body["ieca_criteria"] = json!(true);
    let (_, created) = t.refer(&fr, &body, None).await;
    let ieca = sg_domain::CompetentAuthority::Ieca;
    let dm = t.app.create_user_for("IECA", None, Role::DecisionMaker, "ieca-dm", true, Some(ieca)).await.unwrap();
    let dm = common::Token(dm.api_token.unwrap());
    let (_, case) = t.get(&dm, &format!("/api/v1/cases/{}", created["case_id"].as_str().unwrap())).await;
    assert_eq!(case["competent_authority"], "ieca");
    assert_eq!(case["facts"]["first_responder_type"], "government-agency");
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_changes_nothing() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"jurisdiction": "wales"}), "jurisdiction"),
        (
            {
                let mut b = adult_referral();
                b.as_object_mut().unwrap().remove("gender");
                b
            },
            "gender",
        ),
        (
            {
                let mut b = adult_referral();
                b["age_at_exploitation"] = json!("teen");
                b
            },
            "age_at_exploitation",
        ),
        (
            {
                let mut b = adult_referral();
                b["exploitation_types"] = json!(["slavery"]);
                b
            },
            "exploitation_types[0]",
        ),
        (
            {
                let mut b = adult_referral();
                b["exploitation_types"] = json!([]);
                b
            },
            "exploitation_types",
        ),
        (
            {
                let mut b = adult_referral();
                b["nationalities"] = json!(["XX"]);
                b
            },
            "nationalities[0]",
        ),
        (
            {
                let mut b = adult_referral();
                b["nationalities"] = json!(["AL", "GR", "IT"]);
                b
            },
            "nationalities",
        ),
        (
            {
                let mut b = adult_referral();
                b["identity"]["date_of_birth"] = json!("1999-02-31");
                b
            },
            "identity.date_of_birth",
        ),
        (
            {
                let mut b = adult_referral();
                b["identity"]["date_of_birth"] = json!("2999-01-01");
                b
            },
            "identity.date_of_birth",
        ),
        (
            {
                let mut b = adult_referral();
                b.as_object_mut().unwrap().remove("identity");
                b
            },
            "identity",
        ),
        (
            {
                let mut b = adult_referral();
                b.as_object_mut().unwrap().remove("consent_to_referral");
                b
            },
            "consent_to_referral",
        ),
        (
            {
                let mut b = adult_referral();
                b["referred_on"] = json!(days_ago(-3));
                b
            },
            "referred_on",
        ),
        (
            {
                let mut b = adult_referral();
                b["account"] = json!("x".repeat(15_001));
                b
            },
            "account",
        ),
    ];
    for (body, field) in cases {
        let (status, err) = t.refer(&fr, &body, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {err}");
        assert_eq!(err["error"]["code"], "invalid_input");
        assert_eq!(err["error"]["field"], field, "{err}");
        assert!(!err["error"]["message"].as_str().unwrap().is_empty());
    }
    let resp = t.client.post(t.url("/api/v1/referrals")).bearer_auth(&fr.0).body("{not json").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.case_count().await, 0, "a refused referral created a case");
}

#[tokio::test]
async fn the_same_idempotency_key_creates_one_case() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let (s1, first) = t.refer(&fr, &adult_referral(), Some("form-7781")).await;
    let (s2, again) = t.refer(&fr, &adult_referral(), Some("form-7781")).await;
    assert_eq!((s1, s2), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first["case_id"], again["case_id"]);
    assert_eq!(first["reference"], again["reference"]);
    assert_eq!(t.case_count().await, 1);

    // The same key for a different request is an error, not a silent replay.
    let mut other = adult_referral();
    other["gender"] = json!("male");
    let (status, err) = t.refer(&fr, &other, Some("form-7781")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    // Keys belong to their user: another user's same key is a new request.
    let other_fr = t.api_user("Other NGO", Role::FirstResponder, "fr2").await;
    let (_, theirs) = t.refer(&other_fr, &adult_referral(), Some("form-7781")).await;
    assert_ne!(theirs["case_id"], first["case_id"]);
    assert_eq!(t.case_count().await, 2);
}

#[tokio::test]
async fn concurrent_retries_with_one_key_create_one_case() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let mut tasks = vec![];
    for _ in 0..16 {
        let (client, url, token) = (t.client.clone(), t.url("/api/v1/referrals"), fr.0.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", "double-click")
                .json(&adult_referral())
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }));
    }
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        ids.insert(body["case_id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(t.case_count().await, 1);
}

#[tokio::test]
async fn invalid_transitions_are_refused_and_change_nothing() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();

    let (status, err) = t.decide(&dm, id, "decide-conclusive-grounds", "positive", 0).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(err["error"]["message"].as_str().unwrap().contains("positive reasonable grounds"));

    let (status, _) = t.decide(&dm, id, "decide-reasonable-grounds", "negative", 0).await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = t.decide(&dm, id, "decide-reasonable-grounds", "positive", 0).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(err["error"]["message"].as_str().unwrap().contains("already made"), "{err}");
    let (status, _) = t.decide(&dm, id, "decide-conclusive-grounds", "positive", 0).await;
    assert_eq!(status, StatusCode::CONFLICT);

    // A future date, and an unknown action, are bad input.
    let (status, err) = t
        .act(
            &fr,
            id,
            &json!({"action": "request-reconsideration", "question": "reasonable-grounds", "date": days_ago(-1)}),
        )
        .await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::CONFLICT, Some("date")), "{err}");
    let (status, err) = t.act(&dm, id, &json!({"action": "approve"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");

    let (_, case) = t.get(&dm, &format!("/api/v1/cases/{id}")).await;
    // Referral and routing, the negative decision held, its review, and the decision served.
    assert_eq!(case["version"], 5, "refused actions appended events: {case}");

    // Reconsideration overturns the negative decision and starts the recovery period.
    let (status, case) =
        t.act(&fr, id, &json!({"action": "request-reconsideration", "question": "reasonable-grounds"})).await;
    assert_eq!(status, StatusCode::OK, "{case}");
    let (status, case) = t
        .act(
            &dm,
            id,
            &json!({"action": "decide-reconsideration", "outcome": "overturned", "reasons": "New police evidence."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{case}");
    assert_eq!(case["status"], "awaiting-cg");
    assert_eq!(case["reasonable_grounds"]["overturned_on_reconsideration"], true);
}

#[tokio::test]
async fn a_stale_version_is_refused_with_409() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap();
    let body = json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": "r", "version": 1});
    let (status, err) = t.act(&dm, id, &body).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(err["error"]["message"].as_str().unwrap().contains("changed since you read it"), "{err}");
}

#[tokio::test]
async fn health_and_openapi_are_served() {
    let t = TestApp::start().await;
    let r = t.client.get(t.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap(), "ok");
    let spec: Value = t.client.get(t.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    for path in ["/referrals", "/cases", "/cases/{case_id}", "/cases/{case_id}/identity", "/cases/{case_id}/actions"] {
        assert!(spec["paths"][path].is_object(), "{path} missing from the OpenAPI description");
    }
}

/// Issue 19's finding: phone "abc" and e-mail "not-an-email" were accepted with a referral. Each
/// is refused naming its field, and nothing is created; real numbers, international or as
/// dialled in the UK, are taken.
#[tokio::test]
async fn a_referral_with_a_phone_or_email_that_is_not_one_is_refused_naming_the_field() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    for (field, value) in [("phone", "abc"), ("phone", "12345"), ("email", "not-an-email")] {
        let mut body = adult_referral();
        body["identity"][field] = json!(value);
        let (status, err) = t.refer(&fr, &body, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field} {value}: {err}");
        assert_eq!(err["error"]["field"], format!("identity.{field}"), "{err}");
    }
    assert_eq!(t.case_count().await, 0, "nothing was created");
    for phone in ["+44 7700 900123", "+355 69 123 4567", "07700 900123"] {
        let mut body = adult_referral();
        body["identity"]["phone"] = json!(phone);
        let (status, created) = t.refer(&fr, &body, None).await;
        assert_eq!(status, StatusCode::CREATED, "{phone}: {created}");
    }
}

/// Issue 19's finding: a Duty to Notify report did not ask why the adult declined (the form's
/// step 39, where the sector's "48% feared immigration consequences" comes from). A report takes
/// the reasons as codes, kept with its facts (nothing identifying); a referral, which has nothing
/// declined, and an unknown code are refused naming the field, and create nothing.
#[tokio::test]
async fn a_duty_to_notify_report_says_why_the_adult_declined() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let mut report = adult_referral();
    report["consent_to_referral"] = json!(false);
    report["declined_because"] = json!(["fears-immigration-consequences", "distrusts-authorities"]);
    let mut referral = adult_referral();
    referral["declined_because"] = json!(["fears-exploiters"]);
    let (status, err) = t.refer(&fr, &referral, None).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("declined_because")));
    let mut unknown = report.clone();
    unknown["declined_because"] = json!(["made-up"]);
    let (status, err) = t.refer(&fr, &unknown, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err.to_string().contains("declined_because"), "names the field: {err}");
    assert_eq!(t.case_count().await, 0, "nothing was created");

    let (status, created) = t.refer(&fr, &report, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["case_id"].as_str().unwrap();
    let (_, case) = t.get(&fr, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(case["kind"], "duty-to-notify", "{case}");
    assert_eq!(case["facts"]["declined_because"], json!(["fears-immigration-consequences", "distrusts-authorities"]));
}
