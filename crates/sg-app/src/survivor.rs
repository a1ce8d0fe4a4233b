//! The survivor's own view: with a code from their caseworker (`survivor_code.rs`), a person sees their
//! consents in plain words, withdraws any of them, and sees who accessed their data, when and why.

use serde::Serialize;
use sg_audit::{AuditAction, AuditRecord, Outcome};
use sg_domain::{CaseCommand, CaseId, Coded, ConsentStatus, DataCategory, Relation};
use time::Duration;

use crate::auth::hash_secret;
use crate::{App, AppError};

/// How long a survivor's session lasts.
pub const SURVIVOR_SESSION_LIFETIME: Duration = Duration::hours(1);

/// One consent, in plain words.
#[derive(Debug, Clone, Serialize)]
pub struct ConsentLine {
    /// The consent's id (for withdrawing).
    pub id: String,
    /// What the person agreed to.
    pub text: String,
    /// Whether it is in force now.
    pub in_force: bool,
    /// The same, as parts a page can word in the person's language: the day given,
    pub given_on: String,
    /// the recipient organisation's name,
    pub recipient: String,
    /// the purpose's code,
    pub purpose: &'static str,
    /// the data categories' codes,
    pub categories: Vec<&'static str>,
    /// the last day, if it expires,
    pub until: Option<String>,
    /// the day it was withdrawn, if it was,
    pub withdrawn_on: Option<String>,
    /// where it stands (`pending`, `active`, `withdrawn`, `expired`),
    pub status: &'static str,
    /// and how it was confirmed (`survivor`, `countersigned`), if it was.
    pub confirmed_by: Option<&'static str>,
}

/// One access to the person's case, in plain words.
#[derive(Debug, Clone, Serialize)]
pub struct AccessLine {
    /// When (UTC, to the minute).
    pub when: String,
    /// Which organisation and role.
    pub who: String,
    /// What they did or tried.
    pub what: String,
    /// Why, in plain English words (never a raw identifier).
    pub why: String,
    /// Why, as a code a page can word in the person's language (`why_of`),
    pub why_code: &'static str,
    /// with the purpose's code, for a consent (empty otherwise),
    pub why_purpose: &'static str,
    /// the organisation's name, for a consent (empty otherwise),
    pub why_org: String,
    /// and the reason's code, for emergency access (empty otherwise).
    pub why_reason: &'static str,
    /// What, as a code a page can word in the person's language (`what_code_for`).
    pub what_code: &'static str,
    /// Who, as parts: the organisation's name (empty for the person or the system),
    pub org: String,
    /// and the role's code (`survivor` for the person, `system` when unknown).
    pub role: &'static str,
}

/// One organisation working on the person's case now.
#[derive(Debug, Clone, Serialize)]
pub struct WorkingOnLine {
    /// How: `referrer`, `decision-maker`, or a relation's code (`legal-adviser`,
    /// `support-provider`, `guardian`).
    pub relation: &'static str,
    /// The organisation's name.
    pub org: String,
    /// For a legal adviser, the organisation's id: the person may end the instruction.
    pub adviser_org: Option<String>,
}

/// Everything the survivor's page shows.
#[derive(Debug, Clone, Serialize)]
pub struct SurvivorView {
    /// The case reference, to quote to their caseworker.
    pub reference: String,
    /// Where the case is: the stage, the decisions and the dates that come next.
    pub status: crate::survivor_status::SurvivorStatus,
    /// Who works on the case now: only relationships in force.
    pub working_on: Vec<WorkingOnLine>,
    /// The legal practices the person may instruct (id and name), those instructed left out.
    pub legal_practices: Vec<(String, String)>,
    /// Their consents.
    pub consents: Vec<ConsentLine>,
    /// Who accessed their case.
    pub accesses: Vec<AccessLine>,
}

fn categories_text(c: &sg_domain::Consent) -> String {
    let parts: Vec<&str> = c
        .categories
        .iter()
        .map(|cat| match cat {
            DataCategory::Identity => "your name, date of birth and contact details",
            DataCategory::Account => "what you told us about what happened",
        })
        .collect();
    parts.join(" and ")
}

/// The audit detail of the person opening their own view.
pub(crate) const OWN_VIEW: &str = "the person opened their own view";
/// The audit detail of the person leaving their view by the quick exit.
pub(crate) const QUICK_EXIT: &str = "the person left their own view by the quick exit";
/// The audit detail of the person signing out of their view.
pub(crate) const SIGNED_OUT: &str = "the person signed out of their own view";
/// The audit detail of a caseworker ending the person's code.
pub(crate) const CODE_ENDED: &str = "survivor code ended";

/// Why an access happened, read from the audit record's detail: a code, the consent's purpose
/// code and the organisation's name where the detail names a consent (by its id, or by the
/// recipient organisation's id), and the same in plain English.
fn why_of(
    action: AuditAction,
    outcome: Outcome,
    detail: &str,
    consents: &[sg_domain::Consent],
) -> (&'static str, &'static str, String, String) {
    let plain = |code: &'static str, text: &str| (code, "", String::new(), text.to_string());
    if outcome == Outcome::Refused {
        return plain("refused", "They had no right to see it, so nothing was shown.");
    }
    match (action, detail) {
        (AuditAction::IdentityRead, d) if d.starts_with("emergency access") => {
            plain("emergency", "Emergency access: someone's life was believed to be at risk.")
        }
        (AuditAction::EmergencyRequested, _) => {
            plain("emergency-requested", "The police asked for emergency access, saying a life was at risk.")
        }
        (AuditAction::EmergencyDecided, d) if d.starts_with("approved") => {
            plain("emergency-approved", "Someone working on your case agreed to emergency access for a short time.")
        }
        (AuditAction::EmergencyDecided, _) => {
            plain("emergency-declined", "Someone working on your case refused the emergency access.")
        }
        (AuditAction::IdentityRead, "referring organisation") => plain("referrer", "They made your referral."),
        (AuditAction::IdentityRead, "works on the case") => plain("works-on-case", "They work on your case."),
        (AuditAction::IdentityRead, _) => plain("your-consent", "You agreed to it."),
        (AuditAction::CaseRead, "survivor code issued") => plain("code-issued", "To give you a code for this page."),
        (AuditAction::CaseRead, OWN_VIEW) => plain("own-view", "You opened this page."),
        (AuditAction::SignOut, QUICK_EXIT) => plain("quick-exit", "You left this page by the quick exit."),
        (AuditAction::SignOut, _) => plain("signed-out", "You signed out of this page."),
        (AuditAction::CaseChanged, CODE_ENDED) => {
            plain("code-ended", "Your code for this page was ended: ask your caseworker for a new one.")
        }
        (AuditAction::CaseRead, _) => plain("work", "As part of their work on your case."),
        (AuditAction::CaseCreated, "duty-to-notify") => {
            plain("duty-to-notify", "To report, without your name, that someone may be a victim of modern slavery.")
        }
        (AuditAction::CaseCreated, _) => plain("referral", "To refer you for help and support."),
        (AuditAction::CaseChanged, _) => plain("step", "To keep your case up to date."),
        (AuditAction::ConsentGiven | AuditAction::ConsentWithdrawn | AuditAction::ConsentConfirmed, _) => {
            // The detail holds the consent's id (withdrawals, "<how> <id>" for confirmations) or
            // "<purpose> to organisation <id>".
            let id = detail.rsplit(' ').next().unwrap_or("");
            let found = consents.iter().find(|c| c.id.to_string() == id || c.recipient_org.to_string() == id);
            let code = match action {
                AuditAction::ConsentGiven => "consent-given",
                AuditAction::ConsentConfirmed => "consent-confirmed",
                _ => "consent-withdrawn",
            };
            match found {
                Some(c) => {
                    let text = format!("{} may see it, for {}.", c.recipient_name, c.purpose.label().to_lowercase());
                    (code, c.purpose.code(), c.recipient_name.clone(), text)
                }
                None => plain("consent", "A consent of yours."),
            }
        }
        _ => plain("other", "Kept in your case's record."),
    }
}

/// The emergency reason's code named in an audit detail, for the person's page.
fn emergency_reason(action: AuditAction, detail: &str) -> &'static str {
    if !matches!(action, AuditAction::IdentityRead | AuditAction::EmergencyRequested | AuditAction::EmergencyDecided) {
        return "";
    }
    sg_domain::EmergencyReason::ALL
        .iter()
        .find(|r| detail.split([' ', ':']).any(|w| w == r.code()))
        .map(|r| r.code())
        .unwrap_or("")
}

/// A code for what was done, for pages that word it in the person's language.
pub fn what_code_for(action: AuditAction, outcome: Outcome) -> &'static str {
    match (action, outcome) {
        (AuditAction::IdentityRead, Outcome::Allowed) => "identity-read",
        (AuditAction::IdentityRead, Outcome::Refused) => "identity-refused",
        (AuditAction::CaseRead, Outcome::Allowed) => "case-read",
        (AuditAction::CaseRead, Outcome::Refused) => "case-refused",
        (AuditAction::CaseCreated, _) => "case-created",
        (AuditAction::CaseChanged, _) => "case-changed",
        (AuditAction::ConsentGiven, _) => "consent-given",
        (AuditAction::ConsentWithdrawn, _) => "consent-withdrawn",
        (AuditAction::ConsentConfirmed, _) => "consent-confirmed",
        (AuditAction::EmergencyRequested, _) => "emergency-requested",
        (AuditAction::EmergencyDecided, _) => "emergency-decided",
        (AuditAction::SignOut, _) => "signed-out",
        _ => "other",
    }
}

impl App {
    /// The case and form token of a survivor's session, if live.
    pub async fn survivor_session(&self, token: &str) -> Result<Option<(CaseId, String)>, AppError> {
        let not_before = self.clock.now() - SURVIVOR_SESSION_LIFETIME;
        Ok(self.store.survivor_session(&hash_secret(token), not_before).await?)
    }

    /// The person's view of their case.
    pub async fn survivor_view(&self, case: CaseId) -> Result<SurvivorView, AppError> {
        let record = self.case_record(case).await?.ok_or(AppError::NotFound)?;
        let (today, now) = (self.clock.today(), self.clock.now());
        let raw_consents = self.store.consents(case).await?;
        let consents = raw_consents
            .iter()
            .map(|c| {
                let until = match c.expires_on {
                    Some(d) => format!("until {d}"),
                    None => "with no end date".into(),
                };
                let status = c.status(today, now);
                let state = match c.withdrawn_at {
                    Some(w) => format!(" You withdrew it on {}.", w.date()),
                    None if status == ConsentStatus::Pending => " It is waiting for you to confirm it.".into(),
                    None if !c.in_force(today, now) => " It has ended.".into(),
                    None if c.confirmed_by == Some(sg_domain::Confirmation::Survivor) => " You confirmed it.".into(),
                    None => String::new(),
                };
                ConsentLine {
                    id: c.id.to_string(),
                    text: format!(
                        "You agreed on {} that {} may see {}, for {}, {until}.{state}",
                        c.given_on,
                        c.recipient_name,
                        categories_text(c),
                        c.purpose.label().to_lowercase()
                    ),
                    in_force: c.in_force(today, now),
                    given_on: c.given_on.to_string(),
                    recipient: c.recipient_name.clone(),
                    purpose: c.purpose.code(),
                    categories: c.categories.iter().map(|x| x.code()).collect(),
                    until: c.expires_on.map(|d| d.to_string()),
                    withdrawn_on: c.withdrawn_at.map(|w| w.date().to_string()),
                    status: status.code(),
                    confirmed_by: c.confirmed_by.map(|x| x.code()),
                }
            })
            .collect();
        let mut accesses = vec![];
        for e in self.store.audit_for_case(case).await? {
            // A referral sent again with its idempotency key answers its maker with what they
            // already had: nothing new was seen, so the person is not told of it twice.
            if e.record.action == AuditAction::IdempotentReplay {
                continue;
            }
            let (who, org, role) = match &e.record.actor {
                Some(id) => match sg_domain::UserId::parse(id) {
                    Some(uid) => match self.store.user(uid).await? {
                        Some(u) => (
                            format!("{} ({})", u.org_name, u.role.label().to_lowercase()),
                            u.org_name.clone(),
                            u.role.code(),
                        ),
                        None => ("a former user".into(), String::new(), "former"),
                    },
                    None => ("unknown".into(), String::new(), "system"),
                },
                // The person opening their own view is recorded without an actor or role.
                None if e.record.role == "survivor" || e.record.detail == OWN_VIEW => {
                    ("You".into(), String::new(), "survivor")
                }
                None => ("You, or the system".into(), String::new(), "system"),
            };
            let what = match (e.record.action, e.record.outcome) {
                (AuditAction::IdentityRead, Outcome::Allowed) => "Saw your personal details",
                (AuditAction::IdentityRead, Outcome::Refused) => "Tried to see your personal details and was refused",
                (AuditAction::CaseRead, Outcome::Allowed) => "Looked at your case",
                (AuditAction::CaseRead, Outcome::Refused) => "Tried to look at your case and was refused",
                (AuditAction::CaseCreated, _) => "Made the referral",
                (AuditAction::CaseChanged, _) => "Recorded a step in your case",
                (AuditAction::ConsentGiven, _) => "Recorded your consent",
                (AuditAction::ConsentWithdrawn, _) => "Recorded that a consent was withdrawn",
                (AuditAction::ConsentConfirmed, _) => "Confirmed a consent",
                (AuditAction::EmergencyRequested, _) => "Asked for emergency access to your personal details",
                (AuditAction::EmergencyDecided, _) => "Decided on a request for emergency access",
                (AuditAction::SignOut, _) => "Left this page",
                (other, _) => other.label(),
            };
            let when = time::OffsetDateTime::from_unix_timestamp(e.record.at)
                .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
                .unwrap_or_default();
            let what_code = what_code_for(e.record.action, e.record.outcome);
            let (why_code, why_purpose, why_org, why) =
                why_of(e.record.action, e.record.outcome, &e.record.detail, &raw_consents);
            let why_reason = emergency_reason(e.record.action, &e.record.detail);
            accesses.push(AccessLine {
                when,
                who,
                what: what.to_string(),
                why,
                why_code,
                why_purpose,
                why_org,
                why_reason,
                what_code,
                org,
                role,
            });
        }
        let (working_on, legal_practices) = self.working_on(&record).await?;
        let status = self.survivor_status(&record, today)?;
        Ok(SurvivorView {
            reference: record.reference.to_string(),
            status,
            working_on,
            legal_practices,
            consents,
            accesses,
        })
    }

    fn survivor_status(
        &self,
        record: &sg_store::CaseRecord,
        today: time::Date,
    ) -> Result<crate::survivor_status::SurvivorStatus, AppError> {
        let state = crate::cases::state_of(record)?;
        let events: Vec<_> = record.events.iter().map(|e| e.event.clone()).collect();
        let rules = sg_rules::official(state.facts.jurisdiction).map_err(|e| AppError::Internal(e.to_string()))?;
        let deadlines = sg_rules::case_deadlines(rules, &events, today);
        Ok(crate::survivor_status::status_of(rules, &state, &deadlines, today))
    }

    /// Who works on the case now (the referrer, the competent authority, and every active
    /// relationship), and the legal practices not yet instructed.
    async fn working_on(
        &self,
        record: &sg_store::CaseRecord,
    ) -> Result<(Vec<WorkingOnLine>, Vec<(String, String)>), AppError> {
        let state = crate::cases::state_of(record)?;
        let mut lines = vec![];
        if let Some(org) = self.store.org(record.created_by_org).await? {
            lines.push(WorkingOnLine { relation: "referrer", org: org.name, adviser_org: None });
        }
        if let Some(authority) = state.competent_authority {
            lines.push(WorkingOnLine { relation: "decision-maker", org: authority.label().into(), adviser_org: None });
        }
        for r in state.active_relationships() {
            let adviser_org = (r.relation == Relation::LegalAdviser).then(|| r.org.map(|o| o.to_string())).flatten();
            lines.push(WorkingOnLine { relation: r.relation.code(), org: r.name.clone(), adviser_org });
        }
        let practices = self
            .legal_practices()
            .await?
            .into_iter()
            .filter(|o| state.instruction_of(o.id).is_none())
            .map(|o| (o.id.to_string(), o.name))
            .collect();
        Ok((lines, practices))
    }

    /// The person instructs a legal practice (chosen by its id) in their own view; the legal
    /// adviser then sees the case until the instruction ends.
    pub async fn survivor_instruct(&self, case: CaseId, org: &str) -> Result<(), AppError> {
        let record = self.store.case(case).await?.ok_or(AppError::NotFound)?;
        let org = self.org_for("organisation", org, Relation::LegalAdviser).await?;
        let command = CaseCommand::InstructLegalAdviser {
            org: Some(org.id),
            name: org.name,
            recorded_by: None,
            person_agreed: true,
        };
        self.commit_change(None, &record, command, None, None, None, Default::default()).await?;
        Ok(())
    }

    /// The person ends a legal adviser's instruction in their own view.
    pub async fn survivor_end_instruction(&self, case: CaseId, org: &str) -> Result<(), AppError> {
        let record = self.store.case(case).await?.ok_or(AppError::NotFound)?;
        let Ok(id) = uuid::Uuid::parse_str(org.trim()) else { return Err(AppError::NotFound) };
        let command = CaseCommand::EndLegalAdviserInstruction { org: Some(sg_domain::OrgId(id)), name: String::new() };
        self.commit_change(None, &record, command, None, None, None, Default::default()).await?;
        Ok(())
    }

    /// The person confirms a consent recorded for them that waits for their confirmation; from
    /// then it releases what it names.
    pub async fn survivor_confirm(&self, case: CaseId, consent: uuid::Uuid) -> Result<(), AppError> {
        let found = self.store.consents(case).await?.into_iter().find(|c| c.id == consent).ok_or(AppError::NotFound)?;
        self.confirm(case, &found, None, None).await.map(|_| ())
    }

    /// The person withdraws one of their consents; it stops releasing data at once.
    pub async fn survivor_withdraw(&self, case: CaseId, consent: uuid::Uuid) -> Result<(), AppError> {
        let audit = AuditRecord {
            at: self.clock.now().unix_timestamp(),
            actor: None,
            role: "survivor".into(),
            action: AuditAction::ConsentWithdrawn,
            case_id: Some(case.to_string()),
            outcome: Outcome::Allowed,
            detail: consent.to_string(),
        };
        if self.store.withdraw_consent(case, consent, self.clock.now(), &audit).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
}
