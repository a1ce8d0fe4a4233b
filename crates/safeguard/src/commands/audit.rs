//! `safeguard audit verify` and `safeguard keys rotate`.

use anyhow::{bail, Context};
use sg_app::audit::Verification;
use sg_audit::{AuditAction, Outcome};

use crate::cli::DataArgs;

pub(crate) async fn verify(data: &DataArgs, head: Option<&str>) -> anyhow::Result<()> {
    let (app, sqlite) = crate::database::open_app(data).await?;
    let result = app.verify_audit(head).await;
    sqlite.close().await;
    match result.context("cannot read the audit log")? {
        Verification::Intact { entries, head } => {
            println!("{entries} audit entries verified");
            if let Some(h) = head {
                println!("head {h}");
            }
            Ok(())
        }
        Verification::Broken(b) => bail!("{b}"),
    }
}

/// Pages of data keys re-wrapped per transaction.
const ROTATE_PAGE: u32 = 1_000;

pub(crate) async fn rotate_keys(data: &DataArgs) -> anyhow::Result<()> {
    let (app, sqlite) = crate::database::open_app(data).await?;
    let dir = data.key_dir();
    let new_key = crate::keys::create_next(&dir)?;
    let ring = crate::keys::load(&dir)?.context("the key directory is empty after writing a key")?;
    let app = sg_app::App { keys: std::sync::Arc::new(ring), ..app };
    let result = app.rewrap_all_person_keys(ROTATE_PAGE).await;
    let outcome = if result.is_ok() { Outcome::Allowed } else { Outcome::Refused };
    app.audit(None, AuditAction::KeysRotated, None, outcome, new_key.id()).await?;
    sqlite.close().await;
    let count = result.context("cannot re-wrap the data keys")?;
    println!(
        "New master key {} in {}; {count} data keys re-wrapped with it. The older key files can be moved \
         to offline storage once every backup made with them has expired.",
        new_key.id(),
        dir.display()
    );
    Ok(())
}
