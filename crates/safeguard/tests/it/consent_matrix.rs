//! The firewall for police and immigration enforcement: only a consent in force (confirmed by
//! the person or countersigned), naming their organisation, for their purpose, releases data,
//! and only the categories it names.

use crate::common;

use common::{adult_referral, TestApp, Token};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_domain::Role;

struct World {
    t: TestApp,
    caseworker: Token,
    colleague: Token,
    case: String,
}

async fn world() -> World {
    let t = TestApp::start().await;
    let caseworker = t.api_user("Hope NGO", Role::FirstResponder, "caseworker").await;
    let colleague = t.api_user("Hope NGO", Role::FirstResponder, "colleague").await;
    let (_, created) = t.refer(&caseworker, &adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    World { t, caseworker, colleague, case }
}

impl World {
    /// Records a consent and, as a colleague, countersigns it: in force at once.
    async fn consent(&self, body: Value) -> String {
        let id = self.pending(body).await;
        let r = self
            .t
            .client
            .post(self.t.url(&format!("/api/v1/cases/{}/consents/{id}/countersign", self.case)))
            .bearer_auth(&self.colleague.0)
            .json(&json!({"language": "Albanian", "interpreter": "none"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        id
    }

    /// Records a consent, leaving it pending.
    async fn pending(&self, body: Value) -> String {
        let r = self
            .t
            .client
            .post(self.t.url(&format!("/api/v1/cases/{}/consents", self.case)))
            .bearer_auth(&self.caseworker.0)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json::<Value>().await.unwrap()["consent_id"].as_str().unwrap().to_string()
    }

    async fn identity(&self, who: &Token) -> (StatusCode, Value) {
        self.t.get(who, &format!("/api/v1/cases/{}/identity", self.case)).await
    }
}

fn consent(purpose: &str, org: &str, categories: &[&str]) -> Value {
    json!({"purpose": purpose, "recipient_org": org, "categories": categories, "expires_on": common::days_ago(-30),
           "language": "Albanian", "interpreter": true})
}

async fn check_role(role: Role, org: &str, purpose: &str, other_purpose: &str) {
    let w = world().await;
    let officer = w.t.api_user(org, role, "officer").await;
    let kind = sg_app::auth::default_org_kind(role);
    w.t.app.store.ensure_org("Another Force", kind, w.t.app.clock.now()).await.unwrap();

    // No consent.
    let (status, body) = w.identity(&officer).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!body.to_string().contains("Ana"), "refusal leaked data: {body}");

    // Wrong purpose: cannot even be recorded for this recipient (its kind does not fit).
    let r =
        w.t.client
            .post(w.t.url(&format!("/api/v1/cases/{}/consents", w.case)))
            .bearer_auth(&w.caseworker.0)
            .json(&consent(other_purpose, org, &["identity", "account"]))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Wrong recipient, and a right one still pending: refused.
    w.consent(consent(purpose, "Another Force", &["identity", "account"])).await;
    w.pending(consent(purpose, org, &["identity", "account"])).await;
    assert_eq!(w.identity(&officer).await.0, StatusCode::FORBIDDEN, "wrong recipient or pending released data");

    // Wrong category: identity only releases no account, and vice versa.
    let only_account = w.consent(consent(purpose, org, &["account"])).await;
    let (status, body) = w.identity(&officer).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["identity"].is_null(), "{body}");
    assert_eq!(body["account"], "I was made to work in a car wash for no pay.");

    // Withdrawn: takes effect on the next request.
    let r =
        w.t.client
            .delete(w.t.url(&format!("/api/v1/cases/{}/consents/{only_account}", w.case)))
            .bearer_auth(&w.caseworker.0)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(w.identity(&officer).await.0, StatusCode::FORBIDDEN, "a withdrawn consent still released data");

    // Valid: releases exactly its categories.
    w.consent(consent(purpose, org, &["identity"])).await;
    let (status, body) = w.identity(&officer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["identity"]["full_name"], "Ana Example");
    assert!(body["account"].is_null(), "{body}");

    // Expired: after its last day it releases nothing.
    w.t.advance_days(31);
    assert_eq!(w.identity(&officer).await.0, StatusCode::FORBIDDEN, "an expired consent still released data");

    // Every attempt, allowed or refused, is in the audit log for the case.
    let case = sg_domain::CaseId::parse(&w.case).unwrap();
    let entries = w.t.store.audit_for_case(case).await.unwrap();
    let reads: Vec<_> = entries.iter().filter(|e| e.record.action == sg_audit::AuditAction::IdentityRead).collect();
    let refused = reads.iter().filter(|e| e.record.outcome == sg_audit::Outcome::Refused).count();
    assert_eq!((reads.len(), refused), (6, 4), "{reads:#?}");
}

#[tokio::test]
async fn police_see_only_what_a_valid_consent_releases_to_them() {
    check_role(Role::Police, "City Police", "share-with-police", "share-with-immigration-enforcement").await;
}

#[tokio::test]
async fn immigration_enforcement_see_only_what_a_valid_consent_releases_to_them() {
    check_role(
        Role::ImmigrationEnforcement,
        "Home Office Immigration Enforcement",
        "share-with-immigration-enforcement",
        "share-with-police",
    )
    .await;
}

#[tokio::test]
async fn consents_are_checked_and_recorded_only_by_those_working_with_the_person() {
    let w = world().await;
    let police = w.t.api_user("City Police", Role::Police, "pc").await;
    let path = format!("/api/v1/cases/{}/consents", w.case);
    // The police cannot grant themselves consent.
    let r =
        w.t.client
            .post(w.t.url(&path))
            .bearer_auth(&police.0)
            .json(&consent("share-with-police", "City Police", &["identity"]))
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    for (body, field) in [
        (consent("share-with-police", "No Such Org", &["identity"]), "recipient_org"),
        (consent("share-with-everyone", "City Police", &["identity"]), "purpose"),
        (consent("share-with-police", "City Police", &[]), "categories"),
        (
            json!({"purpose": "share-with-police", "recipient_org": "City Police", "categories": ["identity"], "expires_on": common::days_ago(1)}),
            "expires_on",
        ),
    ] {
        let r = w.t.client.post(w.t.url(&path)).bearer_auth(&w.caseworker.0).json(&body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let err: Value = r.json().await.unwrap();
        assert_eq!(err["error"]["field"], field, "{err}");
    }
    let (status, list) = w.t.get(&w.caseworker, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 0, "a refused consent was stored");
}

#[tokio::test]
async fn the_survivor_sees_their_consents_and_who_accessed_their_data_and_withdraws() {
    let w = world().await;
    let police = w.t.api_user("City Police", Role::Police, "pc").await;
    w.consent(consent("share-with-police", "City Police", &["identity"])).await;
    assert_eq!(w.identity(&police).await.0, StatusCode::OK);

    let r =
        w.t.client
            .post(w.t.url(&format!("/api/v1/cases/{}/survivor-code", w.case)))
            .bearer_auth(&w.caseworker.0)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let code = r.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_string();

    let person = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let page = common::post_presession(&person, &w.t.url("/survivor"), &[("code", code.as_str())]).await;
    assert!(page.url().path().ends_with("/survivor/view"));
    let html = page.text().await.unwrap();
    assert!(html.contains("City Police may see your name, date of birth and contact details"), "{html}");
    assert!(html.contains("Saw your personal details") && html.contains("City Police (police)"), "{html}");
    assert!(!html.contains("Ana Example"), "the survivor view shows no identity, only who saw it");
    // Why, in plain words: the organisation's name and the purpose, never a raw identifier.
    assert!(html.contains("You agreed that City Police may see it, for sharing with the police."), "{html}");
    assert!(html.contains("You agreed to it.") && html.contains("To give you a code for this page."), "{html}");
    assert!(html.contains("\">You</td>"), "the person's own visit is theirs: {html}");
    let why_column: Vec<&str> = html.split("<tr class=\"govuk-table__row\">").skip(2).collect();
    assert!(!why_column.is_empty());
    for row in &why_column {
        let uuid_like = row.split(|c: char| !c.is_ascii_hexdigit() && c != '-').any(|w| w.len() == 36);
        assert!(!uuid_like, "a raw id on the survivor's page: {row}");
    }

    // The code works again (issue 20: reusable until the caseworker ends it).
    let other = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let again = common::post_presession(&other, &w.t.url("/survivor"), &[("code", code.as_str())]).await;
    assert!(again.url().path().ends_with("/survivor/view"), "the code worked only once");

    // Withdrawing takes effect on the police's next request.
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let action = html.split("action=\"/survivor/consents/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let after = person
        .post(w.t.url(&format!("/survivor/consents/{action}")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(after.contains("You withdrew it on"), "{after}");
    assert!(after.contains("The agreement that City Police may see it, for sharing with the police, was taken back."));
    let welsh = person.get(w.t.url("/survivor/view?lang=cy")).send().await.unwrap().text().await.unwrap();
    assert!(welsh.contains("Fe wnaethoch gytuno y caiff City Police ei gweld"), "{welsh}");
    assert_eq!(w.identity(&police).await.0, StatusCode::FORBIDDEN);
}
