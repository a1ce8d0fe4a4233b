//! One row per dated fact in `shared/reference/nrm-domain.md` section 2, for each jurisdiction:
//! the rule set must give that value on that day, and the version must carry a source. Rows
//! check the day a rule starts and the day before, so a shifted date fails.

use sg_rules::{builtin, RuleSet};
use time::Date;

/// (rule set, key, day, expected value, where the reference states it).
type Row = (&'static str, &'static str, &'static str, &'static str, &'static str);

const EW: &str = "england-wales";
const SC: &str = "scotland";
const NI: &str = "northern-ireland";
const PR: &str = "proposal-survivor-centred";

const ROWS: &[Row] = &[
    // 2.6 Reasonable grounds.
    (
        EW,
        "rg.target_working_days",
        "2010-06-01",
        "5",
        "2.6: within 5 working days where possible (Sefton manual 2017; toolkit 2026)",
    ),
    (EW, "rg.target_working_days", "2026-01-05", "5", "2.6: toolkit 2026"),
    (EW, "rg.test", "2023-01-29", "may_be_victim", "2.6: 'may be' until 29 Jan 2023 (NABA s60)"),
    (EW, "rg.test", "2023-01-30", "is_victim_objective_factors", "2.6: 'is' with objective factors from 30 Jan 2023"),
    (EW, "rg.test", "2023-07-23", "is_victim_objective_factors", "2.16: objective factors to 2023-07-23"),
    (EW, "rg.test", "2023-07-24", "is_victim_all_general_and_specific_evidence", "2.6: revised guidance 24 Jul 2023"),
    // 2.7 Recovery period.
    (EW, "recovery_period.days", "2022-12-12", "45", "2.7: 45 days until 12 Dec 2022"),
    (EW, "recovery_period.days", "2022-12-13", "30", "2.7: 30 days from 13 Dec 2022 (Hansard 13 Dec 2022)"),
    (EW, "recovery_period.basis", "2023-01-29", "policy", "2.16: statutory from 2023-01-30"),
    (EW, "recovery_period.basis", "2023-01-30", "statute", "2.7: NABA s61 from 30 Jan 2023"),
    (SC, "recovery_period.days", "2018-04-01", "90", "2.7: Scotland 90 days from 1 Apr 2018 (SSI 2018/90)"),
    (SC, "recovery_period.days", "2018-03-31", "45", "before SSI 2018/90 (unconfirmed: UK policy)"),
    (NI, "recovery_period.days", "2016-01-01", "45", "2.7: NI 45 days (2015 Act s18)"),
    (NI, "recovery_period.days", "2024-01-01", "45", "2.16: NI 45, extendable"),
    (NI, "recovery_period.extendable", "2022-04-27", "false", "2.7: extension power from 28 Apr 2022"),
    (
        NI,
        "recovery_period.extendable",
        "2022-04-28",
        "true",
        "2.1: Justice (Sexual Offences and Trafficking Victims) Act (NI) 2022 s21",
    ),
    (NI, "support.post_cg_max_months", "2022-04-28", "12", "2.7: post-CG support up to 12 months"),
    // 2.8 Conclusive grounds.
    (EW, "cg.standard", "2023-01-29", "balance_of_probabilities_policy", "2.8: policy before NABA"),
    (EW, "cg.standard", "2023-01-30", "balance_of_probabilities_statutory", "2.8: MSA s49(1A) from 30 Jan 2023"),
    (SC, "cg.standard", "2024-01-01", "balance_of_probabilities_policy", "2.8: statutory in E&W only"),
    (EW, "cg.not_before_recovery_period_end", "2020-01-01", "true", "2.8: not before the recovery period has ended"),
    (SC, "cg.not_before_recovery_period_end", "2018-04-01", "false", "2.7: 90 days or until the CG if earlier"),
    (NI, "cg.not_before_recovery_period_end", "2022-04-28", "false", "2.7: support continues if a CG comes within"),
    (SC, "cg.min_days_after_rg", "2022-12-13", "30", "2.7: CG after at least 30 calendar days from the RG"),
    (NI, "cg.min_days_after_rg", "2022-12-12", "45", "2.7: the 45-day minimum before 13 Dec 2022"),
    // 2.9 Review of negative decisions.
    (EW, "review.negative_decisions", "2019-04-29", "multi_agency_assurance_panel", "2.9: MAAPs from April 2019"),
    (EW, "review.negative_decisions", "2022-12-13", "second_caseworker", "2.9: MAAPs removed December 2022"),
    // 2.10 Reconsideration.
    (EW, "reconsideration.window_days", "2024-02-21", "none", "2.10: no fixed limit before Feb 2024 (unconfirmed)"),
    (EW, "reconsideration.window_days", "2024-02-22", "30", "2.10: 30 calendar days from guidance v3.8 (22 Feb 2024)"),
    (SC, "reconsideration.window_days", "2024-02-22", "30", "2.1: the guidance covers Scotland (non-statutory)"),
    (
        NI,
        "reconsideration.window_days",
        "2024-02-22",
        "30",
        "2.1: the guidance covers Northern Ireland (non-statutory)",
    ),
    (
        EW,
        "reconsideration.excluded_if_removal_to_ecat_echr_state",
        "2025-09-16",
        "false",
        "2.16: false before 17 Sep 2025",
    ),
    (
        EW,
        "reconsideration.excluded_if_removal_to_ecat_echr_state",
        "2025-09-17",
        "true",
        "2.10: para 14.216 from 17 Sep 2025",
    ),
    // 2.11 Disqualification.
    (EW, "disqualification.public_order", "2023-01-29", "none", "2.11: NABA s63 from 30 Jan 2023"),
    (EW, "disqualification.public_order", "2023-01-30", "discretionary", "2.11: 'may' determine"),
    (
        EW,
        "disqualification.public_order",
        "2023-07-26",
        "withdrawn_pending_revision",
        "2.11: interim relief 26 Jul 2023 (MAN & LAN)",
    ),
    (
        EW,
        "disqualification.public_order",
        "2024-02-01",
        "discretionary_with_retrafficking_risk_assessment",
        "2.11: revised policy Jan 2024",
    ),
    // 2.3 Consent and 2.4 Duty to Notify.
    (EW, "consent.adult_required", "2009-04-01", "true", "2.3: adults give informed consent"),
    (EW, "consent.child_required", "2009-04-01", "false", "2.3: children do not consent"),
    (EW, "dtn.in_force", "2015-10-31", "false", "2.4: MSA s52 from 1 Nov 2015"),
    (EW, "dtn.in_force", "2015-11-01", "true", "2.4: MSA s52 in force 1 Nov 2015"),
    (EW, "dtn.identity_allowed", "2016-01-01", "only_with_consent", "2.4: an adult only with consent"),
    (SC, "dtn.in_force", "2024-01-01", "false", "2.4: s38 HTE(S)A commencement unconfirmed"),
    // 2.5 Competent authorities.
    (EW, "routing.authorities", "2019-04-28", "ukhtc_and_home_office", "2.5: UKHTC and Home Office to Apr 2019"),
    (EW, "routing.authorities", "2019-04-29", "single_competent_authority", "2.5: SCA from 29 Apr 2019"),
    (EW, "routing.authorities", "2021-11-08", "sca_and_ieca", "2.5: IECA from 8 Nov 2021"),
    (EW, "routing.ieca_for_adults_in_remit", "2021-11-07", "false", "2.5: no IECA before 8 Nov 2021"),
    (EW, "routing.ieca_for_adults_in_remit", "2021-11-08", "true", "2.5: IECA from 8 Nov 2021"),
    (SC, "routing.ieca_for_adults_in_remit", "2021-11-08", "true", "2.15: UK competent authorities (SCA/IECA)"),
    (NI, "routing.ieca_for_adults_in_remit", "2021-11-08", "true", "2.15: UK competent authorities (SCA/IECA)"),
    // 2.13 Permission to stay and 2.12 move-on.
    (EW, "permission_to_stay.basis", "2023-01-30", "vts_statutory_if_necessary", "2.13: NABA s65 from 30 Jan 2023"),
    (
        EW,
        "permission_to_stay.decisions",
        "2024-08-27",
        "compensation_and_cooperation_only",
        "2.13: resumed 27 Aug 2024 except recovery",
    ),
    (
        EW,
        "permission_to_stay.decisions",
        "2025-02-06",
        "compensation_and_cooperation_only_not_deportation_orders",
        "2.13: 6 Feb 2025 pause",
    ),
    (EW, "move_on.positive_cg_min_days", "2020-01-01", "45", "2.12: at least 45 days (start unconfirmed)"),
    // The proposal (PRODUCT.md).
    (PR, "recovery_period.days", "2024-01-01", "45", "PRODUCT.md: recovery period of at least 45 days"),
    (PR, "routing.ieca_for_adults_in_remit", "2024-01-01", "false", "PRODUCT.md: one independent competent authority"),
    (PR, "referral.credibility_flag", "2024-01-01", "false", "PRODUCT.md: no credibility flag"),
    (
        PR,
        "reconsideration.excluded_if_removal_to_ecat_echr_state",
        "2026-01-01",
        "false",
        "PRODUCT.md: reconsideration open to everyone",
    ),
    (PR, "disqualification.public_order", "2024-01-01", "none", "PRODUCT.md: no public order disqualification"),
    (
        PR,
        "permission_to_stay.for_every_confirmed_victim",
        "2024-01-01",
        "true",
        "PRODUCT.md: permission to stay for every confirmed victim",
    ),
];

fn day(s: &str) -> Date {
    Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
}

fn value(set: &RuleSet, key: &str, on: Date) -> Option<String> {
    let r = set.get(key, on)?;
    assert!(!r.version.source.title.is_empty() && r.version.source.url.starts_with("http"), "{key}: no source");
    Some(r.version.value.to_string())
}

#[test]
fn every_dated_fact_in_the_reference_is_encoded() {
    let mut failures = Vec::new();
    for (set, key, on, expected, reference) in ROWS {
        let rules = builtin(set).unwrap();
        let got = value(rules, key, day(on));
        if got.as_deref() != Some(*expected) {
            failures.push(format!("{set} {key} on {on}: expected {expected}, got {got:?} ({reference})"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unconfirmed_facts_are_marked() {
    let ew = builtin(EW).unwrap();
    for (key, on) in [("reconsideration.window_days", "2020-01-01"), ("move_on.positive_cg_min_days", "2020-01-01")] {
        assert!(ew.get(key, day(on)).unwrap().version.unconfirmed, "{key} should be marked unconfirmed");
    }
    assert!(!ew.get("recovery_period.days", day("2023-06-01")).unwrap().version.unconfirmed);
    assert!(builtin(SC).unwrap().get("dtn.in_force", day("2024-01-01")).unwrap().version.unconfirmed);
}

#[test]
fn rules_not_yet_in_force_are_absent() {
    let ew = builtin(EW).unwrap();
    assert!(ew.get("permission_to_stay.decisions", day("2020-01-01")).is_none(), "VTS began in 2023");
    assert!(ew.get("dtn.identity_allowed", day("2014-01-01")).is_none());
}
