//! A browser without JavaScript for page tests: a cookie jar that follows redirects and keeps
//! the last page's CSRF token, signing users in the ways people do.

use reqwest::StatusCode;
use sg_domain::Role;

use super::TestApp;

/// The password page tests choose for users who sign up with one.
pub const PASSWORD: &str = "correct horse battery staple";

/// The authenticator secrets users enrolled through [`Browser`], by server and name.
static SECRETS: std::sync::Mutex<std::collections::BTreeMap<(String, String), String>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// The authenticator secret `name` enrolled through [`Browser`] on the server `t`.
pub fn secret_of(t: &TestApp, name: &str) -> String {
    SECRETS.lock().unwrap().get(&(t.base.clone(), name.to_string())).cloned().expect("enrolled through Browser")
}

/// A cookie jar that follows redirects, keeping the last page's form token.
pub struct Browser {
    client: reqwest::Client,
    base: String,
    csrf: String,
}

impl Browser {
    /// A browser with no session yet.
    pub fn new(t: &TestApp) -> Self {
        let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
        Self { client, base: t.base.clone(), csrf: String::new() }
    }

    /// Sends this browser's next requests to another server (its cookies, which name the host
    /// and not the port, go with it).
    pub fn use_server(&mut self, base: &str) {
        self.base = base.to_string();
    }

    /// A new user signs in with their one-time code (and enrols a second factor if their role
    /// needs one), without choosing a password.
    pub async fn with_code(t: &TestApp, org: &str, role: Role, name: &str) -> Self {
        let code = t.page_user(org, role, name).await;
        let mut b = Self::new(t);
        let (_, path, html) = b.post("/sign-in/code", &[("code", &code)]).await;
        assert_eq!(path, "/account/password", "{html}");
        if sg_app::second_factor::required_for(role) {
            b.enrol(t, name).await;
        }
        b
    }

    /// A new user signs in with their code, chooses [`PASSWORD`] and, where their role needs
    /// one, enrols an authenticator (whose secret is kept for [`Browser::with_password`]).
    pub async fn sign_up(t: &TestApp, org: &str, role: Role, name: &str) -> Self {
        let code = t.page_user(org, role, name).await;
        let mut b = Self::new(t);
        b.post("/sign-in/code", &[("code", &code)]).await;
        let (_, path, _) = b.post("/account/password", &[("password", PASSWORD), ("confirmation", PASSWORD)]).await;
        if sg_app::second_factor::required_for(role) {
            assert_eq!(path, "/account/two-factor");
            b.enrol(t, name).await;
        } else {
            assert!(path == "/cases" || path == "/monitoring", "{path}");
        }
        b
    }

    /// Enrols an authenticator on the two-factor page and remembers its secret.
    pub async fn enrol(&mut self, t: &TestApp, name: &str) {
        let (_, _, html) = self.get("/account/two-factor").await;
        let secret = super::enrolment_secret(&html);
        let code = super::totp_code_at(&secret, sg_app::Clock::now(&*t.clock));
        let (_, path, _) = self.post("/account/two-factor", &[("secret", &secret), ("code", &code)]).await;
        assert!(path == "/cases" || path == "/admin/users", "enrolment failed for {name}: {path}");
        SECRETS.lock().unwrap().insert((t.base.clone(), name.to_string()), secret);
    }

    /// Signs in afresh (a new session) with [`PASSWORD`], and the authenticator's code when the
    /// user enrolled one through this helper.
    pub async fn with_password(t: &TestApp, name: &str) -> Self {
        let mut b = Self::new(t);
        b.get("/sign-in").await;
        let (_, mut path, _) = b.post("/sign-in", &[("name", name), ("password", PASSWORD)]).await;
        if path == "/sign-in/two-factor" {
            let secret = SECRETS.lock().unwrap().get(&(t.base.clone(), name.to_string())).cloned();
            let secret = secret.expect("the user enrolled an authenticator through Browser");
            let code = super::next_totp_code(t, &secret);
            (_, path, _) = b.post("/sign-in/two-factor", &[("code", &code)]).await;
        }
        assert!(["/cases", "/admin/users", "/monitoring"].contains(&path.as_str()), "not signed in: {path}");
        b
    }

    /// Signs in again in this browser (keeping its cookies) with [`PASSWORD`] and, when the
    /// user enrolled one through this helper, the authenticator's code at the server's clock;
    /// returns the final path and page.
    pub async fn sign_in_again(&mut self, t: &TestApp, name: &str) -> (String, String) {
        self.get("/sign-in").await;
        let (_, mut path, mut html) = self.post("/sign-in", &[("name", name), ("password", PASSWORD)]).await;
        if path == "/sign-in/two-factor" {
            let secret = SECRETS.lock().unwrap().get(&(t.base.clone(), name.to_string())).cloned();
            let secret = secret.expect("the user enrolled an authenticator through Browser");
            let code = super::next_totp_code(t, &secret);
            (_, path, html) = self.post("/sign-in/two-factor", &[("code", &code)]).await;
        }
        (path, html)
    }

    fn keep_csrf(&mut self, html: &str) {
        if let Some(c) = html.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()) {
            self.csrf = c.to_string();
        }
    }

    /// Gets a page; returns the status, the final path and the page.
    pub async fn get(&mut self, path: &str) -> (StatusCode, String, String) {
        let r = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        let (status, url) = (r.status(), r.url().path().to_string());
        let html = r.text().await.unwrap();
        self.keep_csrf(&html);
        (status, url, html)
    }

    /// Posts a form without the session's CSRF token, as another site's page would (its
    /// cookies ride along); returns the status, final path and page.
    pub async fn post_from_another_site(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, String, String) {
        let r = self.client.post(format!("{}{path}", self.base)).form(fields).send().await.unwrap();
        let (status, url) = (r.status(), r.url().path().to_string());
        let html = r.text().await.unwrap();
        self.keep_csrf(&html);
        (status, url, html)
    }

    /// Posts a form with the session's CSRF token; returns the status, final path and page. A
    /// form sent before signing in is first shown, as a person sees it before sending it (it
    /// carries the browser's pre-session token).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String, String) {
        if super::is_presession_form(path) {
            self.get(path).await;
        }
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone();
        form.push(("csrf", &csrf));
        let r = self.client.post(format!("{}{path}", self.base)).form(&form).send().await.unwrap();
        let (status, url) = (r.status(), r.url().path().to_string());
        let html = r.text().await.unwrap();
        self.keep_csrf(&html);
        (status, url, html)
    }
}
