//! `safeguard backup` and `safeguard restore`, for both backends.
//!
//! A backup file is `SGBACKUP1\n` followed by one envelope sealed (XChaCha20-Poly1305) under
//! the newest master key of the key directory, with associated data naming the format. Inside,
//! gzip-compressed: a length-prefixed JSON header (backend, schema version, row counts, audit
//! head) and the payload: SQLite's `VACUUM INTO` copy, or PostgreSQL's tables as JSON read in
//! one snapshot. The master keys are not in the file: keep the key directory, backed up apart.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use anyhow::{bail, ensure, Context};
use serde::{Deserialize, Serialize};
use sg_app::audit::Verification;
use sg_audit::{AuditAction, Outcome};
use sg_store_postgres::{PgStore, TableDump, TABLES};
use sg_store_sqlite::SqliteStore;

use crate::cli::DataArgs;
use crate::database::{Backend, Location};

const MAGIC: &[u8] = b"SGBACKUP1\n";
const AAD: &[u8] = b"safeguard-backup-1";

/// What a backup says about itself, checked after a restore.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    backend: String,
    schema_version: i64,
    created_at: i64,
    counts: BTreeMap<String, i64>,
    audit_entries: u64,
    audit_head: Option<String>,
}

/// One PostgreSQL table in the payload.
#[derive(Serialize, Deserialize)]
struct Table {
    table: String,
    rows: i64,
    json: String,
}

pub(crate) async fn backup(data: &DataArgs, output: &Path) -> anyhow::Result<()> {
    ensure!(!output.exists(), "--output: {} already exists; choose a new file", output.display());
    let (app, backend) = crate::database::open_app(data).await?;
    let result = take(&backend, output, app.clock.now().unix_timestamp()).await;
    if let Ok((header, _)) = &result {
        let detail = format!(
            "{} database, schema {}, by the operator on the command line",
            header.backend, header.schema_version
        );
        let audited = app.audit(None, AuditAction::BackupTaken, None, Outcome::Allowed, detail).await;
        if let Err(e) = audited {
            backend.close().await;
            return Err(e).context("cannot write the backup's audit entry");
        }
    }
    backend.close().await;
    let (header, payload) = result?;
    let mut plain = Vec::new();
    {
        let mut gz = flate2::write::GzEncoder::new(&mut plain, flate2::Compression::fast());
        let json = serde_json::to_vec(&header)?;
        gz.write_all(&(json.len() as u64).to_be_bytes())?;
        gz.write_all(&json)?;
        gz.write_all(&payload)?;
        gz.finish()?;
    }
    let sealed = app.keys.seal(&plain, AAD);
    crate::files::write_private(output, &[MAGIC, sealed.as_slice()].concat())?;
    let rows: i64 = header.counts.values().sum();
    println!(
        "backup of the {} database (schema {}) written to {}: {rows} rows in {} tables, {} audit entries, \
         audit head {}; encrypted under master key {}",
        header.backend,
        header.schema_version,
        output.display(),
        header.counts.len(),
        header.audit_entries,
        header.audit_head.as_deref().unwrap_or("(empty)"),
        app.keys.current().id()
    );
    Ok(())
}

/// Takes the snapshot: the header and the payload bytes.
async fn take(backend: &Backend, output: &Path, created_at: i64) -> anyhow::Result<(Header, Vec<u8>)> {
    match backend {
        Backend::Sqlite(store) => {
            let dir =
                tempfile::tempdir_in(output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")))
                    .context("cannot make a temporary directory beside the backup")?;
            let copy = dir.path().join("snapshot.db");
            store.backup_into(&copy).await.context("cannot copy the database")?;
            let snapshot = SqliteStore::open_without_migrating(&copy).await?;
            let counts = snapshot.table_counts(&TABLES).await?;
            let version = snapshot.schema_version().await?;
            let (entries, head) = audit_of(std::sync::Arc::new(snapshot.clone())).await?;
            snapshot.close().await;
            let bytes = std::fs::read(&copy).context("cannot read the database copy")?;
            let header = Header {
                backend: "sqlite".into(),
                schema_version: version,
                created_at,
                counts: counts.into_iter().collect(),
                audit_entries: entries,
                audit_head: head,
            };
            Ok((header, bytes))
        }
        Backend::Postgres(store) => {
            let (version, tables, audit) = store.dump().await.context("cannot read the database")?;
            let counts = tables.iter().map(|t| (t.table.clone(), t.rows)).collect();
            let payload: Vec<Table> =
                tables.into_iter().map(|t| Table { table: t.table, rows: t.rows, json: t.json }).collect();
            let header = Header {
                backend: "postgres".into(),
                schema_version: version,
                created_at,
                counts,
                audit_entries: audit.0,
                audit_head: audit.1,
            };
            Ok((header, serde_json::to_vec(&payload)?))
        }
    }
}

/// Verifies the audit chain of a store: entries and head.
async fn audit_of(store: std::sync::Arc<dyn sg_store::Store>) -> anyhow::Result<(u64, Option<String>)> {
    // Verification needs no key; a throwaway ring satisfies the application's constructor.
    let ring = sg_crypto::KeyRing::new(vec![sg_crypto::MasterKey::generate("verify-only")])?;
    match sg_app::App::new(store, ring).verify_audit(None).await? {
        Verification::Intact { entries, head } => Ok((entries, head)),
        Verification::Broken(b) => bail!("the audit chain is broken: {b}"),
    }
}

pub(crate) async fn restore(data: &DataArgs, input: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(input).with_context(|| format!("--input: cannot read {}", input.display()))?;
    let sealed = bytes.strip_prefix(MAGIC).context("--input: not a Safeguard backup file")?;
    let ring = crate::keys::load(&data.key_dir())?
        .with_context(|| format!("no master keys in {}; restore needs the key directory", data.key_dir().display()))?;
    let plain = ring.open(sealed, AAD).map_err(|_| {
        anyhow::anyhow!(
            "--input: the backup cannot be opened with these master keys (wrong keys, or the file was altered)"
        )
    })?;
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(plain.as_slice()).read_to_end(&mut inflated).context("--input: damaged backup")?;
    ensure!(inflated.len() >= 8, "--input: damaged backup");
    let len = u64::from_be_bytes(inflated[..8].try_into()?) as usize;
    ensure!(inflated.len() >= 8 + len, "--input: damaged backup");
    let header: Header = serde_json::from_slice(&inflated[8..8 + len]).context("--input: damaged backup header")?;
    let payload = &inflated[8 + len..];

    let store: std::sync::Arc<dyn sg_store::Store>;
    let backend = match (data.location()?, header.backend.as_str()) {
        (Location::Sqlite(path), "sqlite") => {
            ensure!(!path.exists(), "{} already exists; restore into a new data directory", path.display());
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::files::private_dir(dir)?;
            }
            crate::files::write_private(&path, payload)?;
            let s = SqliteStore::open(&path).await.context("cannot open the restored database")?;
            s.integrity_check().await.context("the restored database fails SQLite's integrity check")?;
            println!("integrity: PRAGMA integrity_check ok");
            store = std::sync::Arc::new(s.clone());
            Backend::Sqlite(s)
        }
        (Location::Postgres(url), "postgres") => {
            let s = PgStore::open(&url).await.context("cannot open the target PostgreSQL database")?;
            let version = s.schema_version().await?;
            ensure!(
                header.schema_version == version,
                "the backup has schema version {}, this Safeguard {version}; restore with the Safeguard that took it",
                header.schema_version
            );
            let tables: Vec<Table> = serde_json::from_slice(payload).context("--input: damaged backup tables")?;
            let dumps: Vec<TableDump> =
                tables.into_iter().map(|t| TableDump { table: t.table, rows: t.rows, json: t.json }).collect();
            s.restore(&dumps).await.context("cannot restore")?;
            println!("integrity: all tables restored in one transaction");
            store = std::sync::Arc::new(s.clone());
            Backend::Postgres(s)
        }
        (_, other) => bail!("this backup is of a {other} database; restore it into the same kind of database"),
    };
    let mut result = check(&backend, store.clone(), &header).await;
    if result.is_ok() {
        result = audit_restore(data, &backend, store, ring, &header).await;
    }
    backend.close().await;
    result
}

/// Records the restore in the restored database's audit log, and signs its head.
async fn audit_restore(
    data: &DataArgs,
    backend: &Backend,
    store: std::sync::Arc<dyn sg_store::Store>,
    ring: sg_crypto::KeyRing,
    header: &Header,
) -> anyhow::Result<()> {
    let signed = store.last_audit_checkpoint().await?.is_some();
    let (signer, new) = crate::keys::audit_signer(&data.key_dir(), signed)?;
    let signer = std::sync::Arc::new(signer);
    backend.set_audit_signer(signer.clone());
    let app = sg_app::App { audit_signer: Some(signer), ..sg_app::App::new(store, ring) };
    if new {
        app.sign_audit_head().await.context("cannot sign the restored audit log's head")?;
    }
    let detail = format!(
        "{} backup of {} (schema {}) by the operator on the command line",
        header.backend,
        time::OffsetDateTime::from_unix_timestamp(header.created_at).map(|t| t.date().to_string()).unwrap_or_default(),
        header.schema_version
    );
    app.audit(None, AuditAction::BackupRestored, None, Outcome::Allowed, detail)
        .await
        .context("cannot write the restore's audit entry")?;
    Ok(())
}

/// Compares the restored database with what the backup header says.
async fn check(backend: &Backend, store: std::sync::Arc<dyn sg_store::Store>, header: &Header) -> anyhow::Result<()> {
    let counts = match backend {
        Backend::Sqlite(s) => s.table_counts(&TABLES).await?,
        Backend::Postgres(s) => s.table_counts().await?,
    };
    for (table, n) in &counts {
        let expected = header.counts.get(table).copied().unwrap_or(0);
        ensure!(*n == expected, "table {table}: {n} rows restored, the backup has {expected}");
    }
    println!("row counts: {} tables match the backup ({} rows)", counts.len(), counts.iter().map(|c| c.1).sum::<i64>());
    let (entries, head) = audit_of(store).await?;
    ensure!(
        entries == header.audit_entries && head == header.audit_head,
        "the restored audit chain ({entries} entries, head {head:?}) differs from the backup's"
    );
    println!("audit chain: {entries} entries verified, head {}", head.as_deref().unwrap_or("(empty)"));
    Ok(())
}
