//! Opening the database named on the command line.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context};
use sg_store::Store;
use sg_store_sqlite::SqliteStore;

use crate::cli::DataArgs;

/// Where the data is.
pub(crate) enum Location {
    /// A SQLite file.
    Sqlite(PathBuf),
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
                    bail!("--database-url: PostgreSQL is not supported by this version yet; use --data-dir (SQLite)")
                } else {
                    bail!("--database-url: expected sqlite://FILE or postgres://…, got {url:?}")
                }
            }
        }
    }
}

impl DataArgs {
    /// The master key directory.
    pub(crate) fn key_dir(&self) -> PathBuf {
        self.key_dir.clone().unwrap_or_else(|| self.data_dir.join("keys"))
    }
}

/// Opens the database and its master keys, as an application.
pub(crate) async fn open_app(data: &DataArgs) -> anyhow::Result<(sg_app::App, SqliteStore)> {
    let (store, sqlite) = open(data).await?;
    let has_keys = !store.person_keys_page(None, 1).await.context("cannot read the database")?.is_empty();
    let ring = crate::keys::open_or_create(&data.key_dir(), has_keys)?;
    Ok((sg_app::App::new(store, ring), sqlite))
}

/// Opens the database, creating the data directory and bringing the schema up to date.
pub(crate) async fn open(data: &DataArgs) -> anyhow::Result<(Arc<dyn Store>, SqliteStore)> {
    match data.location()? {
        Location::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
            }
            let store = SqliteStore::open(&path)
                .await
                .with_context(|| format!("cannot open the database {}", path.display()))?;
            Ok((Arc::new(store.clone()), store))
        }
    }
}
