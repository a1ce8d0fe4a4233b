//! Faults, with the real binary: a full disk, a read-only database file, a missing key file and
//! a corrupt database at start each give a clear error (a non-zero exit or `503`), and what was
//! already stored is intact afterwards.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{json, Value};

fn safeguard(data: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_safeguard"));
    c.env("RUST_LOG", "warn").args(args).arg("--data-dir").arg(data);
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn token(data: &Path) -> String {
    let out =
        safeguard(data, &["user", "add", "--org", "Hope NGO", "--role", "first-responder", "--name", "fr", "--token"])
            .output()
            .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A running server, killed when dropped.
struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve` with `wrap` (e.g. another user) before the command; `Err` with its output if
/// it exits instead of answering.
fn serve(data: &Path, wrap: &[&str]) -> Result<Server, Output> {
    let port = free_port();
    let bin = env!("CARGO_BIN_EXE_safeguard");
    let mut cmd = if wrap.is_empty() { Command::new(bin) } else { Command::new(wrap[0]) };
    if !wrap.is_empty() {
        cmd.args(&wrap[1..]).arg(bin);
    }
    cmd.env("RUST_LOG", "warn")
        .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Err(child.wait_with_output().unwrap());
        }
        if reqwest::blocking::get(format!("{base}/healthz")).is_ok_and(|r| r.status().is_success()) {
            return Ok(Server(child, base));
        }
        assert!(started.elapsed() < Duration::from_secs(30), "serve neither answered nor exited");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Stops a server with SIGTERM, as an operator would, and waits for it.
fn stop(mut server: Server) {
    Command::new("kill").args(["-TERM", &server.0.id().to_string()]).status().unwrap();
    let started = Instant::now();
    while server.0.try_wait().unwrap().is_none() {
        assert!(started.elapsed() < Duration::from_secs(10), "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn refer(server: &Server, token: &str, n: usize) -> (u16, Value) {
    let body = json!({
        "jurisdiction": "england-wales", "age_at_exploitation": "adult", "consent_to_referral": true,
        "gender": "female", "nationalities": ["AL"], "exploitation_types": ["labour"], "exploitation_location": "uk",
        "identity": {"full_name": format!("Fault Test {n}"), "date_of_birth": "1990-01-01"},
        "account": "x".repeat(2000)
    });
    let resp =
        Client::new().post(format!("{}/api/v1/referrals", server.1)).bearer_auth(token).json(&body).send().unwrap();
    (resp.status().as_u16(), resp.json().unwrap_or(Value::Null))
}

/// The case ids the first responder sees.
fn case_ids(server: &Server, token: &str) -> Vec<String> {
    let page: Value = Client::new()
        .get(format!("{}/api/v1/cases?limit=200", server.1))
        .bearer_auth(token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let mut ids: Vec<String> =
        page["cases"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().into()).collect();
    ids.sort();
    ids
}

/// `PRAGMA integrity_check` and `safeguard audit verify` both pass.
fn intact(data: &Path) {
    let out = Command::new("sqlite3").arg(data.join("safeguard.db")).arg("PRAGMA integrity_check;").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok");
    let out = safeguard(data, &["audit", "verify"]).output().unwrap();
    assert!(out.status.success(), "audit verify: {}", String::from_utf8_lossy(&out.stderr));
}

/// A data directory with a user and `n` referrals; the token and the case ids.
fn stocked(data: &Path, n: usize) -> (String, Vec<String>) {
    let token = token(data);
    let server = serve(data, &[]).unwrap();
    for i in 0..n {
        assert_eq!(refer(&server, &token, i).0, 201);
    }
    let ids = case_ids(&server, &token);
    assert_eq!(ids.len(), n);
    stop(server);
    (token, ids)
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

#[test]
fn a_missing_key_file_is_refused_at_start_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (token, ids) = stocked(&data, 3);
    std::fs::rename(data.join("keys"), dir.path().join("keys-aside")).unwrap();

    let out = serve(&data, &[]).err().expect("serve must refuse to start without its keys");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("master key files are missing"), "{stderr}");
    assert!(
        !data.join("keys").exists() || std::fs::read_dir(data.join("keys")).unwrap().next().is_none(),
        "a new key was made"
    );

    std::fs::remove_dir_all(data.join("keys")).ok();
    std::fs::rename(dir.path().join("keys-aside"), data.join("keys")).unwrap();
    let server = serve(&data, &[]).unwrap();
    assert_eq!(case_ids(&server, &token), ids);
    let identity =
        Client::new().get(format!("{}/api/v1/cases/{}/identity", server.1, ids[0])).bearer_auth(&token).send().unwrap();
    assert_eq!(identity.status().as_u16(), 200, "the identities are readable with the restored keys");
    drop(server);
    intact(&data);
}

#[test]
fn a_corrupt_database_is_refused_at_start_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    stocked(&data, 1);
    let db = data.join("safeguard.db");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..16].copy_from_slice(b"not a database!!");
    std::fs::write(&db, &bytes).unwrap();

    let out = serve(&data, &[]).err().expect("serve must refuse a corrupt database");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot open the database") && stderr.contains("safeguard.db"), "{stderr}");
    assert!(stderr.contains("not a database"), "the error says what is wrong: {stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "the file was changed");
}

#[test]
fn a_read_only_database_file_refuses_writes_clearly_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (token, ids) = stocked(&data, 2);
    let db = data.join("safeguard.db");
    let before = std::fs::read(&db).unwrap();
    // Root ignores file modes, so the server then runs as `nobody`, who may write the
    // directory (for SQLite's lock files) but not the database file.
    let wrap: &[&str] = if is_root() { &["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] } else { &[] };
    let mode = |path: &Path, m: u32| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(m)).unwrap();
    };
    mode(dir.path(), 0o777);
    mode(&data, 0o777);
    for f in std::fs::read_dir(&data).unwrap() {
        let path = f.unwrap().path();
        mode(&path, if path.is_dir() { 0o755 } else { 0o444 });
    }
    mode(&data.join("keys"), 0o755);
    for f in std::fs::read_dir(data.join("keys")).unwrap() {
        mode(&f.unwrap().path(), 0o444);
    }
    match serve(&data, wrap) {
        Err(out) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("safeguard.db") && stderr.contains("read"), "a clear error: {stderr}");
        }
        Ok(server) => {
            let (status, body) = refer(&server, &token, 99);
            assert_eq!(status, 503, "{body}");
            assert!(body["error"]["message"].as_str().unwrap().contains("read-only"), "{body}");
        }
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file was changed");
    mode(&db, 0o644);
    let server = serve(&data, &[]).unwrap();
    assert_eq!(case_ids(&server, &token), ids);
    drop(server);
    intact(&data);
}

#[test]
fn a_full_disk_gives_503_and_keeps_every_acknowledged_referral() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("small");
    std::fs::create_dir(&mount).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"]).arg(&mount).status();
    if !mounted.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mounting a small tmpfs needs root");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&mount);
    let data = mount.join("data");
    let token = token(&data);
    let server = serve(&data, &[]).unwrap();
    let mut acknowledged = Vec::new();
    let refused = loop {
        let (status, body) = refer(&server, &token, acknowledged.len());
        match status {
            201 => acknowledged.push(body["case_id"].as_str().unwrap().to_string()),
            _ => break (status, body),
        }
        assert!(acknowledged.len() < 5000, "the disk never filled");
    };
    assert_eq!(refused.0, 503, "a full disk is a clear 503, not a crash: {}", refused.1);
    assert_eq!(refused.1["error"]["code"], "unavailable", "{}", refused.1);
    assert!(refused.1["error"]["message"].as_str().unwrap().contains("disk is full"), "{}", refused.1);
    // Reads still work, and every acknowledged referral is there.
    acknowledged.sort();
    let listed: Value = Client::new()
        .get(format!("{}/api/v1/cases?limit=1", server.1))
        .bearer_auth(&token)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(listed["total"].as_u64(), Some(acknowledged.len() as u64));
    drop(server);
    // Room again: the database is whole, and every acknowledged referral is still there.
    Command::new("mount").args(["-o", "remount,size=64m"]).arg(&mount).status().unwrap();
    intact(&data);
    let server = serve(&data, &[]).unwrap();
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let page: Value = Client::new()
            .get(format!("{}/api/v1/cases?limit=200&offset={offset}", server.1))
            .bearer_auth(&token)
            .send()
            .unwrap()
            .json()
            .unwrap();
        let cases = page["cases"].as_array().unwrap();
        if cases.is_empty() {
            break;
        }
        offset += cases.len();
        ids.extend(cases.iter().map(|c| c["id"].as_str().unwrap().to_string()));
    }
    ids.sort();
    assert_eq!(ids, acknowledged);
}
