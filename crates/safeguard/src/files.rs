//! Files and directories readable by the owner alone: the data and key directories (0700), the
//! backups and key files (0600). The database file itself is restricted where it is opened
//! (`sg_store_sql::sqlite`), with its WAL and shared-memory files.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Creates `dir` (and missing parents) when it does not exist, the last one 0700. An existing
/// directory is left as it is: it may be the operator's own (the working directory, say).
pub(crate) fn private_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    fs::create_dir_all(dir).with_context(|| format!("cannot create the directory {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .with_context(|| format!("cannot restrict the directory {}", dir.display()))?;
    }
    Ok(())
}

/// Opens a new file (refusing one that exists) readable and writable by the owner alone.
pub(crate) fn create_private(path: &Path) -> anyhow::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).with_context(|| format!("cannot create {}", path.display()))
}

/// Writes a new file of `bytes`, owner-only, and syncs it.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let mut file = create_private(path)?;
    file.write_all(bytes).with_context(|| format!("cannot write {}", path.display()))?;
    file.sync_all().with_context(|| format!("cannot write {}", path.display()))
}
