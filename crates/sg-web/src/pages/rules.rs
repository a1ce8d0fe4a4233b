//! `/rules`: the NRM rules of one jurisdiction as they stand on a day, each with its value,
//! since when, where it comes from and its earlier versions. Working screens say what a rule
//! means for the case in words and link here (`#rule-KEY`) for the details, instead of showing
//! rule keys, sources and "unconfirmed" notes beside the form.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use sg_domain::{Coded, Jurisdiction};
use sg_rules::{RuleSet, Value, Version};
use time::Date;

use super::{render, Layout};
use crate::extract::PageUser;
use crate::i18n::{label, tr};
use crate::AppState;

/// The address of a rule's entry on the rules page, for a working screen's link.
pub(crate) fn link(jurisdiction: Jurisdiction, key: &str) -> String {
    format!("/rules?jurisdiction={}#{}", jurisdiction.code(), anchor(key))
}

/// The fragment a rule's entry has: its key with dots as dashes (`rule-recovery_period-days`).
fn anchor(key: &str) -> String {
    format!("rule-{}", key.replace('.', "-"))
}

/// One version of a rule, in words.
struct VersionLine {
    value: String,
    /// The value is one of the rule file's English words (a choice), not a number or yes/no.
    value_is_english: bool,
    from: String,
    /// "still in force", or the last day in words.
    to: String,
    unconfirmed: bool,
    source_title: String,
    source_url: String,
    note: String,
}

/// One rule: the version in force on the day, and the others.
struct RuleEntry {
    anchor: String,
    key: &'static str,
    title: &'static str,
    now: VersionLine,
    earlier: Vec<VersionLine>,
}

#[derive(Template)]
#[template(path = "rules.html")]
struct RulesPage {
    layout: Layout,
    has_errors: bool,
    /// (code, label, selected) for the jurisdiction select box.
    jurisdictions: Vec<(String, String, bool)>,
    intro: String,
    title_of_set: String,
    rules: Vec<RuleEntry>,
}

fn value_words(v: &Value) -> String {
    match v {
        Value::Number(n) => n.to_string(),
        Value::NoLimit => tr("rules.value.none"),
        Value::Flag(true) => tr("rules.value.yes"),
        Value::Flag(false) => tr("rules.value.no"),
        Value::Choice(s) => s.replace('-', " "),
    }
}

fn version_line(v: &Version) -> VersionLine {
    VersionLine {
        value: value_words(&v.value),
        value_is_english: matches!(v.value, Value::Choice(_)),
        from: crate::dates::staff(v.from),
        to: v.to.map_or_else(|| tr("rules.still_in_force"), crate::dates::staff),
        unconfirmed: v.unconfirmed,
        source_title: v.source.title.clone(),
        source_url: v.source.url.clone(),
        note: v.note.clone().unwrap_or_default(),
    }
}

fn entries(rules: &RuleSet, on: Date) -> Vec<RuleEntry> {
    rules
        .in_force(on)
        .into_iter()
        .map(|r| {
            let all = rules.rules.iter().find(|x| x.key == r.key).map(|x| x.versions.as_slice()).unwrap_or_default();
            RuleEntry {
                anchor: anchor(r.key),
                key: r.key,
                title: r.title,
                now: version_line(r.version),
                // Newest first: the one before the version in force is the one asked about most.
                earlier: all.iter().rev().filter(|v| *v != r.version).map(version_line).collect(),
            }
        })
        .collect()
}

/// `GET /rules?jurisdiction=CODE`: any signed-in member of staff; the rules are public policy,
/// and nothing about a case is on the page.
pub(crate) async fn show(State(state): State<AppState>, who: PageUser, RawQuery(raw): RawQuery) -> Response {
    let asked = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "jurisdiction")
        .map(|(_, v)| v.into_owned());
    // An unknown jurisdiction falls back to England and Wales: the page is a reference, and
    // the select box shows which set is on screen.
    let j = asked.as_deref().and_then(Jurisdiction::from_code).unwrap_or(Jurisdiction::EnglandWales);
    let today = state.app.clock.today();
    let (title_of_set, rules) = match sg_rules::official(j) {
        Ok(set) => (set.title.clone(), entries(set, today)),
        Err(_) => (String::new(), Vec::new()),
    };
    render(&RulesPage {
        layout: Layout::for_user(tr("rules.title"), &who),
        has_errors: false,
        jurisdictions: Jurisdiction::ALL
            .iter()
            .map(|x| (x.code().to_string(), label("jurisdiction", *x), *x == j))
            .collect(),
        intro: crate::i18n::trf(
            "rules.intro",
            &[("where", &label("jurisdiction_in", j)), ("on", &crate::dates::staff(today))],
        ),
        title_of_set,
        rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rules_link_names_its_jurisdiction_and_entry() {
        assert_eq!(
            link(Jurisdiction::Scotland, "recovery_period.days"),
            "/rules?jurisdiction=scotland#rule-recovery_period-days"
        );
    }

    #[test]
    fn every_rule_in_force_has_an_entry_with_its_history() {
        let set = sg_rules::official(Jurisdiction::EnglandWales).unwrap();
        let on = time::macros::date!(2026 - 12 - 03);
        let list = entries(set, on);
        assert_eq!(list.len(), set.in_force(on).len());
        let rp = list.iter().find(|e| e.key == sg_rules::params::RECOVERY_PERIOD_DAYS).unwrap();
        assert_eq!(rp.now.value, "30");
        assert!(rp.earlier.iter().any(|v| v.value == "45"), "the 45-day period before 30 January 2023");
    }
}
