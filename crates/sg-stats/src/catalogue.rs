//! The indicator catalogue: what Safeguard measures, how, and which claim each figure serves.
//!
//! The claims are the sector's own (Anti-Trafficking Monitoring Group and others, citing Home
//! Office statistics; see `shared/PRODUCT.md`). An indicator the data cannot yet support stays in
//! the catalogue with the reason, so a reader sees what is missing instead of a silent gap.

use serde::Serialize;

use crate::cells::{Dim, Measure};

/// How an indicator is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// A count of people in the period.
    Count,
    /// The share of decisions in the period that were positive.
    PositiveRate,
    /// The share of reasonable-grounds decisions made within 5 working days of referral.
    Timeliness,
    /// Duty to Notify reports as a share of reports and referrals together.
    DutyToNotifyShare,
    /// The mean days from referral to conclusive decision, for decisions in the period.
    TimeToDecision,
    /// Cases awaiting a conclusive decision now, and their mean age.
    Awaiting,
    /// The share of negative first decisions in the period since overturned.
    OverturnRate,
    /// Not computable from the facts Safeguard records yet.
    NotYetAvailable,
}

/// One indicator.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Indicator {
    /// Stable id, used in URLs and exports.
    pub id: &'static str,
    /// Short title.
    pub title: &'static str,
    /// What it measures, in words.
    pub definition: &'static str,
    /// What is counted on top.
    pub numerator: &'static str,
    /// What it is counted out of.
    pub denominator: &'static str,
    /// The measure it counts.
    pub measure: Measure,
    /// How it is computed.
    pub kind: Kind,
    /// The breakdowns it is published by.
    pub breakdowns: &'static [Dim],
    /// The claim it serves.
    pub claim: &'static str,
    /// Why it is not available, for [`Kind::NotYetAvailable`].
    pub missing: &'static str,
}

use Dim::*;

/// Every indicator, in report order.
pub const CATALOGUE: &[Indicator] = &[
    Indicator {
        id: "referrals",
        title: "NRM referrals",
        definition: "People referred into the National Referral Mechanism in the period (by date of referral).",
        numerator: "referrals in the period",
        denominator: "none (a count)",
        measure: Measure::Referrals,
        kind: Kind::Count,
        breakdowns: &[Age, Gender, NationalityGroup, Nationality, Exploitation, ExploitationCombination, FirstResponderType, CompetentAuthority, Jurisdiction, Location],
        claim: "Referrals reach record levels (17,004 in 2023; 6,414 in Q3 2025); who is referred and by whom.",
        missing: "",
    },
    Indicator {
        id: "duty-to-notify-share",
        title: "Duty to Notify reports and their share",
        definition: "Anonymous Duty to Notify reports (adults who did not consent to a referral) as a share of the adults the duty concerns: reports and adult referrals together, from November 2015, when the duty began (a child is referred without consent and never reported).",
        numerator: "Duty to Notify reports in the period",
        denominator: "Duty to Notify reports plus adult NRM referrals in the period, from November 2015",
        measure: Measure::DutyToNotify,
        kind: Kind::DutyToNotifyShare,
        breakdowns: &[],
        claim: "Adults who refuse the NRM, many for fear of immigration consequences (48% in the sector's survey).",
        missing: "",
    },
    Indicator {
        id: "rg-positive-rate",
        title: "Positive reasonable-grounds decisions",
        definition: "The share of reasonable-grounds decisions made in the period that were positive, as first decided (a decision later overturned on reconsideration counts as the negative decision it was, as in the Home Office's tables).",
        numerator: "positive reasonable-grounds decisions in the period",
        denominator: "all reasonable-grounds decisions in the period",
        measure: Measure::RgDecisions,
        kind: Kind::PositiveRate,
        breakdowns: &[CompetentAuthority, NationalityGroup, Age, FirstResponderType],
        claim: "Positive RG decisions fell from over 90% before NABA Part 5 to 64% (Q3 2025); IECA 40% against SCA 70%.",
        missing: "",
    },
    Indicator {
        id: "cg-positive-rate",
        title: "Positive conclusive-grounds decisions",
        definition: "The share of conclusive-grounds decisions made in the period that were positive, as first decided.",
        numerator: "positive conclusive-grounds decisions in the period",
        denominator: "all conclusive-grounds decisions in the period",
        measure: Measure::CgDecisions,
        kind: Kind::PositiveRate,
        breakdowns: &[CompetentAuthority, NationalityGroup, Age, FirstResponderType],
        claim: "Over 80% positive CG decisions for UK and EU/EEA nationals against under 20% for others (2012).",
        missing: "",
    },
    Indicator {
        id: "rg-within-5-working-days",
        title: "Reasonable-grounds decisions within 5 working days",
        definition: "The share of reasonable-grounds decisions in the period made within 5 working days (Monday to Friday; bank holidays not yet excluded) of referral.",
        numerator: "decisions within 5 working days",
        denominator: "reasonable-grounds decisions in the period",
        measure: Measure::RgDecisions,
        kind: Kind::Timeliness,
        breakdowns: &[CompetentAuthority],
        claim: "The statutory guidance's target of a reasonable-grounds decision within 5 working days where possible.",
        missing: "",
    },
    Indicator {
        id: "time-to-cg",
        title: "Time to a conclusive-grounds decision",
        definition: "Mean days from referral to conclusive-grounds decision, for decisions in the period.",
        numerator: "days from referral to decision, summed",
        denominator: "conclusive-grounds decisions in the period",
        measure: Measure::CgDecisions,
        kind: Kind::TimeToDecision,
        breakdowns: &[CompetentAuthority],
        claim: "Survivors wait months or years for a conclusive decision.",
        missing: "",
    },
    Indicator {
        id: "awaiting-cg",
        title: "Cases awaiting a conclusive-grounds decision",
        definition: "Cases with a positive reasonable-grounds decision still awaiting a conclusive decision today, and their mean age in days since referral.",
        numerator: "cases awaiting a conclusive decision",
        denominator: "none (a count and a mean)",
        measure: Measure::Status,
        kind: Kind::Awaiting,
        breakdowns: &[CompetentAuthority],
        claim: "5,758 cases awaiting CG, average age 141 days (Home Office, 2025).",
        missing: "",
    },
    Indicator {
        id: "rg-overturned",
        title: "Negative reasonable-grounds decisions overturned",
        definition: "Negative reasonable-grounds decisions first made in the period, and the share of them since overturned, on reconsideration or after a judicial review (first decisions against final outcomes).",
        numerator: "negative first decisions since overturned",
        denominator: "negative reasonable-grounds decisions first made in the period",
        measure: Measure::RgDecisions,
        kind: Kind::OverturnRate,
        breakdowns: &[CompetentAuthority],
        claim: "About 73% of reconsideration requests decided in Q3 2025 succeeded: first decisions are often wrong.",
        missing: "",
    },
    Indicator {
        id: "cg-overturned",
        title: "Negative conclusive-grounds decisions overturned",
        definition: "Negative conclusive-grounds decisions first made in the period, and the share of them since overturned, on reconsideration or after a judicial review.",
        numerator: "negative first decisions since overturned",
        denominator: "negative conclusive-grounds decisions first made in the period",
        measure: Measure::CgDecisions,
        kind: Kind::OverturnRate,
        breakdowns: &[CompetentAuthority],
        claim: "About 73% of reconsideration requests decided in Q3 2025 succeeded: first decisions are often wrong.",
        missing: "",
    },
    Indicator {
        id: "credibility-flags",
        title: "Credibility concerns by referring agency",
        definition: "Referrals where the first responder recorded doubts about credibility, by first responder type, and their link to negative decisions.",
        numerator: "referrals flagged not credible",
        denominator: "referrals",
        measure: Measure::Referrals,
        kind: Kind::NotYetAvailable,
        breakdowns: &[FirstResponderType],
        claim: "87% of negative RG outcomes flagged not credible came from Home Office agencies' referrals.",
        missing: "The referral journey does not record the form's credibility question yet.",
    },
    Indicator {
        id: "disqualifications",
        title: "Public order and bad faith disqualifications",
        definition: "People whose protections were ended in the period by a public order or bad faith disqualification (NABA 2022 s63), by the month of the decision. Requests that were not granted are not recorded.",
        numerator: "disqualifications in the period",
        denominator: "none (a count)",
        measure: Measure::Disqualifications,
        kind: Kind::Count,
        breakdowns: &[],
        claim: "112 disqualification requests in Q3 2025.",
        missing: "",
    },
    Indicator {
        id: "re-referrals",
        title: "Re-referrals",
        definition: "Referrals in the period of a person referred before, linked with their agreement to their earlier case (by the month of the new referral): people found again in exploitation, or whose first referral ended without protection.",
        numerator: "referrals linked to an earlier case",
        denominator: "none (a count)",
        measure: Measure::ReReferrals,
        kind: Kind::Count,
        breakdowns: &[],
        claim: "People are re-trafficked after leaving the NRM; the Home Office tables do not count re-referrals.",
        missing: "",
    },
    Indicator {
        id: "permission-to-stay",
        title: "Permission to stay for confirmed non-UK victims",
        definition: "Grants of temporary permission to stay among confirmed (positive CG) non-UK victims.",
        numerator: "grants",
        denominator: "confirmed non-UK victims",
        measure: Measure::CgDecisions,
        kind: Kind::NotYetAvailable,
        breakdowns: &[Age],
        claim: "Only 176 of 4,240 confirmed non-UK adult victims (4%) got permission to stay in 2024.",
        missing: "Permission-to-stay decisions are in each case's events but not yet in the statistics projection.",
    },
    Indicator {
        id: "support-exits",
        title: "Exits from support",
        definition: "People leaving support in the period, by reason.",
        numerator: "exits",
        denominator: "people in support",
        measure: Measure::Status,
        kind: Kind::NotYetAvailable,
        breakdowns: &[],
        claim: "Support ends abruptly after a negative decision.",
        missing: "Support exits are in each case's events but not yet in the statistics projection.",
    },
];

/// The indicator with this id.
pub fn indicator(id: &str) -> Option<&'static Indicator> {
    CATALOGUE.iter().find(|i| i.id == id)
}
