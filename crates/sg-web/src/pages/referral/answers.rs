//! Taking one question page's answers into the draft, with the errors found.

use sg_domain::{
    AgeAtExploitation, Coded, ContextFactor, DeclineReason, ExploitationForm, ExploitationLocation, Gender,
    Jurisdiction, Nationality,
};

use super::{date_from_parts, Draft};
use crate::form::FormData;
use crate::pages::FieldMessage;

pub(super) fn err(field: &str, message: &str) -> FieldMessage {
    FieldMessage { lang: "", field: field.into(), message: message.into() }
}

/// Takes one step's answers into the draft; returns the errors found.
pub(super) fn take_answers(step: &str, form: &FormData, d: &mut Draft) -> Vec<FieldMessage> {
    let mut errors = vec![];
    match step {
        "about" => {
            d.jurisdiction = form.get("jurisdiction");
            d.age = form.get("age");
            d.age_then = form.get("age_then");
            if Jurisdiction::from_code(&d.jurisdiction).is_none() {
                errors.push(err("jurisdiction", &crate::i18n::tr("referral.error.jurisdiction")));
            }
            if AgeAtExploitation::from_code(&d.age).is_none() {
                errors.push(err("age", &crate::i18n::tr("referral.error.age")));
            } else if d.is_adult() && AgeAtExploitation::from_code(&d.age_then).is_none() {
                errors.push(err("age_then", &crate::i18n::tr("referral.error.age_then")));
            }
            if !d.is_adult() {
                d.age_then.clear();
            }
            if !d.is_adult() {
                d.consent.clear();
            }
        }
        "consent" => {
            d.consent = form.get("consent");
            if d.consent != "yes" && d.consent != "no" {
                errors.push(err("consent", &crate::i18n::tr("referral.error.consent")));
            }
        }
        "person" => {
            d.gender = form.get("gender");
            d.nationality = form.get("nationality");
            d.nationality_second = form.get("nationality_second");
            if Gender::from_code(&d.gender).is_none() {
                errors.push(err("gender", &crate::i18n::tr("referral.error.gender")));
            }
            if !d.nationality.is_empty() && Nationality::parse(&d.nationality).is_err() {
                errors.push(err("nationality", &crate::i18n::tr("referral.error.nationality")));
            }
            if !d.nationality_second.is_empty() {
                if Nationality::parse(&d.nationality_second).is_err() {
                    errors.push(err("nationality_second", &crate::i18n::tr("referral.error.nationality_second")));
                } else if d.nationality.is_empty() {
                    errors.push(err("nationality", &crate::i18n::tr("referral.error.nationality_order")));
                } else if d.nationality == d.nationality_second {
                    errors.push(err("nationality_second", &crate::i18n::tr("referral.error.nationality_same")));
                }
            }
        }
        "exploitation" => {
            d.forms = form.all("forms").into_iter().filter(|f| ExploitationForm::from_code(f).is_some()).collect();
            d.location = form.get("location");
            d.ieca = form.get("ieca");
            if d.forms.is_empty() {
                errors.push(err("forms", &crate::i18n::tr("referral.error.forms")));
            }
            if ExploitationLocation::from_code(&d.location).is_none() {
                errors.push(err("location", &crate::i18n::tr("referral.error.location")));
            }
        }
        "identity" => {
            d.full_name = form.get("full_name");
            d.nickname = form.get("nickname");
            d.dob_day = form.get("dob-day");
            d.dob_month = form.get("dob-month");
            d.dob_year = form.get("dob-year");
            d.phone = form.get("phone");
            d.email = form.get("email");
            d.account = form.get("account");
            d.previous_reference = form.get("previous_reference");
            d.link_agreed = form.get("link_agreed");
            if d.full_name.is_empty() {
                errors.push(err("full_name", &crate::i18n::tr("referral.error.full_name")));
            }
            if let Err(m) = date_from_parts(&d.dob_day, &d.dob_month, &d.dob_year) {
                errors.push(err("dob", &m));
            }
        }
        "declined" => {
            let ticked = form.all("declined");
            if ticked.iter().any(|r| DeclineReason::from_code(r).is_none()) {
                errors.push(err("declined", &crate::i18n::tr("referral.declined.error")));
            }
            d.declined = ticked.into_iter().filter(|r| DeclineReason::from_code(r).is_some()).collect();
        }
        "context" => {
            let ticked = form.all("context_factors");
            if ticked.iter().any(|f| ContextFactor::from_code(f).is_none()) {
                errors.push(err("context_factors", &crate::i18n::tr("referral.context.error_factor")));
            }
            d.context_factors = ticked.into_iter().filter(|f| ContextFactor::from_code(f).is_some()).collect();
            d.context_notes = form.get("context_notes");
            if d.context_notes.chars().count() > sg_domain::person::MAX_TEXT {
                errors.push(err("context_notes", &crate::i18n::tr("referral.context.error_notes")));
            }
        }
        _ => {}
    }
    errors
}
