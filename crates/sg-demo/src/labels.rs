//! Turns the category labels of the Home Office tables into sg-domain values.
//!
//! The statistics write each dimension as English text (`Adult (18 or over)`, `Labour & Criminal`,
//! `Albanian Greek`); the domain has coded enums. Unknown labels are errors for every dimension
//! except nationality, where the tables use non-country words (`Unknown`) that simply map to "no
//! nationality recorded".

use sg_domain::{
    countries, AgeAtExploitation, Coded, ExploitationLocation, ExploitationType, FirstResponderType, Gender,
    Jurisdiction, Nationality,
};

/// The three age groups, in the order used for per-age arrays.
pub(crate) const AGES: [AgeAtExploitation; 3] =
    [AgeAtExploitation::Adult, AgeAtExploitation::Child, AgeAtExploitation::Unknown];

/// The four locations, in the order of the longitudinal table (and of per-location arrays).
pub(crate) const LOCATIONS: [ExploitationLocation; 4] = [
    ExploitationLocation::Overseas,
    ExploitationLocation::Uk,
    ExploitationLocation::UkAndOverseas,
    ExploitationLocation::Unknown,
];

/// Position of an age group in [`AGES`].
pub(crate) fn age_index(age: AgeAtExploitation) -> usize {
    match age {
        AgeAtExploitation::Adult => 0,
        AgeAtExploitation::Child => 1,
        AgeAtExploitation::Unknown => 2,
    }
}

/// The age group of a table label. The decision tables say `Age not specified or unknown` where
/// the referral tables say `Not specified or unknown`; both mean the same group.
pub(crate) fn parse_age(label: &str) -> Option<AgeAtExploitation> {
    match label {
        "Adult (18 or over)" => Some(AgeAtExploitation::Adult),
        "Child (17 or under)" => Some(AgeAtExploitation::Child),
        "Not specified or unknown" | "Age not specified or unknown" => Some(AgeAtExploitation::Unknown),
        _ => None,
    }
}

/// The label the referral tables use for an age group (the domain label, which matches them).
pub(crate) fn age_label(age: AgeAtExploitation) -> &'static str {
    age.label()
}

/// The location of a longitudinal-table label; the domain labels are the table's own.
pub(crate) fn parse_location(label: &str) -> Option<ExploitationLocation> {
    ExploitationLocation::ALL.iter().copied().find(|l| l.label() == label)
}

/// Gender from a table label. `Not Recorded` (one release's spelling) counts as unknown.
pub(crate) fn parse_gender(label: &str) -> Option<Gender> {
    match label {
        "Female" => Some(Gender::Female),
        "Male" => Some(Gender::Male),
        "Other" => Some(Gender::Other),
        "Unknown" | "Not Recorded" | "Not recorded" | "Not known" | "Not Known" => Some(Gender::Unknown),
        _ => None,
    }
}

/// The first-responder type of a table label; the domain labels are the table's own.
pub(crate) fn parse_responder_type(label: &str) -> Option<FirstResponderType> {
    FirstResponderType::ALL.iter().copied().find(|t| t.label() == label)
}

/// Bit of one exploitation type in an exploitation mask.
pub(crate) fn type_bit(t: ExploitationType) -> u8 {
    1 << ExploitationType::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

/// The types in an exploitation mask.
pub(crate) fn types_of(mask: u8) -> impl Iterator<Item = ExploitationType> {
    ExploitationType::ALL.iter().copied().filter(move |t| mask & type_bit(*t) != 0)
}

/// The exploitation mask of a combined label such as `Sexual, Labour & Criminal`; 0 for
/// `Not specified or unknown`. One release writes `Labour, Domestic, Organ Harvesting` without
/// the `&`, so both separators are accepted.
pub(crate) fn parse_exploitation(label: &str) -> Option<u8> {
    if label == "Not specified or unknown" {
        return Some(0);
    }
    let mut mask = 0;
    for part in label.split(" & ").flat_map(|p| p.split(", ")) {
        let t = ExploitationType::ALL.iter().copied().find(|t| t.label() == part.trim())?;
        mask |= type_bit(t);
    }
    Some(mask)
}

/// Words the nationality column uses for "not a country"; half of a dual label may be one of them
/// (`Albanian Unknown`), in which case the other half is the person's one known nationality.
const NOT_A_COUNTRY: &[&str] = &["Unknown", "Not Known", "Not known", "Not specified", "Stateless", "Other"];

fn nationality_of(label: &str) -> Option<Nationality> {
    countries::by_nrm_label(label).and_then(|c| Nationality::parse(c.code).ok())
}

/// The nationalities of a table label, or `None` when it names no country we know.
///
/// A dual nationality is written as two labels joined by a space, but single labels contain
/// spaces too (`South African`), so the whole label is tried first, then every split point.
pub(crate) fn resolve_nationality(label: &str) -> Option<Vec<Nationality>> {
    let label = label.trim();
    if let Some(n) = nationality_of(label) {
        return Some(vec![n]);
    }
    let mut one_known = None;
    for (i, _) in label.match_indices(' ') {
        let (left, right) = (&label[..i], &label[i + 1..]);
        match (nationality_of(left), nationality_of(right)) {
            (Some(a), Some(b)) if a == b => return Some(vec![a]),
            (Some(a), Some(b)) => return Some(vec![a, b]),
            (Some(a), None) if NOT_A_COUNTRY.contains(&right) => one_known = Some(a),
            (None, Some(b)) if NOT_A_COUNTRY.contains(&left) => one_known = Some(b),
            _ => {}
        }
    }
    one_known.map(|n| vec![n])
}

/// The nation a first responder works in when its name says so; `None` for bodies that refer
/// from anywhere in the UK (the Home Office, national charities, "Local Authority").
pub(crate) fn pinned_jurisdiction(responder: &str) -> Option<Jurisdiction> {
    match responder {
        "Police Scotland" | "Trafficking Awareness Raising Alliance TARA" => Some(Jurisdiction::Scotland),
        "Police Service of Northern Ireland" | "Belfast and Lisburn Women's Aid" | "Youth Work Alliance" => {
            Some(Jurisdiction::NorthernIreland)
        }
        // Every other police force and ROCU in the tables, and the Welsh and English charities
        // below, work in England and Wales only.
        "BAWSO" | "Kalayaan" | "Unseen" => Some(Jurisdiction::EnglandWales),
        _ if responder.contains("Police")
            || responder.contains("Constabulary")
            || responder.contains("Organised Crime")
            || responder.contains("ROCU")
            || responder.contains("Special Operations") =>
        {
            Some(Jurisdiction::EnglandWales)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_exploitation_labels_become_sets_of_types() {
        let mask = parse_exploitation("Sexual, Labour & Criminal").unwrap();
        let types: Vec<_> = types_of(mask).collect();
        assert_eq!(types, vec![ExploitationType::Labour, ExploitationType::Sexual, ExploitationType::Criminal]);
        assert_eq!(parse_exploitation("Labour, Domestic, Organ Harvesting").map(|m| types_of(m).count()), Some(3));
        assert_eq!(parse_exploitation("Not specified or unknown"), Some(0));
        assert_eq!(parse_exploitation("Fishing"), None);
    }

    #[test]
    fn dual_and_spaced_nationality_labels_resolve() {
        let codes = |l: &str| resolve_nationality(l).map(|v| v.iter().map(|n| n.code()).collect::<Vec<_>>());
        assert_eq!(codes("South African"), Some(vec!["ZA"]));
        assert_eq!(codes("Albanian Greek"), Some(vec!["AL", "GR"]));
        assert_eq!(codes("Pakistani UK"), Some(vec!["PK", "GB"]));
        assert_eq!(codes("Albanian Unknown"), Some(vec!["AL"]));
        assert_eq!(codes("Sierra Leonean South African"), Some(vec!["SL", "ZA"]));
        assert_eq!(codes("Unknown"), None);
    }

    #[test]
    fn police_scotland_is_scottish_and_the_home_office_is_anywhere() {
        assert_eq!(pinned_jurisdiction("Police Scotland"), Some(Jurisdiction::Scotland));
        assert_eq!(pinned_jurisdiction("Police Service of Northern Ireland"), Some(Jurisdiction::NorthernIreland));
        assert_eq!(pinned_jurisdiction("Kent Police"), Some(Jurisdiction::EnglandWales));
        assert_eq!(pinned_jurisdiction("Home Office - UK Visas and Immigration UKVI"), None);
    }
}
