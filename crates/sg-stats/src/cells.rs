//! The input of every indicator: weighted cells of non-identifying facts.
//!
//! One [`Cell`] counts `n` people who share the same facts. The system's own cases become one
//! cell each (or one per combination, when the store keeps them aggregated); an official table
//! becomes one cell per published count, with the dimensions that table does not give left as
//! `None`. Because official tables overlap (the longitudinal referrals table and the quarterly
//! cube both count 2023 referrals), a source is a list of [`Table`]s, and each indicator reads
//! the first table that has the measure and dimensions it needs, so nothing is counted twice.

use serde::{Deserialize, Serialize};
use sg_domain::{
    AgeAtExploitation, CaseKind, CaseState, CaseStatus, Coded, CompetentAuthority, DecisionOutcome,
    ExploitationLocation, ExploitationType, FirstResponderType, Gender, Jurisdiction, Nationality,
};
use time::{Date, Weekday};

pub use crate::period::{Month, Period};

/// The groups the sector compares positive-decision rates across (the 2012 figure: over 80% for
/// UK and EU/EEA nationals, under 20% for others).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum NationalityGroup {
    /// British.
    Uk,
    /// A national of an EU member state, Iceland, Liechtenstein or Norway.
    EuEea,
    /// Any other nationality.
    Other,
    /// Not recorded.
    Unknown,
}

/// EU member states (2020 onwards) and the other EEA states, as ISO codes.
const EU_EEA: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT",
    "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO",
];

impl NationalityGroup {
    /// The label shown in tables.
    pub fn label(self) -> &'static str {
        match self {
            Self::Uk => "UK",
            Self::EuEea => "EU/EEA",
            Self::Other => "Other",
            Self::Unknown => "Not known",
        }
    }
    /// The group of one ISO country code.
    pub fn of_code(code: &str) -> Self {
        if code == "GB" {
            Self::Uk
        } else if EU_EEA.contains(&code) {
            Self::EuEea
        } else {
            Self::Other
        }
    }
    /// The group of a statistics nationality label. A dual national (`Albanian Greek`) counts
    /// in the group with the most rights of either nationality (UK, then EU/EEA), because that is
    /// the status that shapes their case.
    pub fn of_label(label: &str) -> Self {
        let codes = label_codes(label);
        if codes.is_empty() {
            return Self::Unknown;
        }
        codes.iter().map(|c| Self::of_code(c)).min().unwrap_or(Self::Unknown)
    }
}

/// The ISO codes behind a statistics nationality label, splitting dual labels at a space where
/// both halves are known labels (labels themselves may contain spaces).
fn label_codes(label: &str) -> Vec<&'static str> {
    use sg_domain::countries::by_nrm_label;
    if let Some(c) = by_nrm_label(label) {
        return vec![c.code];
    }
    for (i, _) in label.match_indices(' ') {
        let (a, b) = (&label[..i], &label[i + 1..]);
        match (by_nrm_label(a), by_nrm_label(b)) {
            (Some(x), Some(y)) => return vec![x.code, y.code],
            (Some(x), None) | (None, Some(x)) => return vec![x.code],
            _ => {}
        }
    }
    Vec::new()
}

/// What a cell counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    /// NRM referrals, by month of referral.
    Referrals,
    /// Duty to Notify reports, by month of report.
    DutyToNotify,
    /// Reasonable-grounds decisions, by month of decision.
    RgDecisions,
    /// Conclusive-grounds decisions, by month of decision.
    CgDecisions,
    /// Cases and their current status (awaiting a decision, ...).
    Status,
    /// Referrals linked to an earlier case of the same person, by month of referral.
    ReReferrals,
    /// Public order and bad faith disqualifications, by month of the decision.
    Disqualifications,
}

/// A dimension a table may break its counts down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dim {
    /// Age at exploitation.
    Age,
    /// Gender.
    Gender,
    /// Nationality (the statistics' label).
    Nationality,
    /// UK, EU/EEA, other.
    NationalityGroup,
    /// Exploitation type: each person counts under each of their types (so the rows add up to
    /// more than the people), and under "not specified" when none is known.
    Exploitation,
    /// Exploitation types as combined for each person (`Sexual & Labour`): one row each.
    ExploitationCombination,
    /// Kind of first responder.
    FirstResponderType,
    /// Competent authority.
    CompetentAuthority,
    /// UK nation.
    Jurisdiction,
    /// Where the exploitation happened.
    Location,
    /// Whether the reasonable-grounds decision came within 5 working days.
    Timeliness,
    /// Days from referral to conclusive decision.
    TimeToDecision,
}

impl Dim {
    /// The heading shown in tables.
    pub fn label(self) -> &'static str {
        match self {
            Dim::Age => "Age at exploitation",
            Dim::Gender => "Gender",
            Dim::Nationality => "Nationality",
            Dim::NationalityGroup => "Nationality group",
            Dim::Exploitation => "Exploitation type (a person counts under each of theirs)",
            Dim::ExploitationCombination => "Exploitation types, as combined",
            Dim::FirstResponderType => "First responder type",
            Dim::CompetentAuthority => "Competent authority",
            Dim::Jurisdiction => "UK nation",
            Dim::Location => "Location of exploitation",
            Dim::Timeliness => "Decided within 5 working days",
            Dim::TimeToDecision => "Days to conclusive decision",
        }
    }
}

/// `n` people sharing the same non-identifying facts. `None` means the source does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// How many people.
    pub n: u64,
    /// Referral or Duty to Notify report.
    pub kind: Option<CaseKind>,
    /// The month of referral (or report), when the cell counts referrals or reports.
    pub referred: Option<Month>,
    /// Where the cases stand now.
    pub status: Option<CaseStatus>,
    /// UK nation.
    pub jurisdiction: Option<Jurisdiction>,
    /// Age at exploitation.
    pub age: Option<AgeAtExploitation>,
    /// Gender.
    pub gender: Option<Gender>,
    /// Nationality as the statistics label it (`Albanian`, `UK`, `Albanian Greek`).
    pub nationality: Option<String>,
    /// Exploitation types as a bit set in `ExploitationType::ALL` order; 0 is "not specified".
    pub exploitation: Option<u8>,
    /// Location of exploitation.
    pub location: Option<ExploitationLocation>,
    /// Kind of first responder.
    pub fr_type: Option<FirstResponderType>,
    /// Competent authority.
    pub ca: Option<CompetentAuthority>,
    /// The reasonable-grounds outcome and month.
    pub rg: Option<(DecisionOutcome, Month)>,
    /// Whether the reasonable-grounds decision came within 5 working days of referral, in the
    /// working-day calendar of the case's nation.
    pub rg_within_5wd: Option<bool>,
    /// The conclusive-grounds outcome and month.
    pub cg: Option<(DecisionOutcome, Month)>,
    /// The sum over the `n` people of days from referral to conclusive decision.
    pub cg_days_sum: u64,
    /// The sum over the `n` people of their referral day (Julian day number), so that the mean
    /// age of cases still awaiting a decision can be computed without keeping each date.
    pub referred_day_sum: i64,
    /// Whether a negative first reasonable-grounds decision was later overturned (on
    /// reconsideration, or after a judicial review); `None` where the source does not say.
    pub rg_overturned: Option<bool>,
    /// The same for the conclusive-grounds decision.
    pub cg_overturned: Option<bool>,
    /// Whether the referral was linked to an earlier case of the same person.
    pub re_referral: Option<bool>,
    /// The month of a disqualification.
    pub disqualified: Option<Month>,
}

/// The non-identifying facts of one case, as the store reads them from its projection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    /// Referral or Duty to Notify report.
    pub kind: CaseKind,
    /// Status.
    pub status: CaseStatus,
    /// UK nation.
    pub jurisdiction: Jurisdiction,
    /// Age at exploitation.
    pub age: AgeAtExploitation,
    /// Gender.
    pub gender: Gender,
    /// First and second nationality.
    pub nationalities: [Option<Nationality>; 2],
    /// Bit set of exploitation types.
    pub exploitation: u8,
    /// Location of exploitation.
    pub location: ExploitationLocation,
    /// First responder type.
    pub fr_type: FirstResponderType,
    /// Competent authority.
    pub ca: Option<CompetentAuthority>,
    /// Day of referral.
    pub referred_on: Date,
    /// Reasonable-grounds outcome as first decided, and its day (a reconsideration's overturn
    /// shows in `status`).
    pub rg: Option<(DecisionOutcome, Date)>,
    /// Conclusive-grounds outcome as first decided, and its day.
    pub cg: Option<(DecisionOutcome, Date)>,
    /// The reasonable-grounds decision was overturned after it was first made.
    pub rg_overturned: bool,
    /// The conclusive-grounds decision was overturned after it was first made.
    pub cg_overturned: bool,
    /// Linked to an earlier case of the same person.
    pub re_referral: bool,
    /// The day of a disqualification.
    pub disqualified_on: Option<Date>,
}

/// Whether `decided` is at most 5 working days after `from` in the working-day calendar of
/// `jurisdiction` (`sg_rules::calendar`: weekends and that nation's bank holidays do not count,
/// nor does the day of referral). Outside the calendar's years (2009 to 2035) only weekends are
/// left out, as no bank holiday is known there.
pub fn within_five_working_days(jurisdiction: Jurisdiction, from: Date, decided: Date) -> bool {
    if let Ok(limit) = sg_rules::calendar::add_working_days(jurisdiction, from, 5) {
        return decided <= limit;
    }
    let limit = match from.weekday() {
        Weekday::Saturday => 6,
        Weekday::Sunday => 5,
        _ => 7,
    };
    (decided - from).whole_days() <= limit
}

/// The bit set of exploitation types in `ExploitationType::ALL` order, as cells and the
/// `cases` projection store them.
pub fn exploitation_bits<'a>(types: impl IntoIterator<Item = &'a ExploitationType>) -> u8 {
    types
        .into_iter()
        .map(|t| 1u8 << ExploitationType::ALL.iter().position(|x| x == t).unwrap_or(0))
        .fold(0, |a, b| a | b)
}

impl CaseRow {
    /// The statistical facts of a case in `state`: what the `cases` projection stores of it.
    pub fn of(state: &CaseState) -> CaseRow {
        let f = &state.facts;
        CaseRow {
            kind: state.kind,
            status: state.status(),
            jurisdiction: f.jurisdiction,
            age: f.age_at_exploitation,
            gender: f.gender,
            nationalities: [f.nationalities.first().copied(), f.nationalities.get(1).copied()],
            exploitation: exploitation_bits(&f.exploitation_types),
            location: f.exploitation_location,
            fr_type: f.first_responder_type,
            ca: state.competent_authority,
            referred_on: f.referred_on,
            // First decisions, never rewritten by a reconsideration: the final outcome is `status`.
            rg: state.reasonable_grounds.map(|d| (d.first_outcome, d.decided_on)),
            cg: state.conclusive_grounds.map(|d| (d.first_outcome, d.decided_on)),
            rg_overturned: state.reasonable_grounds.is_some_and(|d| d.overturned_on_reconsideration),
            cg_overturned: state.conclusive_grounds.is_some_and(|d| d.overturned_on_reconsideration),
            re_referral: state.re_referral,
            disqualified_on: state.disqualified.map(|(_, on)| on),
        }
    }
}

/// The statistics label of a case's nationalities, dual nationals joined by a space as in the
/// Home Office tables.
pub fn nationality_label(nationalities: &[Option<Nationality>; 2]) -> Option<String> {
    match nationalities {
        [Some(a), Some(b)] => Some(format!("{} {}", a.nrm_label(), b.nrm_label())),
        [Some(a), None] | [None, Some(a)] => Some(a.nrm_label().to_string()),
        [None, None] => None,
    }
}

impl Cell {
    /// The cell of one case.
    pub fn from_case(row: &CaseRow) -> Cell {
        Cell {
            n: 1,
            kind: Some(row.kind),
            referred: Some(Month::of(row.referred_on)),
            status: Some(row.status),
            jurisdiction: Some(row.jurisdiction),
            age: Some(row.age),
            gender: Some(row.gender),
            nationality: nationality_label(&row.nationalities),
            exploitation: Some(row.exploitation),
            location: Some(row.location),
            fr_type: Some(row.fr_type),
            ca: row.ca,
            rg: row.rg.map(|(o, d)| (o, Month::of(d))),
            rg_within_5wd: row.rg.map(|(_, d)| within_five_working_days(row.jurisdiction, row.referred_on, d)),
            cg: row.cg.map(|(o, d)| (o, Month::of(d))),
            cg_days_sum: row.cg.map(|(_, d)| (d - row.referred_on).whole_days().max(0) as u64).unwrap_or(0),
            referred_day_sum: row.referred_on.to_julian_day() as i64,
            rg_overturned: row.rg.map(|_| row.rg_overturned),
            cg_overturned: row.cg.map(|_| row.cg_overturned),
            re_referral: Some(row.re_referral),
            disqualified: row.disqualified_on.map(Month::of),
        }
    }

    /// Whether the cell counts exploitation type `t`.
    pub fn has_type(&self, t: ExploitationType) -> bool {
        let bit = ExploitationType::ALL.iter().position(|x| *x == t).unwrap_or(0);
        self.exploitation.is_some_and(|b| b & (1 << bit) != 0)
    }
}

/// Parses a statistics exploitation label (`Sexual, Labour & Domestic`, `Labour, Domestic,
/// Organ Harvesting`, `Not specified or unknown`) into a bit set; `None` for an unknown part.
pub fn parse_exploitation_label(label: &str) -> Option<u8> {
    let label = label.trim();
    if label.eq_ignore_ascii_case("Not specified or unknown") || label.eq_ignore_ascii_case("unknown") {
        return Some(0);
    }
    let mut bits = 0u8;
    for part in label.split([',', '&']).map(str::trim).filter(|p| !p.is_empty()) {
        let i = ExploitationType::ALL.iter().position(|t| t.label().eq_ignore_ascii_case(part))?;
        bits |= 1 << i;
    }
    (bits != 0).then_some(bits)
}

/// How finely a table's months are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Granularity {
    /// Calendar months (the system's own cases).
    Month,
    /// Quarters (the Home Office tables).
    Quarter,
    /// Years (CTDC).
    Year,
}

/// A table of cells with the measures it counts and the dimensions it gives.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// A short name (`referrals-longitudinal`, `own-cases`).
    pub name: String,
    /// What the table is, for the report's notes.
    pub description: String,
    /// What it counts.
    pub measures: Vec<Measure>,
    /// The dimensions its cells give.
    pub dims: Vec<Dim>,
    /// How finely its months are known.
    pub granularity: Granularity,
    /// The cells.
    #[serde(skip)]
    pub cells: Vec<Cell>,
}

impl Table {
    /// Whether the table can answer a question about `measure` broken down by `dims`.
    pub fn answers(&self, measure: Measure, dims: &[Dim]) -> bool {
        // Combinations are read from the same bit sets as the types.
        let has = |d: &Dim| match d {
            Dim::ExploitationCombination => self.dims.contains(&Dim::Exploitation),
            d => self.dims.contains(d),
        };
        self.measures.contains(&measure) && dims.iter().all(has)
    }

    /// The system's own cases, as one table with every measure and dimension.
    pub fn own_cases(cells: Vec<Cell>) -> Table {
        use Dim::*;
        Table {
            name: "own-cases".into(),
            description: "The cases recorded in this Safeguard system".into(),
            measures: vec![
                Measure::Referrals,
                Measure::DutyToNotify,
                Measure::RgDecisions,
                Measure::CgDecisions,
                Measure::Status,
                Measure::ReReferrals,
                Measure::Disqualifications,
            ],
            dims: vec![
                Age,
                Gender,
                Nationality,
                NationalityGroup,
                Exploitation,
                FirstResponderType,
                CompetentAuthority,
                Jurisdiction,
                Location,
                Timeliness,
                TimeToDecision,
            ],
            granularity: Granularity::Month,
            cells,
        }
    }
}

/// The code of an enumeration value, for stored cells.
pub fn code_of<T: Coded>(v: Option<T>) -> Option<&'static str> {
    v.map(|x| x.code())
}
