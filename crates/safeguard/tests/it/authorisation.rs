//! The authorisation matrix: every route, as every role, an anonymous visitor and a first
//! responder of another organisation, against one table of expected statuses. The test fails
//! when a route is missing from the table.

use crate::common;

use std::collections::BTreeMap;

use common::{adult_referral, TestApp, Token};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sg_domain::Role;

/// The columns of the table.
const WHO: [&str; 11] = ["anon", "admin", "fr", "fr-other", "dm", "sp", "guardian", "la", "police", "ie", "monitor"];

/// Expected status per column, in `WHO` order.
fn table() -> BTreeMap<&'static str, [u16; 11]> {
    let all = |s| [s; 11];
    let signed_in = |anon, rest| {
        let mut row = [rest; 11];
        row[0] = anon;
        row
    };
    // Administration: the administrator only; anyone else signed in is refused.
    let admin_only = |admin| {
        let mut row = [403; 11];
        row[0] = 303;
        row[1] = admin;
        row
    };
    // Administrators see no case record: a case answers "not found" as to a stranger, and the
    // case list is refused (both audited as refusals).
    BTreeMap::from([
        //                                                          anon adm  fr  fro  dm   sp   gd   la   pol  ie   mon
        ("GET /healthz", all(200)),
        ("GET /", all(303)),
        ("GET /static/{*path}", all(200)),
        ("GET /favicon.ico", all(200)),
        ("POST /session/keep-alive", signed_in(303, 204)),
        ("GET /sign-in", all(200)),
        ("POST /sign-in", all(200)),
        ("GET /sign-in/code", all(200)),
        ("POST /sign-in/code", all(200)),
        ("GET /sign-in/two-factor", all(303)),
        ("POST /sign-in/two-factor", all(303)),
        ("GET /account/password", signed_in(303, 200)),
        ("GET /account/two-factor", signed_in(303, 200)),
        ("POST /account/two-factor", signed_in(303, 200)),
        ("POST /account/password", signed_in(303, 200)),
        ("GET /account/tokens", signed_in(303, 200)),
        ("GET /organisation", signed_in(303, 200)),
        ("GET /rules", signed_in(303, 200)),
        // A token of the first responder's page user: theirs to revoke; anyone else's is "not found".
        ("POST /account/tokens/{token_id}/revoke", [303, 404, 303, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("GET /cases", [303, 403, 200, 200, 200, 200, 200, 200, 403, 403, 403]),
        ("GET /cases/{case_id}", [303, 404, 200, 404, 200, 404, 404, 404, 403, 403, 403]),
        ("GET /cases/{case_id}/decide/{question}", [303, 404, 403, 404, 200, 404, 404, 404, 403, 403, 403]),
        ("POST /cases/{case_id}/decide/{question}", [303, 404, 403, 404, 303, 404, 404, 404, 403, 403, 403]),
        // Entering support: the referrer and the decision maker arrange it; the provider cannot
        // see a case it does not support yet; the administrator may not; the legal adviser
        // (like the provider and the guardian) is not related to these cases: the person did not
        // instruct them, so every case route answers "not found", as for a case that does not exist.
        ("GET /cases/{case_id}/act/{action}", [303, 404, 200, 404, 200, 404, 404, 404, 403, 403, 403]),
        ("POST /cases/{case_id}/act/{action}", [303, 404, 303, 404, 303, 404, 404, 404, 403, 403, 403]),
        ("GET /cases/{case_id}/identity", [303, 404, 200, 404, 200, 404, 404, 404, 403, 403, 403]),
        ("GET /cases/{case_id}/consents", [303, 404, 200, 404, 403, 404, 404, 404, 403, 403, 403]),
        // An empty form: those who may manage consents get the page again with the error summary.
        ("POST /cases/{case_id}/consents", [303, 404, 200, 404, 403, 404, 404, 404, 403, 403, 403]),
        (
            "POST /cases/{case_id}/consents/{consent_id}/withdraw",
            [303, 404, 303, 404, 403, 404, 404, 404, 403, 403, 403],
        ),
        // An empty countersignature: the first responder signed in here is a colleague of the
        // recorder, so is asked for the attestation (200); nobody else gets that far.
        (
            "POST /cases/{case_id}/consents/{consent_id}/countersign",
            [303, 404, 200, 404, 403, 404, 404, 404, 403, 403, 403],
        ),
        // No decision chosen: those who work on the case are sent back to the consents page.
        (
            "POST /cases/{case_id}/emergency-requests/{request_id}/decision",
            [303, 404, 303, 404, 403, 404, 404, 404, 403, 403, 403],
        ),
        ("POST /cases/{case_id}/survivor-code", [303, 404, 201, 404, 403, 404, 404, 404, 403, 403, 403]),
        // The slip only for the case's live code (none is sent here: refused for the caseworker).
        ("POST /cases/{case_id}/survivor-code/slip", [303, 404, 403, 404, 403, 404, 404, 404, 403, 403, 403]),
        // No live code: the confirmation returns to the consents.
        ("GET /cases/{case_id}/survivor-code/end", [303, 404, 303, 404, 403, 404, 404, 404, 403, 403, 403]),
        ("POST /cases/{case_id}/survivor-code/end", [303, 404, 303, 404, 403, 404, 404, 404, 403, 403, 403]),
        ("GET /referrals/convert", [303, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403]),
        ("POST /referrals/convert", [303, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403]),
        ("GET /referrals/new", [303, 403, 303, 303, 403, 403, 403, 403, 303, 303, 403]),
        ("GET /monitoring", [303, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        ("GET /monitor/simulation", [303, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        ("GET /monitoring/indicators/{indicator}", [303, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        ("GET /monitoring/recommendations", [303, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        // The generic form names no recommendation: statistics roles get the page again with the
        // error summary; everyone else is refused before the form is read.
        ("POST /monitoring/recommendations", [303, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        // An empty form: the statistics roles get the page again with the error summary.
        ("POST /monitoring/recommendations/add", [303, 200, 403, 403, 403, 403, 403, 403, 403, 403, 200]),
        ("GET /admin/organisations", admin_only(200)),
        // An empty form: the administrator gets the page again with the error summary.
        ("POST /admin/organisations", admin_only(200)),
        ("GET /admin/users", admin_only(200)),
        ("POST /admin/users", admin_only(200)),
        ("GET /admin/users/{user_id}/disable", admin_only(200)),
        ("POST /admin/users/{user_id}/disable", admin_only(303)),
        ("GET /admin/users/{user_id}/reset", admin_only(200)),
        // The new code's page; or, once the target is disabled, the confirmation with its error.
        ("POST /admin/users/{user_id}/reset", admin_only(200)),
        ("GET /admin/keys", admin_only(200)),
        // A request by another administrator: approving shows the code; declining goes back to the list.
        ("GET /admin/requests", admin_only(200)),
        ("GET /admin/requests/{request_id}/approve", admin_only(200)),
        ("POST /admin/requests/{request_id}/approve", admin_only(200)),
        ("GET /admin/requests/{request_id}/decline", admin_only(200)),
        ("POST /admin/requests/{request_id}/decline", admin_only(303)),
        ("GET /referrals/sent/{case_id}", [303, 404, 200, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("GET /referrals/new/{step}", [303, 403, 200, 200, 403, 403, 403, 403, 200, 200, 403]),
        ("POST /referrals/new/{step}", [303, 403, 303, 303, 403, 403, 403, 403, 303, 303, 403]),
        // Saved drafts: every referrer has a list of their own; a draft (here the first
        // responder's) opens only for its author, and is "not found" to other referrers.
        ("GET /referrals/drafts", [303, 403, 200, 200, 403, 403, 403, 403, 200, 200, 403]),
        ("GET /referrals/drafts/{draft_id}", [303, 403, 303, 404, 403, 403, 403, 403, 404, 404, 403]),
        ("GET /referrals/drafts/{draft_id}/delete", [303, 403, 200, 404, 403, 403, 403, 403, 404, 404, 403]),
        ("POST /referrals/drafts/{draft_id}/delete", [303, 403, 303, 404, 403, 403, 403, 403, 404, 404, 403]),
        ("GET /api/v1/openapi.json", all(200)),
        ("POST /api/v1/referrals", [401, 403, 201, 201, 403, 403, 403, 403, 201, 201, 403]),
        ("POST /api/v1/referrals/convert", [401, 403, 200, 200, 403, 403, 403, 403, 403, 403, 403]),
        ("GET /api/v1/cases", [401, 403, 200, 200, 200, 200, 200, 200, 403, 403, 403]),
        ("GET /api/v1/cases/{case_id}", [401, 404, 200, 404, 200, 404, 404, 404, 403, 403, 403]),
        ("GET /api/v1/cases/{case_id}/identity", [401, 404, 200, 404, 200, 404, 404, 404, 403, 403, 403]),
        ("POST /api/v1/cases/{case_id}/actions", [401, 404, 403, 404, 200, 404, 404, 404, 403, 403, 403]),
        ("GET /api/v1/cases/{case_id}/consents", [401, 404, 200, 404, 403, 404, 404, 404, 403, 403, 403]),
        ("POST /api/v1/cases/{case_id}/consents", [401, 404, 201, 404, 403, 404, 404, 404, 403, 403, 403]),
        (
            "DELETE /api/v1/cases/{case_id}/consents/{consent_id}",
            [401, 404, 200, 404, 403, 404, 404, 404, 403, 403, 403],
        ),
        // The API's first responder recorded the consent: not theirs to countersign; a legal
        // adviser is not of the recording organisation.
        (
            "POST /api/v1/cases/{case_id}/consents/{consent_id}/countersign",
            [401, 404, 403, 404, 403, 404, 404, 404, 403, 403, 403],
        ),
        ("GET /api/v1/cases/{case_id}/emergency-requests", [401, 404, 200, 404, 403, 404, 404, 404, 403, 403, 403]),
        // Only the police ask; a request needs a reason and a reference.
        ("POST /api/v1/cases/{case_id}/emergency-requests", [401, 403, 403, 403, 403, 403, 403, 403, 201, 403, 403]),
        (
            "POST /api/v1/cases/{case_id}/emergency-requests/{request_id}/decision",
            [401, 404, 200, 404, 403, 404, 404, 404, 403, 403, 403],
        ),
        ("POST /api/v1/cases/{case_id}/survivor-code", [401, 404, 201, 404, 403, 404, 404, 404, 403, 403, 403]),
        ("DELETE /api/v1/cases/{case_id}/survivor-code", [401, 404, 204, 404, 403, 404, 404, 404, 403, 403, 403]),
        ("GET /survivor", all(200)),
        ("POST /survivor", all(200)),
        ("GET /survivor/view", all(303)),
        ("POST /survivor/consents/{consent_id}/withdraw", all(303)),
        // Without a survivor session, everyone is sent to the code page.
        ("POST /survivor/legal-advisers", all(303)),
        ("POST /survivor/legal-advisers/{org_id}/end", all(303)),
        ("POST /survivor/consents/{consent_id}/confirm", all(303)),
        // The quick exit always leaves for the neutral site; signing out needs a session.
        ("GET /survivor/exit", all(303)),
        ("POST /survivor/sign-out", all(303)),
        // Last: it ends the sessions.
        ("POST /sign-out", all(303)),
    ])
}

struct Actor {
    token: Option<Token>,
    page: reqwest::Client,
    csrf: String,
}

async fn actor(t: &TestApp, org: &str, role: Role, name: &str) -> Actor {
    let token = t.api_user(org, role, name).await;
    let code = t.app.create_user(org, None, role, &format!("{name}-browser"), false).await.unwrap().sign_in_code;
    let page =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = common::post_presession(&page, &t.url("/sign-in/code"), &[("code", code.as_str())]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = page.get(t.url("/account/password")).send().await.unwrap().text().await.unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    if sg_app::second_factor::required_for(role) {
        let html = page.get(t.url("/account/two-factor")).send().await.unwrap().text().await.unwrap();
        let secret = common::enrolment_secret(&html);
        let code = common::current_totp_code(t, &secret);
        let form = [("secret", secret.as_str()), ("code", code.as_str()), ("csrf", csrf.as_str())];
        let r = page.post(t.url("/account/two-factor")).form(&form).send().await.unwrap();
        assert_eq!(r.headers()["location"], "/", "enrolment failed for {name}");
    }
    Actor { token: Some(token), page, csrf }
}

#[tokio::test]
async fn every_route_as_every_role() {
    let t = TestApp::start().await;
    let anon = Actor {
        token: None,
        // Cookies kept: the forms before sign-in pair their token with a cookie.
        page: reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        csrf: String::new(),
    };
    let actors = [
        anon,
        actor(&t, "Safeguard administrators", Role::Admin, "admin").await,
        actor(&t, "Hope NGO", Role::FirstResponder, "fr").await,
        actor(&t, "Other NGO", Role::FirstResponder, "fr-other").await,
        actor(&t, "Single Competent Authority", Role::DecisionMaker, "dm").await,
        actor(&t, "Safe House Trust", Role::SupportProvider, "sp").await,
        actor(&t, "Guardian Service", Role::Guardian, "guardian").await,
        actor(&t, "Law Centre", Role::LegalAdviser, "la").await,
        actor(&t, "City Police", Role::Police, "police").await,
        actor(&t, "Immigration Enforcement", Role::ImmigrationEnforcement, "ie").await,
        actor(&t, "Monitoring Group", Role::Monitor, "monitor").await,
    ];
    let referrer = actors[2].token.clone().unwrap();
    let police = actors[8].token.clone().unwrap();
    // The user the disable routes name (the administrator's request disables them).
    let target = t.app.create_user("Target Org", None, Role::Monitor, "matrix-target", false).await.unwrap();
    let target = target.user.id.to_string();
    let new_case = || async {
        let (_, created) = t.refer(&referrer, &adult_referral(), None).await;
        created["case_id"].as_str().unwrap().to_string()
    };
    // A saved referral of the first responder's, written as the referral pages write one.
    let author = t.store.user_by_name("fr-browser").await.unwrap().unwrap().0;
    let new_draft = || async {
        let id = uuid::Uuid::new_v4();
        let now = time::OffsetDateTime::now_utc();
        let draft = sg_store::ReferralDraft {
            id,
            user: author.id,
            created_at: now,
            updated_at: now,
            step: "person".into(),
            sealed: sg_app::vault::seal_draft(&t.app.keys, format!("{id}|{}", author.id).as_bytes(), "{}"),
        };
        let audit =
            t.app.audit_record(Some(&author), sg_audit::AuditAction::DraftSaved, None, sg_audit::Outcome::Allowed, "");
        t.store.save_referral_draft(&draft, &audit).await.unwrap();
        id.to_string()
    };
    // Requests asked by a second administrator, for the matrix's administrator to answer.
    let other_admin = t.app.create_user("Safeguard administrators", None, Role::Admin, "admin-2", false).await.unwrap();
    let hope = t.store.org_by_name("Hope NGO").await.unwrap().unwrap().id.to_string();
    let new_request = |n: usize| {
        let (other_admin, hope) = (other_admin.user.clone(), hope.clone());
        let app = t.app.clone();
        async move {
            let input =
                sg_app::admin::UserInput { org: hope, role: "first-responder".into(), name: format!("asked-{n}") };
            match app.admin_add_user(&other_admin, &input).await.unwrap() {
                sg_app::admin::AddedUser::Requested(r) => r.id.to_string(),
                sg_app::admin::AddedUser::Created(_) => panic!("a first responder needs a second administrator"),
            }
        }
    };
    let mut requests_made = 0;
    let expires_on = common::days_ago(-30);
    let consent_body = json!({"purpose": "support", "recipient_org": "Safe House Trust", "categories": ["identity"], "expires_on": expires_on});

    let table = table();
    let listed: Vec<&str> = sg_web::ROUTES.to_vec();
    for route in &listed {
        assert!(table.contains_key(route), "route {route} is missing from the authorisation table");
    }
    let mut failures = vec![];
    let mut ordered: Vec<&str> = listed.iter().copied().filter(|r| *r != "POST /sign-out").collect();
    ordered.push("POST /sign-out");
    for route in ordered {
        let expected = table[route];
        let (method, path) = route.split_once(' ').unwrap();
        for (i, who) in actors.iter().enumerate() {
            let case = new_case().await;
            let consent = {
                let r = t
                    .client
                    .post(t.url(&format!("/api/v1/cases/{case}/consents")))
                    .bearer_auth(&referrer.0)
                    .json(&consent_body)
                    .send()
                    .await
                    .unwrap();
                r.json::<Value>().await.unwrap()["consent_id"].as_str().unwrap().to_string()
            };
            let draft = new_draft().await;
            requests_made += 1;
            let account_request = new_request(requests_made).await;
            let token_id = {
                t.app.issue_api_token(author.id, "matrix", 1).await.unwrap();
                t.app.my_api_tokens(&author).await.unwrap()[0].id.clone()
            };
            let emergency_request = {
                let r = t
                    .client
                    .post(t.url(&format!("/api/v1/cases/{case}/emergency-requests")))
                    .bearer_auth(&police.0)
                    .json(&json!({"reason": "risk-to-life-of-person", "reference": "CAD 1234"}))
                    .send()
                    .await
                    .unwrap();
                r.json::<Value>().await.unwrap()["request_id"].as_str().unwrap().to_string()
            };
            let url = t.url(
                &path
                    .replace("{draft_id}", &draft)
                    .replace(
                        "{request_id}",
                        if path.starts_with("/admin/") { &account_request } else { &emergency_request },
                    )
                    .replace("{token_id}", &token_id)
                    .replace("{case_id}", &case)
                    .replace("{consent_id}", &consent)
                    .replace("{user_id}", &target)
                    .replace("{org_id}", &target)
                    .replace("{question}", "reasonable-grounds")
                    .replace("{action}", "enter-support")
                    .replace("{step}", "about")
                    .replace("{indicator}", "referrals")
                    .replace("{*path}", "safeguard.css"),
            );
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let status = if path.starts_with("/api/") {
                let mut req = t.client.request(method.clone(), &url);
                if let Some(token) = &who.token {
                    req = req.bearer_auth(&token.0);
                }
                if method == Method::POST {
                    let body = match path {
                        "/api/v1/referrals" => adult_referral(),
                        "/api/v1/referrals/convert" => {
                            let mut report = adult_referral();
                            report["consent_to_referral"] = json!(false);
                            let (_, made) = t.refer(&referrer, &report, None).await;
                            json!({"conversion_code": made["conversion_code"], "identity": {"full_name": "Now Consenting"}})
                        }
                        p if p.ends_with("/countersign") => json!({"language": "English", "interpreter": "none"}),
                        p if p.ends_with("/emergency-requests") => {
                            json!({"reason": "risk-to-life-of-person", "reference": "CAD 1234"})
                        }
                        p if p.ends_with("/decision") => json!({"decision": "declined"}),
                        p if p.ends_with("/actions") => {
                            json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": "r"})
                        }
                        _ => consent_body.clone(),
                    };
                    req = req.json(&body);
                }
                req.send().await.unwrap().status()
            } else {
                let mut req = who.page.request(method.clone(), &url);
                if method == Method::POST {
                    let form: Vec<(&str, &str)> = match path {
                        // A name per actor: the same name from one address would be throttled.
                        "/sign-in" => vec![("name", WHO[i]), ("password", "wrong")],
                        "/sign-in/code" => vec![("code", "not-a-code")],
                        "/account/password" => {
                            vec![("password", "a long password here"), ("confirmation", "different")]
                        }
                        "/account/two-factor" => {
                            vec![("secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"), ("code", "000000")]
                        }
                        "/sign-in/two-factor" => vec![("code", "000000")],
                        "/survivor" => vec![("code", "not-a-code")],
                        p if p.contains("/decide/") => vec![("outcome", "positive"), ("reasons", "r")],
                        p if p.contains("/act/") => vec![("provider", "Safe House Trust")],
                        p if p.starts_with("/referrals/") => {
                            vec![("jurisdiction", "england-wales"), ("age", "adult"), ("age_then", "adult")]
                        }
                        _ => vec![],
                    };
                    let mut form = form;
                    // The forms sent before signing in carry the browser's pre-session token.
                    let token = if common::is_presession_form(path) {
                        common::form_token(&who.page, &url).await
                    } else {
                        who.csrf.clone()
                    };
                    form.push(("csrf", &token));
                    req = req.form(&form);
                }
                req.send().await.unwrap().status()
            };
            if status.as_u16() != expected[i] {
                failures.push(format!("{route} as {}: expected {}, got {}", WHO[i], expected[i], status.as_u16()));
            }
        }
    }
    assert!(failures.is_empty(), "authorisation matrix mismatches:\n{}", failures.join("\n"));
}
