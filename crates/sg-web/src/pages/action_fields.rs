//! The table of what each lifecycle step's form asks (`/cases/{id}/act/{action}`, handled in
//! `actions.rs`): its fields, how each is asked, and whether it must be answered.

use sg_app::case_actions::ActionKind;

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
        A::ExitSupport => &[Field { name: "reason", kind: Textarea, required: true }],
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
        A::Route => &[
            Field { name: "authority", kind: Radios(AUTHORITIES), required: true },
            Field { name: "reason", kind: Textarea, required: true },
        ],
        A::DecideReasonableGrounds | A::DecideConclusiveGrounds | A::ConvertToReferral => return None,
    })
}
