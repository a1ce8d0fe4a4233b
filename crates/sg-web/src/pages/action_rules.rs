//! The dated rules shown beside a step's form, as the decide page shows the legal test: the
//! reconsideration window and its last day for this case, the exclusion of people to be removed
//! to an ECAT and ECHR state, and the permission-to-stay rules in force. Worded from the
//! catalogue (`act.rule.*`), each linked to its entry on the rules page.

use sg_app::case_actions::ActionKind;
use sg_app::cases::CaseView;
use sg_domain::{Coded, DecisionOutcome, Jurisdiction, Question};
use sg_rules::params as p;
use sg_rules::{DeadlineKind, InForce};
use time::Date;

/// One rule in force, in words, with a link to its details on the rules page.
pub(crate) struct RuleLine {
    /// What the rule means for this case, in the page's language.
    pub text: String,
    /// The rule's entry on `/rules` (since when, source, earlier versions).
    pub link: String,
}

fn line(text: String, jurisdiction: Jurisdiction, r: &InForce<'_>) -> RuleLine {
    RuleLine { text, link: super::rules::link(jurisdiction, r.key) }
}

/// The rules that matter for `kind` on this case, for a step dated `on`.
pub(crate) fn rules_for(kind: ActionKind, case: &CaseView, on: Date, today: Date) -> Vec<RuleLine> {
    let j = case.facts.jurisdiction;
    let Ok(rules) = sg_rules::official(j) else { return vec![] };
    let mut out = vec![];
    match kind {
        ActionKind::RequestReconsideration => {
            let decisions = [
                (Question::ReasonableGrounds, case.reasonable_grounds),
                (Question::ConclusiveGrounds, case.conclusive_grounds),
            ];
            for (q, d) in decisions {
                let Some(d) = d.filter(|d| d.outcome == DecisionOutcome::Negative) else { continue };
                // The window is the one in force on the day of the decision being reconsidered.
                let Some((days, r)) = rules.limit(p::RECONSIDERATION_WINDOW_DAYS, d.decided_on) else { continue };
                let question = crate::i18n::coded_label("act.question", q.code(), q.label());
                let decided = crate::dates::staff(d.decided_on);
                let text =
                    match (days, sg_rules::deadline(rules, j, DeadlineKind::ReconsiderationRequest, d.decided_on)) {
                        (Some(days), Ok(due)) => {
                            let key = if due.due_on < today { "act.rule.window_passed" } else { "act.rule.window" };
                            crate::i18n::trf(
                                key,
                                &[
                                    ("question", &question),
                                    ("decided", &decided),
                                    ("days", &days.to_string()),
                                    ("due", &crate::dates::staff(due.due_on)),
                                ],
                            )
                        }
                        _ => crate::i18n::trf("act.rule.no_window", &[("question", &question), ("decided", &decided)]),
                    };
                out.push(line(text, j, &r));
            }
            if rules.flag(p::RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL, on) {
                if let Some(r) = rules.get(p::RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL, on) {
                    out.push(line(crate::i18n::tr("act.rule.ecat"), j, &r));
                }
            }
        }
        ActionKind::ApplyForPermissionToStay | ActionKind::DecidePermissionToStay => {
            for (key, prefix) in [
                (p::PERMISSION_BASIS, "act.rule.permission_basis"),
                (p::PERMISSION_DECISIONS, "act.rule.permission_decisions"),
            ] {
                if let Some((value, r)) = rules.choice(key, on) {
                    let text = crate::i18n::coded_label(prefix, value, value);
                    out.push(line(text, j, &r));
                }
            }
        }
        _ => {}
    }
    out
}

/// A rule's refusal as a working screen shows it: what is refused and why, and the source by
/// name; the rule's key and value stay on the rules page the screen links to.
pub(crate) fn rule_refusal_text(r: &sg_rules::Refusal) -> String {
    super::auth::capitalise(&format!("{}. Source: {}.", r.message, r.source.title))
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn a_refusal_on_a_page_names_no_rule_key() {
        let rules = sg_rules::official(Jurisdiction::EnglandWales).unwrap();
        let r = rules.get(p::RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL, time::macros::date!(2025 - 01 - 01)).unwrap();
        let refusal = sg_rules::Refusal {
            message: "no reconsideration can be asked".into(),
            rule: r.key,
            value: r.version.value.to_string(),
            rules: rules.title.clone(),
            source: r.version.source.clone(),
            unconfirmed: false,
        };
        let text = rule_refusal_text(&refusal);
        assert!(text.starts_with("No reconsideration can be asked. Source: "), "{text}");
        assert!(!text.contains(r.key) && !text.contains(" = "), "{text}");
        assert!(refusal.to_string().contains(r.key), "the API still names the rule");
    }
}
