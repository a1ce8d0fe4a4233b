//! Why a signed-in user (or a person in their own view) may not do something: the typed
//! reason of every `AppError::Forbidden`. Each reason has a stable code, which is the API
//! error's `code` and the key of its wording in the web layer's catalogues
//! (`errors.<code>`), and an English sentence for the API's `message` and for logs. Nothing
//! recognises a refusal by its words.

use sg_domain::{Coded, Role};

/// A refusal, with what its sentence names (a role, a number of minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A role that sees no case record asked for one.
    CannotSeeCases(Role),
    /// A role that does not work on the case asked to change it.
    CannotAct(Role),
    /// A role that sees no statistics asked for them.
    CannotSeeStatistics(Role),
    /// A role that does not refer asked to submit a referral.
    CannotRefer(Role),
    /// A role that does not record consents asked to.
    CannotManageConsents(Role),
    /// The firewall withholds the person's identifying data from this user.
    Identity,
    /// There is no identifying data: an anonymous report, or an erased record.
    NoIdentity,
    /// Too many sign-in attempts for a name or from an address: the next must wait.
    TooManyAttempts {
        /// How long the next attempt must wait, in seconds.
        seconds: i64,
    },
    /// A second factor was asked for where none is set up.
    NoSecondFactor,
    /// A one-time sign-in code that is unknown, used or expired.
    SignInCodeInvalid,
    /// The name or password is not right (one answer for both).
    WrongPassword,
    /// Only first responders convert Duty to Notify reports.
    OnlyFirstRespondersConvert,
    /// Only monitors and administrators run policy simulations.
    OnlyMonitorsSimulate,
    /// Only those who work on the case give the person a code for their own view.
    OnlyCaseworkersGiveCodes,
    /// A survivor's code that is unknown, used or expired.
    SurvivorCodeInvalid,
    /// A form's token did not match the session's.
    FormExpired,
    /// The user's role cannot make referrals (the referral pages).
    RoleCannotRefer,
    /// A role that does not administer asked to.
    CannotAdminister(Role),
    /// The one who recorded a consent cannot countersign it.
    CountersignSelf,
    /// The decision maker who wrote a negative decision asked to be its second reviewer.
    ReviewOwnDecision,
    /// A countersignature from outside the recording organisation.
    CountersignOtherOrg,
    /// Only the police ask for emergency access.
    EmergencyRequest,
    /// Only those who work on the case decide emergency requests.
    EmergencyDecide,
}

impl Refusal {
    /// One of each reason, for tests that check every code has its words.
    pub const EXAMPLES: &'static [Refusal] = &[
        Self::CannotSeeCases(Role::Police),
        Self::CannotAct(Role::Police),
        Self::CannotSeeStatistics(Role::Police),
        Self::CannotRefer(Role::Police),
        Self::CannotManageConsents(Role::Police),
        Self::Identity,
        Self::NoIdentity,
        Self::TooManyAttempts { seconds: 30 },
        Self::NoSecondFactor,
        Self::SignInCodeInvalid,
        Self::WrongPassword,
        Self::OnlyFirstRespondersConvert,
        Self::OnlyMonitorsSimulate,
        Self::OnlyCaseworkersGiveCodes,
        Self::SurvivorCodeInvalid,
        Self::FormExpired,
        Self::RoleCannotRefer,
        Self::CannotAdminister(Role::Police),
        Self::CountersignSelf,
        Self::ReviewOwnDecision,
        Self::CountersignOtherOrg,
        Self::EmergencyRequest,
        Self::EmergencyDecide,
    ];

    /// The stable code: the API error's `code`, and the catalogue key's suffix.
    pub fn code(self) -> &'static str {
        match self {
            Self::CannotSeeCases(_) => "refusal.cannot_see_cases",
            Self::CannotAct(_) => "refusal.cannot_act",
            Self::CannotSeeStatistics(_) => "refusal.cannot_see_statistics",
            Self::CannotRefer(_) => "refusal.cannot_refer",
            Self::CannotManageConsents(_) => "refusal.cannot_manage_consents",
            Self::Identity => "refusal.identity",
            Self::NoIdentity => "refusal.no_identity",
            Self::TooManyAttempts { .. } => "refusal.too_many_attempts",
            Self::NoSecondFactor => "refusal.no_second_factor",
            Self::SignInCodeInvalid => "refusal.sign_in_code_invalid",
            Self::WrongPassword => "refusal.wrong_password",
            Self::OnlyFirstRespondersConvert => "refusal.only_first_responders_convert",
            Self::OnlyMonitorsSimulate => "refusal.only_monitors_simulate",
            Self::OnlyCaseworkersGiveCodes => "refusal.only_caseworkers_give_codes",
            Self::SurvivorCodeInvalid => "refusal.survivor_code_invalid",
            Self::FormExpired => "refusal.form_expired",
            Self::RoleCannotRefer => "refusal.role_cannot_refer",
            Self::CannotAdminister(_) => "refusal.cannot_administer",
            Self::CountersignSelf => "refusal.countersign_self",
            Self::ReviewOwnDecision => "refusal.review_own_decision",
            Self::CountersignOtherOrg => "refusal.countersign_other_org",
            Self::EmergencyRequest => "refusal.emergency_request",
            Self::EmergencyDecide => "refusal.emergency_decide",
        }
    }

    /// The sentence's arguments: `role` as a role's code, `minutes` as a number.
    pub fn args(self) -> Vec<(&'static str, String)> {
        match self.role() {
            Some(role) => vec![("role", role.code().to_string())],
            None => match self {
                Self::TooManyAttempts { seconds } => vec![("seconds", seconds.to_string())],
                _ => Vec::new(),
            },
        }
    }

    /// The role the sentence names, if it names one.
    fn role(self) -> Option<Role> {
        match self {
            Self::CannotSeeCases(r)
            | Self::CannotAct(r)
            | Self::CannotSeeStatistics(r)
            | Self::CannotRefer(r)
            | Self::CannotManageConsents(r)
            | Self::CannotAdminister(r) => Some(r),
            _ => None,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let role = self.role().map(|r| r.label().to_lowercase()).unwrap_or_default();
        match self {
            Self::CannotSeeCases(_) => write!(f, "a {role} user cannot see case records"),
            Self::CannotAct(_) => write!(f, "a {role} cannot do this on this case"),
            Self::CannotSeeStatistics(_) => write!(f, "a {role} cannot see monitoring statistics"),
            Self::CannotRefer(_) => write!(f, "a {role} cannot submit referrals"),
            Self::CannotManageConsents(_) => write!(f, "a {role} cannot manage consents"),
            Self::Identity => f.write_str("you may not see this person's identifying data"),
            Self::NoIdentity => {
                f.write_str("no identity is held: this is an anonymous Duty to Notify report, or the record was erased")
            }
            Self::TooManyAttempts { seconds } => {
                write!(f, "too many attempts to sign in: wait {seconds} seconds and try again")
            }
            Self::NoSecondFactor => f.write_str("no second factor is set up for this account"),
            Self::SignInCodeInvalid => f.write_str("this sign-in code is not valid: it may have been used or expired"),
            Self::WrongPassword => f.write_str("the name or password is not right"),
            Self::OnlyFirstRespondersConvert => f.write_str("only first responders convert reports into referrals"),
            Self::OnlyMonitorsSimulate => f.write_str("only monitors and administrators can run policy simulations"),
            Self::OnlyCaseworkersGiveCodes => f.write_str("only the person's caseworkers can give them a code"),
            Self::SurvivorCodeInvalid => f.write_str("this code is not valid: it may have been used or expired"),
            Self::FormExpired => f.write_str("the form has expired: reload the page"),
            Self::RoleCannotRefer => f.write_str("your role cannot make referrals"),
            Self::CannotAdminister(_) => write!(f, "a {role} cannot administer the system"),
            Self::CountersignSelf => f.write_str("a second person countersigns, not the one who recorded the consent"),
            Self::ReviewOwnDecision => {
                f.write_str("a second caseworker or manager reviews a negative decision, not the one who wrote it")
            }
            Self::CountersignOtherOrg => {
                f.write_str("only a colleague of the organisation that recorded it countersigns")
            }
            Self::EmergencyRequest => f.write_str("only the police ask for emergency access"),
            Self::EmergencyDecide => f.write_str("only people who work on the case decide emergency requests"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_has_its_own_code_and_keeps_its_english() {
        let mut codes: Vec<&str> = Refusal::EXAMPLES.iter().map(|r| r.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Refusal::EXAMPLES.len());
        let r = Refusal::CannotSeeCases(Role::Admin);
        assert_eq!(r.to_string(), "a administrator user cannot see case records");
        assert_eq!(r.args(), vec![("role", "admin".to_string())]);
        assert_eq!(Refusal::TooManyAttempts { seconds: 30 }.args(), vec![("seconds", "30".to_string())]);
    }

    /// `code` is an exhaustive `match`, one arm per reason: the examples hold as many.
    #[test]
    fn the_examples_hold_every_reason() {
        let arms = include_str!("refusal.rs").matches(concat!("=> \"", "refusal.")).count();
        assert_eq!(Refusal::EXAMPLES.len(), arms, "add the new reason to Refusal::EXAMPLES");
    }
}
