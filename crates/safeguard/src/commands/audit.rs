//! `safeguard audit verify`, `audit public-key`, `keys rotate`, `erase` and `retention`.

use anyhow::{bail, Context};
use sg_app::audit::Verification;
use sg_audit::{AuditAction, Outcome};

use crate::cli::DataArgs;

pub(crate) async fn verify(data: &DataArgs, head: Option<&str>, public_key: Option<&str>) -> anyhow::Result<()> {
    let public = public_key
        .map(|k| sg_audit::PublicKey::from_hex(k).map_err(|e| anyhow::anyhow!("--public-key: {e}")))
        .transpose()?;
    let (app, backend) = crate::database::open_app(data).await?;
    let public = public.or_else(|| app.audit_signer.as_ref().map(|s| s.public_key()));
    let result = app.verify_audit_signed(head, public.as_ref()).await;
    backend.close().await;
    match result.context("cannot read the audit log")? {
        Verification::Intact { entries, head } => {
            println!("{entries} audit entries verified");
            if let Some(h) = head {
                println!("head {h}");
            }
            if let Some(p) = public {
                println!("signed checkpoints verified with public key {}", p.to_hex());
            }
            Ok(())
        }
        Verification::Broken(b) => bail!("{b}"),
    }
}

/// `safeguard audit public-key`: the key monitors keep to verify the log with.
pub(crate) fn public_key(data: &DataArgs) -> anyhow::Result<()> {
    let path = data.key_dir().join(crate::keys::AUDIT_SIGNING_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the audit signing key {} (it is made at first start)", path.display()))?;
    let signer = sg_audit::AuditSigner::from_hex(&text).with_context(|| format!("bad key file {}", path.display()))?;
    println!("{}", signer.public_key().to_hex());
    Ok(())
}

/// Pages of data keys re-wrapped per transaction.
const ROTATE_PAGE: u32 = 1_000;

pub(crate) async fn rotate_keys(data: &DataArgs) -> anyhow::Result<()> {
    let (app, backend) = crate::database::open_app(data).await?;
    let dir = data.key_dir();
    let new_key = crate::keys::create_next(&dir)?;
    let ring = crate::keys::load(&dir)?.context("the key directory is empty after writing a key")?;
    let app = sg_app::App { keys: std::sync::Arc::new(ring), ..app };
    let result = app.rewrap_all_person_keys(ROTATE_PAGE).await;
    let outcome = if result.is_ok() { Outcome::Allowed } else { Outcome::Refused };
    app.audit(None, AuditAction::KeysRotated, None, outcome, new_key.id()).await?;
    backend.close().await;
    let count = result.context("cannot re-wrap the data keys")?;
    println!(
        "New master key {} in {}; {count} data keys re-wrapped with it. The older key files can be moved \
         to offline storage once every backup made with them has expired.",
        new_key.id(),
        dir.display()
    );
    Ok(())
}

pub(crate) async fn erase(data: &DataArgs, case: &str, reason: &str) -> anyhow::Result<()> {
    let id =
        sg_domain::CaseId::parse(case).ok_or_else(|| anyhow::anyhow!("--case: {case:?} is not a case id (a UUID)"))?;
    if reason.trim().is_empty() {
        bail!("--reason: say why (it is recorded in the audit log)");
    }
    let (app, backend) = crate::database::open_app(data).await?;
    let result = app.erase_person(id, reason.trim()).await;
    backend.close().await;
    match result {
        Ok(()) => {
            println!("Erased the identifying record of case {id}; its non-identifying facts remain.");
            Ok(())
        }
        Err(sg_app::AppError::NotFound) => bail!("--case: no case {id}"),
        Err(e) => bail!("{e}"),
    }
}

pub(crate) async fn retention(data: &DataArgs, years: u16, dry_run: bool) -> anyhow::Result<()> {
    if years == 0 {
        bail!("--years: give at least 1");
    }
    let (app, backend) = crate::database::open_app(data).await?;
    let result = app.apply_retention(years, dry_run).await;
    backend.close().await;
    let n = result.context("cannot apply the retention policy")?;
    if dry_run {
        println!("{n} identifying records are due for erasure (no activity for {years} years; counted up to 500)");
    } else {
        println!("Erased {n} identifying records with no activity for {years} years");
    }
    Ok(())
}
