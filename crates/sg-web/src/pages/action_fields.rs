//! The table of what each lifecycle step's form asks (`/cases/{id}/act/{action}`, handled in
//! `actions.rs`): its fields, how each is asked, and whether it must be answered; and the
//! command a filled form makes.

use sg_app::case_actions::ActionKind;
use sg_domain::{
    AgeAssessor, AgeGroup, CaseCommand, Coded, CompetentAuthority, DisqualificationGround, JudicialReviewOutcome,
    Notified, Question, ReconsiderationOutcome, SupportExitReason,
};

use super::FieldMessage;
use crate::form::FormData;

/// How a field is asked.
#[derive(Clone, Copy)]
pub(super) enum Kind {
    /// One of these codes, as radio buttons.
    Radios(&'static [&'static str]),
    /// An organisation: a list of those that fit (`org_choices`), a text box while none is registered.
    Text,
    /// Free text (reasons).
    Textarea,
    /// A single yes, as a checkbox.
    Checkbox,
    /// A whole number (days), as a short text box with the numeric keypad.
    Number,
}

/// One field of a step's form: its name (also its id and its catalogue keys), how it is asked,
/// and whether it must be answered.
pub(super) struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const QUESTIONS: &[&str] = &["reasonable-grounds", "conclusive-grounds"];
const RECONSIDERATION_OUTCOMES: &[&str] = &["upheld", "overturned"];
const PERMISSION: &[&str] = &["granted", "refused"];
const AUTHORITIES: &[&str] = &["sca", "ieca"];
const ASSESSORS: &[&str] = &["local-authority", "naab", "hsc-trust", "court"];
const ASSESSED_AGES: &[&str] = &["adult", "child"];
const GROUNDS: &[&str] = &["public-order", "bad-faith"];
const PUBLIC_ORDER_BASES: &[&str] = &[
    "terrorist-offence",
    "schedule-4-offence",
    "tpim",
    "terrorism-suspicion",
    "national-security",
    "temporary-exclusion-order",
    "other",
];
const REVIEW: &[&str] = &["agreed", "returned"];
const JR_OUTCOMES: &[&str] = &["quashed", "dismissed", "withdrawn"];
const EXIT_REASONS: &[&str] =
    &["move-on-ended", "exit-support-ended", "chose-to-leave", "other-support", "lost-contact", "disqualified"];
/// Suspending and resuming ask the same: why, and who was told (`notified_{code}`, one
/// checkbox per `sg_domain::Notified`, dashes as underscores).
const SUSPENSION: &[Field] = &[
    Field { name: "reason", kind: Kind::Textarea, required: true },
    Field { name: "notified_police", kind: Kind::Checkbox, required: false },
    Field { name: "notified_local_authority", kind: Kind::Checkbox, required: false },
    Field { name: "notified_support_provider", kind: Kind::Checkbox, required: false },
    Field { name: "notified_guardian", kind: Kind::Checkbox, required: false },
    Field { name: "notified_legal_adviser", kind: Kind::Checkbox, required: false },
    Field { name: "notified_first_responder", kind: Kind::Checkbox, required: false },
];

/// The fields of each step with a form here; `None` for the decisions, which have their own
/// page (`/decide/{question}`), and for converting a report (`/referrals/convert`). A `match` on
/// every kind: a new lifecycle step does not compile until its form is declared here (its
/// words go in the locales: `act.{code}.*`, checked by a test).
pub(super) fn fields(kind: ActionKind) -> Option<&'static [Field]> {
    use ActionKind as A;
    use Kind::*;
    Some(match kind {
        A::RequestReconsideration => &[
            Field { name: "question", kind: Radios(QUESTIONS), required: true },
            Field { name: "grounds", kind: Textarea, required: false },
            Field { name: "exceptional_circumstances", kind: Checkbox, required: false },
            Field { name: "removal_to_ecat_echr_state", kind: Checkbox, required: false },
        ],
        A::DecideReconsideration => &[
            Field { name: "outcome", kind: Radios(RECONSIDERATION_OUTCOMES), required: true },
            Field { name: "reasons", kind: Textarea, required: true },
        ],
        A::EnterSupport => &[Field { name: "provider", kind: Text, required: true }],
        A::ExitSupport => &[
            Field { name: "exit_reason", kind: Radios(EXIT_REASONS), required: true },
            Field { name: "reason", kind: Textarea, required: false },
        ],
        A::AssignGuardian => &[Field { name: "guardian", kind: Text, required: true }],
        A::EndGuardianAssignment => &[Field { name: "reason", kind: Textarea, required: false }],
        A::InstructLegalAdviser => &[
            Field { name: "organisation", kind: Text, required: true },
            Field { name: "person_agreed", kind: Checkbox, required: true },
        ],
        A::EndLegalAdviserInstruction => &[Field { name: "organisation", kind: Text, required: true }],
        A::ApplyForPermissionToStay => &[],
        A::DecidePermissionToStay => &[Field { name: "decision", kind: Radios(PERMISSION), required: true }],
        A::Withdraw => &[Field { name: "reason", kind: Textarea, required: true }],
        A::Suspend => SUSPENSION,
        A::Resume => SUSPENSION,
        A::DisputeAge => &[Field { name: "reason", kind: Textarea, required: true }],
        A::LodgeJudicialReview => &[Field { name: "question", kind: Radios(QUESTIONS), required: true }],
        A::RecordJudicialReviewPermission => &[Field { name: "decision", kind: Radios(PERMISSION), required: true }],
        A::RecordJudicialReviewOutcome => &[Field { name: "outcome", kind: Radios(JR_OUTCOMES), required: true }],
        A::ReviewNegativeDecision => &[
            Field { name: "review", kind: Radios(REVIEW), required: true },
            Field { name: "reasons", kind: Textarea, required: false },
        ],
        A::Disqualify => &[
            Field { name: "ground", kind: Radios(GROUNDS), required: true },
            // Asked for a public order ground; the domain names it when missing.
            Field { name: "public_order_basis", kind: Radios(PUBLIC_ORDER_BASES), required: false },
            Field { name: "retrafficking_risk_assessed", kind: Checkbox, required: false },
            Field { name: "reasons", kind: Textarea, required: true },
        ],
        A::RecordAgeAssessment => &[
            Field { name: "assessed_by", kind: Radios(ASSESSORS), required: true },
            Field { name: "assessed_age", kind: Radios(ASSESSED_AGES), required: true },
        ],
        A::RecordEighteenthBirthday => &[],
        A::ExtendRecoveryPeriod => &[
            Field { name: "days", kind: Number, required: true },
            Field { name: "reason", kind: Textarea, required: true },
        ],
        A::Route => &[
            Field { name: "authority", kind: Radios(AUTHORITIES), required: true },
            Field { name: "reason", kind: Textarea, required: true },
        ],
        A::DecideReasonableGrounds | A::DecideConclusiveGrounds | A::ConvertToReferral => return None,
    })
}

/// The catalogue key of a part of a step's form (`act.{code}.{part}`).
pub(super) fn key(kind: ActionKind, part: &str) -> String {
    format!("act.{}.{part}", kind.code())
}

/// [`key`] in the page's language.
pub(super) fn tr(kind: ActionKind, part: &str) -> String {
    crate::i18n::tr(&key(kind, part))
}

/// The command the form asks for, or the fields at fault.
pub(super) fn command(kind: ActionKind, form: &FormData) -> Result<CaseCommand, Vec<FieldMessage>> {
    let mut errors = vec![];
    for f in fields(kind).unwrap_or(&[]) {
        let value = form.get(f.name);
        let bad = match f.kind {
            Kind::Radios(codes) => f.required && !codes.contains(&value.as_str()),
            _ => f.required && value.is_empty(),
        };
        if bad {
            errors.push(FieldMessage {
                lang: "",
                field: f.name.into(),
                message: tr(kind, &format!("{}_error", f.name)),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let text = |name: &str| form.get(name);
    use ActionKind as A;
    // Radio codes were checked against the table above, so each parses.
    let parsed = match kind {
        A::Suspend | A::Resume => {
            let notified: Vec<Notified> = Notified::ALL
                .iter()
                .filter(|n| !text(&format!("notified_{}", n.code().replace('-', "_"))).is_empty())
                .copied()
                .collect();
            let reason = text("reason");
            Some(if kind == A::Suspend {
                CaseCommand::Suspend { reason, notified }
            } else {
                CaseCommand::Resume { reason, notified }
            })
        }
        A::RequestReconsideration => {
            Question::from_code(&text("question")).map(|question| CaseCommand::RequestReconsideration {
                question,
                grounds: text("grounds"),
                exceptional_circumstances: !text("exceptional_circumstances").is_empty(),
            })
        }
        A::DecideReconsideration => ReconsiderationOutcome::from_code(&text("outcome"))
            .map(|outcome| CaseCommand::DecideReconsideration { outcome, reasons: text("reasons") }),
        A::EnterSupport => Some(CaseCommand::EnterSupport { provider: text("provider"), provider_org: None }),
        A::ExitSupport => SupportExitReason::from_code(&text("exit_reason"))
            .map(|exit_reason| CaseCommand::ExitSupport { exit_reason, reason: text("reason") }),
        A::AssignGuardian => Some(CaseCommand::AssignGuardian { guardian: text("guardian"), guardian_org: None }),
        A::EndGuardianAssignment => Some(CaseCommand::EndGuardianAssignment { reason: text("reason") }),
        // The organisation is resolved, and the agreement checked, by `App::change_case_with`.
        A::InstructLegalAdviser => Some(CaseCommand::InstructLegalAdviser {
            org: None,
            name: text("organisation"),
            recorded_by: None,
            person_agreed: !text("person_agreed").is_empty(),
        }),
        A::EndLegalAdviserInstruction => {
            Some(CaseCommand::EndLegalAdviserInstruction { org: None, name: text("organisation") })
        }
        A::ApplyForPermissionToStay => Some(CaseCommand::ApplyForPermissionToStay),
        A::DecidePermissionToStay => {
            Some(CaseCommand::DecidePermissionToStay { granted: text("decision") == "granted" })
        }
        A::Withdraw => Some(CaseCommand::Withdraw { reason: text("reason") }),
        A::DisputeAge => Some(CaseCommand::DisputeAge { reason: text("reason") }),
        A::LodgeJudicialReview => {
            Question::from_code(&text("question")).map(|question| CaseCommand::LodgeJudicialReview { question })
        }
        A::RecordJudicialReviewPermission => {
            Some(CaseCommand::RecordJudicialReviewPermission { granted: text("decision") == "granted" })
        }
        A::RecordJudicialReviewOutcome => JudicialReviewOutcome::from_code(&text("outcome"))
            .map(|outcome| CaseCommand::RecordJudicialReviewOutcome { outcome }),
        A::ReviewNegativeDecision => {
            Some(CaseCommand::ReviewNegativeDecision { agreed: text("review") == "agreed", reasons: text("reasons") })
        }
        A::Disqualify => DisqualificationGround::from_code(&text("ground")).map(|ground| CaseCommand::Disqualify {
            ground,
            public_order_basis: sg_domain::PublicOrderBasis::from_code(&text("public_order_basis")),
            retrafficking_risk_assessed: !text("retrafficking_risk_assessed").is_empty(),
            reasons: text("reasons"),
        }),
        A::RecordAgeAssessment => AgeAssessor::from_code(&text("assessed_by"))
            .zip(AgeGroup::from_code(&text("assessed_age")))
            .map(|(assessed_by, outcome)| CaseCommand::RecordAgeAssessment { assessed_by, outcome }),
        A::RecordEighteenthBirthday => Some(CaseCommand::RecordEighteenthBirthday),
        // Not a whole number: named against `days`, the first field; its range is checked by
        // the application, as for the API.
        A::ExtendRecoveryPeriod => text("days")
            .trim()
            .parse::<u32>()
            .ok()
            .map(|days| CaseCommand::ExtendRecoveryPeriod { days, reason: text("reason") }),
        A::Route => CompetentAuthority::from_code(&text("authority"))
            .map(|authority| CaseCommand::Route { authority, reason: text("reason") }),
        A::DecideReasonableGrounds | A::DecideConclusiveGrounds | A::ConvertToReferral => None,
    };
    // Unreachable for the steps in the table; named against the step's first field if it were.
    parsed.ok_or_else(|| {
        let first = fields(kind).and_then(|f| f.first()).map_or("date", |f| f.name);
        vec![FieldMessage { lang: "", field: first.into(), message: tr(kind, &format!("{first}_error")) }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every step with a form has its words: a new step's form fails here, naming each
    /// missing key, until `act.{code}.*` is written.
    #[test]
    fn every_step_form_has_its_words() {
        let mut missing = vec![];
        for &kind in ActionKind::ALL {
            let Some(specs) = fields(kind) else { continue };
            let mut keys: Vec<String> = ["title", "link", "intro", "date", "submit"].map(|p| key(kind, p)).into();
            for f in specs {
                keys.extend([key(kind, f.name), key(kind, &format!("{}_hint", f.name))]);
                if f.required {
                    keys.push(key(kind, &format!("{}_error", f.name)));
                }
                if let Kind::Radios(codes) = f.kind {
                    keys.extend(codes.iter().map(|c| format!("act.choice.{}.{c}", f.name)));
                }
            }
            missing.extend(keys.into_iter().filter(|k| crate::i18n::staff_lookup(k).is_none()));
        }
        assert!(missing.is_empty(), "missing in en.toml: {missing:?}");
    }

    /// The exit reasons offered are every coded reason, in the domain's order.
    #[test]
    fn every_exit_reason_is_offered() {
        let codes: Vec<&str> = SupportExitReason::ALL.iter().map(|r| r.code()).collect();
        assert_eq!(codes, EXIT_REASONS);
    }

    /// Every step the generic form takes parses to a command of its own kind.
    #[test]
    fn every_step_form_makes_a_command_of_its_kind() {
        for &kind in ActionKind::ALL {
            let Some(specs) = fields(kind) else { continue };
            let body: Vec<String> = specs
                .iter()
                .map(|f| match f.kind {
                    Kind::Radios(codes) => format!("{}={}", f.name, codes[0]),
                    Kind::Number => format!("{}=30", f.name),
                    _ => format!("{}=x", f.name),
                })
                .collect();
            let form = FormData::parse(body.join("&").as_bytes());
            let made = command(kind, &form).unwrap_or_else(|_| panic!("{kind}"));
            assert_eq!(made.kind(), kind);
        }
    }
}
