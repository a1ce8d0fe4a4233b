//! The tables the generator draws from, as read (from the data folder or the embedded summary),
//! and the sampling tables compiled from them once so that each case is cheap to draw.

use rand::Rng;
use sg_domain::{
    AgeAtExploitation, Coded, ExploitationLocation, ExploitationType, FirstResponderType, Gender, Jurisdiction,
    Nationality,
};
use time::{Date, Month};

use crate::labels::{self, age_index, AGES, LOCATIONS};
use crate::weights::{chance, WeightedTable};

/// The first and last years of referral dates (the Home Office publishes time series from 2014:
/// "data before 2014 is excluded due to data reliability", nrm-domain.md 3.1; 2023 is the last
/// year of the Q4 2023 longitudinal tables).
pub(crate) const FIRST_YEAR: i32 = 2014;
/// See [`FIRST_YEAR`].
pub(crate) const LAST_YEAR: i32 = 2023;
/// Quarters from `FIRST_YEAR` Q1 to `LAST_YEAR` Q4.
pub(crate) const N_QUARTERS: usize = ((LAST_YEAR - FIRST_YEAR + 1) * 4) as usize;

/// One quarter of the longitudinal tables (Table 2, Table 16, Table 28 and Table 40).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QuarterCounts {
    /// Calendar year.
    pub year: i32,
    /// 1 to 4.
    pub quarter: u8,
    /// NRM referrals by age group ([`AGES`]) and location ([`LOCATIONS`]).
    pub referrals: [[u64; 4]; 3],
    /// Duty to Notify reports (0 before 2015 Q4, when the duty began).
    pub duty_to_notify: u64,
    /// Reasonable-grounds decisions made in the quarter by age group: [negative, positive].
    pub reasonable_grounds: [[u64; 2]; 3],
    /// Conclusive-grounds decisions made in the quarter by age group: [negative, positive].
    pub conclusive_grounds: [[u64; 2]; 3],
}

/// One cell of the referral cube: people referred by one first responder for one exploitation
/// label, age group, gender and nationality, pooled over the published quarters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cell {
    pub people: u64,
    pub responder_type: FirstResponderType,
    pub responder: String,
    pub exploitation_label: String,
    pub types: u8,
    pub age: AgeAtExploitation,
    pub gender_label: String,
    pub gender: Gender,
    pub nationality_label: String,
    pub nationalities: Vec<Nationality>,
}

impl Cell {
    /// A cell from its published labels; the error names the label that is not understood.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_labels(
        people: u64,
        responder_type: &str,
        responder: &str,
        exploitation: &str,
        age: &str,
        gender: &str,
        nationality: &str,
    ) -> Result<Self, String> {
        Ok(Self {
            people,
            responder_type: labels::parse_responder_type(responder_type)
                .ok_or_else(|| format!("unknown first responder type {responder_type:?}"))?,
            responder: responder.to_string(),
            exploitation_label: exploitation.to_string(),
            types: labels::parse_exploitation(exploitation)
                .ok_or_else(|| format!("unknown exploitation type {exploitation:?}"))?,
            age: labels::parse_age(age).ok_or_else(|| format!("unknown age group {age:?}"))?,
            gender_label: gender.to_string(),
            gender: labels::parse_gender(gender).ok_or_else(|| format!("unknown gender {gender:?}"))?,
            nationality_label: nationality.to_string(),
            nationalities: labels::resolve_nationality(nationality).unwrap_or_default(),
        })
    }
}

/// The long tail of the cube kept by the embedded summary as separate distributions per age
/// group (the nationality one pooled over ages). Empty when the full cube was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Remainder {
    /// People by age group and responder type; their sum per age is the tail's weight.
    pub responder_types: [Vec<(FirstResponderType, u64)>; 3],
    /// Responder names by responder type (index in `FirstResponderType::ALL`).
    pub responders: [Vec<(String, u64)>; 4],
    /// Exploitation labels and masks by age group.
    pub exploitation: [Vec<(String, u8, u64)>; 3],
    /// Gender labels by age group.
    pub genders: [Vec<(String, Gender, u64)>; 3],
    /// Nationality labels, all ages together.
    pub nationalities: Vec<(String, Vec<Nationality>, u64)>,
}

/// Referrals by police force nation: the only first responders whose nation the cube shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PoliceNations {
    pub all: u64,
    pub scotland: u64,
    pub northern_ireland: u64,
}

/// What one draw from the cube gives.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Profile<'a> {
    pub responder_type: FirstResponderType,
    pub responder: &'a str,
    pub types: u8,
    pub gender: Gender,
    pub nationalities: &'a [Nationality],
}

/// A quarter ready for sampling.
#[derive(Debug, Clone)]
pub(crate) struct QuarterModel {
    pub start: Date,
    pub days: i64,
    pub age_location: WeightedTable,
    pub adult_location: WeightedTable,
    pub duty_to_notify_share: f64,
}

/// The per-age cube: indices of that age's cells, and a table over them plus one last entry that
/// stands for the remainder.
#[derive(Debug, Clone, Default)]
struct AgeCube {
    cells: Vec<usize>,
    table: WeightedTable,
}

/// Sampling tables compiled from the counts.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub quarter_table: WeightedTable,
    pub quarters: Vec<QuarterModel>,
    rg_rates: Vec<[f64; 3]>,
    cg_rates: Vec<[f64; 3]>,
    cubes: [AgeCube; 3],
    rest_types: [WeightedTable; 3],
    rest_responders: [WeightedTable; 4],
    rest_exploitation: [WeightedTable; 3],
    rest_genders: [WeightedTable; 3],
    rest_nationalities: WeightedTable,
    /// Share of foreign adults' referrals sent to the IECA (after it began), see `assumptions`.
    pub ieca_foreign_adult_share: f64,
    /// The most common exploitation type, used when the referral did not say.
    pub default_type: ExploitationType,
    pub scotland_share: f64,
    pub northern_ireland_share: f64,
}

fn rate(counts: [u64; 2]) -> Option<f64> {
    let total = counts[0] + counts[1];
    (total > 0).then(|| counts[1] as f64 / total as f64)
}

/// Positive rates by age for a set of quarters; an age group with no decisions takes the rate of
/// all ages, and a set with no decisions at all takes `fallback`.
fn rates(rows: &[&[[u64; 2]; 3]], fallback: f64) -> [f64; 3] {
    let mut by_age = [[0u64; 2]; 3];
    for row in rows {
        for (age, counts) in row.iter().enumerate() {
            by_age[age][0] += counts[0];
            by_age[age][1] += counts[1];
        }
    }
    let all = by_age.iter().fold([0, 0], |acc, c| [acc[0] + c[0], acc[1] + c[1]]);
    let all_rate = rate(all).unwrap_or(fallback);
    by_age.map(|c| rate(c).unwrap_or(all_rate))
}

/// The first day of a quarter.
pub(crate) fn quarter_start(year: i32, quarter: u8) -> Option<Date> {
    let month = Month::try_from(3 * (quarter.clamp(1, 4) - 1) + 1).ok()?;
    Date::from_calendar_date(year, month, 1).ok()
}

/// Compiles the sampling tables. The caller has checked that `quarters` runs from
/// `FIRST_YEAR` Q1 to `LAST_YEAR` Q4 in order.
pub(crate) fn compile(
    quarters: &[QuarterCounts],
    cells: &[Cell],
    rest: &Remainder,
    police: PoliceNations,
) -> Result<Compiled, String> {
    let mut models = Vec::with_capacity(quarters.len());
    for q in quarters {
        let start = quarter_start(q.year, q.quarter).ok_or("bad quarter")?;
        let next = if q.quarter == 4 { quarter_start(q.year + 1, 1) } else { quarter_start(q.year, q.quarter + 1) };
        let days = (next.ok_or("bad quarter")? - start).whole_days();
        let referrals: u64 = q.referrals.iter().flatten().sum();
        models.push(QuarterModel {
            start,
            days,
            age_location: WeightedTable::new(q.referrals.iter().flatten().copied()),
            adult_location: WeightedTable::new(q.referrals[0]),
            // Drawn before the age group, so against every case of the quarter; among adults this
            // is the reports against the reports plus the adult referrals.
            duty_to_notify_share: if q.duty_to_notify == 0 {
                0.0
            } else {
                q.duty_to_notify as f64 / (q.duty_to_notify + referrals) as f64
            },
        });
    }
    let all_rg: Vec<_> = quarters.iter().map(|q| &q.reasonable_grounds).collect();
    let all_cg: Vec<_> = quarters.iter().map(|q| &q.conclusive_grounds).collect();
    let overall_rg = rates(&all_rg, 0.5);
    let overall_cg = rates(&all_cg, 0.5);
    let mut rg_rates: Vec<_> = quarters.iter().map(|q| rates(&[&q.reasonable_grounds], overall_rg[0])).collect();
    let mut cg_rates: Vec<_> = quarters.iter().map(|q| rates(&[&q.conclusive_grounds], overall_cg[0])).collect();
    // Decisions dated after the tables end use the last published year.
    let last_year = quarters.len().saturating_sub(4);
    rg_rates.push(rates(&all_rg[last_year..], overall_rg[0]));
    cg_rates.push(rates(&all_cg[last_year..], overall_cg[0]));

    let latest = &quarters[last_year..];
    let latest_all: u64 = latest.iter().flat_map(|q| q.referrals.iter().flatten()).sum();
    let latest_adults: u64 = latest.iter().flat_map(|q| q.referrals[0].iter()).sum();
    let adult_share = if latest_all == 0 { 1.0 } else { latest_adults as f64 / latest_all as f64 };
    let foreign_share = foreign_share_of_adults(cells, rest);

    let mut cubes: [AgeCube; 3] = Default::default();
    for (i, cell) in cells.iter().enumerate() {
        cubes[age_index(cell.age)].cells.push(i);
    }
    for (age, cube) in cubes.iter_mut().enumerate() {
        let rest_weight: u64 = rest.responder_types[age].iter().map(|(_, p)| p).sum();
        cube.table = WeightedTable::new(cube.cells.iter().map(|&i| cells[i].people).chain([rest_weight]));
    }
    if cubes.iter().all(|c| c.table.total() == 0) {
        return Err("the referral cube is empty".into());
    }

    let mut type_people = [0u64; 5];
    let mut count_types = |mask: u8, people: u64| {
        for t in labels::types_of(mask) {
            type_people[ExploitationType::ALL.iter().position(|x| *x == t).unwrap_or(0)] += people;
        }
    };
    cells.iter().for_each(|c| count_types(c.types, c.people));
    rest.exploitation.iter().flatten().for_each(|(_, mask, p)| count_types(*mask, *p));
    let best = (0..5).max_by_key(|&i| (type_people[i], std::cmp::Reverse(i))).unwrap_or(0);

    let share = |n: u64| if police.all == 0 { 0.0 } else { n as f64 / police.all as f64 };
    Ok(Compiled {
        quarter_table: WeightedTable::new(
            quarters.iter().map(|q| q.referrals.iter().flatten().sum::<u64>() + q.duty_to_notify),
        ),
        quarters: models,
        rg_rates,
        cg_rates,
        cubes,
        rest_types: rest.responder_types.clone().map(|v| WeightedTable::new(v.iter().map(|e| e.1))),
        rest_responders: rest.responders.clone().map(|v| WeightedTable::new(v.iter().map(|e| e.1))),
        rest_exploitation: rest.exploitation.clone().map(|v| WeightedTable::new(v.iter().map(|e| e.2))),
        rest_genders: rest.genders.clone().map(|v| WeightedTable::new(v.iter().map(|e| e.2))),
        rest_nationalities: WeightedTable::new(rest.nationalities.iter().map(|e| e.2)),
        ieca_foreign_adult_share: (crate::assumptions::IECA_SHARE_OF_ALL_REFERRALS / (adult_share * foreign_share))
            .min(1.0),
        default_type: ExploitationType::ALL[best],
        scotland_share: share(police.scotland),
        northern_ireland_share: share(police.northern_ireland),
    })
}

/// Whether a person with these nationalities is a British citizen (the IECA decides only
/// foreign nationals' cases).
pub(crate) fn is_british(nationalities: &[Nationality]) -> bool {
    nationalities.iter().any(|n| n.code() == "GB")
}

/// Share of adults in the cube who are not British (unknown nationality counts as not British).
/// The tail's nationalities are pooled over ages, so its foreign share stands in for its adults.
fn foreign_share_of_adults(cells: &[Cell], rest: &Remainder) -> f64 {
    let adults = cells.iter().filter(|c| c.age == AgeAtExploitation::Adult);
    let (mut all, mut foreign) = (0.0, 0.0);
    for c in adults {
        all += c.people as f64;
        foreign += if is_british(&c.nationalities) { 0.0 } else { c.people as f64 };
    }
    let tail_all: u64 = rest.nationalities.iter().map(|e| e.2).sum();
    let tail_foreign: u64 = rest.nationalities.iter().filter(|e| !is_british(&e.1)).map(|e| e.2).sum();
    let tail_adults: u64 = rest.responder_types[0].iter().map(|e| e.1).sum();
    if tail_all > 0 {
        all += tail_adults as f64;
        foreign += tail_adults as f64 * tail_foreign as f64 / tail_all as f64;
    }
    if all == 0.0 {
        1.0
    } else {
        foreign / all
    }
}

impl Compiled {
    /// Positive rate of reasonable-grounds decisions made on `on` for `age`.
    pub(crate) fn rg_rate(&self, on: Date, age: AgeAtExploitation) -> f64 {
        self.rg_rates[decision_quarter(on, self.rg_rates.len())][age_index(age)]
    }

    /// Positive rate of conclusive-grounds decisions made on `on` for `age`.
    pub(crate) fn cg_rate(&self, on: Date, age: AgeAtExploitation) -> f64 {
        self.cg_rates[decision_quarter(on, self.cg_rates.len())][age_index(age)]
    }

    /// An age group and location drawn from the quarter's referrals.
    pub(crate) fn age_and_location<R: Rng + ?Sized>(
        q: &QuarterModel,
        rng: &mut R,
    ) -> (AgeAtExploitation, ExploitationLocation) {
        let i = q.age_location.sample(rng).unwrap_or(0);
        (AGES[i / 4], LOCATIONS[i % 4])
    }

    /// A profile from the cube for `age`; when that age has no cells at all (not the case in the
    /// published data) the adult cube stands in.
    pub(crate) fn profile<'a, R: Rng + ?Sized>(
        &self,
        cells: &'a [Cell],
        rest: &'a Remainder,
        age: AgeAtExploitation,
        rng: &mut R,
    ) -> Profile<'a> {
        let mut a = age_index(age);
        if self.cubes[a].table.total() == 0 {
            a = (0..3).find(|&i| self.cubes[i].table.total() > 0).unwrap_or(0);
        }
        let cube = &self.cubes[a];
        let k = cube.table.sample(rng).unwrap_or(0);
        if let Some(&i) = cube.cells.get(k) {
            let c = &cells[i];
            return Profile {
                responder_type: c.responder_type,
                responder: &c.responder,
                types: c.types,
                gender: c.gender,
                nationalities: &c.nationalities,
            };
        }
        // The tail: each dimension drawn on its own (given the age group).
        let (responder_type, _) = rest.responder_types[a][self.rest_types[a].sample(rng).unwrap_or(0)];
        let t = FirstResponderType::ALL.iter().position(|x| *x == responder_type).unwrap_or(0);
        let responder = self.rest_responders[t]
            .sample(rng)
            .map_or_else(|| responder_type.label(), |i| rest.responders[t][i].0.as_str());
        let types = self.rest_exploitation[a].sample(rng).map_or(0, |i| rest.exploitation[a][i].1);
        let gender = self.rest_genders[a].sample(rng).map_or(Gender::Unknown, |i| rest.genders[a][i].1);
        let nationalities = self.rest_nationalities.sample(rng).map_or(&[][..], |i| rest.nationalities[i].1.as_slice());
        Profile { responder_type, responder, types, gender, nationalities }
    }

    /// The nation whose rules apply: the responder's own when its name says, else drawn with the
    /// shares of Police Scotland and the PSNI among police referrals (the one responder type
    /// whose nation the cube shows).
    pub(crate) fn jurisdiction<R: Rng + ?Sized>(&self, responder: &str, rng: &mut R) -> Jurisdiction {
        if let Some(j) = labels::pinned_jurisdiction(responder) {
            return j;
        }
        let u: f64 = rng.random();
        if u < self.scotland_share {
            Jurisdiction::Scotland
        } else if u < self.scotland_share + self.northern_ireland_share {
            Jurisdiction::NorthernIreland
        } else {
            Jurisdiction::EnglandWales
        }
    }

    /// Whether a referral made in `q` is a Duty to Notify report instead.
    pub(crate) fn is_duty_to_notify<R: Rng + ?Sized>(q: &QuarterModel, rng: &mut R) -> bool {
        chance(rng, q.duty_to_notify_share)
    }
}

/// Index into a per-quarter rate table of `len` rows (the last row being "after the tables").
fn decision_quarter(on: Date, len: usize) -> usize {
    let q = (on.year() - FIRST_YEAR) * 4 + (u8::from(on.month()) as i32 - 1) / 3;
    if q < 0 {
        0
    } else {
        (q as usize).min(len - 1)
    }
}
