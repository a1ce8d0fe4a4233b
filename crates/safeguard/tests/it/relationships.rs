//! Relationships, not roles, open a case (issue 15): a legal adviser sees a case only while the
//! person's instruction holds; support providers and guardian services are real organisations
//! of the right kind and lose sight of the case when their assignment ends; every re-routing is
//! checked against the rules; and "no such case" answers exactly as "not yours".

use crate::common;

use common::browser::Browser;
use common::{adult_referral, TestApp, Token};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

async fn refer(t: &TestApp, fr: &Token, age: &str) -> String {
    let mut body = adult_referral();
    common::set_age(&mut body, age);
    let (status, created) = t.refer(fr, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["case_id"].as_str().unwrap().to_string()
}

fn kinds(case: &Value) -> Vec<String> {
    case["timeline"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_legal_adviser_sees_a_case_only_while_instructed() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let la = t.api_user("Law Centre", Role::LegalAdviser, "la").await;
    let other_la = t.api_user("Other Law", Role::LegalAdviser, "la2").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    t.api_user("City Police", Role::Police, "pc").await;
    let id = refer(&t, &fr, "adult").await;
    let case = format!("/api/v1/cases/{id}");

    // Instructed on nothing: no list, no case, no identity.
    assert_eq!(t.get(&la, "/api/v1/cases").await.1["total"], 0);
    assert_eq!(t.get(&la, &case).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&la, &format!("{case}/identity")).await.0, StatusCode::NOT_FOUND);

    // The person's agreement is required, and only a practice with legal advisers is chosen;
    // a refusal names the field and changes nothing.
    let ask = |org: &str, agreed: bool| json!({"action": "instruct-legal-adviser", "organisation": org, "person_agreed": agreed});
    let (status, err) = t.act(&fr, &id, &ask("Law Centre", false)).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("person_agreed")));
    let (status, err) = t.act(&fr, &id, &ask("City Police", true)).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("organisation")));
    assert_eq!(t.get(&fr, &case).await.1["version"], 2, "a refused instruction changed the case");
    // Nobody but the person's own caseworkers records it.
    assert_eq!(t.act(&dm, &id, &ask("Law Centre", true)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.act(&la, &id, &ask("Law Centre", true)).await.0, StatusCode::NOT_FOUND);

    let (status, body) = t.act(&fr, &id, &ask("Law Centre", true)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(t.get(&la, "/api/v1/cases").await.1["total"], 1);
    assert_eq!(t.get(&la, &format!("{case}/identity")).await.1["identity"]["full_name"], "Ana Example");
    assert_eq!(t.get(&other_la, &case).await.0, StatusCode::NOT_FOUND, "another practice still sees nothing");
    let view = t.app.survivor_view(sg_domain::CaseId::parse(&id).unwrap()).await.unwrap();
    assert!(view.working_on.iter().any(|w| w.relation == "legal-adviser" && w.org == "Law Centre"));

    // Neither a decision maker nor another practice ends it; the practice itself does.
    let end = json!({"action": "end-legal-adviser-instruction", "organisation": "Law Centre"});
    assert_eq!(t.act(&dm, &id, &end).await.0, StatusCode::FORBIDDEN);
    assert_eq!(t.act(&other_la, &id, &end).await.0, StatusCode::NOT_FOUND);
    let (status, body) = t.act(&la, &id, &end).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(t.get(&la, &case).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&la, &format!("{case}/identity")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&la, "/api/v1/cases").await.1["total"], 0);
    let view = t.app.survivor_view(sg_domain::CaseId::parse(&id).unwrap()).await.unwrap();
    assert!(view.working_on.iter().all(|w| w.relation != "legal-adviser"), "only active relationships");
    let seen = kinds(&t.get(&fr, &case).await.1);
    assert!(
        seen.contains(&"legal-adviser-instructed".into()) && seen.contains(&"legal-adviser-instruction-ended".into())
    );

    // The recorder may end an instruction it recorded too.
    t.act(&fr, &id, &ask("Law Centre", true)).await;
    assert_eq!(t.act(&fr, &id, &end).await.0, StatusCode::OK);
    assert_eq!(t.get(&la, &case).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_person_instructs_and_ends_a_legal_adviser_in_their_own_view() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let la = t.api_user("Law Centre", Role::LegalAdviser, "la").await;
    let id = refer(&t, &fr, "adult").await;
    let r = t.client.post(t.url(&format!("/api/v1/cases/{id}/survivor-code"))).bearer_auth(&fr.0).send().await.unwrap();
    let code = r.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_string();

    let mut person = Browser::new(&t);
    let (_, path, page) = person.post("/survivor", &[("code", &code)]).await;
    assert_eq!(path, "/survivor/view");
    assert!(page.contains("Who works on your case") && page.contains("Hope NGO made your referral."), "{page}");
    assert!(!page.contains("is your legal adviser"), "{page}");
    let org = t.store.org_by_name("Law Centre").await.unwrap().unwrap().id.to_string();
    assert!(page.contains(&format!("<option value=\"{org}\">Law Centre</option>")), "{page}");

    let (_, path, page) = person.post("/survivor/legal-advisers", &[("organisation", &org)]).await;
    assert_eq!(path, "/survivor/view");
    assert!(page.contains("Law Centre is your legal adviser."), "{page}");
    assert_eq!(t.get(&la, &format!("/api/v1/cases/{id}")).await.0, StatusCode::OK);

    let (_, _, page) = person.post(&format!("/survivor/legal-advisers/{org}/end"), &[]).await;
    assert!(!page.contains("Law Centre is your legal adviser."), "{page}");
    assert_eq!(t.get(&la, &format!("/api/v1/cases/{id}")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn no_child_or_person_of_unknown_age_is_re_routed_to_the_ieca() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let dm = t.api_user("Single Competent Authority", Role::DecisionMaker, "dm").await;
    let made = t
        .app
        .create_user_for("IECA", None, Role::DecisionMaker, "ieca-dm", true, Some(sg_domain::CompetentAuthority::Ieca))
        .await
        .unwrap();
    let ieca = Token(made.api_token.unwrap());
    let route = json!({"action": "route", "competent_authority": "ieca", "reason": "re-routed"});
    for age in ["child", "unknown"] {
        let id = refer(&t, &fr, age).await;
        let (status, err) = t.act(&dm, &id, &route).await;
        assert_eq!(status, StatusCode::CONFLICT, "{err}");
        assert_eq!(err["error"]["code"], "refused_by_rule", "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("routing."), "names the rule: {err}");
        assert_eq!(t.get(&ieca, &format!("/api/v1/cases/{id}/identity")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(t.get(&fr, &format!("/api/v1/cases/{id}")).await.1["competent_authority"], "sca");
    }
    // An adult within the IECA's remit may still be re-routed.
    let adult = refer(&t, &fr, "adult").await;
    assert_eq!(t.act(&dm, &adult, &route).await.0, StatusCode::OK);
}

#[tokio::test]
async fn support_and_guardians_are_real_organisations_of_the_right_kind_and_end() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    t.api_user("City Police", Role::Police, "pc").await;
    let guardian = t.api_user("ICTG North", Role::Guardian, "g").await;
    let house = t.api_user("Safe House Trust", Role::SupportProvider, "sp").await;
    let child = refer(&t, &fr, "child").await;
    let case = format!("/api/v1/cases/{child}");

    // "City Police" is neither a guardian service nor a support provider.
    let (status, err) = t.act(&fr, &child, &json!({"action": "assign-guardian", "guardian": "City Police"})).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("guardian")));
    let (status, err) = t.act(&fr, &child, &json!({"action": "enter-support", "provider": "City Police"})).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("provider")));
    assert_eq!(t.get(&fr, &case).await.1["version"], 2, "refusals changed nothing");

    // Chosen by id as well as by name.
    let house_id = t.store.org_by_name("Safe House Trust").await.unwrap().unwrap().id.to_string();
    let (status, body) = t.act(&fr, &child, &json!({"action": "enter-support", "provider": house_id})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["in_support_with"], "Safe House Trust");
    let (status, body) = t.act(&fr, &child, &json!({"action": "assign-guardian", "guardian": "ICTG North"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(t.get(&guardian, &format!("{case}/identity")).await.0, StatusCode::OK);
    assert_eq!(t.get(&house, &format!("{case}/identity")).await.0, StatusCode::OK);

    // The guardian's assignment ends: so does its sight of the child's case.
    let (status, body) = t.act(&fr, &child, &json!({"action": "end-guardian-assignment", "reason": "moved"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(t.get(&guardian, &case).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&guardian, &format!("{case}/identity")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&guardian, "/api/v1/cases").await.1["total"], 0);
    // Support ends: so does the provider's.
    assert_eq!(
        t.act(&house, &child, &json!({"action": "exit-support", "exit_reason": "chose-to-leave", "reason": "done"}))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(t.get(&house, &format!("{case}/identity")).await.0, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&house, "/api/v1/cases").await.1["total"], 0);
    // What they recorded stays in the history.
    let seen = kinds(&t.get(&fr, &case).await.1);
    for kind in ["support-entered", "guardian-assigned", "guardian-assignment-ended", "support-exited"] {
        assert!(seen.contains(&kind.to_string()), "{kind} missing from {seen:?}");
    }
}

#[tokio::test]
async fn no_such_case_and_not_yours_answer_the_same() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let id = refer(&t, &fr, "adult").await;
    let nowhere = uuid::Uuid::new_v4().to_string();
    let made = t
        .app
        .create_user_for("IECA", None, Role::DecisionMaker, "ieca-dm", true, Some(sg_domain::CompetentAuthority::Ieca))
        .await
        .unwrap();
    let outsiders = [
        Token(made.api_token.unwrap()),
        t.api_user("Other NGO", Role::FirstResponder, "fr2").await,
        t.api_user("Safe House Trust", Role::SupportProvider, "sp").await,
        t.api_user("ICTG North", Role::Guardian, "g").await,
        t.api_user("Law Centre", Role::LegalAdviser, "la").await,
        t.api_user("City Police", Role::Police, "pc").await,
        t.api_user("Immigration Enforcement", Role::ImmigrationEnforcement, "ie").await,
        t.api_user("Monitoring Group", Role::Monitor, "mon").await,
    ];
    let answer = |who: &Token, method: reqwest::Method, path: String, body: Option<Value>| {
        let mut req = t.client.request(method, t.url(&path)).bearer_auth(&who.0);
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move {
            let r = req.send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let consent = json!({"purpose": "support", "recipient_org": "Safe House Trust", "categories": ["identity"]});
    let action = json!({"action": "withdraw", "reason": "r"});
    let routes: [(reqwest::Method, &str, Option<Value>); 6] = [
        (reqwest::Method::GET, "", None),
        (reqwest::Method::GET, "/identity", None),
        (reqwest::Method::GET, "/consents", None),
        (reqwest::Method::POST, "/consents", Some(consent)),
        (reqwest::Method::POST, "/actions", Some(action)),
        (reqwest::Method::POST, "/survivor-code", None),
    ];
    for (i, who) in outsiders.iter().enumerate() {
        for (method, sub, body) in &routes {
            let real = answer(who, method.clone(), format!("/api/v1/cases/{id}{sub}"), body.clone()).await;
            let fake = answer(who, method.clone(), format!("/api/v1/cases/{nowhere}{sub}"), body.clone()).await;
            assert_eq!(real, fake, "outsider {i} on {method} {sub}: a real case answered differently");
        }
    }
    // Police and immigration enforcement: the identity refusal is the contract's 403 either way.
    let (status, _) =
        answer(&outsiders[5], reqwest::Method::GET, format!("/api/v1/cases/{nowhere}/identity"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The pages too.
    let mut sp = Browser::with_code(&t, "Safe House Trust", Role::SupportProvider, "sp-page").await;
    for sub in ["", "/identity", "/consents", "/act/withdraw"] {
        let real = sp.get(&format!("/cases/{id}{sub}")).await.0;
        let fake = sp.get(&format!("/cases/{nowhere}{sub}")).await.0;
        assert_eq!((real, fake), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND), "{sub}");
    }
}
