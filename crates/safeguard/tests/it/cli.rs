//! The `safeguard` binary as a user runs it: first start, `user add`, `demo`, `migrate`, bad
//! arguments, and a clean stop on SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sg_store::Cases;

fn safeguard() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    c.env("RUST_LOG", "warn");
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn first_start_prints_a_one_time_sign_in_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("fresh/data");
    let port = free_port();
    let mut child = safeguard()
        .args(["serve", "--data-dir", data.to_str().unwrap(), "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = String::new();
    while !out.contains("listening on") {
        let line = lines.next().expect("serve exited early").unwrap();
        out.push_str(&line);
        out.push('\n');
    }
    assert!(out.contains("First run"), "{out}");
    assert!(out.contains("/sign-in/code"), "{out}");
    assert!(data.join("safeguard.db").exists(), "the data directory was not created");

    let health = reqwest::blocking::get(format!("http://127.0.0.1:{port}/healthz")).unwrap();
    assert_eq!(health.text().unwrap(), "ok");
    // While it serves, the file is marked; a clean stop removes the mark (so the next start
    // does not read the whole file again), a kill leaves it (so the next start checks it).
    let mark = data.join("safeguard.db.serving");
    assert!(mark.exists(), "no mark while serving");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "serve exited with {exit}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!mark.exists(), "a clean stop left the mark");

    // A second start does not create another administrator.
    let port = free_port();
    let mut child = safeguard()
        .args(["serve", "--data-dir", data.to_str().unwrap(), "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let first = BufReader::new(child.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    assert!(first.contains("listening on"), "{first}");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(mark.exists(), "a killed server's mark is gone");
}

#[test]
fn user_add_with_token_prints_one_line_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let out = safeguard()
        .args(["user", "add", "--org", "Hope NGO", "--role", "first-responder", "--name", "sam", "--token"])
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let token = stdout.trim();
    assert!(token.len() >= 40 && !token.contains(' '), "{token}");

    // The same name again is refused, with the reason.
    let out = safeguard()
        .args(["user", "add", "--org", "Hope NGO", "--role", "first-responder", "--name", "sam"])
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn bad_arguments_are_refused_naming_the_argument() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    for (args, expected) in [
        (vec!["user", "add", "--org", "X", "--role", "wizard", "--name", "n", "--data-dir", d], "--role"),
        (vec!["user", "add", "--org", "X", "--role", "admin", "--name", " ", "--data-dir", d], "--name"),
        (vec!["demo", "--cases", "0", "--data-dir", d], "--cases"),
        (vec!["migrate", "--database-url", "mysql://x"], "--database-url"),
        (
            vec!["migrate", "--database-url", "postgres://127.0.0.1:1/unreachable"],
            "cannot open the PostgreSQL database",
        ),
    ] {
        let out = safeguard().args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

async fn references(db: &Path) -> Vec<String> {
    let store = sg_store_sqlite::SqliteStore::open(db).await.unwrap();
    let page = store.list_cases(&sg_store::CaseFilter { limit: 200, ..Default::default() }).await.unwrap();
    store.close().await;
    let mut refs: Vec<String> = page.cases.into_iter().map(|c| c.reference.to_string()).collect();
    refs.sort();
    refs
}

#[test]
fn demo_is_deterministic_for_a_seed() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for (dir, seed) in dirs.iter().zip(["7", "7", "8"]) {
        let out = safeguard()
            .args(["demo", "--cases", "150", "--seed", seed, "--data-dir", dir.path().to_str().unwrap()])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Added 150 cases"));
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let [a, b, c] = [0, 1, 2].map(|i| rt.block_on(references(&dirs[i].path().join("safeguard.db"))));
    assert_eq!(a.len(), 150);
    assert_eq!(a, b, "the same seed gave different cases");
    assert_ne!(a, c, "a different seed gave the same cases");
}

#[test]
fn migrate_reports_the_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = safeguard().args(["migrate", "--data-dir", dir.path().to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    let latest = sg_store_sqlite::MIGRATOR.iter().map(|m| m.version).max().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("version {latest}")));
}
