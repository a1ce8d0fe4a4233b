//! Intake: an NRM referral or a Duty to Notify report becomes a case.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use sg_domain::lifecycle::open_case;
use sg_domain::Coded;
use sg_domain::{
    AccountContext, AgeAtExploitation, AgeGroup, CaseFacts, CaseId, CaseKind, CaseReference, CaseState, CaseStatus,
    CompetentAuthority, DeclineReason, ExploitationForm, ExploitationLocation, ExploitationType, FieldError, Gender,
    Identity, Jurisdiction, Nationality, PersonalAccount,
};
use sg_store::{Created, IdempotencyKey, NewCase, User};
use sha2::{Digest, Sha256};
use time::{macros::date, Date};

use crate::Refusal;
use crate::{App, AppError};

/// A referral as submitted: every field optional here so that a missing one gets a clear
/// "is required" error naming it, instead of a parser's message.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReferralInput {
    /// `england-wales`, `scotland` or `northern-ireland`.
    pub jurisdiction: Option<Jurisdiction>,
    /// Age during the exploitation, `adult`, `child` or `unknown`: what the statistics count.
    pub age_at_exploitation: Option<AgeAtExploitation>,
    /// Age on the referral day, `adult`, `child` or `unknown` (not sure): what consent follows.
    /// When absent, the date of birth decides it where one is given, otherwise the age at
    /// exploitation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_now: Option<AgeGroup>,
    /// Whether an adult consents to enter the NRM; `false` makes a Duty to Notify report.
    pub consent_to_referral: Option<bool>,
    /// For a Duty to Notify report: why the adult did not consent (codes; none when not asked).
    #[serde(default)]
    pub declined_because: Vec<DeclineReason>,
    /// Gender.
    pub gender: Option<Gender>,
    /// ISO 3166-1 alpha-2 codes: one, or two for a dual national; empty when not known.
    pub nationalities: Option<Vec<Nationality>>,
    /// The statistical types.
    #[serde(default)]
    pub exploitation_types: Vec<ExploitationType>,
    /// The form's fine-grained checkboxes.
    #[serde(default)]
    pub exploitation_forms: Vec<ExploitationForm>,
    /// Where the exploitation happened.
    pub exploitation_location: Option<ExploitationLocation>,
    /// The adult falls within the IECA's remit (a foreign national offender, detained in an
    /// immigration removal centre, or in the third-country process).
    #[serde(default)]
    pub ieca_criteria: bool,
    /// The day of the referral, when entered later than it was made (defaults to today).
    pub referred_on: Option<Date>,
    /// Who the person is (not stored for a Duty to Notify report).
    pub identity: Option<Identity>,
    /// What happened, in the person's words (not stored for a Duty to Notify report).
    pub account: Option<PersonalAccount>,
    /// Context for gaps or inconsistencies in the account, part of the account (not stored for
    /// a Duty to Notify report). There is no credibility flag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_context: Option<AccountContext>,
    /// For a person referred before (re-trafficking): the earlier case's reference, which links
    /// the two. Not for a Duty to Notify report, which must not identify the person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_reference: Option<String>,
    /// The person agreed to their earlier case being linked (required with `previous_reference`:
    /// the link joins two histories of theirs).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub link_agreed: bool,
}

/// Parses a referral's JSON body, naming the field at fault when it does not fit.
pub fn parse_referral_json(body: &[u8]) -> Result<ReferralInput, FieldError> {
    crate::actions::parse_json(body)
}

/// What a submission created (or, for a repeated idempotency key, had created).
#[derive(Debug, Clone)]
pub struct Submitted {
    /// Ids and whether this was a replay.
    pub created: Created,
    /// Referral or Duty to Notify report.
    pub kind: CaseKind,
    /// The case's status now.
    pub status: CaseStatus,
    /// For a Duty to Notify report still unconverted: its one-time conversion code.
    pub conversion_code: Option<String>,
}

/// A validated referral, ready to become a case.
#[derive(Debug, Clone)]
pub struct ValidReferral {
    /// The facts.
    pub facts: CaseFacts,
    /// Whether it is a referral (true) or a Duty to Notify report.
    pub consent_to_referral: bool,
    /// The routing decision.
    pub route: (CompetentAuthority, String),
    /// Identity and account, for a referral.
    pub person: Option<(Identity, PersonalAccount)>,
    /// Context for inconsistencies in the account, for a referral.
    pub context: Option<AccountContext>,
    /// The earlier case's reference as given, for a re-referral (resolved by the application).
    pub previous_reference: Option<String>,
}

/// Chooses the competent authority under the rules in force in the case's jurisdiction on the
/// referral day (`routing.ieca_for_adults_in_remit` in `rules/*.toml`): children always go to
/// the SCA; adults within the IECA's remit go to the IECA once it existed (8 November 2021).
pub fn route(facts: &CaseFacts, ieca_criteria: bool) -> (CompetentAuthority, String) {
    match sg_rules::official(facts.jurisdiction) {
        Ok(rules) => sg_rules::route(rules, facts, ieca_criteria),
        Err(e) => {
            // The built-in rule files are checked by sg-rules' tests; if they ever fail to load,
            // route as if the IECA did not exist rather than refuse a referral.
            tracing::error!(error = %e, "built-in rules did not load; routing to the SCA");
            (CompetentAuthority::Sca, "all cases not allocated to the IECA go to the Single Competent Authority".into())
        }
    }
}

fn required<T>(v: Option<T>, field: &str) -> Result<T, FieldError> {
    v.ok_or_else(|| FieldError::coded(field.to_string(), "required", vec![]))
}

/// The age group on the referral day: as given, checked against the date of birth where one
/// is given; else from the date of birth; else (the API before the question was asked) the age
/// at exploitation. A child now was a child during the exploitation.
fn age_now(
    given: Option<AgeGroup>,
    at_exploitation: AgeGroup,
    identity: Option<&Identity>,
    referred_on: Date,
) -> Result<AgeGroup, FieldError> {
    let born = identity.and_then(|i| i.date_of_birth.as_ref()).map(|d| d.0).filter(|d| *d <= referred_on);
    let by_birth = born.map(|b| (AgeGroup::on(b, referred_on), sg_domain::facts::years_between(b, referred_on)));
    let now = match (given, by_birth) {
        // "Not sure" stands whatever the date of birth says: it may be the one in doubt.
        (Some(AgeGroup::Unknown), _) => AgeGroup::Unknown,
        (Some(g), Some((b, years))) if g != b => {
            let years = vec![("years", years.to_string())];
            return Err(if g == AgeGroup::Adult {
                crate::messages::field_error("age_now", "age_now.adult_but_born_child", years)
            } else {
                crate::messages::field_error("age_now", "age_now.child_but_born_adult", years)
            });
        }
        (Some(g), _) => g,
        (None, Some((b, _))) => b,
        (None, None) => at_exploitation,
    };
    if now == AgeGroup::Child && at_exploitation == AgeGroup::Adult {
        return Err(FieldError::coded("age_at_exploitation", "age_at_exploitation.adult_but_child_now", vec![]));
    }
    Ok(now)
}

impl ReferralInput {
    /// Checks the referral submitted by `user` on `today`.
    pub fn validate(self, user: &User, today: Date) -> Result<ValidReferral, FieldError> {
        let jurisdiction = required(self.jurisdiction, "jurisdiction")?;
        let age = required(self.age_at_exploitation, "age_at_exploitation")?;
        let referred_on = self.referred_on.unwrap_or(today);
        let age_now = age_now(self.age_now, age, self.identity.as_ref(), referred_on)?;
        let consent = match (age_now.treated_as_child(), self.consent_to_referral) {
            (true, _) => true,
            (false, Some(c)) => c,
            (false, None) => {
                return Err(crate::messages::field_error("consent_to_referral", "consent_to_referral.required", vec![]))
            }
        };
        if referred_on > today {
            return Err(crate::messages::field_error("referred_on", "referred_on.future", vec![]));
        }
        if referred_on < date!(2009 - 04 - 01) {
            return Err(crate::messages::field_error("referred_on", "referred_on.too_early", vec![]));
        }
        let forms: BTreeSet<ExploitationForm> = self.exploitation_forms.into_iter().collect();
        let mut types: BTreeSet<ExploitationType> = self.exploitation_types.into_iter().collect();
        types.extend(forms.iter().filter_map(|f| f.statistical_type()));
        let facts = CaseFacts {
            jurisdiction,
            age_at_exploitation: age,
            age_now: Some(age_now),
            gender: required(self.gender, "gender")?,
            nationalities: required(self.nationalities, "nationalities")?,
            exploitation_types: types,
            exploitation_forms: forms,
            exploitation_location: required(self.exploitation_location, "exploitation_location")?,
            first_responder_org: user.org_name.clone(),
            first_responder_type: user.org_kind.first_responder_type(),
            referred_on,
            // Asked of an adult who does not consent; a referral has nothing to decline.
            declined_because: if consent {
                if !self.declined_because.is_empty() {
                    return Err(crate::messages::field_error(
                        "declined_because",
                        "declined_because.only_report",
                        vec![],
                    ));
                }
                BTreeSet::new()
            } else {
                self.declined_because.into_iter().collect()
            },
        };
        facts.validate()?;
        let person = if consent {
            let identity = required(self.identity, "identity")?;
            identity.validate(today)?;
            let account = self.account.unwrap_or_default();
            account.validate()?;
            if let Some(context) = &self.account_context {
                context.validate()?;
            }
            Some((identity, account))
        } else {
            // A Duty to Notify report about an adult must not identify them (MSA 2015 s52(3)):
            // whatever identity was sent is dropped here, before anything is stored.
            None
        };
        let route = route(&facts, self.ieca_criteria);
        let context = if person.is_some() { self.account_context } else { None };
        let previous_reference = self.previous_reference.map(|r| r.trim().to_uppercase()).filter(|r| !r.is_empty());
        if previous_reference.is_some() && person.is_none() {
            // Linking an anonymous report to a known case would say who it is about.
            return Err(crate::messages::field_error("previous_reference", "previous_reference.report", vec![]));
        }
        if previous_reference.is_some() && !self.link_agreed {
            return Err(crate::messages::field_error("link_agreed", "link_agreed.required", vec![]));
        }
        Ok(ValidReferral { facts, consent_to_referral: consent, route, person, context, previous_reference })
    }
}

impl App {
    /// Submits a referral or Duty to Notify report as `user`. With an idempotency key, a repeat
    /// returns the first result and creates nothing.
    pub async fn submit_referral(
        &self,
        user: &User,
        input: ReferralInput,
        idempotency_key: Option<&str>,
    ) -> Result<Submitted, AppError> {
        if !crate::access::can_refer(user) {
            return Err(AppError::Forbidden(Refusal::CannotRefer(user.role)));
        }
        let idem = match idempotency_key {
            Some(key) => {
                if key.is_empty() || key.len() > 255 {
                    return Err(AppError::invalid("Idempotency-Key", "must be 1 to 255 characters"));
                }
                // Keyed: the request holds the person's name and date of birth.
                let digest = Sha256::digest(serde_json::to_vec(&input).unwrap_or_default());
                let fingerprint = self.request_fingerprint(&digest);
                Some(IdempotencyKey { user: user.id, key: key.to_string(), fingerprint })
            }
            None => None,
        };
        let now = self.clock.now();
        let valid = input.validate(user, self.clock.today())?;
        let earlier = match &valid.previous_reference {
            Some(reference) => match self.store.case_id_by_reference(reference).await? {
                Some(id) => Some((id, reference.clone())),
                None => {
                    return Err(crate::messages::invalid("previous_reference", "previous_reference.unknown", vec![]))
                }
            },
            None => None,
        };
        let mut case = new_case(&self.keys, user, valid, now, earlier)?;
        let code = (case.state.kind == CaseKind::DutyToNotify)
            .then(|| crate::conversion::conversion_code(&self.keys, case.id));
        case.dtn_code_hash = code.as_deref().map(crate::auth::hash_secret);
        case.audit.push(self.audit_record(
            Some(user),
            sg_audit::AuditAction::CaseCreated,
            Some(case.id),
            sg_audit::Outcome::Allowed,
            case.state.kind.code(),
        ));
        let created = self.store.create_case(&case, idem.as_ref()).await?;
        if !created.replayed {
            tracing::info!(case = %created.case_id, kind = %case.state.kind, "case created");
            return Ok(Submitted {
                kind: case.state.kind,
                status: case.state.status(),
                created,
                conversion_code: code,
            });
        }
        // A replay answers with the stored case, which may have moved on since; it is audited,
        // since it answers with the case's reference.
        self.audit(
            Some(user),
            sg_audit::AuditAction::IdempotentReplay,
            Some(created.case_id),
            sg_audit::Outcome::Allowed,
            "referral",
        )
        .await?;
        let record = self.store.case(created.case_id).await?.ok_or(AppError::NotFound)?;
        let state = CaseState::replay(record.events.iter().map(|e| &e.event))
            .ok_or_else(|| AppError::Internal("case without events".into()))?;
        let conversion_code = (state.kind == CaseKind::DutyToNotify)
            .then(|| crate::conversion::conversion_code(&self.keys, created.case_id));
        Ok(Submitted { kind: state.kind, status: state.status(), created, conversion_code })
    }
}

/// Builds the case to store from a validated referral, sealing the identifying record under a
/// new data key.
pub fn new_case(
    keys: &sg_crypto::KeyRing,
    user: &User,
    valid: ValidReferral,
    now: time::OffsetDateTime,
    earlier: Option<(CaseId, String)>,
) -> Result<NewCase, AppError> {
    let id = CaseId(uuid::Uuid::now_v7());
    let on = valid.facts.referred_on;
    let mut events = open_case(valid.facts, valid.consent_to_referral, valid.route, on);
    if let Some((earlier, reference)) = earlier {
        events.push(sg_domain::DatedEvent {
            on,
            event: sg_domain::CaseEvent::LinkedToEarlierCase { earlier, reference },
        });
    }
    let state = CaseState::replay(&events).ok_or_else(|| AppError::Internal("empty event stream".into()))?;
    let (vault, person_key) = match &valid.person {
        Some((identity, account)) => {
            let sealed = crate::vault::seal_with_context(keys, id, identity, account, valid.context.as_ref())?;
            (sealed.fields, Some(sealed.person_key))
        }
        None => (vec![], None),
    };
    Ok(NewCase {
        id,
        reference: CaseReference::for_case(id),
        next_due: crate::queue::next_due(&events),
        // A new referral has no support, guardian or legal adviser yet.
        relationships: Vec::new(),
        events,
        state,
        created_by: user.id,
        created_by_org: user.org,
        created_at: now,
        vault,
        person_key,
        audit: vec![],
        dtn_code_hash: None,
    })
}
