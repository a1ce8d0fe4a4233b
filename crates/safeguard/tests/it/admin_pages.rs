//! The administration pages over HTTP, as a browser without JavaScript uses them: an
//! administrator adds an organisation and a user, the user signs in with the one-time code shown
//! once, the administrator disables them and their session and token stop at once; bad input
//! changes nothing; everyone else is refused.

use crate::common;

use common::TestApp;
use reqwest::StatusCode;
use sg_audit::{AuditAction, Outcome};
use sg_domain::Role;

const PASSWORD: &str = "correct horse battery staple";

/// A signed-in browser (cookies kept, redirects followed) and its form token. Roles that need a
/// second factor enrol one, as people do.
async fn sign_in_with_code(t: &TestApp, code: &str, role: Role) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let r = common::post_presession(&client, &t.url("/sign-in/code"), &[("code", code)]).await;
    assert_eq!(r.url().path(), "/account/password", "the code did not sign in");
    let csrf = csrf_of(&r.text().await.unwrap());
    let form = [("password", PASSWORD), ("confirmation", PASSWORD), ("csrf", csrf.as_str())];
    client.post(t.url("/account/password")).form(&form).send().await.unwrap();
    if sg_app::second_factor::required_for(role) {
        let html = client.get(t.url("/account/two-factor")).send().await.unwrap().text().await.unwrap();
        let secret = common::enrolment_secret(&html);
        let code = common::current_totp_code(t, &secret);
        let form = [("secret", secret.as_str()), ("code", code.as_str()), ("csrf", csrf.as_str())];
        let r = client.post(t.url("/account/two-factor")).form(&form).send().await.unwrap();
        assert_ne!(r.url().path(), "/account/two-factor", "enrolment failed");
    }
    (client, csrf)
}

async fn signed_in(t: &TestApp, org: &str, role: Role, name: &str) -> (reqwest::Client, String) {
    let code = t.page_user(org, role, name).await;
    sign_in_with_code(t, &code, role).await
}

fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"").nth(1).expect("a form token").split('"').next().unwrap().to_string()
}

async fn post(
    client: &reqwest::Client,
    t: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let r = client.post(t.url(path)).form(form).send().await.unwrap();
    let (status, path) = (r.status(), r.url().path().to_string());
    (status, path, r.text().await.unwrap())
}

/// A second administrator signs in, approves the newest request after its confirmation step,
/// and gets the page with the one-time code.
async fn approved_by_another_administrator(t: &TestApp) -> String {
    let (second, csrf) = signed_in(t, "Safeguard administrators", Role::Admin, "adm-2").await;
    let request = t.store.account_requests(None, 1).await.unwrap().remove(0);
    let path = format!("/admin/requests/{}/approve", request.id);
    let html = second.get(t.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&request.name), "{html}");
    let (status, _, html) = post(&second, t, &path, &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    html
}

async fn audited(t: &TestApp, action: AuditAction, outcome: Outcome) -> Vec<sg_audit::AuditEntry> {
    let all = t.store.audit_page(0, 10_000).await.unwrap();
    all.into_iter().filter(|e| e.record.action == action && e.record.outcome == outcome).collect()
}

#[tokio::test]
async fn an_administrator_adds_an_organisation_and_a_user_who_signs_in_with_the_code() {
    let t = TestApp::start().await;
    let (admin, csrf) = signed_in(&t, "Safeguard administrators", Role::Admin, "adm").await;
    let html = admin.get(t.url("/admin/organisations")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Safeguard administrators") && html.contains("administrator: 1"), "{html}");
    assert!(html.contains("href=\"/admin/users\""), "no navigation to the users page");

    let form = [
        ("name", "North Decisions"),
        ("kind", "competent-authority"),
        ("competent_authority", "ieca"),
        ("csrf", &csrf),
    ];
    let (status, path, html) = post(&admin, &t, "/admin/organisations", &form).await;
    assert_eq!((status, path.as_str()), (StatusCode::OK, "/admin/organisations"));
    assert!(html.contains("North Decisions was added."), "{html}");
    assert!(html.contains("Immigration Enforcement Competent Authority"));
    let org = t.store.org_by_name("North Decisions").await.unwrap().expect("stored");

    let org_id = org.id.to_string();
    let form = [("org", org_id.as_str()), ("role", "decision-maker"), ("name", "dm-north"), ("csrf", &csrf)];
    let (status, _, html) = post(&admin, &t, "/admin/users", &form).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Request sent") && !html.contains("sign-in-code"), "{html}");
    // A decision maker sees identities: a second administrator approves, and sees the code.
    let html = approved_by_another_administrator(&t).await;
    assert!(html.contains("User added") && html.contains("dm-north"), "{html}");
    let code = html.split("id=\"sign-in-code\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert!(code.len() >= 40, "a one-time code: {code}");

    // The new decision maker signs in with the code, and decides for their body's authority.
    let (dm, _) = sign_in_with_code(&t, &code, Role::DecisionMaker).await;
    assert_eq!(dm.get(t.url("/cases")).send().await.unwrap().status(), StatusCode::OK);
    let (user, _) = t.store.user_by_name("dm-north").await.unwrap().unwrap();
    assert_eq!(user.org_competent_authority, Some(sg_domain::CompetentAuthority::Ieca));
    // The code worked once only.
    let other = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let again = common::post_presession(&other, &t.url("/sign-in/code"), &[("code", code.as_str())]).await;
    assert_ne!(again.url().path(), "/account/password");

    let html = admin.get(t.url("/admin/users")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("dm-north") && html.contains("Active"), "{html}");
    // Audited by id, never by name.
    let created = audited(&t, AuditAction::OrganisationCreated, Outcome::Allowed).await;
    assert_eq!(created.len(), 1);
    assert!(created[0].record.detail.contains(&org_id) && !created[0].record.detail.contains("North"));
    let added: Vec<_> = audited(&t, AuditAction::UserCreated, Outcome::Allowed)
        .await
        .into_iter()
        .filter(|e| e.record.detail.contains("request"))
        .collect();
    assert_eq!(added.len(), 1);
    assert!(added[0].record.detail.contains(&user.id.to_string()) && !added[0].record.detail.contains("dm-north"));
}

#[tokio::test]
async fn disabling_a_user_stops_their_session_and_token_at_once() {
    let t = TestApp::start().await;
    let (admin, csrf) = signed_in(&t, "Safeguard administrators", Role::Admin, "adm").await;
    let made = t.app.create_user("Hope NGO", None, Role::FirstResponder, "fr1", true).await.unwrap();
    let token = made.api_token.unwrap();
    let (fr, _) = sign_in_with_code(&t, &made.sign_in_code, Role::FirstResponder).await;
    assert_eq!(fr.get(t.url("/cases")).send().await.unwrap().status(), StatusCode::OK);
    let api = |tok: String| {
        let c = t.client.clone();
        let url = t.url("/api/v1/cases");
        async move { c.get(url).bearer_auth(tok).send().await.unwrap().status() }
    };
    assert_eq!(api(token.clone()).await, StatusCode::OK);

    let id = made.user.id.to_string();
    let r = admin.get(t.url(&format!("/admin/users/{id}/disable"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("Disable fr1?"));
    let (_, path, html) = post(&admin, &t, &format!("/admin/users/{id}/disable"), &[("csrf", &csrf)]).await;
    assert_eq!(path, "/admin/users");
    assert!(html.contains("fr1 was disabled"), "{html}");
    assert!(html.contains("Disabled"));

    let r = fr.get(t.url("/cases")).send().await.unwrap();
    assert_eq!(r.url().path(), "/sign-in", "the disabled user's session still works");
    assert_eq!(api(token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(audited(&t, AuditAction::UserDisabled, Outcome::Allowed).await.len(), 1);

    // An administrator cannot lock themselves out.
    let (me, _) = t.store.user_by_name("adm").await.unwrap().unwrap();
    let (status, _, html) = post(&admin, &t, &format!("/admin/users/{}/disable", me.id), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("There is a problem") && html.contains("cannot disable your own account"), "{html}");
    assert!(!t.store.user(me.id).await.unwrap().unwrap().disabled);
    // An unknown user is not found.
    let r = admin.get(t.url("/admin/users/not-a-user/disable")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_input_gets_field_errors_and_changes_nothing() {
    let t = TestApp::start().await;
    let (admin, csrf) = signed_in(&t, "Safeguard administrators", Role::Admin, "adm").await;
    t.page_user("Hope NGO", Role::FirstResponder, "fr1").await;
    let orgs_before = t.store.list_organisations().await.unwrap();
    let users_before = t.store.list_users().await.unwrap();

    // The use case's words, capitalised as the page shows them ("Enter a name").
    for (form, field, words) in [
        (vec![("name", ""), ("kind", "ngo")], "name", "enter a name"),
        (vec![("name", "X"), ("kind", "castle")], "kind", "choose what kind"),
        (vec![("name", "X"), ("kind", "competent-authority")], "competent_authority", "choose the competent authority"),
        (
            vec![("name", "X"), ("kind", "ngo"), ("competent_authority", "sca")],
            "competent_authority",
            "only a competent authority",
        ),
        (vec![("name", "Hope NGO"), ("kind", "ngo")], "name", "already exists"),
    ] {
        let mut form = form;
        form.push(("csrf", &csrf));
        let (status, _, html) = post(&admin, &t, "/admin/organisations", &form).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("There is a problem"), "{form:?}");
        assert!(
            html.contains(&format!("href=\"#{field}\"")) && html.to_lowercase().contains(words),
            "{form:?}: {html}"
        );
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{form:?}: no error at the field");
    }

    let ngo = t.store.org_by_name("Hope NGO").await.unwrap().unwrap().id.to_string();
    for (form, field, words) in [
        (vec![("org", ""), ("role", "monitor"), ("name", "m1")], "org", "choose the organisation"),
        (vec![("org", ngo.as_str()), ("role", "overlord"), ("name", "m1")], "role", "choose the user"),
        (vec![("org", ngo.as_str()), ("role", "monitor"), ("name", " ")], "name", "enter a name"),
        (vec![("org", ngo.as_str()), ("role", "monitor"), ("name", "fr1")], "name", "already exists"),
        (vec![("org", ngo.as_str()), ("role", "decision-maker"), ("name", "dm1")], "org", "kind competent-authority"),
        (vec![("org", ngo.as_str()), ("role", "police"), ("name", "pc1")], "org", "cannot work for an organisation"),
    ] {
        let mut form = form;
        form.push(("csrf", &csrf));
        let (status, _, html) = post(&admin, &t, "/admin/users", &form).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains(&format!("href=\"#{field}\"")) && html.to_lowercase().contains(words),
            "{form:?}: {html}"
        );
        assert!(!html.contains("sign-in-code"), "a code was issued for {form:?}");
    }
    // A form without its token is refused before it is read.
    let (status, _, _) =
        post(&admin, &t, "/admin/organisations", &[("name", "Sneaky"), ("kind", "ngo"), ("csrf", "forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    assert_eq!(t.store.list_organisations().await.unwrap(), orgs_before);
    assert_eq!(t.store.list_users().await.unwrap(), users_before);
}

#[tokio::test]
async fn only_administrators_may_administer_and_refusals_are_audited() {
    let t = TestApp::start().await;
    let (fr, csrf) = signed_in(&t, "Hope NGO", Role::FirstResponder, "fr1").await;
    for path in ["/admin/organisations", "/admin/users", "/admin/keys"] {
        let r = fr.get(t.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
        let html = r.text().await.unwrap();
        assert!(!html.contains("href=\"/admin/users\""), "an administration link shown to a first responder");
    }
    let form = [("name", "Rogue"), ("kind", "ngo"), ("csrf", csrf.as_str())];
    assert_eq!(post(&fr, &t, "/admin/organisations", &form).await.0, StatusCode::FORBIDDEN);
    assert!(t.store.org_by_name("Rogue").await.unwrap().is_none());
    let (me, _) = t.store.user_by_name("fr1").await.unwrap().unwrap();
    let (status, _, _) = post(&fr, &t, &format!("/admin/users/{}/disable", me.id), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!t.store.user(me.id).await.unwrap().unwrap().disabled);
    assert_eq!(audited(&t, AuditAction::AdminRead, Outcome::Refused).await.len(), 3);
    assert_eq!(audited(&t, AuditAction::OrganisationCreated, Outcome::Refused).await.len(), 1);
    assert_eq!(audited(&t, AuditAction::UserDisabled, Outcome::Refused).await.len(), 1);

    let anonymous = reqwest::Client::new();
    assert_eq!(anonymous.get(t.url("/admin/users")).send().await.unwrap().url().path(), "/sign-in");
}

#[tokio::test]
async fn the_keys_page_counts_data_keys_under_each_master_key_and_shows_no_key() {
    let t = TestApp::start().await;
    let fr = t.api_user("Hope NGO", Role::FirstResponder, "fr-api").await;
    for _ in 0..2 {
        assert_eq!(t.refer(&fr, &common::adult_referral(), None).await.0, StatusCode::CREATED);
    }
    let (admin, _) = signed_in(&t, "Safeguard administrators", Role::Admin, "adm").await;
    let html = admin.get(t.url("/admin/keys")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<code>test-1</code>") && html.contains("Seals new data"), "{html}");
    let cell = html.split("govuk-table__cell--numeric\"").nth(1).unwrap();
    let count = cell.split_once('>').unwrap().1.split('<').next().unwrap();
    assert_eq!(count, "2");
    assert!(html.contains("safeguard keys rotate"));
    // The wrapped keys' bytes are not on the page, in any form.
    let wrapped = t.store.person_keys_page(None, 10).await.unwrap();
    assert_eq!(wrapped.len(), 2);
    for (_, k) in wrapped {
        let tail: String = k[k.len() - 16..].iter().map(|b| format!("{b:02x}")).collect();
        assert!(!html.to_lowercase().contains(&tail));
    }
}

#[tokio::test]
async fn a_new_code_clears_the_password_and_second_factor_and_ends_the_session() {
    let t = TestApp::start().await;
    let (admin, csrf) = signed_in(&t, "Safeguard administrators", Role::Admin, "adm").await;
    let code = t.page_user("Single Competent Authority", Role::DecisionMaker, "dm1").await;
    let (dm, _) = sign_in_with_code(&t, &code, Role::DecisionMaker).await;
    let (user, _) = t.store.user_by_name("dm1").await.unwrap().unwrap();
    assert!(user.has_second_factor);
    let id = user.id.to_string();

    let r = admin.get(t.url(&format!("/admin/users/{id}/reset"))).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("Issue a new sign-in code to dm1?"));
    let (status, _, html) = post(&admin, &t, &format!("/admin/users/{id}/reset"), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Request sent") && !html.contains("sign-in-code"), "{html}");
    assert!(t.store.user(user.id).await.unwrap().unwrap().has_second_factor, "reset before approval");
    let html = approved_by_another_administrator(&t).await;
    assert!(html.contains("New sign-in code issued"), "{html}");
    let new_code = html.split("id=\"sign-in-code\">").nth(1).unwrap().split('<').next().unwrap().to_string();

    // Signed out at once; the old password no longer works; the first code stays spent.
    assert_eq!(dm.get(t.url("/cases")).send().await.unwrap().url().path(), "/sign-in");
    let (_, stored) = t.store.user_by_name("dm1").await.unwrap().unwrap();
    assert!(stored.is_none(), "the password was not cleared");
    assert!(t.app.sign_in("dm1", PASSWORD, std::net::IpAddr::from([127, 0, 0, 1])).await.is_err());
    assert!(!t.store.user(user.id).await.unwrap().unwrap().has_second_factor);
    // The new code signs them in, and they enrol again.
    let (dm, _) = sign_in_with_code(&t, &new_code, Role::DecisionMaker).await;
    assert_eq!(dm.get(t.url("/cases")).send().await.unwrap().status(), StatusCode::OK);
    let resets = audited(&t, AuditAction::CredentialsReset, Outcome::Allowed).await;
    assert_eq!(resets.len(), 1);
    assert!(resets[0].record.detail.starts_with(&format!("user {id} request ")), "{}", resets[0].record.detail);

    // Not one's own account.
    let (me, _) = t.store.user_by_name("adm").await.unwrap().unwrap();
    let (status, _, html) = post(&admin, &t, &format!("/admin/users/{}/reset", me.id), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("cannot reset your own account") && !html.contains("sign-in-code"), "{html}");
}
