//! Consent is the survivor's act (issue 15): only those who work on the case record one; a
//! consent that releases anything to police or immigration enforcement is pending until the
//! survivor confirms it or a colleague of the recorder countersigns; every consent has an
//! expiry and is dated the day it is recorded; on a child's case nothing reaches immigration
//! enforcement; the recipient is a real organisation of the right kind.

use crate::common;

use common::{adult_referral, TestApp, Token};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

struct World {
    t: TestApp,
    caseworker: Token,
    case: String,
}

async fn world_with(referral: Value) -> World {
    let t = TestApp::start().await;
    let caseworker = t.api_user("Hope NGO", Role::FirstResponder, "caseworker").await;
    let (_, created) = t.refer(&caseworker, &referral, None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    World { t, caseworker, case }
}

async fn world() -> World {
    world_with(adult_referral()).await
}

fn child_referral() -> Value {
    let mut r = adult_referral();
    common::set_age(&mut r, "child");
    r.as_object_mut().unwrap().remove("consent_to_referral");
    r
}

fn police_consent() -> Value {
    json!({"purpose": "share-with-police", "recipient_org": "City Police", "categories": ["identity"],
           "expires_on": common::days_ago(-30), "language": "Albanian", "interpreter": true})
}

impl World {
    async fn post(&self, who: &Token, path: &str, body: &Value) -> (StatusCode, Value) {
        let r = self.t.client.post(self.t.url(path)).bearer_auth(&who.0).json(body).send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn record(&self, who: &Token, body: &Value) -> (StatusCode, Value) {
        self.post(who, &format!("/api/v1/cases/{}/consents", self.case), body).await
    }

    async fn identity(&self, who: &Token) -> StatusCode {
        self.t.get(who, &format!("/api/v1/cases/{}/identity", self.case)).await.0
    }

    async fn countersign(&self, who: &Token, consent: &str) -> (StatusCode, Value) {
        let body = json!({"language": "Albanian", "interpreter": "Tirana Interpreting, interpreter 42"});
        self.post(who, &format!("/api/v1/cases/{}/consents/{consent}/countersign", self.case), &body).await
    }

    async fn status_of(&self, consent: &str) -> Value {
        let (_, list) = self.t.get(&self.caseworker, &format!("/api/v1/cases/{}/consents", self.case)).await;
        list.as_array().unwrap().iter().find(|c| c["id"] == consent).cloned().unwrap()
    }

    /// Signs the survivor in to their own view; the client and the page's HTML.
    async fn survivor(&self) -> (reqwest::Client, String) {
        let (status, body) =
            self.post(&self.caseworker, &format!("/api/v1/cases/{}/survivor-code", self.case), &json!({})).await;
        assert_eq!(status, StatusCode::CREATED);
        let code = body["code"].as_str().unwrap().to_string();
        let person = reqwest::Client::builder().cookie_store(true).build().unwrap();
        let page = common::post_presession(&person, &self.t.url("/survivor"), &[("code", code.as_str())]).await;
        let html = page.text().await.unwrap();
        (person, html)
    }
}

fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_legal_adviser_of_another_organisation_cannot_release_identity_to_the_police() {
    let w = world().await;
    let rogue = w.t.api_user("Rogue Law", Role::LegalAdviser, "rogue").await;
    let police = w.t.api_user("City Police", Role::Police, "pc").await;
    let immigration = w.t.api_user("Immigration Enforcement", Role::ImmigrationEnforcement, "ie").await;
    // Whatever the legal adviser may record, alone they release nothing.
    let _ = w.record(&rogue, &police_consent()).await;
    let mut to_ie = police_consent();
    to_ie["purpose"] = json!("share-with-immigration-enforcement");
    to_ie["recipient_org"] = json!("Immigration Enforcement");
    let _ = w.record(&rogue, &to_ie).await;
    assert_eq!(w.identity(&police).await, StatusCode::FORBIDDEN, "one legal adviser released identity to the police");
    assert_eq!(w.identity(&immigration).await, StatusCode::FORBIDDEN, "one legal adviser released identity to IE");
}

#[tokio::test]
async fn a_police_consent_is_pending_until_the_survivor_confirms_it() {
    let w = world().await;
    let police = w.t.api_user("City Police", Role::Police, "pc").await;
    let (status, body) = w.record(&w.caseworker, &police_consent()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["consent"]["status"], "pending", "{body}");
    let id = body["consent_id"].as_str().unwrap().to_string();
    assert_eq!(w.identity(&police).await, StatusCode::FORBIDDEN, "a pending consent released identity");

    // The survivor sees it as waiting for them and confirms it in their own view.
    let (person, html) = w.survivor().await;
    assert!(html.contains(&format!("action=\"/survivor/consents/{id}/confirm\"")), "{html}");
    assert!(html.contains("waiting for you to confirm"), "{html}");
    let after = person
        .post(w.t.url(&format!("/survivor/consents/{id}/confirm")))
        .form(&[("csrf", csrf_of(&html).as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(after.contains("You confirmed it"), "{after}");
    let consent = w.status_of(&id).await;
    assert_eq!((consent["status"].as_str(), consent["confirmed_by"].as_str()), (Some("active"), Some("survivor")));
    assert_eq!(w.identity(&police).await, StatusCode::OK);

    // Withdrawn by the survivor: status says so and nothing is released.
    let html = person.get(w.t.url("/survivor/view")).send().await.unwrap().text().await.unwrap();
    // The page's button asks first (issue 20), beside the agreement, and changes nothing.
    assert!(html.contains("name=\"confirm\" value=\"ask\""), "{html}");
    let asked = person
        .post(w.t.url(&format!("/survivor/consents/{id}/withdraw")))
        .form(&[("csrf", csrf_of(&html).as_str()), ("confirm", "ask")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(asked.contains("Are you sure you want to take back this agreement?"), "{asked}");
    assert_eq!(w.status_of(&id).await["status"], "active");
    let done = person
        .post(w.t.url(&format!("/survivor/consents/{id}/withdraw")))
        .form(&[("csrf", csrf_of(&html).as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(done.contains("You took back this agreement"), "no message after the withdrawal: {done}");
    assert_eq!(w.status_of(&id).await["status"], "withdrawn");
    assert_eq!(w.identity(&police).await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_colleague_of_the_recorder_who_works_on_the_case_countersigns() {
    let w = world().await;
    let police = w.t.api_user("City Police", Role::Police, "pc").await;
    let colleague = w.t.api_user("Hope NGO", Role::FirstResponder, "colleague").await;
    let outsider = w.t.api_user("Other NGO", Role::FirstResponder, "outsider").await;
    let adviser = w.t.api_user("Law Centre", Role::LegalAdviser, "adviser").await;
    let (_, body) = w.record(&w.caseworker, &police_consent()).await;
    let id = body["consent_id"].as_str().unwrap().to_string();

    // Not the recorder themselves, not another organisation's user.
    assert_eq!(w.countersign(&w.caseworker, &id).await.0, StatusCode::FORBIDDEN);
    // A legal adviser the person has not instructed does not see the case at all.
    assert_eq!(w.countersign(&adviser, &id).await.0, StatusCode::NOT_FOUND);
    assert_eq!(w.countersign(&outsider, &id).await.0, StatusCode::NOT_FOUND);
    assert_eq!(w.identity(&police).await, StatusCode::FORBIDDEN);
    // The attestation is required: the language and the interpreter (or "none").
    let (status, err) =
        w.post(&colleague, &format!("/api/v1/cases/{}/consents/{id}/countersign", w.case), &json!({})).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("language")));

    let (status, body) = w.countersign(&colleague, &id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let consent = w.status_of(&id).await;
    assert_eq!(consent["status"], "active");
    assert_eq!(consent["confirmed_by"], "countersigned");
    assert_eq!(w.identity(&police).await, StatusCode::OK);
    // Once active it cannot be countersigned again.
    assert_eq!(w.countersign(&colleague, &id).await.0, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_support_consent_takes_effect_at_once() {
    let w = world().await;
    w.t.app
        .store
        .ensure_org("Safe House Trust", sg_store::OrgKind::SupportProvider, w.t.app.clock.now())
        .await
        .unwrap();
    let body = json!({"purpose": "support", "recipient_org": "Safe House Trust", "categories": ["identity"],
                      "expires_on": common::days_ago(-30)});
    let (status, made) = w.record(&w.caseworker, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["consent"]["status"], "active");
}

#[tokio::test]
async fn every_consent_has_an_expiry_within_the_maximum_and_is_dated_today() {
    let w = world().await;
    w.t.api_user("City Police", Role::Police, "pc").await;
    let without = |key: &str| {
        let mut b = police_consent();
        b.as_object_mut().unwrap().remove(key);
        b
    };
    let with = |key: &str, value: Value| {
        let mut b = police_consent();
        b[key] = value;
        b
    };
    for (body, field) in [
        (without("expires_on"), "expires_on"),
        (with("expires_on", json!(common::days_ago(1))), "expires_on"),
        (with("expires_on", json!(common::days_ago(-5000))), "expires_on"),
        (with("given_on", json!(common::days_ago(10))), "given_on"),
    ] {
        let (status, err) = w.record(&w.caseworker, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {err}");
        assert_eq!(err["error"]["field"], field, "{err}");
    }
    let (status, made) = w.record(&w.caseworker, &police_consent()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(made["consent"]["given_on"], common::days_ago(0));
    let (_, list) = w.t.get(&w.caseworker, &format!("/api/v1/cases/{}/consents", w.case)).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "a refused consent was stored");
}

#[tokio::test]
async fn the_recipient_is_a_real_organisation_of_the_right_kind() {
    let w = world().await;
    w.t.api_user("City Police", Role::Police, "pc").await;
    w.t.api_user("Immigration Enforcement", Role::ImmigrationEnforcement, "ie").await;
    for (purpose, org) in [
        ("share-with-police", "Hope NGO"),
        ("share-with-police", "Immigration Enforcement"),
        ("share-with-immigration-enforcement", "City Police"),
        ("share-with-police", "Nobody At All"),
    ] {
        let mut body = police_consent();
        body["purpose"] = json!(purpose);
        body["recipient_org"] = json!(org);
        let (status, err) = w.record(&w.caseworker, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{purpose} to {org}: {err}");
        assert_eq!(err["error"]["field"], "recipient_org", "{err}");
    }
}

#[tokio::test]
async fn nothing_is_released_to_immigration_enforcement_on_a_childs_case() {
    let w = world_with(child_referral()).await;
    let ie = w.t.api_user("Immigration Enforcement", Role::ImmigrationEnforcement, "ie").await;
    let colleague = w.t.api_user("Hope NGO", Role::FirstResponder, "colleague").await;
    let mut body = police_consent();
    body["purpose"] = json!("share-with-immigration-enforcement");
    body["recipient_org"] = json!("Immigration Enforcement");
    body["agreed_by"] = json!("child-with-parental-responsibility");
    let (status, err) = w.record(&w.caseworker, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert_eq!(err["error"]["field"], "purpose", "{err}");

    // Even a consent row written before this rule (straight into the store) releases nothing.
    let org = w.t.store.org_by_name("Immigration Enforcement").await.unwrap().unwrap();
    let recorder = w.t.store.user_by_name("caseworker").await.unwrap().unwrap().0;
    // Built from JSON, as an old row reads: no confirmation, no expiry, no one named as agreeing.
    let old: sg_domain::Consent = serde_json::from_value(json!({
        "id": uuid::Uuid::new_v4(), "case_id": w.case, "purpose": "share-with-immigration-enforcement",
        "recipient_org": org.id, "recipient_name": org.name, "categories": ["identity"],
        "given_on": common::days_ago(0), "expires_on": null, "withdrawn_at": null,
        "language": "", "interpreter": false,
    }))
    .unwrap();
    let audit = w.t.app.audit_record(
        Some(&recorder),
        sg_audit::AuditAction::ConsentGiven,
        None,
        sg_audit::Outcome::Allowed,
        "test",
    );
    w.t.store.add_consent(&old, recorder.id, &audit).await.unwrap();
    let _ = w.countersign(&colleague, &old.id.to_string()).await;
    assert_eq!(w.identity(&ie).await, StatusCode::FORBIDDEN, "a child's identity reached immigration enforcement");

    // For the police, who agreed is recorded, and must be one the rules allow for a child.
    w.t.api_user("City Police", Role::Police, "pc").await;
    let mut police = police_consent();
    police["agreed_by"] = json!("person");
    let (status, err) = w.record(&w.caseworker, &police).await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("agreed_by")));
    police["agreed_by"] = json!("child-with-local-authority");
    let (status, made) = w.record(&w.caseworker, &police).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["consent"]["agreed_by"], "child-with-local-authority");
}
