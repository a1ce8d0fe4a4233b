//! `safeguard backup` and `safeguard restore`, for both backends.
//!
//! A backup file is `SGBACKUP2\n` followed by frames sealed (XChaCha20-Poly1305) under the
//! newest master key of the key directory (`backup_stream.rs`: a chunk each, bound to its
//! position and to whether it is the last). Inside, gzip-compressed: a length-prefixed JSON
//! header (backend, schema version, row counts, audit head) and the payload: SQLite's
//! `VACUUM INTO` copy, or PostgreSQL's tables as JSON lines read in one snapshot. Both are
//! streamed from the database to the file and back, so neither command holds the database in
//! memory. Files of the first format (`SGBACKUP1\n` and one envelope) are still restored. The
//! master keys are not in the file: keep the key directory, backed up apart.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use anyhow::{bail, ensure, Context};
use serde::{Deserialize, Serialize};
use sg_app::audit::Verification;
use sg_audit::{AuditAction, Outcome};
use sg_store_postgres::{DumpHead, PgStore, TableDump, TABLES};
use sg_store_sqlite::SqliteStore;

use super::backup_stream::{SealedReader, SealedWriter};
use crate::cli::DataArgs;
use crate::database::{Backend, Location};

/// The first format: one envelope holding the whole backup (restored, no longer written).
const MAGIC_1: &[u8] = b"SGBACKUP1\n";
const AAD_1: &[u8] = b"safeguard-backup-1";

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

/// One PostgreSQL table in the payload of a first-format backup.
#[derive(Serialize, Deserialize)]
struct Table {
    table: String,
    rows: i64,
    json: String,
}

pub(crate) async fn backup(data: &DataArgs, output: &Path) -> anyhow::Result<()> {
    ensure!(!output.exists(), "--output: {} already exists; choose a new file", output.display());
    let (app, backend) = crate::database::open_app(data).await?;
    let mut result = write_backup(&app, &backend, output).await;
    if let Ok(header) = &result {
        let detail = format!(
            "{} database, schema {}, by the operator on the command line",
            header.backend, header.schema_version
        );
        let audited = app.audit(None, AuditAction::BackupTaken, None, Outcome::Allowed, detail).await;
        if let Err(e) = audited {
            result = Err(anyhow::Error::from(e).context("cannot write the backup's audit entry"));
        }
    }
    backend.close().await;
    let header = match result {
        Ok(h) => h,
        Err(e) => {
            // No partial or unaudited backup is left behind.
            let _ = std::fs::remove_file(output);
            return Err(e);
        }
    };
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

/// Streams the snapshot into a new owner-only file: gzip, then sealed frames, then the disk.
async fn write_backup(app: &sg_app::App, backend: &Backend, output: &Path) -> anyhow::Result<Header> {
    let file = crate::files::create_private(output)?;
    let mut out = std::io::BufWriter::new(file);
    out.write_all(super::backup_stream::MAGIC)?;
    let mut gz = flate2::write::GzEncoder::new(SealedWriter::new(&app.keys, out), flate2::Compression::fast());
    let header = take(backend, output, app.clock.now().unix_timestamp(), &mut gz).await?;
    let out = gz.finish()?.finish()?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all().with_context(|| format!("cannot write {}", output.display()))?;
    Ok(header)
}

fn write_header(out: &mut dyn Write, header: &Header) -> std::io::Result<()> {
    let json = serde_json::to_vec(header)?;
    out.write_all(&(json.len() as u64).to_be_bytes())?;
    out.write_all(&json)
}

/// Takes the snapshot: writes the header, then the payload, to `out`.
async fn take(
    backend: &Backend,
    output: &Path,
    created_at: i64,
    out: &mut (dyn Write + Send),
) -> anyhow::Result<Header> {
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
            let header = Header {
                backend: "sqlite".into(),
                schema_version: version,
                created_at,
                counts: counts.into_iter().collect(),
                audit_entries: entries,
                audit_head: head,
            };
            write_header(out, &header)?;
            let mut copied = std::fs::File::open(&copy).context("cannot read the database copy")?;
            std::io::copy(&mut copied, out).context("cannot write the backup")?;
            Ok(header)
        }
        Backend::Postgres(store) => {
            let mut header = None;
            let mut head = |info: &DumpHead, out: &mut (dyn Write + Send)| {
                let h = Header {
                    backend: "postgres".into(),
                    schema_version: info.version,
                    created_at,
                    counts: info.counts.iter().cloned().collect(),
                    audit_entries: info.audit.0,
                    audit_head: info.audit.1.clone(),
                };
                write_header(out, &h)?;
                header = Some(h);
                Ok(())
            };
            store.dump_to(out, &mut head).await.context("cannot read the database")?;
            header.context("the backup's header was not written")
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

/// The decrypted, inflated contents of a backup file of either format, as a stream.
fn open_backup<'k>(input: &Path, ring: &'k sg_crypto::KeyRing) -> anyhow::Result<(Box<dyn BufRead + Send + 'k>, bool)> {
    let mut file = std::fs::File::open(input).with_context(|| format!("--input: cannot read {}", input.display()))?;
    let mut magic = [0u8; 10];
    file.read_exact(&mut magic).context("--input: not a Safeguard backup file")?;
    if magic == super::backup_stream::MAGIC {
        let frames = SealedReader::new(ring, BufReader::new(file));
        return Ok((Box::new(BufReader::new(flate2::read::GzDecoder::new(frames))), true));
    }
    ensure!(magic == MAGIC_1, "--input: not a Safeguard backup file");
    let mut sealed = Vec::new();
    file.read_to_end(&mut sealed).with_context(|| format!("--input: cannot read {}", input.display()))?;
    let plain = ring.open(&sealed, AAD_1).map_err(|_| {
        anyhow::anyhow!(
            "--input: the backup cannot be opened with these master keys (wrong keys, or the file was altered)"
        )
    })?;
    let mut inflated = Vec::new();
    flate2::read::GzDecoder::new(plain.as_slice()).read_to_end(&mut inflated).context("--input: damaged backup")?;
    Ok((Box::new(std::io::Cursor::new(inflated)), false))
}

fn read_header(reader: &mut dyn BufRead) -> anyhow::Result<Header> {
    let mut len = [0u8; 8];
    reader.read_exact(&mut len).map_err(|e| anyhow::anyhow!("--input: {e}"))?;
    let len = usize::try_from(u64::from_be_bytes(len))?;
    ensure!(len <= 1 << 20, "--input: damaged backup header");
    let mut json = vec![0u8; len];
    reader.read_exact(&mut json).map_err(|e| anyhow::anyhow!("--input: {e}"))?;
    serde_json::from_slice(&json).context("--input: damaged backup header")
}

pub(crate) async fn restore(data: &DataArgs, input: &Path) -> anyhow::Result<()> {
    let ring = crate::keys::load(&data.key_dir())?
        .with_context(|| format!("no master keys in {}; restore needs the key directory", data.key_dir().display()))?;
    let (header, backend, store) = {
        let (mut reader, streamed) = open_backup(input, &ring)?;
        let header = read_header(&mut reader)?;
        let (backend, store) = restore_payload(data, &header, &mut reader, streamed).await?;
        (header, backend, store)
    };
    let mut result = check(&backend, store.clone(), &header).await;
    if result.is_ok() {
        result = audit_restore(data, &backend, store, ring, &header).await;
    }
    backend.close().await;
    result
}

/// Writes the payload into the target database, streaming it from `reader`.
async fn restore_payload(
    data: &DataArgs,
    header: &Header,
    reader: &mut (dyn BufRead + Send),
    streamed: bool,
) -> anyhow::Result<(Backend, std::sync::Arc<dyn sg_store::Store>)> {
    match (data.location()?, header.backend.as_str()) {
        (Location::Sqlite(path), "sqlite") => {
            ensure!(!path.exists(), "{} already exists; restore into a new data directory", path.display());
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::files::private_dir(dir)?;
            }
            let mut file = crate::files::create_private(&path)?;
            let copied = std::io::copy(reader, &mut file).and_then(|_| file.sync_all());
            if let Err(e) = copied {
                drop(file);
                let _ = std::fs::remove_file(&path);
                bail!("--input: {e}");
            }
            let s = SqliteStore::open(&path).await.context("cannot open the restored database")?;
            s.integrity_check().await.context("the restored database fails SQLite's integrity check")?;
            println!("integrity: PRAGMA integrity_check ok");
            Ok((Backend::Sqlite(s.clone()), std::sync::Arc::new(s)))
        }
        (Location::Postgres(url), "postgres") => {
            let s = PgStore::open(&url).await.context("cannot open the target PostgreSQL database")?;
            let version = s.schema_version().await?;
            ensure!(
                header.schema_version == version,
                "the backup has schema version {}, this Safeguard {version}; restore with the Safeguard that took it",
                header.schema_version
            );
            if streamed {
                s.restore_from(reader).await.context("cannot restore")?;
            } else {
                let tables: Vec<Table> = serde_json::from_reader(reader).context("--input: damaged backup tables")?;
                let dumps: Vec<TableDump> =
                    tables.into_iter().map(|t| TableDump { table: t.table, rows: t.rows, json: t.json }).collect();
                s.restore(&dumps).await.context("cannot restore")?;
            }
            println!("integrity: all tables restored in one transaction");
            Ok((Backend::Postgres(s.clone()), std::sync::Arc::new(s)))
        }
        (_, other) => bail!("this backup is of a {other} database; restore it into the same kind of database"),
    }
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
