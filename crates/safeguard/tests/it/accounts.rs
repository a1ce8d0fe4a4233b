//! Account takeover (issue 16, part B), each attack run as an attacker would: a password or a
//! second factor changed from a stolen session, a session token known before sign-in, a TOTP
//! code used twice, guessing in parallel, locking an owner out, and signing a browser in from
//! another site (login CSRF). And the audit entries of it all.

use crate::common;

use std::sync::Arc;

use common::browser::{Browser, PASSWORD};
use common::TestApp;
use reqwest::cookie::CookieStore;
use reqwest::StatusCode;
use sg_domain::Role;

/// A client that keeps cookies in a jar the test can read, and does not follow redirects.
fn jar_client() -> (reqwest::Client, Arc<reqwest::cookie::Jar>) {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    (client, jar)
}

/// The session token in `jar` for the server `t`.
fn session_token(t: &TestApp, jar: &reqwest::cookie::Jar) -> String {
    let cookies = jar.cookies(&t.base.parse().unwrap()).unwrap();
    let cookies = cookies.to_str().unwrap().to_string();
    cookies.split("; ").find_map(|c| c.strip_prefix("safeguard=")).expect("a session cookie").to_string()
}

/// Where `GET /account/tokens` (every signed-in user's page) with only this session token
/// leads: `200` when it is a live session.
async fn with_token(t: &TestApp, token: &str) -> StatusCode {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client.get(t.url("/account/tokens")).header("cookie", format!("safeguard={token}")).send().await.unwrap();
    r.status()
}

/// Signs in with name and password through the form, from `client`, without following the
/// redirect: the status and where it leads.
async fn post_sign_in(t: &TestApp, client: &reqwest::Client, name: &str, password: &str) -> (StatusCode, String) {
    let r = common::post_presession(client, &t.url("/sign-in"), &[("name", name), ("password", password)]).await;
    let to = r.headers().get("location").map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    (r.status(), to)
}

fn csrf_of(html: &str) -> String {
    html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_and_ends_every_other_session() {
    let t = TestApp::start().await;
    let mut mine = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "worker").await;
    let mut elsewhere = Browser::with_password(&t, "worker").await;
    let new = "a much longer new password";

    // A stolen session without the password changes nothing.
    let (_, path, html) = mine.post("/account/password", &[("password", new), ("confirmation", new)]).await;
    assert_eq!(path, "/account/password");
    assert!(html.contains("Your current password is not right"), "{html}");
    let wrong = [("current-password", "not the password at all"), ("password", new), ("confirmation", new)];
    let (_, path, _) = mine.post("/account/password", &wrong).await;
    assert_eq!(path, "/account/password");
    assert_eq!(elsewhere.get("/cases").await.1, "/cases", "a refused change ended a session");

    // With it, the password changes, this session goes on and every other one ends.
    let right = [("current-password", PASSWORD), ("password", new), ("confirmation", new)];
    let (_, path, _) = mine.post("/account/password", &right).await;
    assert_eq!(path, "/cases");
    assert_eq!(mine.get("/cases").await.1, "/cases");
    assert_eq!(elsewhere.get("/cases").await.1, "/sign-in", "another session outlived the password change");
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    assert_eq!(post_sign_in(&t, &client, "worker", PASSWORD).await.0, StatusCode::OK, "the old password still works");
}

#[tokio::test]
async fn a_password_change_renews_the_session_token() {
    let t = TestApp::start().await;
    let code = t.page_user("Monitoring Group", Role::Monitor, "watcher").await;
    let (client, jar) = jar_client();
    common::post_presession(&client, &t.url("/sign-in/code"), &[("code", &code)]).await;
    let before = session_token(&t, &jar);
    let html = client.get(t.url("/account/password")).send().await.unwrap().text().await.unwrap();
    let form = [("password", PASSWORD), ("confirmation", PASSWORD), ("csrf", &csrf_of(&html))];
    let r = client.post(t.url("/account/password")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let after = session_token(&t, &jar);
    assert_ne!(before, after, "the session kept its token");
    assert_ne!(with_token(&t, &before).await, StatusCode::OK, "the old token still opens the session");
    assert_eq!(with_token(&t, &after).await, StatusCode::OK);
}

#[tokio::test]
async fn replacing_the_second_factor_needs_a_code_of_the_current_one() {
    let t = TestApp::start().await;
    let mut b = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "worker").await;
    let (user, _) = t.store.user_by_name("worker").await.unwrap().unwrap();
    let sealed = t.store.totp_secret(user.id).await.unwrap();

    // From a stolen session: a new authenticator's own code is not enough.
    let (_, _, html) = b.get("/account/two-factor").await;
    let secret = common::enrolment_secret(&html);
    let code = common::next_totp_code(&t, &secret);
    let (_, path, html) = b.post("/account/two-factor", &[("secret", &secret), ("code", &code)]).await;
    assert_eq!(path, "/account/two-factor");
    assert!(html.contains("There is a problem"), "{html}");
    assert_eq!(t.store.totp_secret(user.id).await.unwrap(), sealed, "the second factor was replaced");
    let wrong = [("secret", secret.as_str()), ("code", &code), ("current-code", "000000")];
    b.post("/account/two-factor", &wrong).await;
    assert_eq!(t.store.totp_secret(user.id).await.unwrap(), sealed, "the second factor was replaced");

    // With a current code of the old authenticator it is replaced.
    let old = common::browser::secret_of(&t, "worker");
    let current = common::next_totp_code(&t, &old);
    let code = common::totp_code_at(&secret, sg_app::Clock::now(&*t.clock));
    let right = [("secret", secret.as_str()), ("code", &code), ("current-code", &current)];
    let (_, path, html) = b.post("/account/two-factor", &right).await;
    assert_eq!(path, "/cases", "{html}");
    assert_ne!(t.store.totp_secret(user.id).await.unwrap(), sealed);
}

#[tokio::test]
async fn the_session_gets_a_new_token_after_the_second_factor() {
    let t = TestApp::start().await;
    Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "worker").await;
    let (client, jar) = jar_client();
    let (_, to) = post_sign_in(&t, &client, "worker", PASSWORD).await;
    assert_eq!(to, "/sign-in/two-factor");
    let half_open = session_token(&t, &jar);
    let html = client.get(t.url("/sign-in/two-factor")).send().await.unwrap().text().await.unwrap();
    let code = common::next_totp_code(&t, &common::browser::secret_of(&t, "worker"));
    let r = client.post(t.url("/sign-in/two-factor")).form(&[("code", code.as_str()), ("csrf", &csrf_of(&html))]);
    assert_eq!(r.send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let signed_in = session_token(&t, &jar);
    assert_ne!(half_open, signed_in, "session fixation: the token from before the second factor is the session");
    assert_ne!(with_token(&t, &half_open).await, StatusCode::OK, "the half-open token opens the session");
    assert_eq!(with_token(&t, &signed_in).await, StatusCode::OK);
}

#[tokio::test]
async fn signing_in_ends_the_session_the_browser_held_before() {
    let t = TestApp::start().await;
    let code = t.page_user("Monitoring Group", Role::Monitor, "watcher").await;
    let (client, jar) = jar_client();
    common::post_presession(&client, &t.url("/sign-in/code"), &[("code", &code)]).await;
    let html = client.get(t.url("/account/password")).send().await.unwrap().text().await.unwrap();
    let form = [("password", PASSWORD), ("confirmation", PASSWORD), ("csrf", &csrf_of(&html))];
    client.post(t.url("/account/password")).form(&form).send().await.unwrap();
    let before = session_token(&t, &jar);
    assert_eq!(with_token(&t, &before).await, StatusCode::OK);
    let (status, _) = post_sign_in(&t, &client, "watcher", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let after = session_token(&t, &jar);
    assert_ne!(before, after);
    assert_ne!(with_token(&t, &before).await, StatusCode::OK, "the earlier session outlived a new sign-in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_totp_code_is_taken_once_even_twice_at_the_same_moment() {
    let t = TestApp::start().await;
    Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "worker").await;
    let secret = common::browser::secret_of(&t, "worker");
    let code = common::next_totp_code(&t, &secret);
    // Two half-open sessions (two browsers past the password) send the same code at once.
    let mut halves = vec![];
    for _ in 0..2 {
        let (client, _) = jar_client();
        assert_eq!(post_sign_in(&t, &client, "worker", PASSWORD).await.1, "/sign-in/two-factor");
        let html = client.get(t.url("/sign-in/two-factor")).send().await.unwrap().text().await.unwrap();
        halves.push((client, csrf_of(&html)));
    }
    let sends: Vec<_> = halves
        .iter()
        .map(|(client, csrf)| {
            let send =
                client.post(t.url("/sign-in/two-factor")).form(&[("code", code.as_str()), ("csrf", csrf.as_str())]);
            tokio::spawn(send.send())
        })
        .collect();
    let mut through = 0;
    // What each send got, for the failure message (a 0-of-2 once seen on a loaded machine).
    let mut answers = vec![];
    for send in sends {
        let answer = send.await.unwrap().unwrap();
        let location = answer.headers().get("location").map(|l| l.to_str().unwrap_or("?").to_string());
        through += usize::from(answer.status() == StatusCode::SEE_OTHER);
        let status = answer.status();
        let text = answer.text().await.unwrap_or_default();
        let summary = text.split("govuk-error-summary__list").nth(1).map(|s| s.chars().take(300).collect::<String>());
        answers.push(format!("{status} {location:?} {summary:?}"));
    }
    assert_eq!(through, 1, "one code signed in {through} times: {answers:?}");

    // Later, the same code (still within the clock's window) is refused too.
    let (client, _) = jar_client();
    post_sign_in(&t, &client, "worker", PASSWORD).await;
    let html = client.get(t.url("/sign-in/two-factor")).send().await.unwrap().text().await.unwrap();
    let r = client.post(t.url("/sign-in/two-factor")).form(&[("code", code.as_str()), ("csrf", &csrf_of(&html))]);
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "a used code signed in again");
    assert!(r.text().await.unwrap().contains("The code is not right"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_simultaneous_sign_ins_for_one_name_are_evaluated_five_times_at_most() {
    let t = TestApp::start().await;
    Browser::sign_up(&t, "Monitoring Group", Role::Monitor, "watcher").await;
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let token = common::form_token(&client, &t.url("/sign-in")).await;
    // 29 guesses and the right password, all at once from one address.
    let sends: Vec<_> = (0..30)
        .map(|i| {
            let password = if i == 17 { PASSWORD } else { "a wrong guess, again" };
            let form = [("name", "watcher"), ("password", password), ("csrf", &token)];
            tokio::spawn(client.post(t.url("/sign-in")).form(&form).send())
        })
        .collect();
    let mut statuses = vec![];
    for send in sends {
        statuses.push(send.await.unwrap().unwrap().status());
    }
    let evaluated = statuses.iter().filter(|s| **s != StatusCode::TOO_MANY_REQUESTS).count();
    // A success forgets the name's failures (the person proved the password), so when the right
    // password lands among the first evaluated, the guesses after it start a new count: at most
    // the free attempts before it, the success, and the free attempts after it. Without it, the
    // free attempts only (7 were evaluated in one PostgreSQL run, the success among them).
    let free = sg_app::throttle::NAME_AND_ADDRESS_FREE as usize;
    let bound = if statuses.contains(&StatusCode::SEE_OTHER) { 2 * free + 1 } else { free };
    assert!(evaluated <= bound, "{evaluated} evaluated: {statuses:?}");
    // However the race went, the password is refused now, until the wait is over.
    if !statuses.contains(&StatusCode::SEE_OTHER) {
        assert_eq!(post_sign_in(&t, &client, "watcher", PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
        t.advance_minutes(16);
        assert_eq!(post_sign_in(&t, &client, "watcher", PASSWORD).await.0, StatusCode::SEE_OTHER);
    }
}

/// Signs in from `address` (behind the trusted proxy): the status and where it leads.
async fn from(t: &TestApp, address: &str, name: &str, password: &str) -> (StatusCode, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(
            [(reqwest::header::HeaderName::from_static("x-forwarded-for"), address.parse().unwrap())]
                .into_iter()
                .collect(),
        )
        .build()
        .unwrap();
    post_sign_in(t, &client, name, password).await
}

#[tokio::test]
async fn strangers_cannot_keep_an_administrator_out_for_more_than_a_minute() {
    let loopback = std::net::IpAddr::from([127, 0, 0, 1]);
    let t = TestApp::start_with(sg_web::Limits {
        user_requests_per_second: 0,
        trusted_proxy: Some(loopback),
        ..sg_web::Limits::default()
    })
    .await;
    Browser::sign_up(&t, common::org_for(Role::Admin), Role::Admin, "boss").await;

    // Guessing from one address: five guesses, then that address waits.
    for _ in 0..20 {
        from(&t, "198.51.100.7", "boss", "guess guess guess").await;
    }
    assert_eq!(from(&t, "198.51.100.7", "boss", PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
    // The owner, elsewhere, is not kept out.
    assert_eq!(from(&t, "203.0.113.5", "boss", PASSWORD).await.1, "/sign-in/two-factor");

    // Guesses spread over many addresses lock the name itself, but for a minute at most.
    for i in 0..30 {
        from(&t, &format!("192.0.2.{i}"), "boss", "guess guess guess").await;
    }
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .default_headers(
            [(reqwest::header::HeaderName::from_static("x-forwarded-for"), "203.0.113.5".parse().unwrap())]
                .into_iter()
                .collect(),
        )
        .build()
        .unwrap();
    let token = common::form_token(&client, &t.url("/sign-in")).await;
    let r = client.post(t.url("/sign-in")).form(&[("name", "boss"), ("password", PASSWORD), ("csrf", &token)]);
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "the owner was told to wait {wait} seconds");
    t.advance_secs(60);
    assert_eq!(from(&t, "203.0.113.5", "boss", PASSWORD).await.1, "/sign-in/two-factor");

    // Without the trusted proxy the header is the client's own claim, and ignored.
    let direct = common::TestApp::start().await;
    Browser::sign_up(&direct, common::org_for(Role::Admin), Role::Admin, "boss").await;
    for i in 0..6 {
        from(&direct, &format!("192.0.2.{i}"), "boss", "guess guess guess").await;
    }
    assert_eq!(from(&direct, "203.0.113.5", "boss", PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_forms_before_sign_in_refuse_a_missing_or_wrong_token_and_do_nothing() {
    let t = TestApp::start().await;
    Browser::sign_up(&t, "Monitoring Group", Role::Monitor, "watcher").await;
    let code = t.page_user("Hope NGO", Role::FirstResponder, "newcomer").await;
    let audit_before = t.store.audit_page(0, 10_000).await.unwrap().len();
    let (client, jar) = jar_client();
    // The browser holds a token of its own; another site's form sends none, or a guess.
    common::form_token(&client, &t.url("/sign-in")).await;
    for token in [None, Some("x".repeat(43))] {
        let mut sign_in = vec![("name", "watcher".to_string()), ("password", PASSWORD.to_string())];
        let mut with_code = vec![("code", code.clone())];
        if let Some(token) = &token {
            sign_in.push(("csrf", token.clone()));
            with_code.push(("csrf", token.clone()));
        }
        for (path, form) in [("/sign-in", &sign_in), ("/sign-in/code", &with_code), ("/survivor", &with_code)] {
            let r = client.post(t.url(path)).form(form).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path} took a form without its token");
        }
    }
    let cookies = jar.cookies(&t.base.parse().unwrap()).unwrap();
    assert!(!cookies.to_str().unwrap().contains("safeguard="), "a session was started");
    assert_eq!(t.store.audit_page(0, 10_000).await.unwrap().len(), audit_before, "something happened");
    // The code was not spent: with the form's own token it signs in.
    let r = common::post_presession(&client, &t.url("/sign-in/code"), &[("code", &code)]).await;
    assert_eq!(r.headers()["location"], "/account/password");
}

#[tokio::test]
async fn sign_ins_sign_outs_failures_and_credential_changes_are_audited_without_the_name_typed() {
    let t = TestApp::start().await;
    let mut b = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "worker").await;
    let (user, _) = t.store.user_by_name("worker").await.unwrap().unwrap();
    b.post("/sign-out", &[]).await;
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    post_sign_in(&t, &client, "Typed-Canary Name", "whatever it is").await;
    post_sign_in(&t, &client, "worker", "not the password").await;
    let mut b = Browser::with_password(&t, "worker").await;
    let new = "a much longer new password";
    b.post("/account/password", &[("current-password", PASSWORD), ("password", new), ("confirmation", new)]).await;
    b.get("/cases").await;

    let entries = t.store.audit_page(0, 10_000).await.unwrap();
    let mine = |action: sg_audit::AuditAction| {
        entries
            .iter()
            .filter(|e| e.record.action == action && e.record.actor.as_deref() == Some(&user.id.to_string()))
            .count()
    };
    use sg_audit::AuditAction as A;
    // The code, the password and the second factor at sign-up, then password and factor again.
    assert!(mine(A::SignIn) >= 3, "{entries:#?}");
    assert_eq!(mine(A::SignOut), 1);
    assert_eq!(mine(A::PasswordChanged), 2, "choosing the first password and changing it");
    assert_eq!(mine(A::SecondFactorChanged), 1);
    assert!(entries.iter().any(|e| e.record.action == A::CaseRead
        && e.record.detail == "case list"
        && e.record.outcome == sg_audit::Outcome::Allowed));
    let failures: Vec<_> = entries.iter().filter(|e| e.record.action == A::SignInFailed).collect();
    assert_eq!(failures.len(), 2, "{failures:#?}");
    assert!(failures.iter().any(|e| e.record.detail.contains(&user.id.to_string())));
    let text = format!("{entries:?}");
    assert!(!text.contains("Typed-Canary") && !text.contains("typed-canary"), "the typed name reached the audit log");
}

#[tokio::test]
async fn guessing_the_current_code_from_a_session_is_throttled() {
    let t = TestApp::start().await;
    let mut b = Browser::sign_up(&t, "Hope NGO", Role::FirstResponder, "worker").await;
    let current = common::next_totp_code(&t, &common::browser::secret_of(&t, "worker"));
    let (_, _, html) = b.get("/account/two-factor").await;
    let secret = common::enrolment_secret(&html);
    let code = common::totp_code_at(&secret, sg_app::Clock::now(&*t.clock));
    for guess in 0..5 {
        let guess = format!("{guess:06}");
        let form = [("secret", secret.as_str()), ("code", &code), ("current-code", &guess)];
        let (_, _, html) = b.post("/account/two-factor", &form).await;
        assert!(html.contains("The code is not right"), "{html}");
    }
    // Even the right code now waits.
    let form = [("secret", secret.as_str()), ("code", &code), ("current-code", &current)];
    let (_, path, html) = b.post("/account/two-factor", &form).await;
    assert_eq!(path, "/account/two-factor");
    assert!(html.contains("Too many attempts"), "{html}");
}

/// The throttle's keys are keyed (HMAC under the fingerprint key): a copy of the database and a
/// list of staff names do not tell who tried to sign in, or from where. (They were unkeyed
/// SHA-256 digests, which `sg_app::throttle::rules` still computes.)
#[tokio::test]
async fn the_throttle_table_holds_no_digest_a_list_of_names_would_match() {
    let t = TestApp::start().await;
    let client =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    post_sign_in(&t, &client, "Dana Staff", "a wrong guess").await;
    let sql = "SELECT key FROM sign_in_throttle";
    let keys: Vec<Vec<u8>> = match &t.database_url {
        Some(url) => sqlx::query_scalar(sql).fetch_all(&sqlx::PgPool::connect(url).await.unwrap()).await.unwrap(),
        None => {
            let url = format!("sqlite://{}", t.dir_path.join("safeguard.db").display());
            sqlx::query_scalar(sql).fetch_all(&sqlx::SqlitePool::connect(&url).await.unwrap()).await.unwrap()
        }
    };
    assert_eq!(keys.len(), 3, "one row per rule");
    for guess in sg_app::throttle::rules("Dana Staff", "127.0.0.1".parse().unwrap()) {
        assert!(!keys.contains(&guess.key), "an unkeyed digest of the name or address is stored");
    }
}
