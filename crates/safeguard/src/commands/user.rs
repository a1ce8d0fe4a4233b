//! `safeguard user add` and `user disable` (both audited).

use anyhow::{anyhow, Context};
use sg_audit::{AuditAction, Outcome};
use sg_domain::{Coded, Role};
use sg_store::OrgKind;

use crate::cli::DataArgs;

pub(crate) async fn add(
    data: &DataArgs,
    org: &str,
    org_type: Option<&str>,
    role: &str,
    name: &str,
    token_days: Option<u32>,
    competent_authority: Option<&str>,
) -> anyhow::Result<()> {
    let role: Role = role.parse().map_err(|e| anyhow!("--role: {e}"))?;
    let org_kind = org_type.map(|t| t.parse::<OrgKind>().map_err(|e| anyhow!("--org-type: {e}"))).transpose()?;
    let (app, backend) = crate::database::open_app(data).await?;
    let authority = competent_authority
        .map(|c| c.parse::<sg_domain::CompetentAuthority>().map_err(|e| anyhow!("--competent-authority: {e}")))
        .transpose();
    let authority = match authority {
        Ok(a) => a,
        Err(e) => {
            backend.close().await;
            return Err(e);
        }
    };
    // The operator's path: no second administrator, but audited (`App::operator_add_user`).
    let created = app.operator_add_user(org, org_kind, role, name, token_days, authority).await.map_err(|e| match e {
        sg_app::AppError::Invalid(f) => anyhow!("--{}: {}", f.field, f.message),
        other => anyhow!("{other}"),
    });
    backend.close().await;
    let created = created.context("cannot add the user")?;
    match created.api_token {
        // The contract: with --token, exactly one line, the token.
        Some(token) => println!("{token}"),
        None => {
            println!(
                "Created {} ({}) in {}.\nOne-time sign-in code (valid 72 hours; sign in at /sign-in/code): {}",
                created.user.name,
                created.user.role.label(),
                created.user.org_name,
                created.sign_in_code
            );
        }
    }
    Ok(())
}

pub(crate) async fn disable(data: &DataArgs, name: &str) -> anyhow::Result<()> {
    let (app, backend) = crate::database::open_app(data).await?;
    let mut result = app.disable_user(name).await;
    if let Ok(user) = &result {
        let detail = format!("user {} by the operator on the command line", user.id);
        if let Err(e) = app.audit(None, AuditAction::UserDisabled, None, Outcome::Allowed, detail).await {
            result = Err(e);
        }
    }
    backend.close().await;
    match result {
        Ok(user) => {
            println!("Disabled {}: their sessions and API tokens no longer work.", user.name);
            Ok(())
        }
        Err(sg_app::AppError::NotFound) => Err(anyhow!("--name: no user is called {name:?}")),
        Err(e) => Err(anyhow!("{e}")),
    }
}
