//! Identifying data: who the person is and their own account. Kept apart from the case facts
//! so that it can be encrypted, guarded by consent, and erased without touching statistics.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::FieldError;

/// A value that must never appear in logs or `Debug` output.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sensitive<T>(pub T);

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(***)")
    }
}

/// Names, date of birth and contact details (the form's `pv-name-*`, `pv-dob`, contact pages).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Identity {
    /// Full name.
    pub full_name: Sensitive<String>,
    /// Nickname or name used during exploitation.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub nickname: Sensitive<String>,
    /// Date of birth, optional on the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_of_birth: Option<Sensitive<Date>>,
    /// Telephone.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub phone: Sensitive<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub email: Sensitive<String>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "is_blank")]
    pub address: Sensitive<String>,
}

fn is_blank(s: &Sensitive<String>) -> bool {
    s.0.is_empty()
}

/// The longest free text the Home Office form accepts (nrm-domain.md 1.6).
pub const MAX_TEXT: usize = 15_000;

impl Identity {
    /// Checks the identity as given at referral; `today` bounds the date of birth.
    pub fn validate(&self, today: Date) -> Result<(), FieldError> {
        if self.full_name.0.trim().is_empty() {
            return Err(FieldError::coded("identity.full_name", "full_name.required", vec![]));
        }
        for (field, value) in [
            ("identity.full_name", &self.full_name),
            ("identity.nickname", &self.nickname),
            ("identity.phone", &self.phone),
            ("identity.email", &self.email),
            ("identity.address", &self.address),
        ] {
            if value.0.chars().count() > 500 {
                return Err(FieldError::coded(field, "too_long", vec![("max", "500".into())]));
            }
        }
        if let Some(dob) = &self.date_of_birth {
            let earliest = Date::from_calendar_date(1900, time::Month::January, 1).expect("valid date");
            if dob.0 > today {
                return Err(FieldError::coded("identity.date_of_birth", "date_of_birth.future", vec![]));
            }
            if dob.0 < earliest {
                return Err(FieldError::coded("identity.date_of_birth", "date_of_birth.too_early", vec![]));
            }
        }
        if !self.phone.0.trim().is_empty() && !looks_like_phone(&self.phone.0) {
            return Err(FieldError::coded("identity.phone", "phone.invalid", vec![]));
        }
        if !self.email.0.is_empty() && !looks_like_email(&self.email.0) {
            return Err(FieldError::coded("identity.email", "email.invalid", vec![]));
        }
        Ok(())
    }
}

/// A telephone number in international form (`+`, then 7 to 15 digits: E.164's longest) or a
/// UK number as dialled at home (`0`, then 9 or 10 digits), with spaces, hyphens, dots or
/// brackets between digits allowed as people write them.
fn looks_like_phone(s: &str) -> bool {
    let s = s.trim();
    let (international, rest) = match s.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    if !rest.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')')) {
        return false;
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if international {
        (7..=15).contains(&digits.len()) && !digits.starts_with('0')
    } else {
        digits.starts_with('0') && (10..=11).contains(&digits.len())
    }
}

fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    matches!((parts.next(), parts.next(), parts.next()),
        (Some(local), Some(domain), None) if !local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace))
}

/// What happened, in the person's words.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonalAccount(pub Sensitive<String>);

impl PersonalAccount {
    /// Checks the account's length.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.0 .0.chars().count() > MAX_TEXT {
            return Err(FieldError::coded("account", "too_long", vec![("max", MAX_TEXT.to_string())]));
        }
        Ok(())
    }
}

crate::coded_enum! {
    /// Context that can explain gaps, late disclosure or inconsistencies in a person's account.
    /// Recorded in place of the Home Office form's yes/no credibility question (nrm-domain.md
    /// 1.4, 1.8): the 2026 guidance asks first responders to explain whether withholding or
    /// changing an account may be due to fear or trauma.
    pub enum ContextFactor {
        Trauma = ("trauma", "Trauma and its effect on memory, or fear of reliving what happened"),
        FearOfTraffickers = ("fear-of-traffickers", "Fear for their safety, or their family's, from the people who exploited them"),
        FearOfAuthorities = ("fear-of-authorities", "Fear of the police, immigration authorities or being removed"),
        DebtOrControl = ("debt-or-control", "Debt bondage, threats or control by others"),
        ToldWhatToSay = ("told-what-to-say", "They were told what to say by the people who exploited them"),
        Language = ("language", "Language, interpreting or cultural differences"),
        AgeOrDisability = ("age-or-disability", "Their age, a disability or a health condition"),
        PartialFirstDisclosure = ("partial-first-disclosure", "They told only part of what happened at first"),
    }
}

/// Context for gaps or inconsistencies in the account: part of the account, sealed with it
/// and released only where the account is. Never a yes/no judgement of credibility.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountContext {
    /// The factors that apply.
    #[serde(default)]
    pub factors: std::collections::BTreeSet<ContextFactor>,
    /// More context, in the first responder's words.
    #[serde(default)]
    pub notes: Sensitive<String>,
}

impl AccountContext {
    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.factors.is_empty() && self.notes.0.trim().is_empty()
    }
    /// Checks the notes' length.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.notes.0.chars().count() > MAX_TEXT {
            return Err(FieldError::coded("account_context.notes", "too_long", vec![("max", MAX_TEXT.to_string())]));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_personal_data() {
        let id = Identity { full_name: Sensitive("Jane Example".into()), ..Default::default() };
        assert!(!format!("{id:?}").contains("Jane"));
    }

    /// Issue 19's finding: phone "abc" was accepted. A phone number is in international form or
    /// as dialled in the UK; the error names the field.
    #[test]
    fn a_phone_number_is_one() {
        let today = Date::from_calendar_date(2026, time::Month::December, 5).unwrap();
        let with = |phone: &str| Identity {
            full_name: Sensitive("A".into()),
            phone: Sensitive(phone.into()),
            ..Default::default()
        };
        for good in ["+44 7700 900123", "07700 900123", "+1 (555) 010-9999", "020 7946 0000", "+355691234567", ""] {
            assert!(with(good).validate(today).is_ok(), "{good:?}");
        }
        for bad in [
            "abc",
            "12345",
            "+44 7700 90012a",
            "7700 900123",
            "+0044 7700",
            "0770",
            "+1234567890123456",
            "07700 900123 ext 4",
        ] {
            let e = with(bad).validate(today).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), ("identity.phone", "phone.invalid"), "{bad:?}");
        }
    }
}
