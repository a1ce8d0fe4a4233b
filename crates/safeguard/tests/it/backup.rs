//! `safeguard backup` and `safeguard restore` on the lane's backend: a backup taken while cases
//! are being written restores into an empty database and verifies; the wrong keys, an altered
//! file and a non-empty target are refused.

use crate::common;

use std::process::{Command, Output};

use common::{data_args, fresh_postgres_database};

fn safeguard(args: &[&str], data: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safeguard")).env("RUST_LOG", "warn").args(args).args(data).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn a_backup_taken_during_writes_restores_and_verifies() {
    let source_dir = tempfile::tempdir().unwrap();
    let source = data_args(source_dir.path(), fresh_postgres_database().await.as_deref());
    ok(&safeguard(&["demo", "--cases", "50"], &source));

    // Cases keep arriving from another process while the backup is taken.
    let writer = {
        let source = source.clone();
        std::thread::spawn(move || safeguard(&["demo", "--cases", "2000", "--seed", "2"], &source))
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    let file = source_dir.path().join("during.sgbackup");
    let file_arg = file.to_str().unwrap();
    let report = ok(&safeguard(&["backup", "--output", file_arg], &source));
    assert!(report.contains("encrypted under master key master-0001"), "{report}");
    ok(&writer.join().unwrap());

    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"SGBACKUP2\n"));
    assert!(!bytes.windows(b"england-wales".len()).any(|w| w == b"england-wales"), "the backup is not encrypted");

    // The target shares the key directory (the keys travel separately from backups).
    let target_dir = tempfile::tempdir().unwrap();
    let mut target = data_args(&target_dir.path().join("data"), fresh_postgres_database().await.as_deref());
    target.extend(["--key-dir".into(), source_dir.path().join("keys").display().to_string()]);
    let restored = ok(&safeguard(&["restore", "--input", file_arg], &target));
    assert!(restored.contains(&format!("row counts: {} tables match", sg_store_postgres::TABLES.len())), "{restored}");
    assert!(restored.contains("audit chain:"), "{restored}");
    if !source.iter().any(|a| a.starts_with("postgres")) {
        assert!(restored.contains("integrity_check ok"), "{restored}");
    }
    ok(&safeguard(&["audit", "verify"], &target));

    // Restoring twice would mix two histories: refused.
    assert!(!safeguard(&["restore", "--input", file_arg], &target).status.success());

    // Without the right master keys the backup cannot be opened.
    let stranger = tempfile::tempdir().unwrap();
    let mut wrong = data_args(&stranger.path().join("data"), fresh_postgres_database().await.as_deref());
    std::fs::create_dir_all(stranger.path().join("keys")).unwrap();
    std::fs::write(stranger.path().join("keys/0001.key"), "ab".repeat(32)).unwrap();
    wrong.extend(["--key-dir".into(), stranger.path().join("keys").display().to_string()]);
    let out = safeguard(&["restore", "--input", file_arg], &wrong);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be opened with these master keys"));

    // One altered byte is detected.
    let mut altered = bytes.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    let altered_file = source_dir.path().join("altered.sgbackup");
    std::fs::write(&altered_file, altered).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let mut again = data_args(&fresh.path().join("data"), fresh_postgres_database().await.as_deref());
    again.extend(["--key-dir".into(), source_dir.path().join("keys").display().to_string()]);
    assert!(!safeguard(&["restore", "--input", altered_file.to_str().unwrap()], &again).status.success());
}

/// The most memory `safeguard backup` may use (its peak resident set) for the database below.
const MEMORY_BOUND: u64 = 64 << 20;

/// A backup of a database three times larger than [`MEMORY_BOUND`] stays under it (the backup
/// streams: a chunk, gzip's window and a page of rows at a time), and so does its restore.
/// Measured with `/usr/bin/time`'s peak resident set, on both lanes (on PostgreSQL the size is
/// the rows' logical size: zeros compress to little on disk, not in a dump).
#[tokio::test]
async fn a_backup_of_a_database_much_larger_than_its_memory_bound_streams_and_restores() {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("/usr/bin/time is missing: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_postgres_database().await;
    let source = data_args(&dir.path().join("data"), url.as_deref());
    ok(&safeguard(&["user", "add", "--org", "Hope NGO", "--role", "first-responder", "--name", "fr"], &source));
    // 200 kept answers of 1 MiB each (zeros, so that gzip is quick in a debug build; memory is
    // what is measured, and every byte passes through the backup either way).
    let fill = "INSERT INTO api_idempotency (user_id, key, fingerprint, owner, status, response, created_at, keyed) \
                SELECT $1, 'filler-' || i, x'00', 'filler', 201, zeroblob(1048576), 0, 1 FROM n";
    let size: i64 = match &url {
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let user: String = sqlx::query_scalar("SELECT id FROM users").fetch_one(&pool).await.unwrap();
            let fill = fill
                .replace("x'00'", "'\\x00'::bytea")
                .replace("zeroblob(1048576)", "decode(repeat('00', 1048576), 'hex')")
                .replace("FROM n", "FROM generate_series(1, 200) i");
            sqlx::query(&fill).bind(&user).execute(&pool).await.unwrap();
            sqlx::query_scalar("SELECT sum(octet_length(response))::bigint FROM api_idempotency")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
        None => {
            let db = dir.path().join("data/safeguard.db");
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
            let user: String = sqlx::query_scalar("SELECT id FROM users").fetch_one(&pool).await.unwrap();
            let fill = format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) {fill}");
            sqlx::query(&fill).bind(&user).execute(&pool).await.unwrap();
            pool.close().await;
            std::fs::metadata(&db).unwrap().len() as i64
        }
    };
    let size = size as u64;
    assert!(size > 3 * MEMORY_BOUND, "the database is {size} bytes");

    let file = dir.path().join("big.sgbackup");
    let out = Command::new(time)
        .args(["-f", "peak-kib %M", env!("CARGO_BIN_EXE_safeguard"), "backup", "--output", file.to_str().unwrap()])
        .args(&source)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    ok(&out);
    let peak = peak_kib(&out);
    eprintln!("database {} MiB, backup's peak resident set {} MiB", size >> 20, peak >> 10);
    assert!(peak * 1024 < MEMORY_BOUND, "the backup used {} MiB for a {} MiB database", peak >> 10, size >> 20);

    let mut target = data_args(&dir.path().join("restored"), fresh_postgres_database().await.as_deref());
    target.extend(["--key-dir".into(), dir.path().join("data/keys").display().to_string()]);
    let out = Command::new(time)
        .args(["-f", "peak-kib %M", env!("CARGO_BIN_EXE_safeguard"), "restore", "--input", file.to_str().unwrap()])
        .args(&target)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let restored = ok(&out);
    assert!(restored.contains("row counts:"), "{restored}");
    let peak = peak_kib(&out);
    eprintln!("restore's peak resident set {} MiB", peak >> 10);
    assert!(peak * 1024 < MEMORY_BOUND, "the restore used {} MiB for a {} MiB database", peak >> 10, size >> 20);
}

/// The peak resident set `/usr/bin/time -f "peak-kib %M"` reported, in KiB.
fn peak_kib(out: &Output) -> u64 {
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr.lines().rev().find_map(|l| l.strip_prefix("peak-kib ")).unwrap().trim().parse().unwrap()
}

/// The plaintext of a format 2 backup: its frames opened in order (the format, spelled out).
fn frames_opened(ring: &sg_crypto::KeyRing, file: &[u8]) -> Vec<u8> {
    let mut rest = file.strip_prefix(b"SGBACKUP2\n".as_slice()).unwrap();
    let (mut plain, mut index) = (Vec::new(), 0u64);
    while !rest.is_empty() {
        let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
        let sealed = &rest[4..4 + len];
        let last = usize::from(4 + len == rest.len());
        plain.extend(ring.open(sealed, format!("safeguard-backup-2|{index}|{last}").as_bytes()).unwrap());
        rest = &rest[4 + len..];
        index += 1;
    }
    plain
}

/// A backup in the first format (one envelope around the whole gzip stream), as Safeguard wrote
/// them before backups were streamed, still restores. SQLite lane (the PostgreSQL payload of
/// that format is another layout, restored by the code that always restored it).
#[tokio::test]
async fn a_first_format_backup_still_restores() {
    if fresh_postgres_database().await.is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let source = data_args(&dir.path().join("data"), None);
    ok(&safeguard(&["demo", "--cases", "20"], &source));
    let file = dir.path().join("new.sgbackup");
    ok(&safeguard(&["backup", "--output", file.to_str().unwrap()], &source));
    let key = std::fs::read_to_string(dir.path().join("data/keys/0001.key")).unwrap();
    let ring = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::from_hex("master-0001", &key).unwrap()]).unwrap();
    let gzip = frames_opened(&ring, &std::fs::read(&file).unwrap());
    let old = dir.path().join("old.sgbackup");
    std::fs::write(&old, [b"SGBACKUP1\n".as_slice(), &ring.seal(&gzip, b"safeguard-backup-1")].concat()).unwrap();

    let mut target = data_args(&dir.path().join("restored"), None);
    target.extend(["--key-dir".into(), dir.path().join("data/keys").display().to_string()]);
    let restored = ok(&safeguard(&["restore", "--input", old.to_str().unwrap()], &target));
    assert!(restored.contains("integrity_check ok") && restored.contains("row counts:"), "{restored}");
}
