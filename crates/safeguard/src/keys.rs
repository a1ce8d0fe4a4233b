//! The master key files: `KEY_DIR/NNNN.key`, one 64-hex-digit key each, readable only by the
//! owner. The highest number seals new data keys; all of them can open. They live outside the
//! database so that a copy of the database alone reveals no identity.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use sg_crypto::{KeyRing, MasterKey};

/// The key files in `dir`, in order: (number, path).
fn key_files(dir: &Path) -> anyhow::Result<Vec<(u32, PathBuf)>> {
    let mut files = vec![];
    if !dir.exists() {
        return Ok(files);
    }
    for entry in fs::read_dir(dir).with_context(|| format!("cannot read the key directory {}", dir.display()))? {
        let path = entry?.path();
        let number = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".key"))
            .and_then(|n| n.parse::<u32>().ok());
        if let Some(n) = number {
            files.push((n, path));
        }
    }
    files.sort();
    Ok(files)
}

fn id_of(number: u32) -> String {
    format!("master-{number:04}")
}

/// Loads every master key in `dir`.
pub(crate) fn load(dir: &Path) -> anyhow::Result<Option<KeyRing>> {
    let files = key_files(dir)?;
    if files.is_empty() {
        return Ok(None);
    }
    let mut keys = vec![];
    for (n, path) in files {
        let text = fs::read_to_string(&path).with_context(|| format!("cannot read the key file {}", path.display()))?;
        keys.push(MasterKey::from_hex(&id_of(n), &text).with_context(|| format!("bad key file {}", path.display()))?);
    }
    Ok(Some(KeyRing::new(keys)?))
}

/// When each key file in `dir` was last written, by key id: what the administrator's keys page
/// shows as the key's date (a key file is written once, when the key is made, or restored).
pub(crate) fn written_dates(dir: &Path) -> std::collections::BTreeMap<String, time::OffsetDateTime> {
    let files = key_files(dir).unwrap_or_default();
    files
        .into_iter()
        .filter_map(|(n, path)| {
            let modified = fs::metadata(&path).and_then(|m| m.modified()).ok()?;
            Some((id_of(n), time::OffsetDateTime::from(modified)))
        })
        .collect()
}

/// Writes a new master key numbered one above the highest, readable only by the owner.
pub(crate) fn create_next(dir: &Path) -> anyhow::Result<MasterKey> {
    crate::files::private_dir(dir).context("cannot create the key directory")?;
    let next = key_files(dir)?.last().map(|(n, _)| n + 1).unwrap_or(1);
    let key = MasterKey::generate(&id_of(next));
    let path = dir.join(format!("{next:04}.key"));
    crate::files::write_private(&path, format!("{}\n", key.to_hex()).as_bytes())
        .context("cannot write the key file")?;
    Ok(key)
}

/// The key ring for a database: loaded from `dir`, or created there when the database holds no
/// identifying record yet. A database with records but no keys is refused: its identities
/// cannot be read, and a new key would hide the fault.
pub(crate) fn open_or_create(dir: &Path, database_has_person_keys: bool) -> anyhow::Result<KeyRing> {
    if let Some(ring) = load(dir)? {
        return Ok(ring);
    }
    if database_has_person_keys {
        bail!(
            "the master key files are missing from {}: the database holds encrypted identities that \
             cannot be read without them. Restore the key directory from your key backup (or pass --key-dir).",
            dir.display()
        );
    }
    create_next(dir)?;
    load(dir)?.context("the new key file could not be read back")
}

/// The file beside the master keys holding the secret that keys request fingerprints.
pub(crate) const FINGERPRINT_FILE: &str = "fingerprint.secret";
/// The file beside the master keys holding the Ed25519 key that signs audit checkpoints.
pub(crate) const AUDIT_SIGNING_FILE: &str = "audit-signing.secret";

/// Reads the 64-hex-digit secret `name` in `dir`, writing a new random one (0600) when there is
/// none; whether it was new.
pub(crate) fn secret(dir: &Path, name: &str) -> anyhow::Result<(String, bool)> {
    let path = dir.join(name);
    if path.exists() {
        let text = fs::read_to_string(&path).with_context(|| format!("cannot read the key file {}", path.display()))?;
        return Ok((text.trim().to_string(), false));
    }
    crate::files::private_dir(dir).context("cannot create the key directory")?;
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    let text = hex::encode(bytes);
    bytes.fill(0);
    crate::files::write_private(&path, format!("{text}\n").as_bytes()).context("cannot write the key file")?;
    Ok((text, true))
}

/// The fingerprint key of `dir`, made at first start.
pub(crate) fn fingerprint_key(dir: &Path) -> anyhow::Result<sg_crypto::FingerprintKey> {
    let (text, _) = secret(dir, FINGERPRINT_FILE)?;
    sg_crypto::FingerprintKey::from_hex(&text).with_context(|| format!("bad key file {FINGERPRINT_FILE}"))
}

/// The audit signing key of `dir`, made at first start. A new key for a log already signed with
/// another is refused: its checkpoints could no longer be verified, and a new key would hide
/// that the old one was lost.
/// Whether the key is new is returned with it.
pub(crate) fn audit_signer(dir: &Path, already_signed: bool) -> anyhow::Result<(sg_audit::AuditSigner, bool)> {
    if already_signed && !dir.join(AUDIT_SIGNING_FILE).exists() {
        bail!(
            "the audit signing key {} is missing, but the audit log has signed checkpoints. Restore the key \
             directory from your key backup (or pass --key-dir).",
            dir.join(AUDIT_SIGNING_FILE).display()
        );
    }
    let (text, new) = secret(dir, AUDIT_SIGNING_FILE)?;
    let signer =
        sg_audit::AuditSigner::from_hex(&text).with_context(|| format!("bad key file {AUDIT_SIGNING_FILE}"))?;
    Ok((signer, new))
}
