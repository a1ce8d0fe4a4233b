//! Stable codes for the messages the domain gives, with their English text.
//!
//! A [`FieldError`] or [`TransitionError`] carries its English message for the API and logs,
//! and a code with named arguments that the pages translate (`errors.<code>` in `sg-web`'s
//! catalogues, with `{name}` placeholders). The tables here are the complete list of codes, so
//! a test can check every one has a translation.

use crate::{FieldError, TransitionError};

/// Every field error code of the domain, with its English message (`{name}` is an argument).
pub const FIELD_MESSAGES: &[(&str, &str)] = &[
    ("required", "is required"),
    ("too_long", "is longer than {max} characters"),
    ("nationalities.too_many", "give at most two nationalities (a dual national)"),
    ("nationalities.same", "the two nationalities are the same"),
    ("exploitation_types.none", "choose at least one type of exploitation"),
    ("exploitation_types.form_needs_type", "{form} is ticked, so {type} must be among the types"),
    ("full_name.required", "is required for a referral"),
    ("date_of_birth.future", "is in the future"),
    ("date_of_birth.too_early", "must be after 1 January 1900"),
    ("email.invalid", "is not an e-mail address"),
    ("consent.categories.none", "choose at least one category (identity, account)"),
    ("consent.given_on.future", "is in the future"),
    ("consent.expires_on.past", "is in the past"),
];

/// The reasons a step cannot be taken yet ([`TransitionError::NotYet`]), by code.
pub const NOT_YET: &[(&str, &str)] = &[
    ("not_yet.only_report_converts", "only a Duty to Notify report can be converted to a referral"),
    ("not_yet.not_routed", "the case has not been routed to a competent authority"),
    (
        "not_yet.cg_needs_positive_rg",
        "a conclusive grounds decision needs a positive reasonable grounds decision first",
    ),
    ("not_yet.reconsideration_pending_decide", "a reconsideration is pending; decide it first"),
    ("not_yet.reconsideration_already_pending", "a reconsideration is already pending"),
    ("not_yet.only_negative_reconsidered", "only a negative decision can be reconsidered"),
    ("not_yet.decision_not_made", "that decision has not been made yet"),
    ("not_yet.cg_made", "the conclusive grounds decision has been made"),
    ("not_yet.no_reconsideration_pending", "no reconsideration is pending"),
    ("not_yet.already_in_support", "the person is already in support"),
    ("not_yet.not_in_support", "the person is not in support"),
    (
        "not_yet.stay_needs_positive_cg",
        "temporary permission to stay as a victim needs a positive conclusive grounds decision",
    ),
    ("not_yet.stay_already_pending", "an application for permission to stay is already pending"),
    ("not_yet.no_stay_pending", "there is no pending application for permission to stay"),
    ("not_yet.guardian_child_only", "only a child's case has an independent child trafficking guardian"),
    ("not_yet.guardian_already_assigned", "this guardian service is already assigned to the child"),
    ("not_yet.no_guardian", "no guardian service is assigned"),
    ("not_yet.adviser_already_instructed", "this legal adviser is already instructed on the case"),
    ("not_yet.adviser_not_instructed", "this legal adviser is not instructed on the case"),
    (
        "not_yet.child_cannot_withdraw",
        "a child's referral does not rest on consent, so it cannot be withdrawn by the child",
    ),
];

/// The codes of the other [`TransitionError`] variants.
pub const TRANSITION_CODES: &[&str] = &[
    "transition.duty_to_notify",
    "transition.withdrawn",
    "transition.already_decided",
    "transition.date_future",
    "transition.date_before_latest",
    "transition.empty",
    "transition.other",
];

/// The question names [`TransitionError::AlreadyDecided`] uses, by code (the pages word them).
pub const DECIDED_QUESTIONS: &[(&str, &str)] = &[
    ("reasonable-grounds", "reasonable grounds"),
    ("conclusive-grounds", "conclusive grounds"),
    ("permission-to-stay", "permission to stay"),
];

/// Fills `{name}` placeholders in `template`.
pub fn fill(template: &str, args: &[(&'static str, String)]) -> String {
    let mut text = template.to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

impl FieldError {
    /// A new error for `field` with one of the domain's codes ([`FIELD_MESSAGES`]); the English
    /// message is the code's, with `args` filled in.
    pub fn coded(field: impl Into<String>, code: &'static str, args: Vec<(&'static str, String)>) -> Self {
        let template = FIELD_MESSAGES.iter().find(|(c, _)| *c == code).map(|(_, m)| *m).unwrap_or(code);
        let message = fill(template, &args);
        Self::with_code(field, code, args, message)
    }

    /// A new error with a code, its arguments and the English message (for codes listed by
    /// other crates).
    pub fn with_code(
        field: impl Into<String>,
        code: &'static str,
        args: Vec<(&'static str, String)>,
        message: impl Into<String>,
    ) -> Self {
        Self { field: field.into(), message: message.into(), code, args }
    }
}

impl TransitionError {
    /// The message's stable code, for translation.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DutyToNotify => "transition.duty_to_notify",
            Self::Withdrawn(_) => "transition.withdrawn",
            Self::AlreadyDecided(..) => "transition.already_decided",
            Self::NotYet(text) => {
                NOT_YET.iter().find(|(_, m)| m == text).map(|(c, _)| *c).unwrap_or("transition.other")
            }
            Self::BadDate { problem, .. } if problem == "in the future" => "transition.date_future",
            Self::BadDate { .. } => "transition.date_before_latest",
            Self::Empty(_) => "transition.empty",
        }
    }

    /// The message's arguments: dates as ISO text, `question` as a code of
    /// [`DECIDED_QUESTIONS`], `field` as the request field, `message` the English text (for a
    /// reason not in the tables).
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::DutyToNotify => vec![],
            Self::Withdrawn(on) => vec![("date", on.to_string())],
            Self::AlreadyDecided(question, on) => {
                let code = DECIDED_QUESTIONS.iter().find(|(_, q)| q == question).map(|(c, _)| *c).unwrap_or(question);
                vec![("question", code.to_string()), ("date", on.to_string())]
            }
            Self::NotYet(text) => vec![("message", text.to_string())],
            Self::BadDate { on, problem } => {
                // "before the case's latest event (2024-01-02)": the latest event's date.
                let latest = problem.rsplit_once('(').map(|(_, d)| d.trim_end_matches(')').to_string());
                vec![("date", on.to_string()), ("latest", latest.unwrap_or_default())]
            }
            Self::Empty(field) => vec![("field", field.to_string())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The string literals that follow `marker` in `source`, skipping whitespace.
    fn literals_after<'a>(source: &'a str, marker: &str) -> Vec<&'a str> {
        source
            .match_indices(marker)
            .filter_map(|(i, _)| {
                let rest = source[i + marker.len()..].trim_start();
                let rest = rest.strip_prefix('"')?;
                rest.split('"').next()
            })
            .collect()
    }

    #[test]
    fn every_not_yet_reason_in_the_state_machine_has_a_code() {
        let reasons = literals_after(include_str!("lifecycle.rs"), "TransitionError::NotYet(");
        assert!(reasons.len() >= 15, "found {reasons:?}");
        for r in reasons {
            assert!(NOT_YET.iter().any(|(_, m)| *m == r), "no code for {r:?} in messages::NOT_YET");
        }
        for q in literals_after(include_str!("lifecycle.rs"), "TransitionError::AlreadyDecided(") {
            assert!(DECIDED_QUESTIONS.iter().any(|(_, m)| *m == q), "no code for {q:?}");
        }
    }

    #[test]
    fn every_field_error_code_used_is_listed() {
        for source in [include_str!("facts.rs"), include_str!("person.rs"), include_str!("consent.rs")] {
            for (i, _) in source.match_indices("FieldError::coded(") {
                let call = &source[i..source[i..].find(')').map(|j| i + j).unwrap_or(source.len())];
                let code = call.split(',').nth(1).map(|s| s.trim().trim_matches('"')).unwrap_or("");
                assert!(
                    FIELD_MESSAGES.iter().any(|(c, _)| *c == code),
                    "code {code:?} is not in FIELD_MESSAGES: {call}"
                );
            }
            assert!(!source.contains("FieldError::new("), "a field error without a code");
        }
    }

    #[test]
    fn transition_errors_keep_their_english_and_have_codes() {
        let on = time::macros::date!(2024 - 01 - 02);
        let e = TransitionError::NotYet("the person is not in support");
        assert_eq!((e.code(), e.to_string().as_str()), ("not_yet.not_in_support", "the person is not in support"));
        let e = TransitionError::BadDate { on, problem: "before the case's latest event (2024-01-05)".into() };
        assert_eq!(e.code(), "transition.date_before_latest");
        assert_eq!(e.args(), vec![("date", "2024-01-02".to_string()), ("latest", "2024-01-05".to_string())]);
        let e = TransitionError::AlreadyDecided("conclusive grounds", on);
        assert_eq!(e.args()[0], ("question", "conclusive-grounds".to_string()));
        let f = FieldError::coded("account", "too_long", vec![("max", "10".into())]);
        assert_eq!((f.message.as_str(), f.code), ("is longer than 10 characters", "too_long"));
    }
}
