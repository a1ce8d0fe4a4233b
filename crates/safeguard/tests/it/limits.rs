//! Issue 16, "one client starves the rest": idle and slow connections, slow bodies, a user
//! over their request budget, floods of refused requests in the audit log, the simulation
//! recomputed for every monitor, and the operators' metrics.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{adult_referral, org_for, signed_in_client, TestApp};
use reqwest::StatusCode;
use sg_audit::Outcome;
use sg_domain::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `safeguard serve` under `ulimit -n 1024`, as the attack on main was run; killed on drop.
struct LimitedServer(Child, String);

impl LimitedServer {
    async fn start(dir: &std::path::Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut args = vec!["serve".to_string(), "--bind".into(), format!("127.0.0.1:{port}")];
        args.extend(common::data_args(dir, common::fresh_postgres_database().await.as_deref()));
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 1024 && exec \"$0\" \"$@\"")
            .arg(env!("CARGO_BIN_EXE_safeguard"))
            .args(&args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            let line = lines.next().expect("serve exited early").unwrap();
            if line.contains("listening on") {
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        Self(child, format!("127.0.0.1:{port}"))
    }
}

impl Drop for LimitedServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The attack of issue 16: 1,100 connections that never finish a request (half send nothing,
/// half a partial header) against a server allowed 1,024 files. On main `/healthz` never
/// answered; now the oldest silent connections are closed to make room.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_while_1100_idle_connections_are_open() {
    let dir = tempfile::tempdir().unwrap();
    let server = LimitedServer::start(dir.path()).await;
    let mut idle = Vec::new();
    for i in 0..1_100 {
        let mut s = TcpStream::connect(&server.1).await.unwrap();
        if i % 2 == 1 {
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        }
        idle.push(s);
    }
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    for _ in 0..3 {
        let r = client.get(format!("http://{}/healthz", server.1)).send().await.expect("healthz answers in time");
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.text().await.unwrap(), "ok");
    }
    drop(idle);
}

/// A header sent slower than the header timeout is cut off.
#[tokio::test]
async fn a_header_that_never_ends_is_cut_off() {
    let t = TestApp::start_with(sg_web::Limits {
        header_timeout: Duration::from_secs(1),
        user_requests_per_second: 0,
        ..sg_web::Limits::default()
    })
    .await;
    let mut s = TcpStream::connect(t.base.trim_start_matches("http://")).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut buf = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "the server kept a connection whose header never ended");
}

/// A body that stops arriving fails the request instead of holding it open.
#[tokio::test]
async fn a_body_that_stalls_is_cut_off() {
    let t = TestApp::start_with(sg_web::Limits {
        body_timeout: Duration::from_secs(1),
        user_requests_per_second: 0,
        ..sg_web::Limits::default()
    })
    .await;
    let fr = t.api_user(org_for(Role::FirstResponder), Role::FirstResponder, "fr").await;
    let mut s = TcpStream::connect(t.base.trim_start_matches("http://")).await.unwrap();
    let head = format!(
        "POST /api/v1/referrals HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"jurisdiction\":",
        fr.0
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await;
    let n = read.expect("the server waited for the body for ever").unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(n == 0 || !answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert_eq!(t.case_count().await, 0);
}

/// One user over their budget gets 429 with Retry-After; another user is served.
#[tokio::test]
async fn a_user_over_budget_gets_429_and_others_are_served() {
    let t =
        TestApp::start_with(sg_web::Limits { user_requests_per_second: 2, user_burst: 5, ..sg_web::Limits::default() })
            .await;
    let greedy = t.api_user(org_for(Role::FirstResponder), Role::FirstResponder, "greedy").await;
    let other = t.api_user(org_for(Role::FirstResponder), Role::FirstResponder, "other").await;
    let mut limited = None;
    for _ in 0..20 {
        let r = t.client.get(t.url("/api/v1/cases")).bearer_auth(&greedy.0).send().await.unwrap();
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = limited.expect("20 requests at once from one user were all answered");
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=5).contains(&retry), "Retry-After {retry}");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
    let (status, _) = t.get(&other, "/api/v1/cases").await;
    assert_eq!(status, StatusCode::OK, "another user keeps their own budget");
}

/// The refused entries of one actor in the audit log: (written one by one, counted in
/// summaries).
async fn refusals_of(t: &TestApp, actor: &str) -> (u64, u64) {
    let entries = t.store.audit_page(0, 100_000).await.unwrap();
    let mut single = 0;
    let mut summarised = 0;
    for e in entries.iter().filter(|e| e.record.actor.as_deref() == Some(actor) && e.record.outcome == Outcome::Refused)
    {
        match e.record.detail.strip_prefix(sg_app::refusals::SUMMARY_PREFIX) {
            Some(rest) => summarised += rest.split_whitespace().next().unwrap().parse::<u64>().unwrap(),
            None => single += 1,
        }
    }
    (single, summarised)
}

/// On main each refused request wrote an entry (13,535 in ten seconds from one token). Now the
/// repetitions are counted and written as one summary when the window ends; none is lost.
#[tokio::test]
async fn repeated_refusals_are_counted_in_one_audit_entry() {
    let t = TestApp::start().await;
    let fr = t.api_user(org_for(Role::FirstResponder), Role::FirstResponder, "fr").await;
    let police = t.api_user(org_for(Role::Police), Role::Police, "officer").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap();
    for _ in 0..200 {
        let (status, _) = t.get(&police, &format!("/api/v1/cases/{case}/identity")).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let officer = t.store.user_by_name("officer").await.unwrap().unwrap().0.id.to_string();
    let (single, summarised) = refusals_of(&t, &officer).await;
    assert_eq!((single, summarised), (u64::from(sg_app::refusals::WRITTEN_PER_CASE), 0), "written one by one");

    // A minute later the next refusal writes the summary of the last window, then itself.
    t.advance_secs(sg_app::refusals::WINDOW_SECS);
    let (status, _) = t.get(&police, &format!("/api/v1/cases/{case}/identity")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (single, summarised) = refusals_of(&t, &officer).await;
    assert_eq!(single + summarised, 201, "every refusal is in the log, one by one or counted");
    assert!(single <= 2 * u64::from(sg_app::refusals::WRITTEN_PER_CASE), "{single} entries written one by one");
    let verified = t.app.verify_audit(None).await.unwrap();
    assert!(matches!(verified, sg_app::audit::Verification::Intact { .. }), "{verified:?}");
}

/// `GET /metrics` on its own listener: requests by route template and status, latencies,
/// refusals, connections and the database's pool, with no case id or reference in it.
#[tokio::test]
async fn metrics_count_requests_by_route_without_ids() {
    let t = TestApp::start().await;
    let fr = t.api_user(org_for(Role::FirstResponder), Role::FirstResponder, "fr").await;
    let police = t.api_user(org_for(Role::Police), Role::Police, "officer").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let case = created["case_id"].as_str().unwrap().to_string();
    let reference = created["reference"].as_str().unwrap().to_string();
    t.get(&fr, &format!("/api/v1/cases/{case}")).await;
    t.get(&police, &format!("/api/v1/cases/{case}/identity")).await;
    t.client.get(t.url(&format!("/no/such/{case}"))).send().await.unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    let metrics = sg_web::metrics_router(t.app.clone(), t.metrics.clone());
    tokio::spawn(async move { axum::serve(listener, metrics).await });
    let r = reqwest::get(format!("http://{at}/metrics")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = r.text().await.unwrap();
    for needle in [
        r#"safeguard_http_requests_total{method="GET",route="/api/v1/cases/{case_id}",status="200"} 1"#,
        r#"safeguard_http_requests_total{method="GET",route="/api/v1/cases/{case_id}/identity",status="403"} 1"#,
        r#"safeguard_http_requests_total{method="POST",route="/api/v1/referrals",status="201"} 1"#,
        r#"route="unmatched",status="404"} 1"#,
        r#"safeguard_http_request_duration_seconds_bucket{"#,
        "safeguard_refusals_total 1",
        "safeguard_open_connections ",
        "safeguard_db_connections ",
        "safeguard_db_write_queue ",
        "safeguard_simulation_runs_total 0",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
    assert!(!text.contains(&case) && !text.contains(&reference), "an id leaked into the metrics");
    let public = t.client.get(t.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND, "the public listener has no metrics");
}

/// The simulation is replayed once per data version: a second monitor's request is answered
/// from the cache, a new referral makes it run again (5.5 s of CPU per request at 100,000
/// cases on main).
#[tokio::test]
async fn the_simulation_runs_once_per_data_version() {
    let t = TestApp::start().await;
    let fr = t.api_user(org_for(Role::FirstResponder), Role::FirstResponder, "fr").await;
    t.refer(&fr, &adult_referral(), None).await;
    let (monitor, _, _) = signed_in_client(&t, org_for(Role::Monitor), Role::Monitor, "monitor").await;
    let runs = || {
        let text = t.metrics.render(&t.app);
        let line = text.lines().find(|l| l.starts_with("safeguard_simulation_runs_total")).unwrap().to_string();
        line.rsplit(' ').next().unwrap().parse::<u64>().unwrap()
    };
    let first = monitor.get(t.url("/monitor/simulation")).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first = first.text().await.unwrap();
    let second = monitor.get(t.url("/monitor/simulation")).send().await.unwrap().text().await.unwrap();
    assert_eq!(runs(), 1, "the second request replayed every case again");
    let strip_csrf = |s: &str| s.lines().filter(|l| !l.contains("csrf")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip_csrf(&first), strip_csrf(&second));
    t.refer(&fr, &adult_referral(), None).await;
    monitor.get(t.url("/monitor/simulation")).send().await.unwrap();
    assert_eq!(runs(), 2, "a new case must be counted");
}

/// Deep pages by cursor: `after` (a page's `next_after`) continues exactly where the page
/// ended, in both orders; an `offset` past 10,000 is refused naming it, as is a bad cursor.
#[tokio::test]
async fn pages_continue_from_a_cursor_and_deep_offsets_are_refused() {
    let t = TestApp::start().await;
    let fr = t.api_user(org_for(Role::FirstResponder), Role::FirstResponder, "fr").await;
    for _ in 0..7 {
        let (status, _) = t.refer(&fr, &adult_referral(), None).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let ids = |page: &serde_json::Value| -> Vec<String> {
        page["cases"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
    };
    for sort in ["newest", "deadline"] {
        let (_, whole) = t.get(&fr, &format!("/api/v1/cases?limit=200&sort={sort}")).await;
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..10 {
            let cursor = after.as_deref().map(|a| format!("&after={a}")).unwrap_or_default();
            let (status, page) = t.get(&fr, &format!("/api/v1/cases?limit=3&sort={sort}{cursor}")).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            seen.extend(ids(&page));
            match page["next_after"].as_str() {
                Some(next) => after = Some(next.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, ids(&whole), "pages by cursor, sort {sort}");
    }
    let (status, body) = t.get(&fr, "/api/v1/cases?offset=10001").await;
    assert_eq!((status, body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("offset")), "{body}");
    let (status, body) = t.get(&fr, "/api/v1/cases?after=not-a-cursor").await;
    assert_eq!((status, body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("after")), "{body}");
    let (_, first) = t.get(&fr, "/api/v1/cases?limit=3").await;
    let newest_cursor = first["next_after"].as_str().unwrap().to_string();
    let (status, body) = t.get(&fr, &format!("/api/v1/cases?sort=deadline&after={newest_cursor}")).await;
    assert_eq!((status, body["error"]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("after")), "{body}");
}

/// A damaged SQLite file is refused at start, naming the damage and what to do, before
/// anything is served from it (on main the server started and served it): after a server was
/// killed (its `.serving` mark left behind), and with `--check-at-start` whatever the mark.
/// SQLite lane only.
#[tokio::test]
async fn serve_refuses_a_damaged_database_file_after_a_crash_or_when_asked() {
    for (killed, flag) in [(true, None), (false, Some("--check-at-start"))] {
        refuses_a_damaged_file(killed, flag).await;
    }
}

async fn refuses_a_damaged_file(killed: bool, flag: Option<&str>) {
    if std::env::var("SAFEGUARD_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_safeguard")).args(["migrate", "--data-dir", &data]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = dir.path().join("safeguard.db");
    // Damage the root page of a table that nothing reads at start.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&pool).await.unwrap();
    let root: i64 = sqlx::query_scalar("SELECT rootpage FROM sqlite_master WHERE name = 'recommendations'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let page: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(&pool).await.unwrap();
    pool.close().await;
    let mut bytes = std::fs::read(&db).unwrap();
    let start = ((root - 1) * page) as usize;
    bytes[start..start + page as usize].fill(0xA5);
    std::fs::write(&db, bytes).unwrap();
    if killed {
        std::fs::write(dir.path().join("safeguard.db.serving"), b"").unwrap();
    }

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data-dir", &data])
        .args(flag)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut status = None;
    for _ in 0..200 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let Some(status) = status else {
        let _ = child.kill();
        panic!("the server started on a damaged database file");
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success());
    assert!(stderr.contains("is damaged") && stderr.contains("quick_check"), "{stderr}");
}

/// PostgreSQL gives up a transaction to a concurrent one with SQLSTATE class 40 (deadlock,
/// serialisation failure); the case transactions now run again instead of answering 503 as on
/// main. The failures are injected by a trigger on `case_events`. PostgreSQL lane only.
#[tokio::test]
async fn case_transactions_given_up_to_contention_run_again() {
    let t = TestApp::start().await;
    let Some(url) = t.database_url.clone() else { return };
    let fr = t.api_user(org_for(Role::FirstResponder), Role::FirstResponder, "fr").await;
    let dm = t.api_user("SCA", Role::DecisionMaker, "dm").await;
    let (_, created) = t.refer(&fr, &adult_referral(), None).await;
    let id = created["case_id"].as_str().unwrap().to_string();
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    for statement in [
        "CREATE SEQUENCE injected_contention",
        "CREATE FUNCTION inject_contention() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         IF nextval('injected_contention') <= 2 THEN RAISE EXCEPTION 'injected' USING ERRCODE = '40P01'; END IF; \
         RETURN NEW; END $$",
        "CREATE TRIGGER inject_contention BEFORE INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION inject_contention()",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    let (status, body) = t.decide(&dm, &id, "decide-reasonable-grounds", "positive", 0).await;
    assert_eq!(status, StatusCode::OK, "a change given up twice to a deadlock: {body}");
    sqlx::query("ALTER SEQUENCE injected_contention RESTART").execute(&pool).await.unwrap();
    let (status, body) = t.refer(&fr, &adult_referral(), None).await;
    assert_eq!(status, StatusCode::CREATED, "a referral given up twice to a deadlock: {body}");
    assert_eq!(t.case_count().await, 2);
    pool.close().await;
}
