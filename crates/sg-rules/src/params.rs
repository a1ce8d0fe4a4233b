//! The catalogue of rule parameters: every key a rule file may hold, what kind of value it
//! takes, and what it means in plain words.
//!
//! The catalogue is closed on purpose: a misspelt key in a rule file is an error, not a rule
//! that silently never applies.

/// What kind of value a parameter takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number (days, working days or months, as the title says).
    Number,
    /// A number of days, or `"none"` where no limit applies.
    DaysOrNone,
    /// `true` or `false`.
    Flag,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
}

/// One known parameter.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// The key used in rule files and output.
    pub key: &'static str,
    /// What the parameter is, in plain words.
    pub title: &'static str,
    /// Its kind of value.
    pub kind: Kind,
}

/// The reasonable-grounds decision target, in working days.
pub const RG_TARGET_WORKING_DAYS: &str = "rg.target_working_days";
/// The legal test for a reasonable-grounds decision.
pub const RG_TEST: &str = "rg.test";
/// The recovery period's length in calendar days.
pub const RECOVERY_PERIOD_DAYS: &str = "recovery_period.days";
/// Whether the recovery period is set in statute or in policy.
pub const RECOVERY_PERIOD_BASIS: &str = "recovery_period.basis";
/// Whether the recovery period can be extended by the responsible authority.
pub const RECOVERY_PERIOD_EXTENDABLE: &str = "recovery_period.extendable";
/// The standard of proof for a conclusive-grounds decision.
pub const CG_STANDARD: &str = "cg.standard";
/// Whether a conclusive-grounds decision must wait for the recovery period to end.
pub const CG_NOT_BEFORE_RECOVERY_END: &str = "cg.not_before_recovery_period_end";
/// Where the decision need not wait for the recovery (support) period to end: the calendar days
/// after the positive reasonable-grounds decision before which it cannot be made.
pub const CG_MIN_DAYS_AFTER_RG: &str = "cg.min_days_after_rg";
/// Who reviews a negative decision before it is served.
pub const NEGATIVE_DECISION_REVIEW: &str = "review.negative_decisions";
/// The window to ask for a reconsideration, in calendar days after the decision.
pub const RECONSIDERATION_WINDOW_DAYS: &str = "reconsideration.window_days";
/// Whether a request after the window is accepted in exceptional circumstances.
pub const RECONSIDERATION_EXCEPTIONAL_EXTENSION: &str = "reconsideration.exceptional_extension";
/// Whether people to be removed to an ECAT and ECHR state are excluded from reconsideration.
pub const RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL: &str = "reconsideration.excluded_if_removal_to_ecat_echr_state";
/// Whether the Home Office's National Age Assessment Board assesses ages.
pub const AGE_ASSESSMENT_NAAB: &str = "age_assessment.national_board";
/// Public order and bad faith disqualification.
pub const PUBLIC_ORDER_DISQUALIFICATION: &str = "disqualification.public_order";
/// Whether an adult must consent to enter the NRM.
pub const CONSENT_ADULT_REQUIRED: &str = "consent.adult_required";
/// Whether a child (or a person of unknown age) needs to consent.
pub const CONSENT_CHILD_REQUIRED: &str = "consent.child_required";
/// Whether a statutory duty to notify is in force.
pub const DTN_IN_FORCE: &str = "dtn.in_force";
/// When a Duty to Notify report may identify an adult.
pub const DTN_IDENTITY: &str = "dtn.identity_allowed";
/// Which competent authorities decide cases.
pub const ROUTING_AUTHORITIES: &str = "routing.authorities";
/// Whether adults within the IECA's remit are routed to the IECA.
pub const ROUTING_IECA: &str = "routing.ieca_for_adults_in_remit";
/// Whether the referral form asks the first responder to flag doubts about credibility.
pub const CREDIBILITY_FLAG: &str = "referral.credibility_flag";
/// The basis of permission to stay for confirmed victims.
pub const PERMISSION_BASIS: &str = "permission_to_stay.basis";
/// Which permission-to-stay decisions are being made.
pub const PERMISSION_DECISIONS: &str = "permission_to_stay.decisions";
/// Whether every confirmed victim without leave gets permission to stay.
pub const PERMISSION_EVERY_VICTIM: &str = "permission_to_stay.for_every_confirmed_victim";
/// The least move-on support after a positive conclusive-grounds decision, in days.
pub const MOVE_ON_DAYS: &str = "move_on.positive_cg_min_days";
/// Support after a positive conclusive-grounds decision (Northern Ireland), in months.
pub const POST_CG_SUPPORT_MONTHS: &str = "support.post_cg_max_months";
/// The longest a consent to share data may run, in calendar days from the day it is recorded.
pub const CONSENT_SHARING_MAX_DAYS: &str = "consent.sharing_max_days";
/// Who may agree to share a child's data with the police, with the child.
pub const CONSENT_CHILD_AGREED_BY: &str = "consent.child_agreed_by";
/// How long an approved emergency access to a person's identity lasts, in hours.
pub const EMERGENCY_ACCESS_HOURS: &str = "emergency_access.hours";

/// Every parameter a rule file may set.
pub const CATALOGUE: &[Param] = &[
    Param {
        key: RG_TARGET_WORKING_DAYS,
        title: "Reasonable-grounds decision target (working days)",
        kind: Kind::Number,
    },
    Param {
        key: RG_TEST,
        title: "Reasonable-grounds test",
        kind: Kind::Choice(&[
            "may_be_victim",
            "is_victim_objective_factors",
            "is_victim_all_general_and_specific_evidence",
        ]),
    },
    Param {
        key: RECOVERY_PERIOD_DAYS,
        title: "Recovery period (calendar days from the positive RG decision)",
        kind: Kind::Number,
    },
    Param {
        key: RECOVERY_PERIOD_BASIS,
        title: "Where the recovery period is set",
        kind: Kind::Choice(&["policy", "statute", "proposal"]),
    },
    Param { key: RECOVERY_PERIOD_EXTENDABLE, title: "Recovery period can be extended", kind: Kind::Flag },
    Param {
        key: CG_STANDARD,
        title: "Conclusive-grounds standard of proof",
        kind: Kind::Choice(&["balance_of_probabilities_policy", "balance_of_probabilities_statutory"]),
    },
    Param {
        key: CG_NOT_BEFORE_RECOVERY_END,
        title: "Conclusive-grounds decision not before the recovery period ends",
        kind: Kind::Flag,
    },
    Param {
        key: CG_MIN_DAYS_AFTER_RG,
        title: "Conclusive-grounds decision not before this many calendar days after the positive RG decision",
        kind: Kind::Number,
    },
    Param {
        key: NEGATIVE_DECISION_REVIEW,
        title: "Review of negative decisions",
        kind: Kind::Choice(&["not_recorded", "multi_agency_assurance_panel", "second_caseworker", "independent_panel"]),
    },
    Param {
        key: RECONSIDERATION_WINDOW_DAYS,
        title: "Reconsideration request window (calendar days after the decision)",
        kind: Kind::DaysOrNone,
    },
    Param {
        key: RECONSIDERATION_EXCEPTIONAL_EXTENSION,
        title: "A reconsideration may be asked after the window in exceptional circumstances",
        kind: Kind::Flag,
    },
    Param {
        key: RECONSIDERATION_EXCLUDES_ECAT_ECHR_REMOVAL,
        title: "No reconsideration for people to be removed to an ECAT and ECHR state",
        kind: Kind::Flag,
    },
    Param { key: AGE_ASSESSMENT_NAAB, title: "The National Age Assessment Board assesses ages", kind: Kind::Flag },
    Param {
        key: PUBLIC_ORDER_DISQUALIFICATION,
        title: "Public order and bad faith disqualification",
        kind: Kind::Choice(&[
            "none",
            "discretionary",
            "withdrawn_pending_revision",
            "discretionary_with_retrafficking_risk_assessment",
        ]),
    },
    Param { key: CONSENT_ADULT_REQUIRED, title: "An adult must consent to enter the NRM", kind: Kind::Flag },
    Param { key: CONSENT_CHILD_REQUIRED, title: "A child (or a person of unknown age) must consent", kind: Kind::Flag },
    Param { key: DTN_IN_FORCE, title: "Statutory duty to notify in force", kind: Kind::Flag },
    Param {
        key: DTN_IDENTITY,
        title: "A Duty to Notify report may identify an adult",
        kind: Kind::Choice(&["only_with_consent"]),
    },
    Param {
        key: ROUTING_AUTHORITIES,
        title: "Competent authorities",
        kind: Kind::Choice(&[
            "ukhtc_and_home_office",
            "single_competent_authority",
            "sca_and_ieca",
            "one_independent_authority",
        ]),
    },
    Param { key: ROUTING_IECA, title: "Adults within the IECA's remit are routed to the IECA", kind: Kind::Flag },
    Param {
        key: CREDIBILITY_FLAG,
        title: "Referral form asks first responders to flag doubts about credibility",
        kind: Kind::Flag,
    },
    Param {
        key: PERMISSION_BASIS,
        title: "Basis of permission to stay for confirmed victims",
        kind: Kind::Choice(&["discretionary_leave_policy", "vts_statutory_if_necessary", "every_confirmed_victim"]),
    },
    Param {
        key: PERMISSION_DECISIONS,
        title: "Permission-to-stay decisions being made",
        kind: Kind::Choice(&[
            "all_grounds",
            "compensation_and_cooperation_only",
            "compensation_and_cooperation_only_not_deportation_orders",
        ]),
    },
    Param {
        key: PERMISSION_EVERY_VICTIM,
        title: "Every confirmed victim without leave gets permission to stay",
        kind: Kind::Flag,
    },
    Param {
        key: MOVE_ON_DAYS,
        title: "Move-on support after a positive CG decision (at least, days)",
        kind: Kind::Number,
    },
    Param {
        key: POST_CG_SUPPORT_MONTHS,
        title: "Support after a positive CG decision (up to, months)",
        kind: Kind::Number,
    },
    Param {
        key: CONSENT_SHARING_MAX_DAYS,
        title: "Longest a consent to share data may run (calendar days)",
        kind: Kind::Number,
    },
    Param {
        key: CONSENT_CHILD_AGREED_BY,
        title: "Who agrees, with a child, to share the child's data",
        kind: Kind::Choice(&[
            "child_with_parental_responsibility_local_authority_or_guardian",
            "child_with_parental_responsibility_or_local_authority",
        ]),
    },
    Param { key: EMERGENCY_ACCESS_HOURS, title: "Emergency access to an identity lasts (hours)", kind: Kind::Number },
];

/// The catalogue entry for `key`.
pub fn param(key: &str) -> Option<&'static Param> {
    CATALOGUE.iter().find(|p| p.key == key)
}
