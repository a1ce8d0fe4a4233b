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
    assert!(bytes.starts_with(b"SGBACKUP1\n"));
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
