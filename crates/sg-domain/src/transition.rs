//! Why the state machine refused a command, as typed values: each reason has a stable code
//! (`errors.<code>` in the web layer's catalogues, and the API error's `code`) and its English
//! sentence, so nothing above has to recognise a reason by its words.

use time::Date;

use crate::{coded_enum, Coded};

coded_enum! {
    /// A step that needs something that has not happened ([`TransitionError::NotYet`]). The code
    /// is the message's full code; the label is its English sentence.
    pub enum NotYet {
        OnlyReportConverts = ("not_yet.only_report_converts", "only a Duty to Notify report can be converted to a referral"),
        NotRouted = ("not_yet.not_routed", "the case has not been routed to a competent authority"),
        IecaAdultsOnly = (
            "not_yet.ieca_adults_only",
            "a child's case, or that of a person whose age is unknown, is never routed to the Immigration Enforcement Competent Authority"
        ),
        CgNeedsPositiveRg = (
            "not_yet.cg_needs_positive_rg",
            "a conclusive grounds decision needs a positive reasonable grounds decision first"
        ),
        ReconsiderationPendingDecide = ("not_yet.reconsideration_pending_decide", "a reconsideration is pending; decide it first"),
        ReconsiderationAlreadyPending = ("not_yet.reconsideration_already_pending", "a reconsideration is already pending"),
        OnlyNegativeReconsidered = ("not_yet.only_negative_reconsidered", "only a negative decision can be reconsidered"),
        DecisionNotMade = ("not_yet.decision_not_made", "that decision has not been made yet"),
        CgMade = ("not_yet.cg_made", "the conclusive grounds decision has been made"),
        NoReconsiderationPending = ("not_yet.no_reconsideration_pending", "no reconsideration is pending"),
        AlreadyInSupport = ("not_yet.already_in_support", "the person is already in support"),
        NotInSupport = ("not_yet.not_in_support", "the person is not in support"),
        MoveOnNeedsPositiveCg = (
            "not_yet.move_on_needs_positive_cg",
            "move-on support follows a positive conclusive grounds decision, which this case does not have"
        ),
        ExitSupportNeedsNegative = (
            "not_yet.exit_support_needs_negative",
            "exit support follows a negative decision, which this case does not have"
        ),
        NotDisqualified = ("not_yet.not_disqualified", "the person has not been disqualified"),
        StayNeedsPositiveCg = (
            "not_yet.stay_needs_positive_cg",
            "temporary permission to stay as a victim needs a positive conclusive grounds decision"
        ),
        StayAlreadyPending = ("not_yet.stay_already_pending", "an application for permission to stay is already pending"),
        NoStayPending = ("not_yet.no_stay_pending", "there is no pending application for permission to stay"),
        GuardianChildOnly = ("not_yet.guardian_child_only", "only a child's case has an independent child trafficking guardian"),
        GuardianAlreadyAssigned = ("not_yet.guardian_already_assigned", "this guardian service is already assigned to the child"),
        NoGuardian = ("not_yet.no_guardian", "no guardian service is assigned"),
        AdviserAlreadyInstructed = ("not_yet.adviser_already_instructed", "this legal adviser is already instructed on the case"),
        AdviserNotInstructed = ("not_yet.adviser_not_instructed", "this legal adviser is not instructed on the case"),
        Suspended = ("not_yet.suspended", "consideration of the case is suspended; resume it first"),
        NotSuspended = ("not_yet.not_suspended", "consideration of the case is not suspended"),
        JudicialReviewAlreadyPending = ("not_yet.judicial_review_already_pending", "a judicial review of this case is already pending"),
        JudicialReviewPermissionDecided = (
            "not_yet.judicial_review_permission_decided",
            "permission for this judicial review was already decided"
        ),
        NoJudicialReviewPending = ("not_yet.no_judicial_review_pending", "no judicial review is pending"),
        OnlyNegativeChallenged = ("not_yet.only_negative_challenged", "only a negative decision is challenged by judicial review here"),
        AwaitingReview = (
            "not_yet.awaiting_review",
            "a negative decision is waiting for its review; the review agrees it or returns it first"
        ),
        NoReviewPending = ("not_yet.no_review_pending", "no negative decision is waiting for a review"),
        DisqualifyNeedsPositiveRg = (
            "not_yet.disqualify_needs_positive_rg",
            "only a person with a positive reasonable grounds decision has protections that a disqualification ends"
        ),
        AlreadyDisqualified = ("not_yet.already_disqualified", "the person has already been disqualified"),
        AgeAlreadyDisputed = ("not_yet.age_already_disputed", "the person's age is already disputed and awaits an assessment"),
        AgeNotInDoubt = (
            "not_yet.age_not_in_doubt",
            "the person's age is neither disputed nor unknown: dispute it first, saying why"
        ),
        AssessedAgeUnknown = ("not_yet.assessed_age_unknown", "an age assessment finds the person an adult or a child"),
        NotAChild = ("not_yet.not_a_child", "the person is not a child on this case, so cannot turn 18 during it"),
        NoRecoveryPeriod = (
            "not_yet.no_recovery_period",
            "the recovery period has not started: it starts with a positive reasonable grounds decision"
        ),
        DisqualifiedNoStay = (
            "not_yet.disqualified_no_stay",
            "the person was disqualified (NABA s63): the duty to grant permission to stay as a victim no longer applies"
        ),
        BritishNationalNoStay = (
            "not_yet.british_national_no_stay",
            "temporary permission to stay is for a person who is not a British citizen (NABA s65)"
        ),
        ChildCannotWithdraw = (
            "not_yet.child_cannot_withdraw",
            "a child's referral does not rest on consent, so it cannot be withdrawn by the child"
        ),
    }
}

coded_enum! {
    /// A decision that can be made only once ([`TransitionError::AlreadyDecided`]). The code is
    /// the argument `question` the pages word (`errors.question.<code>`).
    pub enum Decided {
        ReasonableGrounds = ("reasonable-grounds", "reasonable grounds"),
        ConclusiveGrounds = ("conclusive-grounds", "conclusive grounds"),
        PermissionToStay = ("permission-to-stay", "permission to stay"),
    }
}

/// What is wrong with a command's date ([`TransitionError::BadDate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// After today.
    InFuture,
    /// Before the case's latest event, which happened on this date.
    BeforeLatest(Date),
}

impl std::fmt::Display for DateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::InFuture => f.write_str("in the future"),
            Self::BeforeLatest(latest) => write!(f, "before the case's latest event ({latest})"),
        }
    }
}

/// Why a command was refused. Each message says what is wrong in words a caseworker uses; the
/// English is for the API and logs, the [`code`](Self::code) and [`args`](Self::args) for
/// everything that words it in another language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The case is a Duty to Notify report, on which no decision can be made.
    #[error("this is a Duty to Notify report: no NRM decision can be made unless it is first converted to a referral with the person's consent")]
    DutyToNotify,
    /// The case was withdrawn.
    #[error("the person withdrew from the NRM on {0}; no further changes can be made")]
    Withdrawn(Date),
    /// The question was already decided.
    #[error("a {question} decision was already made on {on}", question = .0.label(), on = .1)]
    AlreadyDecided(Decided, Date),
    /// A step needs something that has not happened.
    #[error("{}", .0.label())]
    NotYet(NotYet),
    /// The date is before the case's last event, or in the future.
    #[error("the date {on} is {problem}")]
    BadDate { on: Date, problem: DateProblem },
    /// A required text was empty.
    #[error("{0} must not be empty")]
    Empty(&'static str),
}

impl TransitionError {
    /// Every code other than [`NotYet`]'s, for the catalogue tests.
    pub const CODES: &'static [&'static str] = &[
        "transition.duty_to_notify",
        "transition.withdrawn",
        "transition.already_decided",
        "transition.date_future",
        "transition.date_before_latest",
        "transition.empty",
    ];

    /// The request field most at fault, for error envelopes.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::BadDate { .. } => Some("date"),
            Self::Empty(field) => Some(field),
            _ => None,
        }
    }

    /// The message's stable code: the API error's `code`, and the catalogue key's suffix.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DutyToNotify => "transition.duty_to_notify",
            Self::Withdrawn(_) => "transition.withdrawn",
            Self::AlreadyDecided(..) => "transition.already_decided",
            Self::NotYet(reason) => reason.code(),
            Self::BadDate { problem: DateProblem::InFuture, .. } => "transition.date_future",
            Self::BadDate { problem: DateProblem::BeforeLatest(_), .. } => "transition.date_before_latest",
            Self::Empty(_) => "transition.empty",
        }
    }

    /// The message's arguments: dates as ISO text, `question` a [`Decided`] code, `field` the
    /// request field.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::DutyToNotify | Self::NotYet(_) => vec![],
            Self::Withdrawn(on) => vec![("date", on.to_string())],
            Self::AlreadyDecided(question, on) => vec![("question", question.code().into()), ("date", on.to_string())],
            Self::BadDate { on, problem: DateProblem::InFuture } => vec![("date", on.to_string())],
            Self::BadDate { on, problem: DateProblem::BeforeLatest(latest) } => {
                vec![("date", on.to_string()), ("latest", latest.to_string())]
            }
            Self::Empty(field) => vec![("field", field.to_string())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_errors_keep_their_english_and_have_codes() {
        let on = time::macros::date!(2024 - 01 - 02);
        let e = TransitionError::NotYet(NotYet::NotInSupport);
        assert_eq!((e.code(), e.to_string().as_str()), ("not_yet.not_in_support", "the person is not in support"));
        let latest = time::macros::date!(2024 - 01 - 05);
        let e = TransitionError::BadDate { on, problem: DateProblem::BeforeLatest(latest) };
        assert_eq!(e.code(), "transition.date_before_latest");
        assert_eq!(e.to_string(), "the date 2024-01-02 is before the case's latest event (2024-01-05)");
        assert_eq!(e.args(), vec![("date", "2024-01-02".to_string()), ("latest", "2024-01-05".to_string())]);
        let e = TransitionError::AlreadyDecided(Decided::ConclusiveGrounds, on);
        assert_eq!(e.to_string(), "a conclusive grounds decision was already made on 2024-01-02");
        assert_eq!(e.args()[0], ("question", "conclusive-grounds".to_string()));
    }

    #[test]
    fn every_code_is_distinct() {
        let mut codes: Vec<&str> =
            NotYet::ALL.iter().map(|r| r.code()).chain(TransitionError::CODES.to_vec()).collect();
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }
}
