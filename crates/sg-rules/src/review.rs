//! The review of negative decisions (`review.negative_decisions`): which negative decisions the
//! rules in force hold until someone else has looked at them, and who.

use sg_domain::{CaseEvent, DatedEvent, DecisionOutcome, NegativeReview, Question};
use time::Date;

use crate::params as p;
use crate::ruleset::RuleSet;

/// Who must review a negative decision on `question` made on `on` before it is served, under
/// `rules`; `None` where no review is required (or none is recorded for the period).
pub fn negative_review(rules: &RuleSet, question: Question, on: Date) -> Option<NegativeReview> {
    let rule = rules.get(p::NEGATIVE_DECISION_REVIEW, on)?;
    match rule.version.value.to_string().as_str() {
        // The panels (April 2019 to December 2022) reviewed negative conclusive grounds
        // decisions only.
        "multi_agency_assurance_panel" if question == Question::ConclusiveGrounds => {
            Some(NegativeReview::MultiAgencyAssurancePanel)
        }
        "second_caseworker" => Some(NegativeReview::SecondCaseworker),
        "independent_panel" => Some(NegativeReview::IndependentPanel),
        _ => None,
    }
}

/// Replaces each negative decision in `events` that the rules in force on its day hold for
/// review by a proposal awaiting that review (its reasons go with it). Applied to the events of
/// a live decision only: a review's own agreement serves the decision.
pub fn hold_for_review(rules: &RuleSet, events: &mut [DatedEvent]) {
    for e in events {
        let (question, reasons) = match &mut e.event {
            CaseEvent::ReasonableGroundsDecided { outcome: DecisionOutcome::Negative, reasons, .. } => {
                (Question::ReasonableGrounds, reasons)
            }
            CaseEvent::ConclusiveGroundsDecided { outcome: DecisionOutcome::Negative, reasons, .. } => {
                (Question::ConclusiveGrounds, reasons)
            }
            _ => continue,
        };
        if let Some(review) = negative_review(rules, question, e.on) {
            let reasons = std::mem::take(reasons);
            e.event = CaseEvent::NegativeDecisionProposed { question, reasons, review };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sg_domain::Jurisdiction;
    use time::macros::date;

    #[test]
    fn who_reviews_a_negative_decision_changed_in_2019_and_2022() {
        let rules = crate::official(Jurisdiction::EnglandWales).unwrap();
        let (rg, cg) = (Question::ReasonableGrounds, Question::ConclusiveGrounds);
        assert_eq!(negative_review(rules, cg, date!(2018 - 06 - 01)), None);
        assert_eq!(negative_review(rules, cg, date!(2020 - 06 - 01)), Some(NegativeReview::MultiAgencyAssurancePanel));
        assert_eq!(negative_review(rules, rg, date!(2020 - 06 - 01)), None, "the panels saw negative CG only");
        assert_eq!(negative_review(rules, rg, date!(2023 - 06 - 01)), Some(NegativeReview::SecondCaseworker));
        let mut events = vec![DatedEvent {
            on: date!(2023 - 06 - 01),
            event: CaseEvent::ReasonableGroundsDecided {
                outcome: DecisionOutcome::Negative,
                reasons: "why".into(),
                legal_test: String::new(),
            },
        }];
        hold_for_review(rules, &mut events);
        let held = CaseEvent::NegativeDecisionProposed {
            question: rg,
            reasons: "why".into(),
            review: NegativeReview::SecondCaseworker,
        };
        assert_eq!(events[0].event, held);
    }
}
