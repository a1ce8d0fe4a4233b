//! The data directory as the `safeguard` binary leaves it: owner-only files and directories,
//! command-line changes in the audit log, and an audit chain rewritten by someone with write
//! access to the database (triggers dropped, entries deleted, the chain recomputed with plain
//! SHA-256 as an attacker would) failing against the signed checkpoints.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::{data_args, fresh_postgres_database};
use sg_audit::AuditAction;

fn safeguard(args: &[&str], data: &[String]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_safeguard")).env("RUST_LOG", "warn").args(args).args(data).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn add_user(data: &[String], name: &str) {
    ok(&safeguard(&["user", "add", "--org", "Helping Hands", "--role", "first-responder", "--name", name], data));
}

#[test]
fn the_data_directory_its_database_backups_and_keys_are_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let data = data_args(&data_dir, None);
    add_user(&data, "fr");
    let backup = dir.path().join("b.sgbackup");
    ok(&safeguard(&["backup", "--output", backup.to_str().unwrap()], &data));
    assert_eq!(mode(&data_dir), 0o700, "data directory");
    assert_eq!(mode(&data_dir.join("keys")), 0o700, "key directory");
    for f in std::fs::read_dir(data_dir.join("keys")).unwrap() {
        let path = f.unwrap().path();
        assert_eq!(mode(&path), 0o600, "{}", path.display());
    }
    assert!(data_dir.join("keys/fingerprint.secret").exists() && data_dir.join("keys/audit-signing.secret").exists());
    for name in ["safeguard.db", "safeguard.db-wal", "safeguard.db-shm"] {
        let path = data_dir.join(name);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{name}");
        }
    }
    assert_eq!(mode(&backup), 0o600, "backup");

    // A database made before, readable by everyone, is restricted when next opened.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(data_dir.join("safeguard.db"), std::fs::Permissions::from_mode(0o644)).unwrap();
    add_user(&data, "fr2");
    assert_eq!(mode(&data_dir.join("safeguard.db")), 0o600);

    // A restore writes an owner-only database into a new owner-only directory.
    let target_dir = dir.path().join("restored");
    let mut target = data_args(&target_dir, None);
    target.extend(["--key-dir".into(), data_dir.join("keys").display().to_string()]);
    ok(&safeguard(&["restore", "--input", backup.to_str().unwrap()], &target));
    assert_eq!(mode(&target_dir), 0o700);
    assert_eq!(mode(&target_dir.join("safeguard.db")), 0o600);
}

async fn actions(store: &dyn sg_store::Store) -> Vec<(AuditAction, String)> {
    store.audit_page(0, 1000).await.unwrap().into_iter().map(|e| (e.record.action, e.record.detail)).collect()
}

#[tokio::test]
async fn user_add_disable_backup_and_restore_on_the_command_line_are_audited() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_args(dir.path(), fresh_postgres_database().await.as_deref());
    add_user(&data, "leaver");
    ok(&safeguard(&["user", "disable", "--name", "leaver"], &data));
    let file = dir.path().join("b.sgbackup");
    ok(&safeguard(&["backup", "--output", file.to_str().unwrap()], &data));
    let store = common::store_for(dir.path(), &data).await;
    let seen = actions(store.as_ref()).await;
    let kinds: Vec<AuditAction> = seen.iter().map(|a| a.0).collect();
    assert!(kinds.contains(&AuditAction::UserCreated), "{seen:?}");
    assert!(kinds.contains(&AuditAction::UserDisabled), "{seen:?}");
    assert!(kinds.contains(&AuditAction::BackupTaken), "{seen:?}");
    ok(&safeguard(&["audit", "verify"], &data));

    let target_dir = tempfile::tempdir().unwrap();
    let mut target = data_args(&target_dir.path().join("data"), fresh_postgres_database().await.as_deref());
    target.extend(["--key-dir".into(), dir.path().join("keys").display().to_string()]);
    ok(&safeguard(&["restore", "--input", file.to_str().unwrap()], &target));
    let restored = common::store_for(&target_dir.path().join("data"), &target).await;
    let seen = actions(restored.as_ref()).await;
    assert_eq!(seen.last().map(|a| a.0), Some(AuditAction::BackupRestored), "{seen:?}");
    let public = ok(&safeguard(&["audit", "public-key"], &data));
    ok(&safeguard(&["audit", "verify", "--public-key", public.trim()], &target));
}

/// What an attacker with write access does: drops the append-only triggers, deletes the entry
/// at `victim`, renumbers and recomputes the chain with the published algorithm, and removes
/// the checkpoints that no longer match.
async fn rewrite_audit_log(dir: &Path, data: &[String], victim: u64) {
    let store = common::store_for(dir, data).await;
    let entries = store.audit_page(0, 10_000).await.unwrap();
    let mut previous = None;
    let mut rebuilt = vec![];
    for e in entries.into_iter().filter(|e| e.seq != victim) {
        let entry = sg_audit::chain(previous, e.record);
        previous = Some((entry.seq, entry.hash));
        rebuilt.push(entry);
    }
    let statements = |postgres: bool| -> Vec<String> {
        let mut s: Vec<String> = if postgres {
            vec![
                "DROP TRIGGER audit_log_is_append_only ON audit_log".into(),
                "DROP TRIGGER audit_log_is_append_only_truncate ON audit_log".into(),
                "DROP TRIGGER audit_checkpoints_are_append_only ON audit_checkpoints".into(),
            ]
        } else {
            vec![
                "DROP TRIGGER audit_log_is_append_only_update".into(),
                "DROP TRIGGER audit_log_is_append_only_delete".into(),
                "DROP TRIGGER audit_checkpoints_no_delete".into(),
            ]
        };
        s.push("DELETE FROM audit_log".into());
        s.push(format!("DELETE FROM audit_checkpoints WHERE seq >= {victim}"));
        s
    };
    let insert = "INSERT INTO audit_log (seq, at, actor, role, action, case_id, outcome, detail, prev_hash, hash) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    macro_rules! apply {
        ($pool:expr, $postgres:expr) => {{
            for s in statements($postgres) {
                sqlx::query(&s).execute(&$pool).await.unwrap();
            }
            for e in &rebuilt {
                sqlx::query(insert)
                    .bind(e.seq as i64)
                    .bind(e.record.at)
                    .bind(e.record.actor.clone())
                    .bind(e.record.role.clone())
                    .bind(sg_domain::Coded::code(e.record.action))
                    .bind(e.record.case_id.clone())
                    .bind(sg_domain::Coded::code(e.record.outcome))
                    .bind(e.record.detail.clone())
                    .bind(e.prev_hash.to_vec())
                    .bind(e.hash.to_vec())
                    .execute(&$pool)
                    .await
                    .unwrap();
            }
        }};
    }
    match data.iter().position(|a| a == "--database-url").map(|i| data[i + 1].clone()) {
        Some(url) => apply!(sqlx::PgPool::connect(&url).await.unwrap(), true),
        None => {
            let url = format!("sqlite://{}", dir.join("safeguard.db").display());
            apply!(sqlx::SqlitePool::connect(&url).await.unwrap(), false)
        }
    }
}

#[tokio::test]
async fn a_log_with_entries_deleted_and_the_chain_recomputed_fails_verification() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_args(dir.path(), fresh_postgres_database().await.as_deref());
    for name in ["fr-1", "police-read", "fr-3", "fr-4"] {
        add_user(&data, name);
    }
    let public = ok(&safeguard(&["audit", "public-key"], &data)).trim().to_string();
    assert_eq!(public.len(), 64, "{public}");
    let intact = ok(&safeguard(&["audit", "verify", "--public-key", &public], &data));
    assert!(intact.contains("4 audit entries verified"), "{intact}");

    rewrite_audit_log(dir.path(), &data, 2).await;
    // The chain itself is consistent again: the old check passes without a key...
    let store = common::store_for(dir.path(), &data).await;
    let ring = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("x")]).unwrap();
    let app = sg_app::App::new(store, ring);
    assert!(matches!(app.verify_audit(None).await.unwrap(), sg_app::audit::Verification::Intact { entries: 3, .. }));
    // ...but not against the signed checkpoints, with the monitor's key or the key file's.
    let out = safeguard(&["audit", "verify", "--public-key", &public], &data);
    assert!(!out.status.success(), "a rewritten log verified: {}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stderr).contains("audit entry 2"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!safeguard(&["audit", "verify"], &data).status.success());
    // The attacker adds a checkpoint of their own for the rewritten head: it does not verify,
    // and a later change is not signed over it either, so the log keeps failing.
    let head = store_head(dir.path(), &data).await;
    let forged = format!(
        "INSERT INTO audit_checkpoints (seq, hash, signed_at, signature) VALUES ({}, {}, 0, {})",
        head.0,
        hex_literal(&data, &head.1),
        hex_literal(&data, &[0u8; 64])
    );
    raw_sql(dir.path(), &data, &forged).await;
    assert!(!safeguard(&["audit", "verify", "--public-key", &public], &data).status.success());
    add_user(&data, "fr-5");
    let out = safeguard(&["audit", "verify", "--public-key", &public], &data);
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
}

async fn store_head(dir: &Path, data: &[String]) -> (u64, [u8; 32]) {
    let store = common::store_for(dir, data).await;
    let entries = store.audit_page(0, 10_000).await.unwrap();
    let last = entries.last().unwrap();
    (last.seq, last.hash)
}

fn hex_literal(data: &[String], bytes: &[u8]) -> String {
    if data.iter().any(|a| a == "--database-url") {
        format!("'\\x{}'::bytea", hex::encode(bytes))
    } else {
        format!("X'{}'", hex::encode(bytes))
    }
}

async fn raw_sql(dir: &Path, data: &[String], sql: &str) {
    match data.iter().position(|a| a == "--database-url").map(|i| data[i + 1].clone()) {
        Some(url) => {
            sqlx::query(sql).execute(&sqlx::PgPool::connect(&url).await.unwrap()).await.unwrap();
        }
        None => {
            let url = format!("sqlite://{}", dir.join("safeguard.db").display());
            sqlx::query(sql).execute(&sqlx::SqlitePool::connect(&url).await.unwrap()).await.unwrap();
        }
    }
}

#[tokio::test]
async fn a_forged_checkpoint_and_a_stranger_key_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_args(dir.path(), fresh_postgres_database().await.as_deref());
    add_user(&data, "fr-1");
    let stranger = sg_audit::AuditSigner::from_bytes(&[9; 32]).public_key().to_hex();
    let out = safeguard(&["audit", "verify", "--public-key", &stranger], &data);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not verify"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!safeguard(&["audit", "verify", "--public-key", "xyz"], &data).status.success());
}

#[tokio::test]
async fn idempotency_rows_from_before_keying_are_rekeyed_and_sealed_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let data = data_args(dir.path(), None);
    add_user(&data, "fr-1");
    let url = format!("sqlite://{}", dir.path().join("safeguard.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let user: String = sqlx::query_scalar("SELECT id FROM users LIMIT 1").fetch_one(&pool).await.unwrap();
    // As the code before migration 0020 wrote them: an unkeyed digest and an answer in the clear.
    let digest = vec![7u8; 32];
    sqlx::query(
        "INSERT INTO api_idempotency (user_id, key, fingerprint, owner, status, response, created_at, keyed) \
         VALUES ($1, 'k1', $2, 'old', 201, $3, 0, 0)",
    )
    .bind(&user)
    .bind(&digest)
    .bind(b"{\"full_name\":\"Ana Example\"}".to_vec())
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    add_user(&data, "fr-2");
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let (fingerprint, response, keyed): (Vec<u8>, Vec<u8>, i64) =
        sqlx::query_as("SELECT fingerprint, response, keyed FROM api_idempotency WHERE key = 'k1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let secret = std::fs::read_to_string(dir.path().join("keys/fingerprint.secret")).unwrap();
    let key = sg_crypto::FingerprintKey::from_hex(&secret).unwrap();
    assert_eq!(keyed, 1);
    assert_eq!(fingerprint, key.fingerprint(&digest), "re-keyed, so a retry of the same request still matches");
    assert!(!String::from_utf8_lossy(&response).contains("Ana Example"), "the kept answer is still in the clear");
}
