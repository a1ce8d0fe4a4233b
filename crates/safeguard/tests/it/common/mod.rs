//! Test support: the real server on a random port over a fresh database, and helpers named
//! after what users do.
//!
//! The backend is SQLite unless `SAFEGUARD_TEST_DATABASE_URL` names a PostgreSQL server
//! (`postgres://postgres@127.0.0.1/postgres`): then each test gets a database of its own,
//! `sg_t_…`, created on that server (`.ci/run` drops them after the lane).

#![allow(dead_code)]

pub mod browser;

use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::{json, Value};
use sg_app::App;
use sg_domain::{Coded, CompetentAuthority, Role};
use sg_store::Store;
use sg_store_sqlite::SqliteStore;

/// A clock the test can move forward.
pub struct TestClock(std::sync::Mutex<time::OffsetDateTime>);

impl sg_app::Clock for TestClock {
    fn now(&self) -> time::OffsetDateTime {
        *self.0.lock().unwrap()
    }
}

/// A running server and its database.
pub struct TestApp {
    pub base: String,
    pub app: App,
    pub clock: Arc<TestClock>,
    pub dir_path: std::path::PathBuf,
    pub store: Arc<dyn Store>,
    /// The PostgreSQL URL of this test's database, in the PostgreSQL lane.
    pub database_url: Option<String>,
    pub client: reqwest::Client,
    /// The server's metrics (what `GET /metrics` renders).
    pub metrics: sg_web::Metrics,
    _dir: tempfile::TempDir,
}

/// An API user: their bearer token.
#[derive(Clone)]
pub struct Token(pub String);

impl TestApp {
    /// Starts the server on 127.0.0.1:0 with an empty database in a temporary directory, with
    /// the default limits but no per-user request budget (tests send requests in bursts).
    pub async fn start() -> Self {
        Self::start_with(sg_web::Limits { user_requests_per_second: 0, ..sg_web::Limits::default() }).await
    }

    /// [`TestApp::start`] with these limits.
    pub async fn start_with(limits: sg_web::Limits) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database_url = fresh_postgres_database().await;
        let store: Arc<dyn Store> = match &database_url {
            Some(url) => Arc::new(sg_store_postgres::PgStore::open(url).await.unwrap()),
            None => Arc::new(SqliteStore::open(&dir.path().join("safeguard.db")).await.unwrap()),
        };
        let keys = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("test-1")]).unwrap();
        let clock = Arc::new(TestClock(std::sync::Mutex::new(time::OffsetDateTime::now_utc())));
        let app = App { clock: clock.clone(), ..App::new(store.clone(), keys) };
        let router = sg_web::router(sg_web::AppState { app: app.clone(), secure_cookies: false });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let metrics = sg_web::Metrics::new();
        let served = metrics.clone();
        tokio::spawn(
            async move { sg_web::serve(listener, router, limits, served, std::future::pending()).await.unwrap() },
        );
        Self {
            base: format!("http://{addr}"),
            app,
            clock,
            dir_path: dir.path().to_path_buf(),
            store,
            database_url,
            client: reqwest::Client::new(),
            metrics,
            _dir: dir,
        }
    }

    /// Starts another server on the same database, keys and clock, as a second process would
    /// be: it shares nothing held in this one's memory. Returns its base URL.
    pub async fn another_process(&self) -> String {
        let spare = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("spare")]).unwrap();
        let app = App {
            clock: self.clock.clone(),
            keys: self.app.keys.clone(),
            fingerprint_key: self.app.fingerprint_key.clone(),
            ..App::new(self.store.clone(), spare)
        };
        let router = sg_web::router(sg_web::AppState { app, secure_cookies: false });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let limits = sg_web::Limits { user_requests_per_second: 0, ..sg_web::Limits::default() };
        tokio::spawn(async move {
            sg_web::serve(listener, router, limits, sg_web::Metrics::new(), std::future::pending()).await.unwrap()
        });
        format!("http://{addr}")
    }

    /// Moves the server's clock forward.
    pub fn advance_days(&self, days: i64) {
        *self.clock.0.lock().unwrap() += time::Duration::days(days);
    }

    /// Moves the server's clock forward by seconds.
    pub fn advance_secs(&self, secs: i64) {
        *self.clock.0.lock().unwrap() += time::Duration::seconds(secs);
    }

    /// Moves the server's clock forward by minutes (sessions end after 30 idle minutes).
    pub fn advance_minutes(&self, minutes: i64) {
        *self.clock.0.lock().unwrap() += time::Duration::minutes(minutes);
    }

    /// Creates a user with an API token.
    pub async fn api_user(&self, org: &str, role: Role, name: &str) -> Token {
        let c = self.app.create_user(org, None, role, name, true).await.unwrap();
        Token(c.api_token.unwrap())
    }

    /// Creates a user and returns their one-time sign-in code.
    pub async fn page_user(&self, org: &str, role: Role, name: &str) -> String {
        self.app.create_user(org, None, role, name, false).await.unwrap().sign_in_code
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `POST /api/v1/referrals`; returns the status and JSON body.
    pub async fn refer(&self, who: &Token, body: &Value, key: Option<&str>) -> (StatusCode, Value) {
        let mut req = self.client.post(self.url("/api/v1/referrals")).bearer_auth(&who.0).json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        let resp = req.send().await.unwrap();
        (resp.status(), resp.json().await.unwrap_or(Value::Null))
    }

    /// `GET` a JSON API path.
    pub async fn get(&self, who: &Token, path: &str) -> (StatusCode, Value) {
        let resp = self.client.get(self.url(path)).bearer_auth(&who.0).send().await.unwrap();
        (resp.status(), resp.json().await.unwrap_or(Value::Null))
    }

    /// `POST /api/v1/cases/{id}/actions`.
    pub async fn act(&self, who: &Token, case_id: &str, body: &Value) -> (StatusCode, Value) {
        let resp = self
            .client
            .post(self.url(&format!("/api/v1/cases/{case_id}/actions")))
            .bearer_auth(&who.0)
            .json(body)
            .send()
            .await
            .unwrap();
        (resp.status(), resp.json().await.unwrap_or(Value::Null))
    }

    /// A decision action (`decide-reasonable-grounds` ...) with reasons, dated `days` ago. A
    /// negative decision the rules hold for review is agreed the same day by another decision
    /// maker of the case's authority, so that it is served as the caller expects.
    pub async fn decide(&self, dm: &Token, id: &str, action: &str, outcome: &str, days: i64) -> (StatusCode, Value) {
        self.decide_on(dm, id, action, outcome, &days_ago(days)).await
    }

    /// [`TestApp::decide`] on an ISO `date`.
    pub async fn decide_on(
        &self,
        dm: &Token,
        id: &str,
        action: &str,
        outcome: &str,
        date: &str,
    ) -> (StatusCode, Value) {
        let reasons = "Consistent account; indicators present.";
        let (status, case) =
            self.act(dm, id, &json!({"action": action, "outcome": outcome, "reasons": reasons, "date": date})).await;
        if status != StatusCode::OK || case["awaiting_review"].is_null() {
            return (status, case);
        }
        let reviewer = self.second_reviewer(&case).await;
        self.act(&reviewer, id, &json!({"action": "review-negative-decision", "agreed": true, "date": date})).await
    }

    /// A decision maker of the case's competent authority, other than whoever decided.
    pub async fn second_reviewer(&self, case: &Value) -> Token {
        let authority = case["competent_authority"].as_str().and_then(CompetentAuthority::from_code);
        let name = format!("reviewer-{}", uuid::Uuid::new_v4());
        let user = self.app.create_user_for("Second review", None, Role::DecisionMaker, &name, true, authority);
        Token(user.await.unwrap().api_token.unwrap())
    }

    /// How many cases the store holds, whoever referred them.
    pub async fn case_count(&self) -> u64 {
        self.store.list_cases(&sg_store::CaseFilter { limit: 1, ..Default::default() }).await.unwrap().total
    }
}

/// In the PostgreSQL lane, a new empty database on the server named by
/// `SAFEGUARD_TEST_DATABASE_URL`, and its URL; `None` in the SQLite lane.
pub async fn fresh_postgres_database() -> Option<String> {
    sg_store_postgres::testing::fresh_database().await
}

/// The command-line arguments that point a command at a test's data: `--data-dir DIR`, and in
/// the PostgreSQL lane `--database-url URL` too (the master keys stay in the directory).
pub fn data_args(dir: &std::path::Path, database_url: Option<&str>) -> Vec<String> {
    let mut args = vec!["--data-dir".to_string(), dir.to_str().unwrap().to_string()];
    if let Some(url) = database_url {
        args.extend(["--database-url".to_string(), url.to_string()]);
    }
    args
}

/// In the PostgreSQL lane, the database that stands for the data directory `dir` in command
/// line tests (made on first use, the same for every later command); `None` in the SQLite lane.
pub fn lane_database_for(dir: &str) -> Option<String> {
    static DATABASES: std::sync::Mutex<std::collections::BTreeMap<String, String>> =
        std::sync::Mutex::new(std::collections::BTreeMap::new());
    std::env::var("SAFEGUARD_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let mut known = DATABASES.lock().unwrap();
    if let Some(url) = known.get(dir) {
        return Some(url.clone());
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = rt.block_on(fresh_postgres_database())?;
    known.insert(dir.to_string(), url.clone());
    Some(url)
}

/// A command line with `--database-url` added after `--data-dir DIR` in the PostgreSQL lane.
pub fn lane_args(args: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    if let Some(i) = args.iter().position(|a| *a == "--data-dir") {
        if let Some(url) = args.get(i + 1).and_then(|d| lane_database_for(d)) {
            out.extend(["--database-url".to_string(), url]);
        }
    }
    out
}

/// The store behind the data directory `dir` in this lane: its SQLite file, or its database.
pub async fn lane_store(dir: &std::path::Path) -> Arc<dyn Store> {
    match lane_database_for(dir.to_str().unwrap()) {
        Some(url) => Arc::new(sg_store_postgres::PgStore::open(&url).await.unwrap()),
        None => Arc::new(SqliteStore::open(&dir.join("safeguard.db")).await.unwrap()),
    }
}

/// The store a command line with `data` (from [`data_args`]) works on: the PostgreSQL
/// database it names, or the SQLite file in `dir`.
pub async fn store_for(dir: &std::path::Path, data: &[String]) -> Arc<dyn Store> {
    match data.iter().position(|a| a == "--database-url").and_then(|i| data.get(i + 1)) {
        Some(url) => Arc::new(sg_store_postgres::PgStore::open(url).await.unwrap()),
        None => Arc::new(SqliteStore::open(&dir.join("safeguard.db")).await.unwrap()),
    }
}

/// The contract's example referral: an adult who consents.
pub fn adult_referral() -> Value {
    json!({
        "jurisdiction": "england-wales",
        "age_at_exploitation": "adult",
        "consent_to_referral": true,
        "gender": "female",
        "nationalities": ["AL"],
        "exploitation_types": ["labour", "criminal"],
        "exploitation_location": "uk",
        "identity": {"full_name": "Ana Example", "date_of_birth": "1999-04-01", "phone": "07700 900123"},
        "account": "I was made to work in a car wash for no pay."
    })
}

/// The `code` of an API error body (empty when there is none).
pub fn error_code(err: &Value) -> &str {
    err["error"]["code"].as_str().unwrap_or("")
}

/// Makes `body` a referral of a person of `age` (now and during the exploitation): a child's
/// or unknown age's referral carries no adult's date of birth, which would make them an adult.
pub fn set_age(body: &mut Value, age: &str) {
    body["age_at_exploitation"] = json!(age);
    if age != "adult" {
        if let Some(identity) = body["identity"].as_object_mut() {
            identity.remove("date_of_birth");
        }
    }
}

/// A date `days` before today, as ISO text.
pub fn days_ago(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(days)).to_string()
}

/// The code of an authenticator holding `secret_b32` at the server's (test) clock.
pub fn totp_code_at(secret_b32: &str, at: time::OffsetDateTime) -> String {
    let secret = totp_rs::Secret::Encoded(secret_b32.to_string()).to_bytes().unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, secret).unwrap().generate(at.unix_timestamp() as u64)
}

/// The code of an authenticator holding `secret_b32` at the server's (test) clock. The real
/// clock would drift a step ahead of the frozen one on a slow run, and `next_totp_code` would then
/// give the step this code already spent.
pub fn current_totp_code(t: &TestApp, secret_b32: &str) -> String {
    totp_code_at(secret_b32, sg_app::Clock::now(&*t.clock))
}

/// A code of an authenticator holding `secret_b32` that the server has not seen yet: each code
/// is taken once, so the server's clock moves on to the next 30-second step first.
pub fn next_totp_code(t: &TestApp, secret_b32: &str) -> String {
    t.advance_secs(30);
    totp_code_at(secret_b32, sg_app::Clock::now(&*t.clock))
}

/// Whether `path` is a form sent before signing in, which carries the pre-session token.
pub fn is_presession_form(path: &str) -> bool {
    matches!(path.split('?').next(), Some("/sign-in" | "/sign-in/code" | "/survivor"))
}

/// The pre-session form token of the form at `path`, shown to `client` (a cookie-keeping
/// client: the token is also its cookie).
pub async fn form_token(client: &reqwest::Client, url: &str) -> String {
    let html = client.get(url).send().await.unwrap().text().await.unwrap();
    html.split("name=\"csrf\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or_default().to_string()
}

/// Posts a pre-session form (`/sign-in/code`, `/survivor`...) as a browser does: shown first,
/// then sent with its token.
pub async fn post_presession(client: &reqwest::Client, url: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = form_token(client, url).await;
    let mut form: Vec<(&str, &str)> = fields.to_vec();
    form.push(("csrf", &token));
    client.post(url).form(&form).send().await.unwrap()
}

/// The current code of an authenticator holding `secret_b32`.
pub fn totp_code(secret_b32: &str) -> String {
    let secret = totp_rs::Secret::Encoded(secret_b32.to_string()).to_bytes().unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, secret).unwrap().generate_current().unwrap()
}

/// The secret shown on the enrolment page.
pub fn enrolment_secret(html: &str) -> String {
    html.split("id=\"secret\">").nth(1).unwrap().split('<').next().unwrap().to_string()
}

/// A sensible organisation for a user of `role` in tests, of a kind that may hold the role.
pub fn org_for(role: Role) -> &'static str {
    match role {
        Role::Admin => "Safeguard administrators",
        Role::FirstResponder => "Hope NGO",
        Role::DecisionMaker => "Single Competent Authority",
        Role::SupportProvider => "Safe House Trust",
        Role::Guardian => "Guardian Service",
        Role::LegalAdviser => "Law Centre",
        Role::Police => "City Police",
        Role::ImmigrationEnforcement => "Immigration Enforcement",
        Role::Monitor => "Monitoring Group",
    }
}

/// A new user signed in through the pages (one-time code, password, and an authenticator where
/// the role needs one): a cookie-keeping client that follows redirects, the form token of its
/// last page, and the authenticator's secret if one was enrolled.
pub async fn signed_in_client(t: &TestApp, org: &str, role: Role, name: &str) -> (reqwest::Client, String, String) {
    let code = t.page_user(org, role, name).await;
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let csrf_of = |html: &str| {
        html.split("name=\"csrf\" value=\"")
            .nth(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .unwrap_or_default()
    };
    let r = post_presession(&client, &t.url("/sign-in/code"), &[("code", code.as_str())]).await;
    let csrf = csrf_of(&r.text().await.unwrap());
    let pw = browser::PASSWORD;
    let form = [("password", pw), ("confirmation", pw), ("csrf", csrf.as_str())];
    let html = client.post(t.url("/account/password")).form(&form).send().await.unwrap().text().await.unwrap();
    if sg_app::second_factor::required_for(role) {
        let html = client.get(t.url("/account/two-factor")).send().await.unwrap().text().await.unwrap();
        let secret = enrolment_secret(&html);
        let code = totp_code_at(&secret, sg_app::Clock::now(&*t.clock));
        let form = [("secret", secret.as_str()), ("code", code.as_str()), ("csrf", csrf.as_str())];
        let r = client.post(t.url("/account/two-factor")).form(&form).send().await.unwrap();
        assert_ne!(r.url().path(), "/account/two-factor", "enrolment failed for {name}");
        let html = r.text().await.unwrap();
        return (client, csrf_of(&html), secret);
    }
    (client, csrf_of(&html), String::new())
}
