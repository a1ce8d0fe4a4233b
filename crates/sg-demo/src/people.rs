//! The synthetic, obviously fictional parts of a case: names, dates of birth, phone numbers,
//! the person's account, the form's exploitation checkboxes and the support provider.

use std::collections::BTreeSet;

use rand::Rng;
use sg_domain::{
    AgeAtExploitation, ExploitationForm, ExploitationLocation, ExploitationType, Gender, Identity, Jurisdiction,
    PersonalAccount, Sensitive,
};
use time::Date;

use crate::assumptions::{ADULT_AGE_YEARS, CHILD_AGE_YEARS};
use crate::labels;
use crate::weights::uniform_days;

/// First names: common across the nationalities in the data, so no name suggests a real person.
const FIRST_NAMES: &[&str] = &[
    "Alex", "Amira", "Bora", "Chen", "Dana", "Elira", "Femi", "Goran", "Hana", "Idris", "Jun", "Kemal", "Lina",
    "Mariam", "Nico", "Olu", "Petra", "Rami", "Sami", "Tariq", "Uma", "Vera", "Yusuf", "Zara",
];

/// Surnames that no one would take for a real person's.
const LAST_NAMES: &[&str] = &[
    "Example",
    "Sample",
    "Specimen",
    "Placeholder",
    "Testcase",
    "Madeup",
    "Fictional",
    "Pretend",
    "Dummy",
    "Notreal",
    "Mockton",
    "Demoford",
];

/// A synthetic identity. The phone number is in Ofcom's range reserved for drama
/// (07700 900000–900999), so it can never ring anyone.
pub(crate) fn identity<R: Rng + ?Sized>(rng: &mut R, age: AgeAtExploitation, referred_on: Date) -> Identity {
    let first = FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())];
    let last = LAST_NAMES[rng.random_range(0..LAST_NAMES.len())];
    let years = match age {
        AgeAtExploitation::Adult => Some(ADULT_AGE_YEARS),
        AgeAtExploitation::Child => Some(CHILD_AGE_YEARS),
        // Unknown age: a date of birth would claim to know it.
        AgeAtExploitation::Unknown => None,
    };
    let date_of_birth = years.map(|(low, high)| {
        let days_old = uniform_days(rng, low, high) * 365 + uniform_days(rng, 0, 364);
        Sensitive(referred_on.saturating_sub(time::Duration::days(days_old)))
    });
    Identity {
        full_name: Sensitive(format!("{first} {last}")),
        date_of_birth,
        phone: Sensitive(format!("07700 900{:03}", rng.random_range(0..1000))),
        ..Identity::default()
    }
}

/// One plausible checkbox of the referral form for each type; `Other` when the referral did not
/// say what the exploitation was.
pub(crate) fn forms_for<R: Rng + ?Sized>(rng: &mut R, types: u8, age: AgeAtExploitation) -> BTreeSet<ExploitationForm> {
    use ExploitationForm as F;
    let mut forms = BTreeSet::new();
    if types == 0 {
        forms.insert(F::Other);
    }
    for t in labels::types_of(types) {
        let u: f64 = rng.random();
        forms.insert(match t {
            ExploitationType::Labour if u < 0.6 => F::ForcedToWork,
            ExploitationType::Labour if u < 0.9 => F::WagesTaken,
            ExploitationType::Labour => F::ForcedToCommitFraud,
            ExploitationType::Sexual if u < 0.3 => F::TakenSomewhere,
            ExploitationType::Sexual if age == AgeAtExploitation::Adult => F::Prostitution,
            ExploitationType::Sexual => F::ChildExploitation,
            ExploitationType::Criminal => F::ForcedToCommitCrime,
            ExploitationType::Domestic => F::UnpaidHouseholdWork,
            ExploitationType::OrganHarvesting => F::OrgansRemoved,
        });
    }
    forms
}

/// A short account in the first person, marked as synthetic.
pub(crate) fn account<R: Rng + ?Sized>(rng: &mut R, types: u8, location: ExploitationLocation) -> PersonalAccount {
    const WORKPLACES: &[&str] = &["a car wash", "a farm", "a nail bar", "a restaurant kitchen", "a building site"];
    let main = labels::types_of(types).next();
    let what = match main {
        Some(ExploitationType::Labour) => {
            format!("I was made to work long hours at {} for little or no pay.", WORKPLACES[rng.random_range(0..5)])
        }
        Some(ExploitationType::Sexual) => "I was forced to have sex with men for money that I never kept.".into(),
        Some(ExploitationType::Criminal) => "I was made to carry and sell drugs for people who threatened me.".into(),
        Some(ExploitationType::Domestic) => "I cooked and cleaned in a house and was not allowed to go out.".into(),
        Some(ExploitationType::OrganHarvesting) => "I was pressured to give up a kidney to pay a debt.".into(),
        None => "I do not want to say more about what happened yet.".into(),
    };
    let place = match location {
        ExploitationLocation::Uk => " It happened here in the UK.",
        ExploitationLocation::Overseas => " It happened before I reached the UK.",
        ExploitationLocation::UkAndOverseas => " It started abroad and went on after I came to the UK.",
        ExploitationLocation::Unknown => "",
    };
    PersonalAccount(Sensitive(format!("[Synthetic demonstration text] {what}{place}")))
}

/// The support provider for an adult in `jurisdiction` (nrm-domain.md 2.12 and 2.15): The
/// Salvation Army runs the MSVCC in England and Wales; in Scotland TARA supports women trafficked
/// for sexual exploitation and Migrant Help everyone else; in Northern Ireland Belfast and Lisburn
/// Women's Aid supports women exploited sexually or in domestic servitude, Migrant Help the rest.
pub(crate) fn support_provider(jurisdiction: Jurisdiction, gender: Gender, types: u8) -> &'static str {
    let sexual = types & labels::type_bit(ExploitationType::Sexual) != 0;
    let domestic = types & labels::type_bit(ExploitationType::Domestic) != 0;
    let [salvation_army, tara, women_s_aid, migrant_help] = SUPPORT_PROVIDERS;
    match jurisdiction {
        Jurisdiction::EnglandWales => salvation_army,
        Jurisdiction::Scotland if gender == Gender::Female && sexual => tara,
        Jurisdiction::NorthernIreland if gender == Gender::Female && (sexual || domestic) => women_s_aid,
        _ => migrant_help,
    }
}

/// Every support provider a demonstration case can name.
pub const SUPPORT_PROVIDERS: [&str; 4] = [
    "The Salvation Army",
    "Trafficking Awareness Raising Alliance (TARA)",
    "Belfast and Lisburn Women's Aid",
    "Migrant Help",
];
