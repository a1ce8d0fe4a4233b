//! Stable codes for the messages of the use cases, with their English text.
//!
//! Field errors the use cases raise carry a code (see `sg_domain::messages` for the domain's).
//! The table is the complete list, so a test can check every code has a translation. Refusals
//! are typed ([`crate::Refusal`]), as are the state machine's reasons
//! ([`sg_domain::TransitionError`]).

use sg_domain::{messages::FIELD_MESSAGES as DOMAIN_MESSAGES, FieldError};

use crate::AppError;

/// Every field error code of the use cases, with its English message (`{name}` is an argument).
pub const FIELD_MESSAGES: &[(&str, &str)] = &[
    ("consent_to_referral.required", "is required for an adult (true or false)"),
    ("referred_on.future", "is in the future"),
    ("referred_on.too_early", "is before the NRM began (1 April 2009)"),
    (
        "age_now.adult_but_born_child",
        "is adult, but the date of birth makes the person {years} on the referral day: a child is referred without consent",
    ),
    (
        "age_now.child_but_born_adult",
        "is child, but the date of birth makes the person {years} on the referral day: an adult decides whether to be referred (give unknown if the age is in doubt)",
    ),
    ("link_agreed.required", "must be true: the person agrees to their earlier case being linked"),
    ("previous_reference.unknown", "no case has this reference: check it against the earlier referral's receipt"),
    (
        "previous_reference.report",
        "an anonymous Duty to Notify report is not linked to an earlier case: the link would say who it is about",
    ),
    (
        "declined_because.only_report",
        "is only for a Duty to Notify report: an adult who does not consent to a referral",
    ),
    ("organisation.unknown", "no organisation has this name"),
    ("organisation.own_only", "a support provider records support by its own organisation only"),
    ("organisation.not_support_provider", "is not a support provider or NGO"),
    ("organisation.not_guardian_service", "is not an independent child trafficking guardian service"),
    ("organisation.not_legal_practice", "has no legal advisers"),
    ("instruction.agreement_required", "must confirm that the person agreed to instruct this legal adviser"),
    ("conversion.identity_required", "is required to convert a report into a referral"),
    ("conversion.code_invalid", "is not a valid, unused conversion code"),
    ("user.name_length", "must be between 1 and 100 characters"),
    ("user.org_length", "must be between 1 and 200 characters"),
    ("password.too_short", "must be at least {min} characters"),
    ("password.too_long", "must be at most 1024 bytes"),
    ("password.mismatch", "does not match the password"),
    ("password.current_wrong", "is not your current password"),
    ("second_factor.secret_invalid", "is not a valid secret: reload the page to get a new one"),
    ("second_factor.code_not_right", "the code is not right"),
    ("second_factor.code_wrong", "the code is not right: check your authenticator's clock and try again"),
    ("consent.expires_on.required", "is required: every consent has a last day"),
    ("consent.expires_on.too_late", "is more than {max} days away, the longest a consent may run"),
    ("consent.given_on.not_today", "must be today: a consent is dated the day it is recorded"),
    ("consent.recipient.wrong_kind", "is a {kind} organisation, which cannot receive data for {purpose}"),
    ("consent.child_immigration", "nothing about a child is shared with immigration enforcement"),
    ("consent.agreed_by.adult", "an adult agrees for themselves: leave it out or give person"),
    ("consent.agreed_by.child", "for a child, say who agreed with them: one of {allowed}"),
    (
        "emergency.reference.invalid",
        "use 1 to 40 letters, digits, spaces, slashes or dashes: a reference, not a description",
    ),
];

/// An invalid-input error for `field` with a code of [`FIELD_MESSAGES`] or the domain's.
pub fn invalid(field: impl Into<String>, code: &'static str, args: Vec<(&'static str, String)>) -> AppError {
    AppError::Invalid(field_error(field, code, args))
}

/// A field error for `field` with a code of [`FIELD_MESSAGES`] or the domain's.
pub fn field_error(field: impl Into<String>, code: &'static str, args: Vec<(&'static str, String)>) -> FieldError {
    let template =
        FIELD_MESSAGES.iter().chain(DOMAIN_MESSAGES).find(|(c, _)| *c == code).map(|(_, m)| *m).unwrap_or(code);
    let message = sg_domain::messages::fill(template, &args);
    FieldError::with_code(field, code, args, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every source file of the crate, to check the codes and refusals they use.
    const SOURCES: &[&str] = &[
        include_str!("access.rs"),
        include_str!("actions.rs"),
        include_str!("admin.rs"),
        include_str!("auth.rs"),
        include_str!("case_actions.rs"),
        include_str!("cases.rs"),
        include_str!("consents.rs"),
        include_str!("conversion.rs"),
        include_str!("drafts.rs"),
        include_str!("referrals.rs"),
        include_str!("relationships.rs"),
        include_str!("password.rs"),
        include_str!("second_factor.rs"),
        include_str!("simulate.rs"),
        include_str!("survivor.rs"),
    ];

    #[test]
    fn every_code_used_is_listed() {
        let known = |code: &str| FIELD_MESSAGES.iter().chain(DOMAIN_MESSAGES).any(|(c, _)| *c == code);
        let mut seen = 0;
        for source in SOURCES {
            for marker in ["messages::invalid(", "messages::field_error(", "FieldError::coded("] {
                for (i, _) in source.match_indices(marker) {
                    let call = &source[i..];
                    let code = call.split(',').nth(1).map(|s| s.trim().trim_matches('"')).unwrap_or("");
                    assert!(known(code), "code {code:?} is not listed: {}", &call[..call.len().min(120)]);
                    seen += 1;
                }
            }
        }
        assert!(seen >= 10, "found only {seen} coded errors");
    }
}
