//! Reading cells: which cells a measure counts in a period, and the value of each dimension.

use sg_domain::{
    AgeAtExploitation, CaseKind, Coded, CompetentAuthority, DecisionOutcome, ExploitationLocation, FirstResponderType,
    Gender, Jurisdiction,
};

use crate::cells::{Cell, Dim, Measure, Month, NationalityGroup, Period};

/// The month a cell counts in for a measure, if it counts at all.
pub(crate) fn month_of(c: &Cell, m: Measure) -> Option<Month> {
    match m {
        Measure::Referrals => c.referred.filter(|_| c.kind == Some(CaseKind::Referral)),
        Measure::DutyToNotify => c.referred.filter(|_| c.kind == Some(CaseKind::DutyToNotify)),
        Measure::RgDecisions => c.rg.map(|(_, m)| m),
        Measure::CgDecisions => c.cg.map(|(_, m)| m),
        Measure::Status => None,
        Measure::ReReferrals => c.referred.filter(|_| c.re_referral == Some(true)),
        Measure::Disqualifications => c.disqualified,
    }
}

/// Whether a cell counts for a measure in a period. A referral or report whose month is not
/// known (CTDC records without a year of registration) counts in "all periods" only, which
/// is every one of them, rather than in none.
pub(crate) fn counts(c: &Cell, m: Measure, p: Period) -> bool {
    match month_of(c, m) {
        Some(month) => p.contains(month),
        None => p == Period::All && undated(c, m),
    }
}

/// A referral or report of unknown month.
fn undated(c: &Cell, m: Measure) -> bool {
    let kind = match m {
        Measure::Referrals => CaseKind::Referral,
        Measure::DutyToNotify => CaseKind::DutyToNotify,
        _ => return false,
    };
    c.kind == Some(kind) && c.referred.is_none()
}

/// Whether the cell's decision for a measure was positive.
pub(crate) fn positive(c: &Cell, m: Measure) -> bool {
    let outcome = match m {
        Measure::RgDecisions => c.rg.map(|(o, _)| o),
        Measure::CgDecisions => c.cg.map(|(o, _)| o),
        _ => None,
    };
    outcome == Some(DecisionOutcome::Positive)
}

/// Whether a row label is a "not known" group, which comparisons leave out.
pub(crate) fn is_not_known(label: &str) -> bool {
    matches!(label, "Not known" | "Not specified or unknown")
}

fn label<T: Coded>(v: Option<T>) -> String {
    v.map(|x| x.label().to_string()).unwrap_or_else(|| "Not known".into())
}

/// The combined exploitation label of the statistics tables (`Sexual & Labour`).
pub(crate) fn exploitation_label(bits: Option<u8>) -> String {
    use sg_domain::ExploitationType as T;
    let Some(bits) = bits.filter(|b| *b != 0) else { return "Not specified or unknown".into() };
    let order = [T::Sexual, T::Labour, T::Domestic, T::Criminal, T::OrganHarvesting];
    let parts: Vec<&str> = order
        .iter()
        .filter(|t| T::ALL.iter().position(|x| x == *t).is_some_and(|i| bits & (1 << i) != 0))
        .map(|t| t.label())
        .collect();
    match parts.len() {
        1 => parts[0].to_string(),
        n => format!("{} & {}", parts[..n - 1].join(", "), parts[n - 1]),
    }
}

/// The value of a dimension for a cell, as shown in tables.
pub(crate) fn dim_value(c: &Cell, d: Dim) -> String {
    match d {
        Dim::Age => label(c.age),
        Dim::Gender => label(c.gender),
        Dim::Nationality => c.nationality.clone().unwrap_or_else(|| "Not known".into()),
        Dim::NationalityGroup => {
            c.nationality.as_deref().map(NationalityGroup::of_label).unwrap_or(NationalityGroup::Unknown).label().into()
        }
        Dim::Exploitation | Dim::ExploitationCombination => exploitation_label(c.exploitation),
        Dim::FirstResponderType => label(c.fr_type),
        Dim::CompetentAuthority => {
            c.ca.map(|a| a.label().to_string()).unwrap_or_else(|| "Not allocated to an authority".into())
        }
        Dim::Jurisdiction => label(c.jurisdiction),
        Dim::Location => label(c.location),
        Dim::Timeliness => match c.rg_within_5wd {
            Some(true) => "Within 5 working days".into(),
            Some(false) => "Later".into(),
            None => "Not known".into(),
        },
        Dim::TimeToDecision => "All".into(),
    }
}

/// The rows a cell counts in for a dimension: one, except for exploitation types, where a
/// person counts under each of theirs.
pub(crate) fn dim_values(c: &Cell, d: Dim) -> Vec<String> {
    use sg_domain::ExploitationType as T;
    match (d, c.exploitation.filter(|b| *b != 0)) {
        (Dim::Exploitation, Some(_)) => {
            T::ALL.iter().filter(|t| c.has_type(**t)).map(|t| t.label().to_string()).collect()
        }
        _ => vec![dim_value(c, d)],
    }
}

/// Whether a person can count in more than one row of the dimension: its rows add up to more
/// than the people, so it has no column total and no test between its rows.
pub(crate) fn overlapping(d: Dim) -> bool {
    d == Dim::Exploitation
}

fn labels<T: Coded>() -> Vec<String> {
    T::ALL.iter().map(|v| v.label().to_string()).chain(["Not known".to_string()]).collect()
}

/// The order rows of a dimension are shown in; `None` to order by size.
pub(crate) fn canonical_order(d: Dim) -> Option<Vec<String>> {
    Some(match d {
        Dim::Age => labels::<AgeAtExploitation>(),
        Dim::Gender => labels::<Gender>(),
        Dim::NationalityGroup => ["UK", "EU/EEA", "Other", "Not known"].map(String::from).to_vec(),
        Dim::FirstResponderType => labels::<FirstResponderType>(),
        Dim::CompetentAuthority => CompetentAuthority::ALL
            .iter()
            .map(|v| v.label().to_string())
            .chain(["Not allocated to an authority".to_string()])
            .collect(),
        Dim::Jurisdiction => labels::<Jurisdiction>(),
        Dim::Location => labels::<ExploitationLocation>(),
        Dim::Timeliness => ["Within 5 working days", "Later", "Not known"].map(String::from).to_vec(),
        Dim::Exploitation => sg_domain::ExploitationType::ALL
            .iter()
            .map(|t| t.label().to_string())
            .chain(["Not specified or unknown".to_string()])
            .collect(),
        Dim::Nationality | Dim::ExploitationCombination | Dim::TimeToDecision => return None,
    })
}
