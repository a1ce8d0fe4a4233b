//! The firewall as the binary runs it: no identifying value ever reaches the database files,
//! the WAL or the logs in plaintext (in the PostgreSQL lane: a `pg_dump` of the database, or
//! every table's text where `pg_dump` is missing), and any tampering with the audit log is
//! detected by `safeguard audit verify`, which names the entry (SQLite: the tampering edits the
//! file directly).

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use sqlx::Connection;

fn safeguard() -> Command {
    Command::new(env!("CARGO_BIN_EXE_safeguard"))
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = safeguard().args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Every file under `dir`, recursively, as bytes.
fn all_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![];
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_files(&path));
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn no_identifying_value_reaches_the_disk_or_the_logs_in_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let database_url = rt.block_on(common::fresh_postgres_database());
    let data_args = common::data_args(&data, database_url.as_deref());
    let with_data = |args: &[&str]| -> Vec<String> {
        args.iter().map(|s| s.to_string()).chain(data_args.iter().cloned()).collect::<Vec<_>>()
    };
    let run_with = |args: &[&str]| {
        let args = with_data(args);
        run(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let (ok, token, err) =
        run_with(&["user", "add", "--org", "Hope NGO", "--role", "first-responder", "--name", "fr", "--token"]);
    assert!(ok, "{err}");
    let token = token.trim().to_string();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = safeguard()
        .args(with_data(&["serve", "--bind", &format!("127.0.0.1:{port}")]))
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the logs as they come: a full pipe would block the server mid-request.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let stdout = drain(Box::new(server.stdout.take().unwrap()));
    let stderr = drain(Box::new(server.stderr.take().unwrap()));
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::new();
    let started = Instant::now();
    while client.get(format!("{base}/healthz")).send().is_err() {
        assert!(started.elapsed() < Duration::from_secs(20), "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    let markers = [
        "Zyxwvut Qponmlk",
        "07700 900987",
        "zyx@example.org",
        "Kjihgfed-account-marker",
        "Nickmarker",
        "Ctxnotes-marker",
    ];
    let body = json!({
        "jurisdiction": "england-wales", "age_at_exploitation": "adult", "consent_to_referral": true,
        "gender": "female", "nationalities": ["VN"], "exploitation_types": ["sexual"], "exploitation_location": "uk",
        "identity": {"full_name": markers[0], "phone": markers[1], "email": markers[2], "nickname": markers[4], "date_of_birth": "1987-06-05"},
        "account": format!("{} what happened", markers[3]),
        "account_context": {"factors": ["trauma"], "notes": markers[5]},
    });
    let created: serde_json::Value =
        client.post(format!("{base}/api/v1/referrals")).bearer_auth(&token).json(&body).send().unwrap().json().unwrap();
    let case = created["case_id"].as_str().unwrap();
    // Read it back, so that the read path is exercised too.
    let person: serde_json::Value =
        client.get(format!("{base}/api/v1/cases/{case}/identity")).bearer_auth(&token).send().unwrap().json().unwrap();
    assert_eq!(person["identity"]["full_name"], markers[0]);

    // A referral started in the browser is saved as a draft as it goes, and saved for later
    // from the context step: sealed too.
    let code = run_with(&["user", "add", "--org", "Hope NGO", "--role", "first-responder", "--name", "fr-web"]).1;
    let code = code.split_whitespace().last().unwrap().to_string();
    let browser = reqwest::blocking::Client::builder().cookie_store(true).build().unwrap();
    // The code form is shown first: it carries the browser's pre-session token.
    let shown = browser.get(format!("{base}/sign-in/code")).send().unwrap().text().unwrap();
    let token = shown.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let form = [("code", code.as_str()), ("csrf", token.as_str())];
    let html = browser.post(format!("{base}/sign-in/code")).form(&form).send().unwrap().text().unwrap();
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    // A first responder sees identities, so sets up an authenticator first.
    let html = browser.get(format!("{base}/account/two-factor")).send().unwrap().text().unwrap();
    let secret = common::enrolment_secret(&html);
    let form = [("secret", secret.as_str()), ("code", &common::totp_code(&secret)), ("csrf", &csrf)];
    let enrolled = browser.post(format!("{base}/account/two-factor")).form(&form).send().unwrap();
    assert_eq!(enrolled.url().path(), "/cases");
    browser.get(format!("{base}/referrals/new")).send().unwrap();
    for (step, form) in [
        ("about", vec![("jurisdiction", "england-wales"), ("age", "adult"), ("age_then", "adult")]),
        ("consent", vec![("consent", "yes")]),
        ("person", vec![("gender", "male")]),
        ("exploitation", vec![("forms", "wages-taken"), ("location", "uk")]),
        ("identity", vec![("full_name", "Draftname Markerperson"), ("account", "Draftaccount-marker")]),
        ("context", vec![("context_factors", "trauma"), ("context_notes", "Draftcontext-marker"), ("later", "yes")]),
    ] {
        let mut form = form;
        form.push(("csrf", &csrf));
        browser.post(format!("{base}/referrals/new/{step}")).form(&form).send().unwrap();
    }
    // The draft is stored (so the scan below has something to find), and its list names no one.
    let list = browser.get(format!("{base}/referrals/drafts")).send().unwrap().text().unwrap();
    assert!(list.contains("Context for their account") && !list.contains("Draftname"), "{list}");

    Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    let status = server.wait().unwrap();
    assert!(status.success());
    let logs = stdout.join().unwrap() + &stderr.join().unwrap();
    assert!(logs.contains("case created"), "the logs were not captured: {logs}");

    let mut files = all_files(&data);
    match &database_url {
        None => assert!(files.iter().any(|(p, _)| p.ends_with("safeguard.db"))),
        Some(url) => {
            let contents = rt.block_on(postgres_contents(url));
            // The scan sees the data: the case facts are there, in the clear, as they should be.
            assert!(contains(&contents, "england-wales"), "the PostgreSQL scan read nothing");
            files.push(("the PostgreSQL database".into(), contents));
        }
    }
    let drafted = ["Draftname Markerperson", "Draftaccount-marker", "Draftcontext-marker", "1987-06-05"];
    for marker in markers.iter().chain(&drafted) {
        for (path, bytes) in &files {
            assert!(!contains(bytes, marker), "{marker:?} found in plaintext in {path}");
        }
        assert!(!logs.contains(marker), "{marker:?} found in the logs");
    }
}

/// Everything a PostgreSQL database holds, as text: `pg_dump` when it is installed, else every
/// table's rows (bytes as hex and as raw bytes, so sealed values are scanned either way).
async fn postgres_contents(url: &str) -> Vec<u8> {
    if let Ok(out) = Command::new("pg_dump").arg(url).output() {
        if out.status.success() {
            return out.stdout;
        }
    }
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let mut out = Vec::new();
    let tables: Vec<String> = sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'")
        .fetch_all(&pool)
        .await
        .unwrap();
    for t in tables {
        let rows: Vec<String> =
            sqlx::query_scalar(&format!("SELECT row_to_json(t)::text FROM {t} t")).fetch_all(&pool).await.unwrap();
        for r in rows {
            out.extend_from_slice(r.as_bytes());
        }
    }
    pool.close().await;
    out
}

/// Checkpoints the write-ahead log into the database file and removes it, so that replacing
/// the file replaces the whole database (a process may exit before its last connection's
/// close has checkpointed).
async fn settle(db: &Path) {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    for ext in ["db-wal", "db-shm"] {
        let _ = std::fs::remove_file(db.with_extension(ext));
    }
}

async fn raw(db: &Path) -> sqlx::SqliteConnection {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    // An attacker with the file can drop the triggers; the hash chain is what catches them.
    for t in ["audit_log_is_append_only_update", "audit_log_is_append_only_delete"] {
        sqlx::query(&format!("DROP TRIGGER IF EXISTS {t}")).execute(&mut conn).await.unwrap();
    }
    conn
}

#[test]
fn audit_verify_detects_every_kind_of_tampering_and_names_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    assert!(run(&["demo", "--cases", "12", "--data-dir", d]).0);
    let (ok, out, err) = run(&["audit", "verify", "--data-dir", d]);
    assert!(ok, "{err}");
    assert!(out.contains("12 audit entries verified"), "{out}");
    let head = out.lines().find_map(|l| l.strip_prefix("head ")).unwrap().to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Everything into the main file first: a copy of the file alone must be the whole database.
    rt.block_on(settle(&data.join("safeguard.db")));
    let pristine = std::fs::read(data.join("safeguard.db")).unwrap();

    let cases: [(&str, &[&str], &str); 5] = [
        ("altered detail", &["UPDATE audit_log SET detail = 'x' || detail WHERE seq = 5"], "audit entry 5"),
        ("altered outcome", &["UPDATE audit_log SET outcome = 'refused' WHERE seq = 7"], "audit entry 7"),
        ("deleted", &["DELETE FROM audit_log WHERE seq = 4"], "audit entry 4"),
        (
            "reordered",
            &[
                "UPDATE audit_log SET seq = 1000 WHERE seq = 3",
                "UPDATE audit_log SET seq = 3 WHERE seq = 4",
                "UPDATE audit_log SET seq = 4 WHERE seq = 1000",
            ],
            "audit entry 3",
        ),
        ("truncated", &["DELETE FROM audit_log WHERE seq > 9"], "audit entry 10"),
    ];
    for (what, statements, expected) in cases {
        rt.block_on(settle(&data.join("safeguard.db")));
        std::fs::write(data.join("safeguard.db"), &pristine).unwrap();
        rt.block_on(async {
            let mut conn = raw(&data.join("safeguard.db")).await;
            for sql in statements {
                sqlx::query(sql).execute(&mut conn).await.unwrap();
            }
            conn.close().await.unwrap();
        });
        let (ok, out, err) = run(&["audit", "verify", "--data-dir", d, "--head", &head]);
        assert!(!ok, "{what}: verify passed: {out}");
        assert!(err.contains(expected), "{what}: {err}");
    }

    // Untouched, it verifies against the kept head.
    rt.block_on(settle(&data.join("safeguard.db")));
    std::fs::write(data.join("safeguard.db"), &pristine).unwrap();
    let (ok, _, err) = run(&["audit", "verify", "--data-dir", d, "--head", &head]);
    assert!(ok, "{err}");
}

#[test]
fn a_missing_key_directory_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    assert!(run(&["demo", "--cases", "5", "--data-dir", d]).0);
    std::fs::rename(data.join("keys"), dir.path().join("keys-elsewhere")).unwrap();
    let (ok, _, err) = run(&["audit", "verify", "--data-dir", d]);
    assert!(!ok);
    assert!(err.contains("master key files are missing"), "{err}");
    let moved = dir.path().join("keys-elsewhere");
    let (ok, _, err) = run(&["audit", "verify", "--data-dir", d, "--key-dir", moved.to_str().unwrap()]);
    assert!(ok, "{err}");
}

#[test]
fn keys_rotate_rewraps_every_data_key_under_the_new_master_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    assert!(run(&["demo", "--cases", "30", "--data-dir", d]).0);
    let (ok, out, err) = run(&["keys", "rotate", "--data-dir", d]);
    assert!(ok, "{err}");
    assert!(out.contains("master-0002"), "{out}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (ids, key_ids): (usize, Vec<String>) = rt.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", data.join("safeguard.db").display()))
            .await
            .unwrap();
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM person_keys").fetch_one(&mut conn).await.unwrap();
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT master_key_id FROM person_keys").fetch_all(&mut conn).await.unwrap();
        (n as usize, ids)
    });
    assert!(ids > 0);
    assert_eq!(key_ids, ["master-0002"], "some data keys were not re-wrapped");
    assert!(out.contains(&format!("{ids} data keys re-wrapped")), "{out}");
    // The audit chain records the rotation and still verifies.
    let (ok, out, _) = run(&["audit", "verify", "--data-dir", d]);
    assert!(ok && out.contains("31 audit entries verified"), "{out}");
}

#[test]
fn erasure_and_retention_destroy_identities_and_keep_the_facts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let d = data.to_str().unwrap();
    assert!(run(&["demo", "--cases", "40", "--data-dir", d]).0);
    let db = data.join("safeguard.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let count = |sql: &'static str| {
        rt.block_on(async {
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
            sqlx::query_scalar::<_, i64>(sql).fetch_one(&mut conn).await.unwrap()
        })
    };
    let keys_before = count("SELECT COUNT(*) FROM person_keys");
    assert!(keys_before > 0);
    let case: String = rt.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        sqlx::query_scalar("SELECT case_id FROM person_keys LIMIT 1").fetch_one(&mut conn).await.unwrap()
    });
    let (ok, _, err) = run(&["erase", "--case", &case, "--reason", "the person asked", "--data-dir", d]);
    assert!(ok, "{err}");
    assert_eq!(count("SELECT COUNT(*) FROM person_keys"), keys_before - 1);
    assert_eq!(count("SELECT COUNT(*) FROM cases"), 40, "erasure removed case facts");

    // Demo cases date from 2014: most have had no event for three years.
    let due = count(
        "SELECT COUNT(*) FROM cases c JOIN person_keys k ON k.case_id = c.id WHERE c.last_event_on < date('now', '-3 years')",
    );
    assert!(due > 0);
    let (ok, out, _) = run(&["retention", "--years", "3", "--dry-run", "--data-dir", d]);
    assert!(ok && out.contains(&format!("{due} identifying records")), "{out}");
    assert_eq!(count("SELECT COUNT(*) FROM person_keys"), keys_before - 1, "a dry run erased something");
    let (ok, out, _) = run(&["retention", "--years", "3", "--data-dir", d]);
    assert!(ok && out.contains(&format!("Erased {due}")), "{out}");
    let left = keys_before - 1 - due;
    assert_eq!(count("SELECT COUNT(*) FROM person_keys"), left);
    assert_eq!(count("SELECT COUNT(*) FROM vault_entries"), left * 2);
    assert_eq!(count("SELECT COUNT(*) FROM cases"), 40);
    let (ok, out, _) = run(&["audit", "verify", "--data-dir", d]);
    assert!(ok, "{out}");
    assert_eq!(count("SELECT COUNT(*) FROM audit_log WHERE action = 'identity-erased'"), due + 1);
}
