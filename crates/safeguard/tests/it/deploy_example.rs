//! The deployment guide's example configuration works: the systemd unit's `ExecStart`, with the
//! variables of the example environment file (pointed at a temporary directory and the test's
//! database), starts a server that answers `/healthz` and stops cleanly on SIGTERM.

use crate::common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GUIDE: &str = include_str!("../../../../docs/deploy.md");

/// The fenced block of `lang` that contains `marker`.
fn block(lang: &str, marker: &str) -> String {
    let open = format!("```{lang}\n");
    GUIDE
        .split(&open)
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .find(|b| b.contains(marker))
        .unwrap_or_else(|| panic!("docs/deploy.md has no ```{lang} block with {marker}"))
        .to_string()
}

#[tokio::test]
async fn the_guides_unit_and_environment_file_start_a_working_server() {
    let env_file = block("sh", "SAFEGUARD_DATABASE_URL=");
    let unit = block("ini", "[Service]");
    let mut vars: HashMap<String, String> = env_file
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    for required in ["EnvironmentFile=", "Restart=on-failure", "User=safeguard", "--secure-cookies"] {
        assert!(unit.contains(required), "the unit lacks {required}");
    }

    // Point the example at this test's world; keep everything else as written.
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = match common::fresh_postgres_database().await {
        Some(url) => url,
        None => format!("sqlite://{}", dir.path().join("safeguard.db").display()),
    };
    vars.insert("SAFEGUARD_DATABASE_URL".into(), url);
    vars.insert("SAFEGUARD_DATA_DIR".into(), dir.path().display().to_string());
    vars.insert("SAFEGUARD_KEY_DIR".into(), dir.path().join("keys").display().to_string());
    vars.insert("SAFEGUARD_BIND".into(), format!("127.0.0.1:{port}"));

    let exec = unit.lines().find_map(|l| l.strip_prefix("ExecStart=")).expect("the unit has ExecStart");
    let mut words = exec.split_whitespace().map(|w| {
        let mut w = w.to_string();
        for (k, v) in &vars {
            w = w.replace(&format!("${{{k}}}"), v);
        }
        assert!(!w.contains("${"), "ExecStart uses a variable the environment file does not set: {w}");
        w
    });
    assert_eq!(words.next().as_deref(), Some("/usr/local/bin/safeguard"));
    let args: Vec<String> = words.collect();

    let mut child = Command::new(env!("CARGO_BIN_EXE_safeguard"))
        .args(&args)
        .env("RUST_LOG", vars.get("RUST_LOG").cloned().unwrap_or_default())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = String::new();
    while !out.contains("listening on") {
        out.push_str(&lines.next().expect("serve exited early").unwrap());
        out.push('\n');
    }
    assert!(out.contains("First run"), "{out}");
    assert!(dir.path().join("keys").join("0001.key").exists(), "the master key is not in SAFEGUARD_KEY_DIR");
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");

    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    let started = Instant::now();
    loop {
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "serve exited with {exit}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}
