//! A case's timeline in the page's language: each event worded from the catalogue
//! (`act.event.*`), with the names and codes it carries filled in.

use sg_app::cases::{CaseView, TimelineEntry};
use sg_domain::lifecycle::PermissionToStay;
use sg_domain::{CaseEvent, Coded};

use crate::i18n::{coded_label, label, tr, trf};

/// One line of the timeline as the case page shows it.
pub(crate) struct Line {
    pub on: String,
    pub text: String,
    /// Written reasons, as the person who recorded the step wrote them.
    pub detail: Option<String>,
    /// Whether `detail` is the rules' own English (the routing sentence written when the
    /// case was opened), which a Welsh page marks `lang="en"`.
    pub detail_is_rule: bool,
}

fn question(q: sg_domain::Question) -> String {
    coded_label("act.question", q.code(), q.label())
}

/// The event in words.
pub(crate) fn summary(event: &CaseEvent) -> String {
    use CaseEvent as E;
    let key = |suffix: &str| format!("act.event.{}{suffix}", event.kind());
    match event {
        E::ReferralReceived { basis, .. } => {
            trf(&key(""), &[("basis", &coded_label("act.basis", basis.code(), basis.label()))])
        }
        E::RoutedToCompetentAuthority { authority, .. } => {
            trf(&key(""), &[("authority", &label("authority_to", *authority))])
        }
        E::ReasonableGroundsDecided { outcome, legal_test, .. }
        | E::ConclusiveGroundsDecided { outcome, legal_test, .. } => {
            let decided = tr(&key(&format!(".{}", outcome.code())));
            if legal_test.is_empty() {
                return decided;
            }
            // The test the decision was made under, stored with it (it has changed over time).
            let test = tr(&format!("decide.rule.test.{legal_test}"));
            format!("{decided}. {}", trf("act.event.legal-test", &[("test", &test)]))
        }
        E::ReconsiderationRequested { question: q, exceptional_circumstances, .. } => {
            let asked = trf(&key(""), &[("question", &question(*q))]);
            if *exceptional_circumstances {
                format!("{asked} {}", tr("act.event.late-exceptional"))
            } else {
                asked
            }
        }
        E::ReconsiderationDecided { question: q, outcome, .. } => {
            trf(&key(&format!(".{}", outcome.code())), &[("question", &question(*q))])
        }
        E::SupportEntered { provider, .. } => trf(&key(""), &[("provider", provider)]),
        // Events stored before exits were coded have only their words, shown as detail.
        E::SupportExited { exit_reason: Some(why), .. } => {
            format!("{}. {}", tr(&key("")), coded_label("act.choice.exit_reason", why.code(), why.label()))
        }
        E::LegalAdviserInstructed { name, .. } => trf(&key(""), &[("organisation", name)]),
        E::PermissionToStayDecided { granted } => tr(&key(if *granted { ".granted" } else { ".refused" })),
        E::GuardianAssigned { guardian, .. } => trf(&key(""), &[("guardian", guardian)]),
        E::Suspended { notified, .. } | E::Resumed { notified, .. } => {
            let done = tr(&key(""));
            if notified.is_empty() {
                return done;
            }
            let who: Vec<String> = notified.iter().map(|n| coded_label("act.notified", n.code(), n.label())).collect();
            format!("{done}. {}", trf("act.event.told", &[("who", &who.join(", "))]))
        }
        E::AgeAssessed { assessed_by, outcome } => trf(
            &key(&format!(".{}", outcome.code())),
            &[("by", &coded_label("act.choice.assessed_by", assessed_by.code(), assessed_by.label()))],
        ),
        E::LinkedToEarlierCase { reference, .. } => trf(&key(""), &[("reference", reference)]),
        E::JudicialReviewLodged { question: q } => trf(&key(""), &[("question", &question(*q))]),
        E::JudicialReviewPermission { question: q, granted } => {
            trf(&key(if *granted { ".granted" } else { ".refused" }), &[("question", &question(*q))])
        }
        E::JudicialReviewDecided { question: q, outcome } => {
            trf(&key(&format!(".{}", outcome.code())), &[("question", &question(*q))])
        }
        E::NegativeDecisionProposed { question: q, review, .. } => trf(
            &key(""),
            &[("question", &question(*q)), ("review", &coded_label("act.review_by", review.code(), review.label()))],
        ),
        E::NegativeDecisionReviewed { question: q, agreed, .. } => {
            trf(&key(if *agreed { ".agreed" } else { ".returned" }), &[("question", &question(*q))])
        }
        E::Disqualified { ground, retrafficking_risk_assessed, .. } => {
            let done = trf(&key(""), &[("ground", &coded_label("act.choice.ground", ground.code(), ground.label()))]);
            if *retrafficking_risk_assessed {
                format!("{done}. {}", tr("act.event.risk-assessed"))
            } else {
                done
            }
        }
        E::RecoveryPeriodExtended { days, .. } => trf(&key(""), &[("days", &days.to_string())]),
        E::DutyToNotifyReceived { .. }
        | E::AgeDisputed { .. }
        | E::TurnedEighteen
        | E::ConvertedToReferral { .. }
        | E::RecoveryPeriodStarted
        | E::SupportExited { exit_reason: None, .. }
        | E::PermissionToStayApplied
        | E::GuardianAssignmentEnded { .. }
        | E::LegalAdviserInstructionEnded { .. }
        | E::Withdrawn { .. } => tr(&key("")),
    }
}

/// The case's timeline, oldest first.
pub(crate) fn lines(entries: &[TimelineEntry]) -> Vec<Line> {
    entries
        .iter()
        .map(|e| Line {
            on: crate::dates::staff(e.stored.event.on),
            text: summary(&e.stored.event.event),
            // A reason whose key was destroyed with the person's identity, in the page's words.
            detail: e
                .detail
                .as_ref()
                .map(|d| if d == sg_app::case_text::ERASED { tr("case.erased") } else { d.clone() }),
            // Opening a case writes the referral and its routing (seq 1 and 2); a later routing
            // carries the reasons of the person who sent the case on.
            detail_is_rule: e.stored.seq == 2
                && matches!(e.stored.event.event, CaseEvent::RoutedToCompetentAuthority { .. }),
        })
        .collect()
}

/// The case-fact rows of the later steps: support, a pending reconsideration, permission to
/// stay. Shown only once the step has begun.
pub(crate) fn step_rows(c: &CaseView) -> Vec<(String, String)> {
    let mut rows = vec![];
    if let Some(provider) = &c.in_support_with {
        rows.push((tr("act.fact.support"), provider.clone()));
    }
    if let Some((q, on)) = c.pending_judicial_review {
        let text = trf("act.fact.judicial_review_pending", &[("question", &question(q)), ("date", &on.to_string())]);
        rows.push((tr("act.fact.judicial_review"), text));
    }
    if let Some((q, on, review)) = c.awaiting_review {
        let review = coded_label("act.review_by", review.code(), review.label());
        let args = [("question", question(q)), ("date", on.to_string()), ("review", review)];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        rows.push((tr("act.fact.review"), trf("act.fact.awaiting_review", &args)));
    }
    if let Some((ground, on)) = c.disqualified {
        let ground = coded_label("act.choice.ground", ground.code(), ground.label());
        let text = trf("act.fact.disqualified_on", &[("ground", &ground), ("date", &on.to_string())]);
        rows.push((tr("act.fact.disqualified"), text));
    }
    if let Some(since) = c.age_disputed_since {
        rows.push((tr("act.fact.age"), trf("act.fact.age_disputed", &[("date", &since.to_string())])));
    }
    if let Some(since) = c.suspended_since {
        rows.push((tr("act.fact.suspension"), trf("act.fact.suspended_since", &[("date", &since.to_string())])));
    }
    if let Some((q, on)) = c.pending_reconsideration {
        let text = trf("act.fact.reconsideration_pending", &[("question", &question(q)), ("date", &on.to_string())]);
        rows.push((tr("act.fact.reconsideration"), text));
    }
    let permission = match c.permission_to_stay {
        PermissionToStay::NotApplied => None,
        PermissionToStay::Applied { on } => Some(trf("act.fact.permission_applied", &[("date", &on.to_string())])),
        PermissionToStay::Decided { granted, on } => {
            let key = if granted { "act.fact.permission_granted" } else { "act.fact.permission_refused" };
            Some(trf(key, &[("date", &on.to_string())]))
        }
    };
    if let Some(p) = permission {
        rows.push((tr("act.fact.permission"), p));
    }
    rows
}
