//! Every generated case must be one the domain accepts: valid facts, and every step allowed by
//! the case state machine on its date.

mod common;

use sg_demo::{generate, DemoCase, Distributions};
use sg_domain::lifecycle::{open_case, CaseState};
use sg_domain::{CaseKind, CaseStatus};
use time::{macros::date, Date};

/// Opens the case and applies its steps, as the caller that stores cases does.
fn replay(case: &DemoCase, today: Date) -> Result<CaseState, String> {
    case.facts.validate().map_err(|e| e.to_string())?;
    let route = (case.competent_authority, case.routing_reason.clone());
    let events = open_case(case.facts.clone(), case.consent_to_referral, route, case.facts.referred_on);
    let mut state = CaseState::replay(&events).ok_or("open_case gave no case")?;
    if state.kind == CaseKind::Referral {
        case.identity.validate(today).map_err(|e| e.to_string())?;
        case.account.validate().map_err(|e| e.to_string())?;
    } else if !case.steps.is_empty() || !case.identity.full_name.0.is_empty() {
        return Err("a Duty to Notify report with steps or an identity".into());
    }
    let mut last = case.facts.referred_on;
    for (command, on) in &case.steps {
        if *on < last || *on > today {
            return Err(format!("{command:?} dated {on}, after {last} and by {today}"));
        }
        last = *on;
        let events = state.decide(command, *on, today).map_err(|e| format!("{command:?} on {on}: {e}"))?;
        for e in &events {
            state.apply(e);
        }
        state.check_invariants()?;
    }
    state.check_invariants()?;
    Ok(state)
}

fn replay_many(dist: &Distributions, seed: u64, n: u64, today: Date) -> Vec<CaseStatus> {
    (0..n)
        .map(|i| {
            let case = generate(dist, seed, i, today);
            assert!(case.facts.referred_on <= today);
            match replay(&case, today) {
                Ok(state) => state.status(),
                Err(e) => panic!("seed {seed}, case {i}: {e}\n{case:#?}"),
            }
        })
        .collect()
}

#[test]
fn twenty_thousand_embedded_cases_for_two_seeds_replay_without_error() {
    let dist = Distributions::embedded();
    for (seed, today) in [(1, date!(2026 - 03 - 01)), (2024, date!(2023 - 09 - 30))] {
        let statuses = replay_many(&dist, seed, 20_000, today);
        // Every state appears, so the replay exercised every kind of step.
        for status in [
            CaseStatus::DutyToNotify,
            CaseStatus::NegativeReasonableGrounds,
            CaseStatus::PositiveConclusiveGrounds,
            CaseStatus::NegativeConclusiveGrounds,
            CaseStatus::Withdrawn,
        ] {
            assert!(statuses.contains(&status), "seed {seed}: no case is {status:?}");
        }
        if today < date!(2024 - 01 - 01) {
            assert!(statuses.contains(&CaseStatus::AwaitingConclusiveGrounds));
            assert!(statuses.contains(&CaseStatus::AwaitingReasonableGrounds));
        }
    }
}

#[test]
fn cases_from_the_full_tables_replay_without_error() {
    let Some(dist) = common::from_data() else { return };
    replay_many(dist, 7, 20_000, date!(2026 - 03 - 01));
    replay_many(dist, 8, 20_000, date!(2022 - 06 - 30));
}

#[test]
fn a_today_before_the_tables_gives_no_future_dates() {
    let dist = Distributions::embedded();
    let today = date!(2015 - 02 - 01);
    for i in 0..2_000 {
        let case = generate(&dist, 3, i, today);
        assert!(case.facts.referred_on <= today);
        replay(&case, today).unwrap();
    }
}
