//! The messages of `sg-app` and `sg-domain` in the page's language, by their stable codes
//! (`errors.<code>` in the catalogues). A message without a code, or whose code has no entry,
//! is shown in English as before, so a page never loses a message.

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
        "role" => match Role::ALL.iter().find(|r| r.label().eq_ignore_ascii_case(value)) {
            Some(role) => coded_label("role", role.code(), value),
            None => value.to_string(),
        },
        _ => value.to_string(),
    }
}

/// A field error as the page shows it: translated by its code, else the English message.
pub(crate) fn field_message(e: &FieldError) -> String {
    let fallback = || crate::pages::auth::capitalise(&e.message);
    if e.code.is_empty() {
        return fallback();
    }
    let mut args = e.args.clone();
    args.push(("field", e.field.clone()));
    coded(e.code, &args).unwrap_or_else(fallback)
}

/// Why the state machine refused a step, in the page's language.
pub(crate) fn transition_message(e: &TransitionError) -> String {
    coded(e.code(), &e.args()).unwrap_or_else(|| crate::pages::auth::capitalise(&e.to_string()))
}

/// A refusal (`AppError::Forbidden`'s English text) in the page's language.
pub(crate) fn refusal_message(text: &str) -> String {
    sg_app::messages::refusal(text)
        .and_then(|(code, args)| coded(code, &args))
        .unwrap_or_else(|| crate::pages::auth::capitalise(text))
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
            .chain(sg_domain::messages::NOT_YET)
            .chain(sg_app::messages::FIELD_MESSAGES)
            .chain(sg_app::messages::REFUSALS)
            .map(|(c, _)| c.to_string())
            .chain(sg_domain::messages::TRANSITION_CODES.iter().map(|c| c.to_string()))
            .chain(sg_domain::messages::DECIDED_QUESTIONS.iter().map(|(c, _)| format!("question.{c}")))
            .collect();
        for code in codes {
            let key = format!("errors.{code}");
            assert!(en.contains_key(&key) && cy.contains_key(&key), "{key} is missing in en.toml or cy.toml");
        }
        for role in Role::ALL {
            assert!(cy.contains_key(&format!("role.{}", role.code())), "no Welsh for the role {}", role.code());
        }
    }

    #[test]
    fn messages_are_worded_in_welsh_with_their_arguments() {
        let run = |f: &dyn Fn() -> String| PAGE_LOCALE.sync_scope(Locale::Cy, f);
        let e = FieldError::coded("language", "too_long", vec![("max", "100".into())]);
        assert_eq!(run(&|| field_message(&e)), "Iaith: defnyddiwch 100 nod neu lai");
        assert_eq!(e.message, "is longer than 100 characters", "the API's English is unchanged");
        let t = TransitionError::AlreadyDecided("reasonable grounds", time::macros::date!(2024 - 03 - 01));
        assert_eq!(run(&|| transition_message(&t)), "Gwnaed y penderfyniad sail resymol eisoes ar 2024-03-01");
        let r = run(&|| refusal_message("a police user cannot see case records"));
        assert_eq!(r, "Ni all defnyddiwr sydd â’r rôl ‘heddlu’ weld cofnodion achosion");
        assert_eq!(run(&|| refusal_message("an unknown refusal")), "An unknown refusal");
        assert_eq!(field_message(&e), "Language: use 100 characters or fewer", "English outside a Welsh request");
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
