//! Issue 15, the administrator's part: the firewall holds against an insider with an
//! administrator's account. Each test is an attack that worked before: an administrator reads
//! cases; makes a legal adviser in a police force; makes or resets an identity-seeing account
//! alone and signs in as it; a user who sees identities signs in with a password alone; an API
//! token that never expires and cannot be revoked.

use crate::common;

use common::browser::Browser;
use common::{adult_referral, TestApp, Token};
use reqwest::StatusCode;
use sg_audit::{AuditAction, Outcome};
use sg_domain::{Coded, Role};

async fn audited(t: &TestApp, action: AuditAction, outcome: Outcome) -> Vec<sg_audit::AuditEntry> {
    let all = t.store.audit_page(0, 10_000).await.unwrap();
    all.into_iter().filter(|e| e.record.action == action && e.record.outcome == outcome).collect()
}

/// The id of a user by name.
async fn user_id(t: &TestApp, name: &str) -> String {
    t.store.user_by_name(name).await.unwrap().expect("the user exists").0.id.to_string()
}

#[tokio::test]
async fn an_administrator_sees_no_case_as_a_stranger_would_and_is_audited() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let (_, made) = t.refer(&fr, &adult_referral(), None).await;
    let case = made["case_id"].as_str().unwrap().to_string();
    let admin = t.api_user("Safeguard administrators", Role::Admin, "adm").await;
    let stranger = t.api_user("Other NGO", Role::FirstResponder, "stranger").await;

    let (status, body) = t.get(&admin, "/api/v1/cases").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the case list: {body}");
    for path in ["", "/identity", "/consents"] {
        let path = format!("/api/v1/cases/{case}{path}");
        let (status, body) = t.get(&admin, &path).await;
        let (stranger_status, stranger_body) = t.get(&stranger, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert_eq!((status, &body), (stranger_status, &stranger_body), "{path}: not the stranger's answer");
        assert!(!body.to_string().contains("Ana Example") && !body.to_string().contains("car wash"), "{body}");
    }
    // The pages too: the case, its identity and consents are "not found"; the list is refused.
    let mut page = Browser::with_code(&t, "Safeguard administrators", Role::Admin, "adm-pages").await;
    let (status, _, _) = page.get("/cases").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    for path in ["", "/identity", "/consents"] {
        let (status, _, html) = page.get(&format!("/cases/{case}{path}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "/cases/{case}{path}");
        assert!(!html.contains("Ana Example") && !html.contains("car wash"));
    }
    let case_reads = audited(&t, AuditAction::CaseRead, Outcome::Refused).await;
    let admin_id = user_id(&t, "adm").await;
    assert!(case_reads.iter().any(|e| e.record.actor.as_deref() == Some(&admin_id) && e.record.case_id.is_none()));
    assert!(case_reads.iter().any(|e| e.record.actor.as_deref() == Some(&admin_id) && e.record.case_id.is_some()));
    assert!(audited(&t, AuditAction::IdentityRead, Outcome::Refused).await.iter().any(|e| e.record.role == "admin"));

    // Statistics, disclosure-controlled aggregates, stay visible.
    let (status, _, _) = page.get("/monitoring").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn no_role_joins_an_organisation_of_the_wrong_kind() {
    let t = TestApp::start().await;
    t.page_user("City Police", Role::Police, "pc").await;
    let mut admin = Browser::with_code(&t, "Safeguard administrators", Role::Admin, "adm").await;
    let police = t.store.org_by_name("City Police").await.unwrap().unwrap().id.to_string();
    admin.get("/admin/users").await;
    let users_before = t.store.list_users().await.unwrap().len();
    for role in ["legal-adviser", "guardian", "support-provider", "admin", "immigration-enforcement"] {
        let form = [("org", police.as_str()), ("role", role), ("name", "insider")];
        let (status, _, html) = admin.post("/admin/users", &form).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("cannot work for an organisation of kind police"), "{role}: {html}");
        assert!(html.contains("href=\"#org\""), "the error names the organisation field");
    }
    assert_eq!(t.store.list_users().await.unwrap().len(), users_before);
    assert!(t.store.account_requests(None, 10).await.unwrap().is_empty(), "no request for a refused user");

    // The app's own use case refuses the same, whoever calls it.
    let err = t.app.create_user("City Police", None, Role::LegalAdviser, "la", true).await.unwrap_err();
    assert!(matches!(&err, sg_app::AppError::Invalid(f) if f.field == "org"), "{err:?}");
    assert!(t.store.user_by_name("la").await.unwrap().is_none());

    // The table, row by row.
    use sg_store::OrgKind as K;
    assert!(!K::Police.allows(Role::LegalAdviser) && K::LegalPractice.allows(Role::LegalAdviser));
    assert!(K::Ngo.allows(Role::LegalAdviser) && K::Ngo.allows(Role::Guardian));
    assert!(K::GuardianService.allows(Role::Guardian) && !K::Police.allows(Role::Guardian));
    assert!(K::CompetentAuthority.allows(Role::DecisionMaker) && !K::Ngo.allows(Role::DecisionMaker));
    assert!(K::Police.allows(Role::Police) && !K::GovernmentAgency.allows(Role::Police));
    assert!(
        K::GovernmentAgency.allows(Role::ImmigrationEnforcement) && !K::Police.allows(Role::ImmigrationEnforcement)
    );
    for &role in Role::ALL {
        assert!(sg_app::auth::default_org_kind(role).allows(role), "{role:?}'s default kind refuses it");
    }
}

#[tokio::test]
async fn a_new_identity_seeing_user_needs_a_second_administrator() {
    let t = TestApp::start().await;
    t.page_user("Law Centre", Role::LegalAdviser, "colleague").await;
    let law = t.store.org_by_name("Law Centre").await.unwrap().unwrap().id.to_string();
    let mut first = Browser::with_code(&t, "Safeguard administrators", Role::Admin, "first").await;
    first.get("/admin/users").await;
    let form = [("org", law.as_str()), ("role", "legal-adviser"), ("name", "new-adviser")];
    let (status, _, html) = first.post("/admin/users", &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Request sent"), "{html}");
    assert!(!html.contains("id=\"sign-in-code\""), "a code was shown to the administrator who asked");
    assert!(t.store.user_by_name("new-adviser").await.unwrap().is_none(), "made without approval");

    let request = t.store.account_requests(None, 10).await.unwrap().remove(0);
    let approve = format!("/admin/requests/{}/approve", request.id);
    // The administrator who asked cannot approve their own request.
    first.get(&approve).await;
    let (status, _, html) = first.post(&approve, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("a different administrator must approve it"), "{html}");
    assert!(t.store.user_by_name("new-adviser").await.unwrap().is_none());
    assert_eq!(audited(&t, AuditAction::AccountChangeApproved, Outcome::Refused).await.len(), 1);

    // A second administrator approves and sees the code once; with it the adviser signs in.
    let mut second = Browser::with_code(&t, "Safeguard administrators", Role::Admin, "second").await;
    let (_, _, list) = second.get("/admin/requests").await;
    assert!(list.contains("new-adviser") && list.contains(&approve), "{list}");
    second.get(&approve).await;
    let (status, _, html) = second.post(&approve, &[]).await;
    assert_eq!(status, StatusCode::OK);
    let code = html.split("id=\"sign-in-code\">").nth(1).expect("the code is shown").split('<').next().unwrap();
    let mut adviser = Browser::new(&t);
    let (_, path, _) = adviser.post("/sign-in/code", &[("code", code)]).await;
    assert_eq!(path, "/account/password");
    // Answered once: a second approval is refused.
    let (_, _, html) = second.post(&approve, &[]).await;
    assert!(html.contains("already been answered"), "{html}");

    // The organisation concerned sees who asked and who approved.
    let mut colleague = Browser::sign_up(&t, "Law Centre", Role::LegalAdviser, "colleague-2").await;
    let (status, _, html) = colleague.get("/organisation").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("new-adviser") && html.contains("first") && html.contains("Approved by second"), "{html}");
    let mut outsider = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "outsider").await;
    let (_, _, html) = outsider.get("/organisation").await;
    assert!(!html.contains("new-adviser"), "another organisation's changes were shown");

    assert_eq!(audited(&t, AuditAction::AccountChangeRequested, Outcome::Allowed).await.len(), 1);
    assert_eq!(audited(&t, AuditAction::AccountChangeApproved, Outcome::Allowed).await.len(), 1);

    // A monitor sees statistics only: made at once, as before.
    let atmg = t.app.create_user("Monitoring Group", None, Role::Monitor, "mon", false).await.unwrap().user.org;
    second.get("/admin/users").await;
    let form = [("org", atmg.to_string()), ("role", "monitor".into()), ("name", "mon-2".into())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (_, _, html) = second.post("/admin/users", &form).await;
    assert!(html.contains("id=\"sign-in-code\""), "{html}");
}

#[tokio::test]
async fn a_reset_of_an_identity_seeing_user_or_an_administrator_needs_a_second_administrator() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let (_, made) = t.refer(&fr, &adult_referral(), None).await;
    let case = made["case_id"].as_str().unwrap().to_string();
    let victim = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "victim").await;
    drop(victim);
    let victim_id = user_id(&t, "victim").await;
    let mut first = Browser::with_code(&t, "Safeguard administrators", Role::Admin, "first").await;
    Browser::with_code(&t, "Safeguard administrators", Role::Admin, "second").await;
    let second_id = user_id(&t, "second").await;

    for (target, name) in [(&victim_id, "victim"), (&second_id, "second")] {
        let reset = format!("/admin/users/{target}/reset");
        first.get(&reset).await;
        let (status, _, html) = first.post(&reset, &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Request sent") && !html.contains("id=\"sign-in-code\""), "{name}: {html}");
    }
    // Nothing was reset: the victim still signs in with their password (and authenticator).
    let mut again = Browser::with_password(&t, "victim").await;
    let (status, _, html) = again.get(&format!("/cases/{case}/identity")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(audited(&t, AuditAction::CredentialsReset, Outcome::Allowed).await.is_empty());

    // The second administrator cannot approve the reset of their own account.
    let requests = t.store.account_requests(None, 10).await.unwrap();
    let own = requests.iter().find(|r| r.name == "second").unwrap();
    let own_id = own.id.to_string();
    assert!(t.app.admin_approve(&t.store.user_by_name("second").await.unwrap().unwrap().0, &own_id).await.is_err());

    // A request expires after 7 days.
    t.advance_days(8);
    let request = requests.iter().find(|r| r.name == "victim").unwrap();
    let third = t.app.create_user("Safeguard administrators", None, Role::Admin, "third", false).await.unwrap().user;
    let err = t.app.admin_approve(&third, &request.id.to_string()).await.unwrap_err();
    assert!(matches!(&err, sg_app::AppError::Invalid(f) if f.message.contains("expired")), "{err:?}");
}

#[tokio::test]
async fn every_role_that_sees_identities_must_set_up_a_second_factor() {
    let t = TestApp::start().await;
    for &role in Role::ALL {
        let name = format!("user-{}", role.code());
        let code = t.page_user(common::org_for(role), role, &name).await;
        let mut b = Browser::new(&t);
        b.post("/sign-in/code", &[("code", &code)]).await;
        let pw = common::browser::PASSWORD;
        let (_, path, _) = b.post("/account/password", &[("password", pw), ("confirmation", pw)]).await;
        let (_, cases_path, _) = b.get("/cases").await;
        if role == Role::Monitor {
            assert_ne!(path, "/account/two-factor", "a monitor sees statistics only");
        } else {
            assert_eq!(path, "/account/two-factor", "{role:?} reached a page with a password alone");
            assert_eq!(cases_path, "/account/two-factor", "{role:?}");
        }
        assert_eq!(sg_app::second_factor::required_for(role), role != Role::Monitor);
    }
}

#[tokio::test]
async fn api_tokens_expire_and_are_revoked_one_by_one() {
    let t = TestApp::start().await;
    let first = t.api_user("Hope NGO", Role::FirstResponder, "fr").await;
    let user = t.store.user_by_name("fr").await.unwrap().unwrap().0;
    let second = Token(t.app.issue_api_token(user.id, "script", 90).await.unwrap());
    let short = Token(t.app.issue_api_token(user.id, "one day", 1).await.unwrap());
    for token in [&first, &second, &short] {
        assert_eq!(t.get(token, "/api/v1/cases").await.0, StatusCode::OK);
    }

    // The account page lists them (never the token) and revokes one; the other keeps working.
    let mut page = Browser::with_code(&t, "Hope NGO", Role::FirstResponder, "fr-page").await;
    let (_, _, html) = page.get("/account/tokens").await;
    assert!(html.contains("You have no API tokens."), "another user's tokens were listed: {html}");
    let tokens = t.app.my_api_tokens(&user).await.unwrap();
    assert_eq!(tokens.len(), 3);
    assert!(tokens.iter().all(|i| (i.expires_at - i.created_at).whole_days() <= 90));
    let second_id = tokens.iter().find(|i| i.label == "script").unwrap().id.clone();
    // Someone else's token is "not found" to this user, and keeps working.
    let (status, _, _) = page.post(&format!("/account/tokens/{second_id}/revoke"), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(t.get(&second, "/api/v1/cases").await.0, StatusCode::OK);

    t.app.revoke_my_api_token(&user, &second_id).await.unwrap();
    assert_eq!(t.get(&second, "/api/v1/cases").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get(&first, "/api/v1/cases").await.0, StatusCode::OK);
    assert_eq!(audited(&t, AuditAction::TokenRevoked, Outcome::Allowed).await.len(), 1);

    // Through the page, for its own user.
    let page_user = t.store.user_by_name("fr-page").await.unwrap().unwrap().0;
    let own = Token(t.app.issue_api_token(page_user.id, "mine", 30).await.unwrap());
    let own_id = t.app.my_api_tokens(&page_user).await.unwrap()[0].id.clone();
    let (_, _, html) = page.get("/account/tokens").await;
    assert!(html.contains(&format!("/account/tokens/{own_id}/revoke")) && !html.contains(&own.0), "{html}");
    let (status, path, html) = page.post(&format!("/account/tokens/{own_id}/revoke"), &[]).await;
    assert_eq!((status, path.as_str()), (StatusCode::OK, "/account/tokens"));
    assert!(html.contains("The token was revoked"), "{html}");
    assert_eq!(t.get(&own, "/api/v1/cases").await.0, StatusCode::UNAUTHORIZED);

    // Two days on, the one-day token has expired; a 90-day one has not.
    t.advance_days(2);
    assert_eq!(t.get(&short, "/api/v1/cases").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get(&first, "/api/v1/cases").await.0, StatusCode::OK);
    t.advance_days(89);
    assert_eq!(t.get(&first, "/api/v1/cases").await.0, StatusCode::UNAUTHORIZED, "a token outlived 90 days");

    // A token carries exactly its user's scope: an administrator's token reads no case.
    let admin = t.api_user("Safeguard administrators", Role::Admin, "adm").await;
    assert_eq!(t.get(&admin, "/api/v1/cases").await.0, StatusCode::FORBIDDEN);
    assert!(t.app.issue_api_token(user.id, "too long", 367).await.is_err());
}

#[test]
fn user_add_refuses_an_organisation_of_the_wrong_kind_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--data-dir", d]);
        std::process::Command::new(env!("CARGO_BIN_EXE_safeguard"))
            .env("RUST_LOG", "warn")
            .args(common::lane_args(&all))
            .output()
            .unwrap()
    };
    let out = run(&["user", "add", "--org", "City Police", "--role", "police", "--name", "pc"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // A legal adviser in a police force: refused, naming --org, and nothing made.
    let out = run(&["user", "add", "--org", "City Police", "--role", "legal-adviser", "--name", "la"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("--org") && stderr.contains("kind police"), "{stderr}");
    // A new organisation gets the role's default kind, which allows it.
    let out =
        run(&["user", "add", "--org", "Law Centre", "--role", "legal-adviser", "--name", "la", "--token-days", "7"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1, "--token-days prints the token alone");
    let out = run(&["user", "add", "--org", "Law Centre", "--role", "guardian", "--name", "g", "--token-days", "0"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--token-days"));

    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let store = common::lane_store(dir.path()).await;
        let law = store.org_by_name("Law Centre").await.unwrap().unwrap();
        assert_eq!(law.kind, sg_store::OrgKind::LegalPractice);
        assert!(store.user_by_name("g").await.unwrap().is_none(), "a bad --token-days made the user anyway");
        let (la, _) = store.user_by_name("la").await.unwrap().unwrap();
        let tokens = store.api_tokens(la.id).await.unwrap();
        assert_eq!(tokens.len(), 1);
        assert_eq!((tokens[0].expires_at - tokens[0].created_at).whole_days(), 7);
        // The operator's path writes an audit entry for each user made (and none for refusals).
        let made: Vec<_> = store
            .audit_page(0, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.record.action == AuditAction::UserCreated && e.record.detail.contains("command line"))
            .collect();
        assert_eq!(made.len(), 2);
        assert!(made.iter().all(|e| e.record.actor.is_none()));
    });
}
