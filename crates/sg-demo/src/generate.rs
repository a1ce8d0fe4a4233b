//! Draws one synthetic case from the distributions: its facts, how it was routed, and what
//! happened to it up to `today` (see [`crate::assumptions`] for every figure used).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sg_domain::{
    AgeAtExploitation, CaseCommand, CaseFacts, CompetentAuthority, DecisionOutcome, Identity, Jurisdiction,
    PersonalAccount, Question, ReconsiderationOutcome, SupportExitReason,
};
use time::{macros::date, Date, Duration};

use crate::assumptions as a;
use crate::model::{is_british, Compiled, Profile};
use crate::weights::{chance, lognormal_days, uniform_days};
use crate::{labels, people, DemoCase, Distributions};

/// NABA s60 changed the RG test from "may be" to "is" a victim on 30 January 2023
/// (nrm-domain.md 2.6); the synthetic reasons quote the test in force.
const NABA_RG_TEST: Date = date!(2023 - 01 - 30);
/// A Duty to Notify report is drawn again (up to this many times) when its responder could not
/// have made one; the draws almost never run out, and then the last one is kept.
const DTN_REDRAWS: usize = 16;

/// The `index`-th case of the stream for `seed`: the same (seed, index) always gives the same case,
/// so callers can generate in parallel chunks. `today` bounds every date (no future dates;
/// decisions whose drawn date is after `today` are simply not made yet, so recent cases stay pending).
pub fn generate(dist: &Distributions, seed: u64, index: u64, today: Date) -> DemoCase {
    // ChaCha has a 64-bit stream number besides its key: giving each case its own stream makes
    // every (seed, index) pair an independent sequence with no chance of two pairs colliding.
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(index);
    let c = &dist.compiled;

    let q = &c.quarters[c.quarter_table.sample(&mut rng).unwrap_or(0)];
    let referred_on = (q.start + Duration::days(rng.random_range(0..q.days.max(1)))).min(today);
    let duty_to_notify = Compiled::is_duty_to_notify(q, &mut rng);
    let (age, location) = if duty_to_notify {
        let l = q.adult_location.sample(&mut rng).unwrap_or(3);
        (AgeAtExploitation::Adult, labels::LOCATIONS[l])
    } else {
        Compiled::age_and_location(q, &mut rng)
    };
    let profile = if duty_to_notify { dtn_profile(dist, &mut rng) } else { draw(dist, age, &mut rng) };
    let jurisdiction =
        if duty_to_notify { Jurisdiction::EnglandWales } else { c.jurisdiction(profile.responder, &mut rng) };
    let exploitation_forms = people::forms_for(&mut rng, profile.types, age);
    let mut exploitation_types: std::collections::BTreeSet<_> = labels::types_of(profile.types).collect();
    if exploitation_types.is_empty() {
        exploitation_types.insert(c.default_type);
    }
    let facts = CaseFacts {
        jurisdiction,
        age_at_exploitation: age,
        age_now: None,
        gender: profile.gender,
        nationalities: profile.nationalities.to_vec(),
        exploitation_types,
        exploitation_forms,
        exploitation_location: location,
        first_responder_org: profile.responder.to_string(),
        first_responder_type: profile.responder_type,
        referred_on,
        declined_because: Default::default(),
    };

    if duty_to_notify {
        return DemoCase {
            facts,
            consent_to_referral: false,
            competent_authority: CompetentAuthority::Sca,
            routing_reason: String::new(),
            steps: Vec::new(),
            identity: Identity::default(),
            account: PersonalAccount::default(),
        };
    }

    let adult = age == AgeAtExploitation::Adult;
    let foreign_adult = adult && !is_british(&facts.nationalities);
    let (competent_authority, routing_reason) = route(c, adult, foreign_adult, referred_on, &mut rng);
    // Only adults can withdraw or enter Home Office-funded support; children are supported by
    // their local authority (nrm-domain.md 2.12).
    let adult_support = adult.then(|| people::support_provider(jurisdiction, profile.gender, profile.types));
    let steps = timeline(c, &mut rng, age, referred_on, adult_support, today);
    let identity = people::identity(&mut rng, age, referred_on);
    let account = people::account(&mut rng, profile.types, location);
    DemoCase { facts, consent_to_referral: adult, competent_authority, routing_reason, steps, identity, account }
}

fn draw<'a>(dist: &'a Distributions, age: AgeAtExploitation, rng: &mut ChaCha8Rng) -> Profile<'a> {
    dist.compiled.profile(&dist.cells, &dist.rest, age, rng)
}

/// An adult profile whose responder can make a Duty to Notify report: a public authority (not an
/// NGO) in England and Wales, where the statutory duty applies.
fn dtn_profile<'a>(dist: &'a Distributions, rng: &mut ChaCha8Rng) -> Profile<'a> {
    let mut profile = draw(dist, AgeAtExploitation::Adult, rng);
    for _ in 0..DTN_REDRAWS {
        let ngo = profile.responder_type == sg_domain::FirstResponderType::NgoThirdSector;
        let elsewhere = matches!(
            labels::pinned_jurisdiction(profile.responder),
            Some(Jurisdiction::Scotland | Jurisdiction::NorthernIreland)
        );
        if !ngo && !elsewhere {
            break;
        }
        profile = draw(dist, AgeAtExploitation::Adult, rng);
    }
    profile
}

/// The competent authority: the SCA for children; the IECA for some foreign adults once it
/// existed (it takes foreign national offenders, people in immigration detention and the
/// inadmissibility process, nrm-domain.md 2.5).
fn route(c: &Compiled, adult: bool, foreign: bool, on: Date, rng: &mut ChaCha8Rng) -> (CompetentAuthority, String) {
    if !adult {
        return (
            CompetentAuthority::Sca,
            "Children and people whose age is unknown are decided by the Single Competent Authority.".into(),
        );
    }
    if foreign && on >= a::IECA_START && chance(rng, c.ieca_foreign_adult_share) {
        return (
            CompetentAuthority::Ieca,
            "Adult in immigration detention or facing removal: allocated to the Immigration Enforcement \
             Competent Authority."
                .into(),
        );
    }
    (CompetentAuthority::Sca, "Adult referral allocated to the Single Competent Authority.".into())
}

fn days(on: Date, n: i64) -> Date {
    on.saturating_add(Duration::days(n))
}

/// Median days to the RG decision for a referral made on `on`.
fn rg_median(on: Date) -> f64 {
    if on.year() < 2023 {
        a::RG_MEDIAN_DAYS_BEFORE_2023
    } else if on.year() == 2023 {
        a::RG_MEDIAN_DAYS_2023[(u8::from(on.month()) as usize - 1) / 3]
    } else {
        a::RG_MEDIAN_DAYS_2023[3]
    }
}

/// A reconsideration requested within the allowed days of a negative decision made on
/// `decided_on`; returns whether it overturned the decision and the day it was decided.
fn reconsider(steps: &mut Steps, rng: &mut ChaCha8Rng, question: Question, decided_on: Date) -> (bool, Date) {
    let asked = days(decided_on, uniform_days(rng, 1, a::RECONSIDERATION_WITHIN_DAYS));
    let answered = days(asked, lognormal_days(rng, a::RECONSIDERATION_MEDIAN_DAYS, 0.6).max(1));
    let overturned = chance(rng, a::OVERTURNED_SHARE);
    let (outcome, reasons) = if overturned {
        (ReconsiderationOutcome::Overturned, "Further evidence sent with the request changes the decision.")
    } else {
        (ReconsiderationOutcome::Upheld, "The further information does not change the decision.")
    };
    let ask =
        CaseCommand::RequestReconsideration { question, grounds: String::new(), exceptional_circumstances: false };
    steps.push((ask, asked));
    steps.push((CaseCommand::DecideReconsideration { outcome, reasons: reasons.into() }, answered));
    (overturned, answered)
}

type Steps = Vec<(CaseCommand, Date)>;

/// What happens to a referral after it is routed, cut at a withdrawal and at `today`.
/// `adult_support` is the support provider for an adult, `None` for a child or unknown age.
fn timeline(
    c: &Compiled,
    rng: &mut ChaCha8Rng,
    age: AgeAtExploitation,
    referred_on: Date,
    adult_support: Option<&str>,
    today: Date,
) -> Steps {
    let mut steps = Steps::new();
    let withdrawn_on = (adult_support.is_some() && chance(rng, a::WITHDRAWN_SHARE))
        .then(|| days(referred_on, uniform_days(rng, 1, a::WITHDRAWN_WITHIN_DAYS)));

    let rg_on = days(referred_on, lognormal_days(rng, rg_median(referred_on), a::RG_SIGMA));
    let rg_positive = chance(rng, c.rg_rate(rg_on, age));
    let test = if rg_on < NABA_RG_TEST { "may be" } else { "is" };
    let reasons = if rg_positive {
        format!("There are reasonable grounds to believe that the person {test} a victim of modern slavery.")
    } else {
        format!(
            "The information available does not show reasonable grounds to believe that the person {test} a victim."
        )
    };
    let outcome = if rg_positive { DecisionOutcome::Positive } else { DecisionOutcome::Negative };
    steps.push((CaseCommand::DecideReasonableGrounds { outcome, reasons }, rg_on));

    let mut recovery_from = rg_positive.then_some(rg_on);
    if !rg_positive && chance(rng, a::RG_RECONSIDERATION_SHARE) {
        let (overturned, answered) = reconsider(&mut steps, rng, Question::ReasonableGrounds, rg_on);
        recovery_from = overturned.then_some(answered);
    }

    if let Some(start) = recovery_from {
        let provider = adult_support.filter(|_| chance(rng, a::SUPPORT_SHARE));
        if let Some(provider) = provider {
            steps.push((
                CaseCommand::EnterSupport { provider: provider.into(), provider_org: None },
                days(start, uniform_days(rng, 0, 7)),
            ));
        }
        let minimum = if start < a::RECOVERY_30_DAYS_FROM { a::RECOVERY_DAYS_BEFORE } else { a::RECOVERY_DAYS_AFTER };
        let cg_on = days(start, lognormal_days(rng, a::CG_MEDIAN_DAYS, a::CG_SIGMA).max(minimum));
        let cg_positive = chance(rng, c.cg_rate(cg_on, age));
        let (outcome, reasons) = if cg_positive {
            (DecisionOutcome::Positive, "On the balance of probabilities the person is a victim of modern slavery.")
        } else {
            (
                DecisionOutcome::Negative,
                "On the balance of probabilities there are not sufficient grounds to conclude that the person is \
                 a victim of modern slavery.",
            )
        };
        steps.push((CaseCommand::DecideConclusiveGrounds { outcome, reasons: reasons.into() }, cg_on));
        // A negative decision overturned on reconsideration: the person stays in support (what
        // follows is not drawn).
        let overturned = !cg_positive
            && chance(rng, a::CG_RECONSIDERATION_SHARE)
            && reconsider(&mut steps, rng, Question::ConclusiveGrounds, cg_on).0;
        if provider.is_some() && !overturned {
            let ((low, high), exit_reason) = if cg_positive {
                (a::MOVE_ON_DAYS, SupportExitReason::MoveOnEnded)
            } else {
                (a::EXIT_AFTER_NEGATIVE_DAYS, SupportExitReason::ExitSupportEnded)
            };
            let exit = CaseCommand::ExitSupport { exit_reason, reason: String::new() };
            steps.push((exit, days(cg_on, uniform_days(rng, low, high))));
        }
    }

    // Each command is pushed after the ones it needs and never dated before them, so a stable
    // sort by date keeps every prerequisite first; any prefix of the result is still valid.
    steps.sort_by_key(|(_, on)| *on);
    if let Some(w) = withdrawn_on {
        steps.retain(|(_, on)| *on <= w);
        let reason = "The person asked to leave the NRM.".to_string();
        steps.push((CaseCommand::Withdraw { reason }, w));
    }
    steps.retain(|(_, on)| *on <= today);
    steps
}
