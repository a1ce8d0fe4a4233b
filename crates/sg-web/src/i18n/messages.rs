//! The messages of `sg-app` and `sg-domain` in the page's language, by their stable codes
//! (`errors.<code>` in the catalogues). Refusals and refused steps are typed, so every one has
//! a code; a field error without a code, or a code without an entry, is shown in English, so a
//! page never loses a message.

use sg_app::Refusal;
use sg_domain::{Coded, FieldError, Role, TransitionError};

use super::{coded_label, lookup, staff, tf, Locale};

/// The sentence for `code` with `args`, if the catalogue has the code.
fn coded(code: &str, args: &[(&'static str, String)]) -> Option<String> {
    let key = format!("errors.{code}");
    lookup(staff(), &key).or_else(|| lookup(Locale::En, &key))?;
    let args: Vec<(&str, String)> = args.iter().map(|(name, value)| (*name, word(name, value))).collect();
    let refs: Vec<(&str, &str)> = args.iter().map(|(n, v)| (*n, v.as_str())).collect();
    Some(tf(staff(), &key, &refs))
}

/// An argument in the page's language: field names, roles, questions and exploitation
/// codes are words of the catalogue; dates and numbers stay as they are.
fn word(name: &str, value: &str) -> String {
    match name {
        "field" => coded_label("errors.fields", value, &value.replace(['_', '.'], " ")),
        "question" => coded_label("errors.question", value, value),
        "form" => coded_label("exploitation_form", value, value),
        "type" => coded_label("errors.exploitation_type", value, value),
        "role" => match Role::from_code(value) {
            Some(role) => crate::i18n::label("role", role),
            None => value.to_string(),
        },
        _ => value.to_string(),
    }
}

/// A field error as the page shows it, translated by its code, else the English message; and
/// the message's language when it is not the page's: `"en"` for the English of a message
/// without a catalogue entry on a page in another language, else "".
pub(crate) fn field_message_lang(e: &FieldError) -> (String, &'static str) {
    let english = || {
        let lang = if staff() == Locale::En { "" } else { "en" };
        (crate::pages::auth::capitalise(&e.message), lang)
    };
    if e.code.is_empty() {
        return english();
    }
    let mut args = e.args.clone();
    args.push(("field", e.field.clone()));
    coded(e.code, &args).map(|m| (m, "")).unwrap_or_else(english)
}

/// Why the state machine refused a step, in the page's language.
pub(crate) fn transition_message(e: &TransitionError) -> String {
    coded(e.code(), &e.args()).unwrap_or_else(|| crate::pages::auth::capitalise(&e.to_string()))
}

/// A refusal (`AppError::Forbidden`) in the page's language.
pub(crate) fn refusal_message(r: Refusal) -> String {
    coded(r.code(), &r.args()).unwrap_or_else(|| crate::pages::auth::capitalise(&r.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{parse, PAGE_LOCALE};

    #[test]
    fn every_message_code_has_english_and_welsh() {
        let (en, cy) = (parse(Locale::En), parse(Locale::Cy));
        let codes: Vec<String> = sg_domain::messages::FIELD_MESSAGES
            .iter()
            .chain(sg_app::messages::FIELD_MESSAGES)
            .map(|(c, _)| c.to_string())
            .chain(sg_domain::NotYet::ALL.iter().map(|r| r.code().to_string()))
            .chain(Refusal::EXAMPLES.iter().map(|r| r.code().to_string()))
            .chain(TransitionError::CODES.iter().map(|c| c.to_string()))
            .chain(sg_domain::Decided::ALL.iter().map(|q| format!("question.{}", q.code())))
            .collect();
        for code in &codes {
            let key = format!("errors.{code}");
            assert!(en.contains_key(&key) && cy.contains_key(&key), "{key} is missing in en.toml or cy.toml");
        }
        for role in Role::ALL {
            assert!(cy.contains_key(&format!("role.{}", role.code())), "no Welsh for the role {}", role.code());
        }
        // And no wording is left for a reason that no longer exists.
        for key in en
            .keys()
            .filter(|k| ["refusal.", "not_yet.", "transition."].iter().any(|p| k.starts_with(&format!("errors.{p}"))))
        {
            assert!(codes.iter().any(|c| format!("errors.{c}") == *key), "{key} is the wording of no code");
        }
    }

    #[test]
    fn messages_are_worded_in_welsh_with_their_arguments() {
        let run = |f: &dyn Fn() -> String| PAGE_LOCALE.sync_scope(Locale::Cy, f);
        let e = FieldError::coded("language", "too_long", vec![("max", "100".into())]);
        assert_eq!(run(&|| field_message_lang(&e).0), "Iaith: defnyddiwch 100 nod neu lai");
        assert_eq!(e.message, "is longer than 100 characters", "the API's English is unchanged");
        let t =
            TransitionError::AlreadyDecided(sg_domain::Decided::ReasonableGrounds, time::macros::date!(2024 - 03 - 01));
        assert_eq!(run(&|| transition_message(&t)), "Gwnaed y penderfyniad sail resymol eisoes ar 2024-03-01");
        let r = run(&|| refusal_message(Refusal::CannotSeeCases(Role::Police)));
        assert_eq!(r, "Ni all defnyddiwr sydd â’r rôl ‘heddlu’ weld cofnodion achosion");
        assert_eq!(
            field_message_lang(&e).0,
            "Language: use 100 characters or fewer",
            "English outside a Welsh request"
        );
        let uncoded = FieldError::new("evidence", "enter the evidence for this status");
        assert_eq!(run(&|| field_message_lang(&uncoded).1.to_string()), "en", "English on a Welsh page is marked");
        assert_eq!(field_message_lang(&uncoded), ("Enter the evidence for this status".into(), ""));
        assert_eq!(run(&|| field_message_lang(&e).1.to_string()), "");
    }

    #[test]
    fn every_indicator_is_worded_in_english_as_the_catalogue_and_in_welsh() {
        let (en, cy) = (parse(Locale::En), parse(Locale::Cy));
        for ind in sg_stats::catalogue::CATALOGUE {
            for (kind, english) in [
                ("indicator", ind.title),
                ("definition", ind.definition),
                ("numerator", ind.numerator),
                ("denominator", ind.denominator),
            ] {
                let key = format!("report.{kind}.{}", ind.id);
                assert_eq!(
                    en.get(&key).map(String::as_str),
                    Some(english),
                    "{key} in en.toml differs from the catalogue"
                );
                assert!(cy.get(&key).is_some_and(|t| !t.is_empty()), "{key} missing in cy.toml");
            }
        }
    }
}
