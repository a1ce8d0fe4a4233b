//! Two `safeguard serve` processes on one PostgreSQL database, as a coalition runs them: 10,000
//! referrals sent concurrently, split between the two, every acknowledged one stored exactly
//! once, one audit chain that verifies, and a backup taken while the referrals were being
//! written that restores into a database that verifies; a session opened on one process works
//! on the other; two decision makers changing one case at once through different processes get
//! one success and one clear `409`. PostgreSQL lane only.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use common::{adult_referral, data_args, days_ago, fresh_postgres_database};
use serde_json::json;

const REFERRALS: usize = 10_000;
const IN_FLIGHT: usize = 32;

fn safeguard(args: &[String]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    c.env("RUST_LOG", "warn").args(args);
    c
}

fn run(args: &[String]) -> String {
    let out = safeguard(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Starts `serve` on a free port; returns the process and its base URL once it listens.
fn serve(data: &[String]) -> (Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // One token sends all 10,000 referrals: no per-user budget (it would answer 429).
    let mut args =
        vec!["serve".to_string(), "--bind".into(), format!("127.0.0.1:{port}"), "--user-rate".into(), "0".into()];
    args.extend_from_slice(data);
    let mut child = safeguard(&args).stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let line = lines.next().expect("serve exited early").unwrap();
        if line.contains("listening on") {
            break;
        }
    }
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, format!("http://127.0.0.1:{port}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_database_store_every_acknowledged_referral_once() {
    let Some(url) = fresh_postgres_database().await else {
        eprintln!("SAFEGUARD_TEST_DATABASE_URL is not set: skipped (PostgreSQL lane only)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = data_args(dir.path(), Some(&url));
    let mut add = vec!["user", "add", "--org", "Hope NGO", "--role", "first-responder", "--name", "fr", "--token"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    add.extend_from_slice(&data);
    let token = run(&add).trim().to_string();
    let servers = [serve(&data), serve(&data)];
    let bases: Vec<String> = servers.iter().map(|(_, b)| b.clone()).collect();

    let client = reqwest::Client::new();
    let limit = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    let started = std::time::Instant::now();
    let mut backup = None;
    for i in 0..REFERRALS {
        if i == REFERRALS / 2 {
            // Halfway, with referrals still arriving, take a backup.
            let mut args =
                vec!["backup".to_string(), "--output".into(), dir.path().join("mid.bak").display().to_string()];
            args.extend_from_slice(&data);
            backup = Some(tokio::task::spawn_blocking(move || run(&args)));
        }
        let permit = limit.clone().acquire_owned().await.unwrap();
        let (client, token, base) = (client.clone(), token.clone(), bases[i % 2].clone());
        tasks.spawn(async move {
            let resp = client
                .post(format!("{base}/api/v1/referrals"))
                .bearer_auth(&token)
                .header("Idempotency-Key", format!("multi-{i}"))
                .json(&adult_referral())
                .send()
                .await
                .unwrap();
            drop(permit);
            let status = resp.status();
            let body: serde_json::Value = resp.json().await.unwrap_or_default();
            (status, body["case_id"].as_str().map(String::from))
        });
    }
    let mut acknowledged = Vec::new();
    let mut refused = std::collections::BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        match done.unwrap() {
            (s, Some(id)) if s == reqwest::StatusCode::CREATED => acknowledged.push(id),
            (s, _) => *refused.entry(s.as_u16()).or_insert(0) += 1,
        }
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{} referrals acknowledged in {:.1} s ({:.0}/s) over two processes; refused: {refused:?}",
        acknowledged.len(),
        elapsed.as_secs_f64(),
        acknowledged.len() as f64 / elapsed.as_secs_f64()
    );
    let backup_report = backup.unwrap().await.unwrap();
    for (mut child, _) in servers {
        child.kill().unwrap();
        child.wait().unwrap();
    }

    // Every acknowledged referral is there exactly once; nothing unacknowledged slipped in.
    assert_eq!(acknowledged.len(), REFERRALS, "every referral should be acknowledged: refused {refused:?}");
    let unique: std::collections::BTreeSet<&String> = acknowledged.iter().collect();
    assert_eq!(unique.len(), acknowledged.len(), "a case id was acknowledged twice");
    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT id FROM cases").fetch_all(&pool).await.unwrap();
    let stored_set: std::collections::BTreeSet<&String> = stored.iter().collect();
    assert_eq!(stored.len(), stored_set.len());
    assert_eq!(stored_set, unique, "the stored cases differ from the acknowledged ones");
    pool.close().await;

    // One audit chain, appended by both processes, verifies.
    let mut verify = vec!["audit".to_string(), "verify".into()];
    verify.extend_from_slice(&data);
    let out = run(&verify);
    let entries: u64 = out.split_whitespace().next().unwrap().parse().unwrap();
    assert!(entries >= REFERRALS as u64, "{out}");

    // The backup taken mid-way restores into a new database and verifies there.
    assert!(backup_report.contains("encrypted under master key"), "{backup_report}");
    let target = fresh_postgres_database().await.unwrap();
    let mut restore = vec!["restore".to_string(), "--input".into(), dir.path().join("mid.bak").display().to_string()];
    restore.extend_from_slice(&data_args(dir.path(), Some(&target)));
    let report = run(&restore);
    assert!(report.contains(&format!("row counts: {} tables match", sg_store_postgres::TABLES.len())), "{report}");
    assert!(report.contains("audit chain:"), "{report}");
    let mut verify = vec!["audit".to_string(), "verify".into()];
    verify.extend_from_slice(&data_args(dir.path(), Some(&target)));
    run(&verify);
}

/// `user add` on the test's data; returns stdout (a token or a sign-in line).
fn add_user(data: &[String], org: &str, role: &str, name: &str, token: bool) -> String {
    let mut args: Vec<String> =
        ["user", "add", "--org", org, "--role", role, "--name", name].map(String::from).to_vec();
    if token {
        args.push("--token".into());
    }
    args.extend_from_slice(data);
    run(&args)
}

#[tokio::test]
async fn sessions_and_case_versions_hold_across_processes() {
    let Some(url) = fresh_postgres_database().await else { return };
    let dir = tempfile::tempdir().unwrap();
    let data = data_args(dir.path(), Some(&url));
    let fr = add_user(&data, "Hope NGO", "first-responder", "fr", true).trim().to_string();
    let dm = add_user(&data, "SCA", "decision-maker", "dm", true).trim().to_string();
    let code = add_user(&data, "Hope NGO", "first-responder", "fr-web", false);
    let code = code.split_whitespace().last().unwrap().to_string();
    let servers = [serve(&data), serve(&data)];
    let (a, b) = (servers[0].1.clone(), servers[1].1.clone());

    // Signed in on A; the session cookie (for 127.0.0.1, whatever the port) works on B.
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let signed_in = common::post_presession(&browser, &format!("{a}/sign-in/code"), &[("code", code.as_str())]).await;
    assert!(signed_in.status().is_success(), "{}", signed_in.status());
    let page = browser.get(format!("{b}/cases")).send().await.unwrap();
    assert_eq!(page.status(), reqwest::StatusCode::OK);
    assert!(!page.url().path().starts_with("/sign-in"), "B did not know A's session");
    // Without the cookie, B sends a stranger to sign in.
    let stranger = reqwest::get(format!("{b}/cases")).await.unwrap();
    assert!(stranger.url().path().starts_with("/sign-in") || !stranger.status().is_success());

    // One case, read at version v; two decisions sent at once, one to each process.
    let client = reqwest::Client::new();
    let created: serde_json::Value = client
        .post(format!("{a}/api/v1/referrals"))
        .bearer_auth(&fr)
        .json(&adult_referral())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["case_id"].as_str().unwrap().to_string();
    let case: serde_json::Value =
        client.get(format!("{b}/api/v1/cases/{id}")).bearer_auth(&dm).send().await.unwrap().json().await.unwrap();
    let version = case["version"].as_u64().unwrap();
    let decide = |base: &str, outcome: &str| {
        let body = json!({"action": "decide-reasonable-grounds", "outcome": outcome, "reasons": "Indicators present.",
            "date": days_ago(0), "version": version});
        client.post(format!("{base}/api/v1/cases/{id}/actions")).bearer_auth(&dm).json(&body).send()
    };
    let (first, second) = tokio::join!(decide(&a, "positive"), decide(&b, "negative"));
    let mut statuses = [first.unwrap(), second.unwrap()];
    statuses.sort_by_key(|r| r.status());
    let [ok, refused] = statuses;
    assert_eq!(ok.status(), reqwest::StatusCode::OK);
    assert_eq!(refused.status(), reqwest::StatusCode::CONFLICT);
    let err: serde_json::Value = refused.json().await.unwrap();
    let message = err["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("version") || message.contains("changed"), "unclear 409: {err}");

    for (mut child, _) in servers {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let mut verify = vec!["audit".to_string(), "verify".into()];
    verify.extend_from_slice(&data);
    run(&verify);
}
