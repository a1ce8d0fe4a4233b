//! Emergency access where a life is at risk: the police ask with a coded reason; a second
//! person, who works on the case, approves or declines; an approval opens the identity category
//! to that one officer for the rules' hours; the person sees it, with the reason, in their view.

use crate::common;

use common::{adult_referral, TestApp, Token};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

struct World {
    t: TestApp,
    caseworker: Token,
    police: Token,
    case: String,
}

async fn world() -> World {
    let t = TestApp::start().await;
    let caseworker = t.api_user("Hope NGO", Role::FirstResponder, "caseworker").await;
    let police = t.api_user("City Police", Role::Police, "pc").await;
    let (_, created) = t.refer(&caseworker, &adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    World { t, caseworker, police, case }
}

impl World {
    async fn post(&self, who: &Token, path: &str, body: &Value) -> (StatusCode, Value) {
        let r = self.t.client.post(self.t.url(path)).bearer_auth(&who.0).json(body).send().await.unwrap();
        (r.status(), r.json().await.unwrap_or(Value::Null))
    }

    async fn ask(&self, who: &Token, reference: &str) -> (StatusCode, Value) {
        let body = json!({"reason": "risk-to-life-of-person", "reference": reference});
        self.post(who, &format!("/api/v1/cases/{}/emergency-requests", self.case), &body).await
    }

    async fn decide(&self, who: &Token, request: &str, decision: &str) -> (StatusCode, Value) {
        let path = format!("/api/v1/cases/{}/emergency-requests/{request}/decision", self.case);
        self.post(who, &path, &json!({ "decision": decision })).await
    }

    async fn identity(&self, who: &Token) -> (StatusCode, Value) {
        self.t.get(who, &format!("/api/v1/cases/{}/identity", self.case)).await
    }
}

#[tokio::test]
async fn an_approved_request_opens_the_identity_to_that_officer_only_for_a_limited_time() {
    let w = world().await;
    let (status, made) = w.ask(&w.police, "CAD 2291/26").await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["status"], "pending");
    let request = made["request_id"].as_str().unwrap().to_string();
    assert_eq!(w.identity(&w.police).await.0, StatusCode::FORBIDDEN, "a pending request opened the identity");

    // The case's workers see the request; the police cannot approve their own.
    let (status, list) = w.t.get(&w.caseworker, &format!("/api/v1/cases/{}/emergency-requests", w.case)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["request"]["reference"], "CAD 2291/26");
    assert_eq!(w.decide(&w.police, &request, "approved").await.0, StatusCode::FORBIDDEN);

    let (status, decided) = w.decide(&w.caseworker, &request, "approved").await;
    assert_eq!((status, decided["status"].as_str()), (StatusCode::OK, Some("approved")), "{decided}");
    let (status, person) = w.identity(&w.police).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(person["identity"]["full_name"], "Ana Example");
    assert!(person["account"].is_null(), "emergency access released the account: {person}");
    // Only the officer who asked.
    let colleague = w.t.api_user("City Police", Role::Police, "pc2").await;
    assert_eq!(w.identity(&colleague).await.0, StatusCode::FORBIDDEN);
    // Decided once.
    assert_eq!(w.decide(&w.caseworker, &request, "declined").await.0, StatusCode::CONFLICT);

    // The audit says why by the reason's code, never the officer's reference.
    let case = sg_domain::CaseId::parse(&w.case).unwrap();
    let entries = w.t.store.audit_for_case(case).await.unwrap();
    let read = entries
        .iter()
        .find(|e| {
            e.record.action == sg_audit::AuditAction::IdentityRead && e.record.outcome == sg_audit::Outcome::Allowed
        })
        .unwrap();
    assert_eq!(read.record.detail, "emergency access: risk-to-life-of-person");
    assert!(entries.iter().all(|e| !e.record.detail.contains("CAD 2291")), "the reference reached the audit log");

    // The person sees who saw their details, and why.
    let (_, code) = w.post(&w.caseworker, &format!("/api/v1/cases/{}/survivor-code", w.case), &json!({})).await;
    let person = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let html = common::post_presession(&person, &w.t.url("/survivor"), &[("code", code["code"].as_str().unwrap())])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(
            "Emergency access, approved by someone working on your case: your life was believed to be at risk."
        ),
        "{html}"
    );

    // After the rules' hours (24), it ends.
    w.t.advance_days(2);
    assert_eq!(w.identity(&w.police).await.0, StatusCode::FORBIDDEN, "emergency access did not end");
}

#[tokio::test]
async fn a_declined_request_opens_nothing_and_only_the_police_ask_with_a_plain_reference() {
    let w = world().await;
    let outsider = w.t.api_user("Other NGO", Role::FirstResponder, "outsider").await;
    assert_eq!(w.ask(&w.caseworker, "X1").await.0, StatusCode::FORBIDDEN, "a caseworker asked for emergency access");
    let (status, err) = w.ask(&w.police, "Ana Example, 07700 900123, seen at the car wash").await;
    assert_eq!((status, err["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("reference")));

    let (_, made) = w.ask(&w.police, "CAD 77").await;
    let request = made["request_id"].as_str().unwrap().to_string();
    assert_eq!(w.decide(&outsider, &request, "approved").await.0, StatusCode::NOT_FOUND);
    let (status, decided) = w.decide(&w.caseworker, &request, "declined").await;
    assert_eq!((status, decided["status"].as_str()), (StatusCode::OK, Some("declined")));
    assert_eq!(w.identity(&w.police).await.0, StatusCode::FORBIDDEN, "a declined request opened the identity");
}
