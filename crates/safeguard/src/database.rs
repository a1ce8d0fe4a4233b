//! Opening the database named on the command line: SQLite (a file in the data directory, or
//! `sqlite://FILE`) or PostgreSQL (`postgres://…` / `postgresql://…`).

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use sg_store::Store;
use sg_store_postgres::PgStore;
use sg_store_sqlite::SqliteStore;

use crate::cli::DataArgs;

/// Where the data is.
pub(crate) enum Location {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by URL.
    Postgres(String),
}

impl DataArgs {
    /// Resolves `--data-dir` / `--database-url`.
    pub(crate) fn location(&self) -> anyhow::Result<Location> {
        match &self.database_url {
            None => Ok(Location::Sqlite(self.data_dir.join("safeguard.db"))),
            Some(url) => {
                if let Some(path) = url.strip_prefix("sqlite://") {
                    if path.is_empty() {
                        bail!("--database-url: give a file after sqlite://, e.g. sqlite://./safeguard.db");
                    }
                    Ok(Location::Sqlite(PathBuf::from(path)))
                } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                    Ok(Location::Postgres(url.clone()))
                } else {
                    bail!("--database-url: expected sqlite://FILE or postgres://…, got {:?}", redact(url))
                }
            }
        }
    }
}

/// A URL with any password replaced, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user_info = &url[s + 3..at];
            match user_info.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl DataArgs {
    /// The master key directory.
    pub(crate) fn key_dir(&self) -> PathBuf {
        self.key_dir.clone().unwrap_or_else(|| self.data_dir.join("keys"))
    }
}

/// The concrete backend behind the `Store`, for what only the binary does with it (closing,
/// the schema version, backups).
#[derive(Clone)]
pub(crate) enum Backend {
    /// The embedded SQLite file.
    Sqlite(SqliteStore),
    /// A PostgreSQL server.
    Postgres(PgStore),
}

impl Backend {
    /// Closes the connections (checkpointing SQLite's WAL).
    pub(crate) async fn close(&self) {
        match self {
            Backend::Sqlite(s) => s.close().await,
            Backend::Postgres(s) => s.close().await,
        }
    }

    /// Signs the audit chain's head in every transaction that appends to it from now on.
    pub(crate) fn set_audit_signer(&self, signer: Arc<sg_audit::AuditSigner>) {
        match self {
            Backend::Sqlite(s) => s.set_audit_signer(signer),
            Backend::Postgres(s) => s.set_audit_signer(signer),
        }
    }

    /// The schema version the database is at.
    pub(crate) async fn schema_version(&self) -> Result<i64, sg_store::StoreError> {
        match self {
            Backend::Sqlite(s) => s.schema_version().await,
            Backend::Postgres(s) => s.schema_version().await,
        }
    }
}

/// The file beside a SQLite database that says a server is (or was, until it stopped without
/// closing the database) serving from it.
fn serving_marker(db: &std::path::Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".serving");
    PathBuf::from(name)
}

/// Refuses to go on with a damaged SQLite file (`PRAGMA quick_check`), before anything is
/// migrated or served from it, when the last server did not close it (its marker is still
/// there) or a process left a write-ahead log behind: after a crash, a power cut, a kill. A
/// file closed cleanly is not read again in full (31.6 s at a million cases, 3 GB), unless
/// `always`. PostgreSQL checks its own pages.
pub(crate) async fn check_before_serving(data: &DataArgs, always: bool) -> anyhow::Result<()> {
    let Location::Sqlite(path) = data.location()? else { return Ok(()) };
    if !path.exists() {
        return Ok(());
    }
    let marker = serving_marker(&path);
    let mut wal = path.clone().into_os_string();
    wal.push("-wal");
    let left_a_log = std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
    if always || marker.exists() || left_a_log {
        let store = SqliteStore::open_without_migrating(&path)
            .await
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        let checked = store.quick_check().await;
        store.close().await;
        checked.with_context(|| {
            format!(
                "the database {} is damaged, so Safeguard will not serve from it: restore the latest backup \
                 (`safeguard restore`) into a new data directory, and keep this file for investigation",
                path.display()
            )
        })?;
    }
    Ok(())
}

/// Marks the SQLite file (opened, so its directory exists) as being served until
/// [`served_cleanly`].
pub(crate) fn mark_serving(data: &DataArgs) -> anyhow::Result<()> {
    let Location::Sqlite(path) = data.location()? else { return Ok(()) };
    let marker = serving_marker(&path);
    std::fs::write(&marker, b"a server is using this database; removed when it stops cleanly\n")
        .with_context(|| format!("cannot write {}", marker.display()))
}

/// Removes the mark [`check_before_serving`] left, once the database is closed cleanly.
pub(crate) fn served_cleanly(data: &DataArgs) {
    if let Ok(Location::Sqlite(path)) = data.location() {
        let _ = std::fs::remove_file(serving_marker(&path));
    }
}

/// Opens the database and its master keys, as an application.
pub(crate) async fn open_app(data: &DataArgs) -> anyhow::Result<(sg_app::App, Backend)> {
    let (store, backend) = open(data).await?;
    let has_keys = !store.person_keys_page(None, 1).await.context("cannot read the database")?.is_empty();
    let ring = crate::keys::open_or_create(&data.key_dir(), has_keys)?;
    let key_created = Arc::new(crate::keys::written_dates(&data.key_dir()));
    let signed = store.last_audit_checkpoint().await.context("cannot read the database")?.is_some();
    let (signer, new_signer) = crate::keys::audit_signer(&data.key_dir(), signed)?;
    let signer = Arc::new(signer);
    backend.set_audit_signer(signer.clone());
    let app = sg_app::App {
        key_created,
        fingerprint_key: Arc::new(crate::keys::fingerprint_key(&data.key_dir())?),
        audit_signer: Some(signer),
        ..sg_app::App::new(store, ring)
    };
    if new_signer {
        // The first checkpoint covers the entries written before there was a key, once the
        // whole chain verifies; from now on every append is signed in its own transaction.
        app.sign_audit_head().await.context("cannot sign the existing audit log")?;
    }
    let rekeyed = app.rekey_idempotency().await.context("cannot key the idempotency records")?;
    if rekeyed > 0 {
        tracing::info!(records = rekeyed, "idempotency records keyed and sealed");
    }
    // Once, on a database from before migration 0020: its reasons are sealed (counted, never shown).
    let sealed = app.seal_old_case_texts().await.context("cannot seal the case reasons stored in the clear")?;
    if sealed > 0 {
        tracing::info!(events = sealed, "case reasons stored before migration 0020 sealed");
    }
    Ok((app, backend))
}

/// Opens the database, creating the data directory and bringing the schema up to date, then
/// fills in the next deadline of cases written before migration 0011 (the rules that compute
/// it are data, so SQL cannot), logging progress.
pub(crate) async fn open(data: &DataArgs) -> anyhow::Result<(Arc<dyn Store>, Backend)> {
    let (store, backend) = open_migrated(data).await?;
    let filled = sg_app::queue::backfill_next_due(store.as_ref(), |done| {
        tracing::info!(cases = done, "computing the next deadline of existing cases")
    })
    .await
    .context("cannot compute the next deadline of existing cases")?;
    if filled > 0 {
        tracing::info!(cases = filled, "next deadlines computed");
    }
    Ok((store, backend))
}

async fn open_migrated(data: &DataArgs) -> anyhow::Result<(Arc<dyn Store>, Backend)> {
    match data.location()? {
        Location::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                crate::files::private_dir(dir).context("cannot create the data directory")?;
            }
            let store = SqliteStore::open(&path)
                .await
                .with_context(|| format!("cannot open the database {}", path.display()))?;
            Ok((Arc::new(store.clone()), Backend::Sqlite(store)))
        }
        Location::Postgres(url) => {
            let store = PgStore::open(&url)
                .await
                .with_context(|| format!("cannot open the PostgreSQL database {}", redact(&url)))?;
            Ok((Arc::new(store.clone()), Backend::Postgres(store)))
        }
    }
}
