//! Stable codes for the messages the domain gives, with their English text.
//!
//! A [`FieldError`] carries its English message for the API and logs, and a code with named
//! arguments that the pages translate (`errors.<code>` in `sg-web`'s catalogues, with `{name}`
//! placeholders). The table here is the complete list of field codes, so a test can check every
//! one has a translation; a [`crate::TransitionError`]'s reasons are typed
//! ([`crate::transition`]).

use crate::FieldError;

/// Every field error code of the domain, with its English message (`{name}` is an argument).
pub const FIELD_MESSAGES: &[(&str, &str)] = &[
    ("required", "is required"),
    ("too_long", "is longer than {max} characters"),
    ("days.out_of_range", "must be a whole number of days from {min} to {max}"),
    ("nationalities.too_many", "give at most two nationalities (a dual national)"),
    ("nationalities.same", "the two nationalities are the same"),
    ("exploitation_types.none", "choose at least one type of exploitation"),
    ("exploitation_types.form_needs_type", "{form} is ticked, so {type} must be among the types"),
    (
        "age_at_exploitation.adult_but_child_now",
        "is adult, but the person is under 18 now: a child now was a child during the exploitation",
    ),
    ("full_name.required", "is required for a referral"),
    ("date_of_birth.future", "is in the future"),
    ("date_of_birth.too_early", "must be after 1 January 1900"),
    ("email.invalid", "is not an e-mail address"),
    ("phone.invalid", "is not a phone number: give it in international form, like +44 7700 900123, or as dialled in the UK, like 07700 900123"),
    ("consent.categories.none", "choose at least one category (identity, account)"),
    ("consent.given_on.future", "is in the future"),
    ("consent.expires_on.past", "is in the past"),
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn field_errors_fill_their_arguments() {
        let f = FieldError::coded("account", "too_long", vec![("max", "10".into())]);
        assert_eq!((f.message.as_str(), f.code), ("is longer than 10 characters", "too_long"));
    }
}
