//! The coded values events carry: outcomes, questions, who was told, who reviews, grounds.

use crate::coded_enum;

coded_enum! {
    /// The outcome of a reasonable- or conclusive-grounds decision.
    pub enum DecisionOutcome {
        Positive = ("positive", "Positive"),
        Negative = ("negative", "Negative"),
    }
}

coded_enum! {
    /// Which of the two NRM questions a decision or reconsideration is about.
    pub enum Question {
        ReasonableGrounds = ("reasonable-grounds", "Reasonable grounds"),
        ConclusiveGrounds = ("conclusive-grounds", "Conclusive grounds"),
    }
}

coded_enum! {
    /// The result of reconsidering a negative decision.
    pub enum ReconsiderationOutcome {
        /// The negative decision stands.
        Upheld = ("upheld", "Decision upheld"),
        /// The negative decision is replaced by a positive one.
        Overturned = ("overturned", "Decision overturned"),
    }
}

coded_enum! {
    /// Why a person left support (issue 18): coded, so that exits can be counted and checked
    /// against the case; anything more goes in the event's words, sealed like other reasons.
    pub enum SupportExitReason {
        /// The move-on period after a positive conclusive grounds decision ended (at least
        /// `move_on.positive_cg_min_days` after it).
        MoveOnEnded = ("move-on-ended", "The move-on period after a positive conclusive grounds decision ended"),
        /// Exit support after a negative decision ended.
        ExitSupportEnded = ("exit-support-ended", "Exit support after a negative decision ended"),
        /// The person chose to leave support.
        ChoseToLeave = ("chose-to-leave", "The person chose to leave support"),
        /// Other support took over: a local authority, asylum support or another service.
        OtherSupport = ("other-support", "Other support took over (a local authority, asylum support or another service)"),
        /// Contact with the person was lost.
        LostContact = ("lost-contact", "Contact with the person was lost"),
        /// Support ended after the person was disqualified (NABA s63).
        Disqualified = ("disqualified", "Support ended after a disqualification"),
    }
}

coded_enum! {
    /// Who was told that a case was suspended or resumed.
    pub enum Notified {
        Police = ("police", "The police"),
        LocalAuthority = ("local-authority", "The local authority"),
        SupportProvider = ("support-provider", "The support provider"),
        Guardian = ("guardian", "The child's guardian service"),
        LegalAdviser = ("legal-adviser", "The person's legal adviser"),
        FirstResponder = ("first-responder", "The first responder"),
    }
}

coded_enum! {
    /// How a judicial review of a negative decision ended.
    pub enum JudicialReviewOutcome {
        /// The court quashed the decision: the competent authority decides again.
        Quashed = ("quashed", "Decision quashed: the authority decides again"),
        /// The claim was dismissed: the decision stands.
        Dismissed = ("dismissed", "Claim dismissed: the decision stands"),
        /// The claim was withdrawn or settled without a ruling.
        Withdrawn = ("withdrawn", "Claim withdrawn or settled"),
    }
}

coded_enum! {
    /// Who reviews a negative decision before it is served, as the rules in force require
    /// (`review.negative_decisions`).
    pub enum NegativeReview {
        /// A Multi-Agency Assurance Panel (negative conclusive grounds decisions, April 2019 to
        /// December 2022).
        MultiAgencyAssurancePanel = ("multi-agency-assurance-panel", "A Multi-Agency Assurance Panel"),
        /// A second caseworker or a manager (every negative decision, from December 2022).
        SecondCaseworker = ("second-caseworker", "A second caseworker or manager"),
        /// An independent multi-agency panel (a proposal's rule).
        IndependentPanel = ("independent-panel", "An independent multi-agency panel"),
    }
}

coded_enum! {
    /// The ground of a public order or bad faith disqualification (NABA 2022 s63).
    pub enum DisqualificationGround {
        /// The person is a threat to public order (s63(3) lists what counts).
        PublicOrder = ("public-order", "Threat to public order"),
        /// The person claimed to be a victim in bad faith.
        BadFaith = ("bad-faith", "Claimed to be a victim in bad faith"),
    }
}

coded_enum! {
    /// What makes a person a threat to public order, as NABA 2022 s63(3) lists "in particular"
    /// (the list is not exhaustive: `other`).
    pub enum PublicOrderBasis {
        TerroristOffence = ("terrorist-offence", "Convicted of a terrorist offence"),
        Schedule4Offence = (
            "schedule-4-offence",
            "Convicted of an offence listed in Schedule 4 to the Modern Slavery Act 2015, or a corresponding offence"
        ),
        Tpim = ("tpim", "Subject to a TPIM notice"),
        TerrorismSuspicion = ("terrorism-suspicion", "Reasonably suspected of involvement in terrorism-related activity"),
        NationalSecurity = (
            "national-security",
            "Subject to a notice under Part 2 of the National Security Act 2023, or suspected of foreign power threat activity"
        ),
        TemporaryExclusionOrder = ("temporary-exclusion-order", "Subject to a temporary exclusion order"),
        Other = ("other", "Another reason the authority is satisfied of (the list is not exhaustive)"),
    }
}

coded_enum! {
    /// Why a case exists without consent, or with it.
    pub enum ReferralBasis {
        /// An adult gave informed consent to enter the NRM.
        AdultConsent = ("adult-consent", "Adult who consented"),
        /// A child, or a person whose age is unknown: no consent is needed.
        ChildNoConsentNeeded = ("child-no-consent-needed", "Child or age unknown: no consent needed"),
    }
}
