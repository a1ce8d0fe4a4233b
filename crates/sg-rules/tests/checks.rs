//! The rule checks on lifecycle commands, routing by date, a case's deadlines, and a small
//! simulation, on cases built through the domain's own state machine.

use sg_domain::lifecycle::open_case;
use sg_domain::{
    AgeAtExploitation, CaseCommand, CaseFacts, CaseState, CompetentAuthority, DatedEvent, DecisionOutcome,
    ExploitationLocation, ExploitationType, FirstResponderType, Gender, Jurisdiction, Nationality, Question,
};
use sg_rules::simulate::Simulation;
use sg_rules::{builtin, case_deadlines, check_command, route, DeadlineKind, RequestFacts};
use time::Date;

fn d(s: &str) -> Date {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
}

fn facts(j: Jurisdiction, referred_on: &str) -> CaseFacts {
    CaseFacts {
        jurisdiction: j,
        age_at_exploitation: AgeAtExploitation::Adult,
        age_now: None,
        gender: Gender::Male,
        nationalities: vec![Nationality::parse("AL").unwrap()],
        exploitation_types: [ExploitationType::Labour].into(),
        exploitation_forms: Default::default(),
        exploitation_location: ExploitationLocation::Uk,
        first_responder_org: "Test NGO".into(),
        first_responder_type: FirstResponderType::NgoThirdSector,
        referred_on: d(referred_on),
        declined_because: Default::default(),
    }
}

/// A case built by running `steps` through `CaseState::decide`.
fn case(
    j: Jurisdiction,
    referred_on: &str,
    authority: CompetentAuthority,
    steps: &[(CaseCommand, &str)],
) -> Vec<DatedEvent> {
    let f = facts(j, referred_on);
    let on = f.referred_on;
    let mut events = open_case(f, true, (authority, "test".into()), on);
    let mut state = CaseState::replay(&events).unwrap();
    for (command, on) in steps {
        let new = state.decide(command, d(on), d("2030-01-01")).unwrap();
        new.iter().for_each(|e| state.apply(e));
        events.extend(new);
    }
    events
}

fn rg(outcome: DecisionOutcome) -> CaseCommand {
    CaseCommand::DecideReasonableGrounds { outcome, reasons: "r".into() }
}

fn cg() -> CaseCommand {
    CaseCommand::DecideConclusiveGrounds { outcome: DecisionOutcome::Positive, reasons: "r".into() }
}

#[test]
fn a_conclusive_decision_waits_as_long_as_the_rules_of_its_nation_say() {
    let ew = builtin("england-wales").unwrap();
    let events = case(
        Jurisdiction::EnglandWales,
        "2024-03-01",
        CompetentAuthority::Sca,
        &[(rg(DecisionOutcome::Positive), "2024-03-05")],
    );
    let state = CaseState::replay(&events).unwrap();
    let refused = check_command(ew, &state, &cg(), d("2024-04-03"), RequestFacts::default()).unwrap_err();
    assert_eq!(refused.rule, "recovery_period.days");
    assert!(refused.to_string().contains("ends on 2024-04-04"), "{refused}");
    assert!(refused.to_string().contains("Hansard"), "the source is named: {refused}");
    assert!(check_command(ew, &state, &cg(), d("2024-04-04"), RequestFacts::default()).is_ok());

    // Before 13 December 2022 the period was 45 days.
    let old = case(
        Jurisdiction::EnglandWales,
        "2022-11-01",
        CompetentAuthority::Sca,
        &[(rg(DecisionOutcome::Positive), "2022-11-02")],
    );
    let old = CaseState::replay(&old).unwrap();
    assert!(check_command(ew, &old, &cg(), d("2022-12-16"), RequestFacts::default()).is_err());
    assert!(check_command(ew, &old, &cg(), d("2022-12-17"), RequestFacts::default()).is_ok());
    let sc = builtin("scotland").unwrap();
    let scots = case(
        Jurisdiction::Scotland,
        "2024-03-01",
        CompetentAuthority::Sca,
        &[(rg(DecisionOutcome::Positive), "2024-03-05")],
    );
    let scots = CaseState::replay(&scots).unwrap();
    // In Scotland support runs 90 days "or until the conclusive determination if earlier": the
    // decision waits only for the competent authorities' 30 days (45 before 13 December 2022).
    let refused = check_command(sc, &scots, &cg(), d("2024-04-03"), RequestFacts::default()).unwrap_err();
    assert_eq!(refused.rule, "cg.min_days_after_rg");
    assert!(refused.to_string().contains("before 2024-04-04"), "{refused}");
    assert!(check_command(sc, &scots, &cg(), d("2024-04-04"), RequestFacts::default()).is_ok(), "day 30 of 90");
    let old_scots = case(
        Jurisdiction::Scotland,
        "2019-05-01",
        CompetentAuthority::Sca,
        &[(rg(DecisionOutcome::Positive), "2019-05-02")],
    );
    let old_scots = CaseState::replay(&old_scots).unwrap();
    assert!(check_command(sc, &old_scots, &cg(), d("2019-06-15"), RequestFacts::default()).is_err());
    assert!(check_command(sc, &old_scots, &cg(), d("2019-06-16"), RequestFacts::default()).is_ok(), "day 45 of 90");
    // Northern Ireland: 45 days of support, the decision possible from day 30.
    let ni = builtin("northern-ireland").unwrap();
    let northern = case(
        Jurisdiction::NorthernIreland,
        "2025-01-06",
        CompetentAuthority::Sca,
        &[(rg(DecisionOutcome::Positive), "2025-01-07")],
    );
    let northern = CaseState::replay(&northern).unwrap();
    assert!(check_command(ni, &northern, &cg(), d("2025-02-05"), RequestFacts::default()).is_err());
    assert!(check_command(ni, &northern, &cg(), d("2025-02-13"), RequestFacts::default()).is_ok(), "day 37 of 45");
}

#[test]
fn reconsideration_has_a_window_from_february_2024_and_an_exclusion_from_september_2025() {
    let ew = builtin("england-wales").unwrap();
    let ask = CaseCommand::RequestReconsideration {
        question: Question::ReasonableGrounds,
        grounds: String::new(),
        exceptional_circumstances: false,
    };
    let negative = |on| {
        case(Jurisdiction::EnglandWales, "2023-01-02", CompetentAuthority::Ieca, &[(rg(DecisionOutcome::Negative), on)])
    };
    let before = CaseState::replay(&negative("2023-06-01")).unwrap();
    assert!(
        check_command(ew, &before, &ask, d("2024-06-01"), RequestFacts::default()).is_ok(),
        "no limit before Feb 2024"
    );
    let after = CaseState::replay(&negative("2024-03-01")).unwrap();
    assert!(check_command(ew, &after, &ask, d("2024-03-31"), RequestFacts::default()).is_ok());
    let late = check_command(ew, &after, &ask, d("2024-04-01"), RequestFacts::default()).unwrap_err();
    assert_eq!(late.rule, "reconsideration.window_days");
    let removal = RequestFacts { removal_to_ecat_echr_state: true };
    let recent = CaseState::replay(&negative("2025-09-20")).unwrap();
    let excluded = check_command(ew, &recent, &ask, d("2025-09-22"), removal).unwrap_err();
    assert_eq!(excluded.rule, "reconsideration.excluded_if_removal_to_ecat_echr_state");
    assert!(check_command(ew, &recent, &ask, d("2025-09-22"), RequestFacts::default()).is_ok());
    assert!(check_command(ew, &before, &ask, d("2023-06-02"), removal).is_ok(), "not excluded before 17 Sep 2025");
}

#[test]
fn routing_follows_the_date_the_ieca_began() {
    let ew = builtin("england-wales").unwrap();
    assert_eq!(route(ew, &facts(Jurisdiction::EnglandWales, "2021-11-07"), true).0, CompetentAuthority::Sca);
    assert_eq!(route(ew, &facts(Jurisdiction::EnglandWales, "2021-11-08"), true).0, CompetentAuthority::Ieca);
    assert_eq!(route(ew, &facts(Jurisdiction::EnglandWales, "2021-11-08"), false).0, CompetentAuthority::Sca);
    let proposal = builtin("proposal-survivor-centred").unwrap();
    assert_eq!(route(proposal, &facts(Jurisdiction::EnglandWales, "2024-01-01"), true).0, CompetentAuthority::Sca);
}

#[test]
fn a_re_routing_of_a_child_or_a_person_of_unknown_age_to_the_ieca_is_refused() {
    let ew = builtin("england-wales").unwrap();
    let to_ieca = CaseCommand::Route { authority: CompetentAuthority::Ieca, reason: "re-routed".into() };
    for (age, refused) in
        [(AgeAtExploitation::Child, true), (AgeAtExploitation::Unknown, true), (AgeAtExploitation::Adult, false)]
    {
        let mut f = facts(Jurisdiction::EnglandWales, "2024-01-02");
        f.age_at_exploitation = age;
        let state =
            CaseState::replay(&open_case(f, true, (CompetentAuthority::Sca, "test".into()), d("2024-01-02"))).unwrap();
        let answer = check_command(ew, &state, &to_ieca, d("2024-01-03"), RequestFacts::default());
        assert_eq!(answer.is_err(), refused, "{age:?}");
        if let Err(r) = answer {
            assert_eq!(r.rule, "routing.ieca_for_adults_in_remit");
            assert!(r.message.contains("cannot be routed"), "{}", r.message);
        }
    }
}

#[test]
fn a_case_lists_its_deadlines_with_breaches() {
    let ew = builtin("england-wales").unwrap();
    // Referred Friday 22 Dec 2023: the RG target is 3 Jan 2024; decided on 10 Jan, late.
    let events = case(
        Jurisdiction::EnglandWales,
        "2023-12-22",
        CompetentAuthority::Sca,
        &[(rg(DecisionOutcome::Positive), "2024-01-10"), (cg(), "2024-02-01")],
    );
    let deadlines = case_deadlines(ew, &events, d("2024-06-01"));
    let rg = deadlines.iter().find(|x| x.kind == DeadlineKind::RgDecision).unwrap();
    assert_eq!((rg.due.due_on, rg.met_on, rg.breached), (d("2024-01-03"), Some(d("2024-01-10")), true));
    let rp = deadlines.iter().find(|x| x.kind == DeadlineKind::RecoveryPeriodEnd).unwrap();
    assert_eq!((rp.due.due_on, rp.breached), (d("2024-02-09"), true), "a CG decision on 1 Feb came too early");
}

#[test]
fn a_simulation_counts_cases_gaining_under_the_proposal() {
    let ew = builtin("england-wales").unwrap();
    let proposal = builtin("proposal-survivor-centred").unwrap();
    let mut sim = Simulation::new(ew, proposal, d("2026-01-01"));
    let ieca = case(
        Jurisdiction::EnglandWales,
        "2024-01-02",
        CompetentAuthority::Ieca,
        &[(rg(DecisionOutcome::Positive), "2024-01-05"), (cg(), "2024-03-01")],
    );
    sim.add("SG-AAAAA-AAAAA", &ieca);
    let scots = case(Jurisdiction::Scotland, "2024-01-02", CompetentAuthority::Sca, &[]);
    sim.add("SG-BBBBB-BBBBB", &scots);
    let report = sim.finish();
    assert_eq!((report.cases, report.skipped), (1, 1), "the England and Wales rules do not speak for Scotland");
    let routed = report.measures.iter().find(|m| m.key == "routed-to-ieca").unwrap();
    assert_eq!(
        (routed.under_a, routed.under_b, routed.only_a.examples.clone()),
        (1, 0, vec!["SG-AAAAA-AAAAA".to_string()])
    );
    assert_eq!(
        (report.recovery_period.days_a, report.recovery_period.days_b, report.recovery_period.days_gained),
        (30, 45, 15)
    );
    let pts = report.measures.iter().find(|m| m.key == "permission-to-stay-as-of-right").unwrap();
    assert_eq!((pts.under_a, pts.under_b), (0, 1));
}
