//! The non-identifying facts of a case: what the statistics count and what monitors may see.
//!
//! Names and values follow the Home Office referral form and the NRM statistics tables
//! (`shared/reference/nrm-domain.md`, sections 1.4 and 3.3). Nothing here identifies a person;
//! identity and the person's own account live in [`crate::person`].

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::{coded_enum, countries, Coded, FieldError};

coded_enum! {
    /// The UK nation whose rules apply (the form's `fr-location`, with England and Wales joined
    /// because they share one legal framework).
    pub enum Jurisdiction {
        EnglandWales = ("england-wales", "England and Wales"),
        Scotland = ("scotland", "Scotland"),
        NorthernIreland = ("northern-ireland", "Northern Ireland"),
    }
}

coded_enum! {
    /// An age group: adult, child, or not known (the form's `yes` / `no` / `not-sure`, sent as
    /// `AdultOrChild` for age now and `AdultOrChildDuringExploitation` for age at exploitation).
    /// `Unknown` is treated as a child until age is decided (MSA 2015 s51).
    pub enum AgeGroup {
        Adult = ("adult", "Adult (18 or over)"),
        Child = ("child", "Child (17 or under)"),
        Unknown = ("unknown", "Not specified or unknown"),
    }
}

/// The age group during the exploitation: what the statistics count.
pub type AgeAtExploitation = AgeGroup;

impl AgeGroup {
    /// Children, and people whose age is unknown, are referred without consent
    /// (toolkit 2026; the form's automatic referral).
    pub fn treated_as_child(self) -> bool {
        !matches!(self, Self::Adult)
    }

    /// The age group on `day` of a person born on `born`.
    pub fn on(born: Date, day: Date) -> Self {
        if years_between(born, day) >= 18 {
            Self::Adult
        } else {
            Self::Child
        }
    }
}

/// Whole years from `born` to `day` (a person born on 29 February turns a year older on
/// 1 March in years without one).
pub fn years_between(born: Date, day: Date) -> i32 {
    let mut years = day.year() - born.year();
    if (day.month() as u8, day.day()) < (born.month() as u8, born.day()) {
        years -= 1;
    }
    years
}

coded_enum! {
    /// Who assessed a person's age.
    pub enum AgeAssessor {
        /// A local authority's (Merton-compliant) assessment.
        LocalAuthority = ("local-authority", "Local authority"),
        /// The Home Office's National Age Assessment Board (NABA Part 4, from 31 March 2023).
        NationalAgeAssessmentBoard = ("naab", "National Age Assessment Board"),
        /// A Health and Social Care Trust (Northern Ireland).
        HealthAndSocialCareTrust = ("hsc-trust", "Health and Social Care Trust"),
        /// A court or tribunal.
        Court = ("court", "A court or tribunal"),
    }
}

coded_enum! {
    /// Gender as asked by the form (`pv-gender`); `other` is the form's "They do not identify as
    /// male or female", published as `Other` in the statistics.
    pub enum Gender {
        Female = ("female", "Female"),
        Male = ("male", "Male"),
        Other = ("other", "Other"),
        Unknown = ("unknown", "Not known"),
    }
}

coded_enum! {
    /// The five exploitation types of the NRM statistics.
    pub enum ExploitationType {
        Labour = ("labour", "Labour"),
        Sexual = ("sexual", "Sexual"),
        Criminal = ("criminal", "Criminal"),
        Domestic = ("domestic", "Domestic"),
        OrganHarvesting = ("organ-harvesting", "Organ Harvesting"),
    }
}

coded_enum! {
    /// The referral form's fine-grained exploitation checkboxes (`types-of-exploitation-*`).
    pub enum ExploitationForm {
        ForcedToWork = ("forced-to-work", "Forced to work for nothing or almost nothing"),
        WagesTaken = ("wages-taken", "Wages taken by force or coercion"),
        ForcedToCommitFraud = ("forced-to-commit-fraud", "Forced to commit fraud"),
        Prostitution = ("prostitution", "Forced into prostitution"),
        ChildExploitation = ("child-exploitation", "Child sexual exploitation"),
        TakenSomewhere = ("taken-somewhere", "Taken somewhere, held against their will and sexually assaulted"),
        ForcedToCommitCrime = ("forced-to-commit-crime", "Forced to commit a crime"),
        OrgansRemoved = ("organs-removed", "Organs removed against their will"),
        UnpaidHouseholdWork = ("unpaid-household-work", "Forced to do unpaid or low-paid household work"),
        Other = ("other", "Other"),
    }
}

impl ExploitationForm {
    /// The statistical type a checkbox counts under. The form files organ removal under
    /// "criminal", but the statistics count it as organ harvesting (nrm-domain.md 1.4 D, 3.3);
    /// "other" has no statistical type of its own.
    pub fn statistical_type(self) -> Option<ExploitationType> {
        use ExploitationForm::*;
        Some(match self {
            ForcedToWork | WagesTaken | ForcedToCommitFraud => ExploitationType::Labour,
            Prostitution | ChildExploitation | TakenSomewhere => ExploitationType::Sexual,
            ForcedToCommitCrime => ExploitationType::Criminal,
            OrgansRemoved => ExploitationType::OrganHarvesting,
            UnpaidHouseholdWork => ExploitationType::Domestic,
            Other => return None,
        })
    }
}

coded_enum! {
    /// Where the exploitation happened (`where-exploitation-happened`).
    pub enum ExploitationLocation {
        Uk = ("uk", "UK"),
        Overseas = ("overseas", "Overseas"),
        UkAndOverseas = ("uk-and-overseas", "UK and Overseas"),
        Unknown = ("unknown", "Not specified or unknown"),
    }
}

coded_enum! {
    /// The kind of first responder organisation, as in statistics tables 11 to 14.
    pub enum FirstResponderType {
        GovernmentAgency = ("government-agency", "Government agency"),
        NgoThirdSector = ("ngo", "NGO and third sector"),
        Police = ("police", "Police"),
        LocalAuthority = ("local-authority", "Local Authority"),
    }
}

coded_enum! {
    /// The body that makes the reasonable- and conclusive-grounds decisions.
    pub enum CompetentAuthority {
        /// Single Competent Authority (from 29 April 2019).
        Sca = ("sca", "Single Competent Authority"),
        /// Immigration Enforcement Competent Authority (from 8 November 2021).
        Ieca = ("ieca", "Immigration Enforcement Competent Authority"),
    }
}

/// A nationality, as an ISO 3166-1 alpha-2 code known to [`countries`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Nationality(&'static countries::Country);

impl Nationality {
    /// Parses an ISO 3166-1 alpha-2 code, in any case.
    pub fn parse(code: &str) -> Result<Self, String> {
        countries::by_code(code.trim())
            .map(Nationality)
            .ok_or_else(|| format!("{code:?} is not an ISO 3166-1 alpha-2 country code (for example \"AL\" or \"GB\")"))
    }
    /// The ISO code.
    pub fn code(self) -> &'static str {
        self.0.code
    }
    /// The country's English name.
    pub fn country_name(self) -> &'static str {
        self.0.name
    }
    /// The nationality label of the NRM statistics (`Albanian`, `UK`, ...).
    pub fn nrm_label(self) -> &'static str {
        self.0.nrm_label
    }
}

impl Serialize for Nationality {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Nationality {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Nationality::parse(&s).map_err(serde::de::Error::custom)
    }
}

coded_enum! {
    /// Why an adult did not consent to a referral, for a Duty to Notify report (issue 19). The
    /// Home Office form asks it in free text (step 39, nrm-domain.md section 1); these codes are
    /// Safeguard's, so that the answers can be counted (the sector's "48% cited fear of
    /// immigration consequences" was read from such answers by hand).
    pub enum DeclineReason {
        FearsImmigrationConsequences = ("fears-immigration-consequences", "Fears what it would mean for their immigration status"),
        FearsExploiters = ("fears-exploiters", "Fears the exploiters, or what they would do"),
        DistrustsAuthorities = ("distrusts-authorities", "Does not trust the authorities or the police"),
        NotAVictim = ("not-a-victim", "Does not see themselves as a victim"),
        WantsToGoHome = ("wants-to-go-home", "Wants to return home"),
        DoesNotWantSupport = ("does-not-want-support", "Does not want or need the support"),
        ProcessTooLong = ("process-too-long", "The process takes too long or is too uncertain"),
        Other = ("other", "Another reason"),
        NotSaid = ("not-said", "They did not say"),
    }
}

/// Everything about a case that does not identify the person: the facts the statistics count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFacts {
    /// The nation whose rules apply.
    pub jurisdiction: Jurisdiction,
    /// Age at exploitation: what the statistics count, as the Home Office's tables do.
    pub age_at_exploitation: AgeAtExploitation,
    /// Age on the day of the referral (the form's first age question): what consent follows.
    /// Absent in referrals stored before it was asked, where it was taken to be the age at
    /// exploitation ([`CaseFacts::age_at_referral`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_now: Option<AgeGroup>,
    /// Gender.
    pub gender: Gender,
    /// One nationality, or two for a dual national. Empty when not known.
    pub nationalities: Vec<Nationality>,
    /// The five statistical types, derived from `exploitation_forms` and any given directly.
    pub exploitation_types: BTreeSet<ExploitationType>,
    /// The form's fine-grained checkboxes, when the referral gave them.
    #[serde(default)]
    pub exploitation_forms: BTreeSet<ExploitationForm>,
    /// Where the exploitation happened.
    pub exploitation_location: ExploitationLocation,
    /// The referring organisation's name.
    pub first_responder_org: String,
    /// The referring organisation's kind.
    pub first_responder_type: FirstResponderType,
    /// The day the referral or report was made.
    pub referred_on: Date,
    /// For a Duty to Notify report: why the adult did not consent to a referral, when asked.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub declined_because: BTreeSet<DeclineReason>,
}

impl CaseFacts {
    /// Checks the facts hang together, naming the first field at fault.
    pub fn validate(&self) -> Result<(), FieldError> {
        if self.nationalities.len() > 2 {
            return Err(FieldError::coded("nationalities", "nationalities.too_many", vec![]));
        }
        if self.nationalities.len() == 2 && self.nationalities[0] == self.nationalities[1] {
            return Err(FieldError::coded("nationalities", "nationalities.same", vec![]));
        }
        if self.exploitation_types.is_empty() {
            return Err(FieldError::coded("exploitation_types", "exploitation_types.none", vec![]));
        }
        for form in &self.exploitation_forms {
            if let Some(t) = form.statistical_type() {
                if !self.exploitation_types.contains(&t) {
                    return Err(FieldError::coded(
                        "exploitation_types",
                        "exploitation_types.form_needs_type",
                        vec![("form", form.code().to_string()), ("type", t.code().to_string())],
                    ));
                }
            }
        }
        if self.age_now == Some(AgeGroup::Child) && self.age_at_exploitation == AgeGroup::Adult {
            // The exploitation came before the referral: a child now was a child then.
            return Err(FieldError::coded("age_at_exploitation", "age_at_exploitation.adult_but_child_now", vec![]));
        }
        if self.first_responder_org.trim().is_empty() {
            return Err(FieldError::coded("first_responder_org", "required", vec![]));
        }
        Ok(())
    }

    /// The age group on the referral day: as given, or (for referrals stored before it was
    /// asked) the age at exploitation.
    pub fn age_at_referral(&self) -> AgeGroup {
        self.age_now.unwrap_or(self.age_at_exploitation)
    }

    /// The combined label of the statistics tables (`Labour & Criminal`, ...), in their order.
    pub fn exploitation_label(&self) -> String {
        let order = [
            ExploitationType::Sexual,
            ExploitationType::Labour,
            ExploitationType::Domestic,
            ExploitationType::Criminal,
            ExploitationType::OrganHarvesting,
        ];
        let parts: Vec<&str> =
            order.iter().filter(|t| self.exploitation_types.contains(t)).map(|t| t.label()).collect();
        match parts.len() {
            0 => "Not specified or unknown".to_string(),
            1 => parts[0].to_string(),
            n => format!("{} & {}", parts[..n - 1].join(", "), parts[n - 1]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organ_removal_counts_as_organ_harvesting_not_criminal() {
        assert_eq!(ExploitationForm::OrgansRemoved.statistical_type(), Some(ExploitationType::OrganHarvesting));
    }

    #[test]
    fn unknown_codes_are_refused_with_the_expected_values() {
        let err = "wales".parse::<Jurisdiction>().unwrap_err();
        assert!(err.contains("england-wales, scotland, northern-ireland"), "{err}");
    }

    #[test]
    fn a_birthday_on_the_29th_of_february_turns_18_on_the_1st_of_march() {
        use time::macros::date;
        assert_eq!(AgeGroup::on(date!(2008 - 02 - 29), date!(2026 - 02 - 28)), AgeGroup::Child);
        assert_eq!(AgeGroup::on(date!(2008 - 02 - 29), date!(2026 - 03 - 01)), AgeGroup::Adult);
        assert_eq!(years_between(date!(1980 - 06 - 15), date!(2026 - 06 - 14)), 45);
    }

    #[test]
    fn nationality_round_trips_as_iso_code() {
        let n: Nationality = serde_json::from_str("\"al\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"AL\"");
        assert_eq!(n.nrm_label(), "Albanian");
        assert!(Nationality::parse("ZZ").is_err());
    }
}
