//! Erasure: destroying a person's data key and identifying record, so that no copy of the
//! database, its backups or its logs can reveal who they were. The non-identifying case facts
//! stay, so the statistics still count the case.

use sg_audit::{AuditAction, AuditRecord, Outcome};
use sg_domain::CaseId;

use crate::{App, AppError};

/// Cases erased per pass of the retention policy.
const RETENTION_PAGE: u32 = 500;

impl App {
    fn erasure_record(&self, case: CaseId, why: &str) -> AuditRecord {
        AuditRecord {
            at: self.clock.now().unix_timestamp(),
            actor: None,
            role: "administrator (command line)".into(),
            action: AuditAction::IdentityErased,
            case_id: Some(case.to_string()),
            outcome: Outcome::Allowed,
            detail: why.into(),
        }
    }

    /// Erases one person's identifying record (run by an administrator from the command line).
    pub async fn erase_person(&self, case: CaseId, why: &str) -> Result<(), AppError> {
        if self.store.case(case).await?.is_none() {
            return Err(AppError::NotFound);
        }
        self.store.erase_person(case, &self.erasure_record(case, why)).await?;
        Ok(())
    }

    /// The retention policy: erases the identifying record of every case with no event for
    /// `years` years; returns how many (with `dry_run`, only counts them).
    pub async fn apply_retention(&self, years: u16, dry_run: bool) -> Result<u64, AppError> {
        let today = self.clock.today();
        let cutoff = today
            .replace_year(today.year() - i32::from(years))
            .unwrap_or(today - time::Duration::days(365 * i64::from(years)));
        let mut count = 0;
        loop {
            let due = self.store.identified_cases_inactive_since(cutoff, RETENTION_PAGE).await?;
            if due.is_empty() || dry_run {
                count += due.len() as u64;
                break;
            }
            for case in &due {
                self.store
                    .erase_person(
                        *case,
                        &self.erasure_record(*case, &format!("retention: no activity for {years} years")),
                    )
                    .await?;
            }
            count += due.len() as u64;
        }
        if !dry_run {
            let drafts = self.expire_drafts().await?;
            tracing::info!(drafts, "expired referral drafts deleted");
            let forms = self.expire_kept_forms().await?;
            tracing::info!(forms, "expired kept forms deleted");
        }
        Ok(count)
    }
}
