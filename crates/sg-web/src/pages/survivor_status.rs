//! "Where your case is" on the survivor's own page: the codes and dates of
//! `sg_app::survivor_status` worded in the person's language, dates in words.

use sg_app::survivor_status::{DecisionLine, SurvivorStatus};
use time::Date;

use crate::dates::in_words;
use crate::i18n::{t, tf, Locale};

/// The sentences that say where the case is, in order.
pub(crate) fn sentences(l: Locale, s: &SurvivorStatus) -> Vec<String> {
    let on = |key: &str, date: Date| tf(l, &format!("survivor.status.{key}"), &[("date", &in_words(l, date))]);
    let mut out = vec![on("referred", s.referred_on)];
    if s.stage == "duty-to-notify" {
        out.push(t(l, "survivor.status.duty-to-notify"));
        return out;
    }
    let decision = |out: &mut Vec<String>, question: &str, d: &DecisionLine| {
        out.push(on(&format!("{question}_{}", d.outcome), d.decided_on));
        if d.changed_on_reconsideration {
            out.push(t(l, "survivor.status.changed"));
        }
    };
    match &s.reasonable_grounds {
        None if s.withdrawn_on.is_some() => {}
        None => {
            out.push(t(l, "survivor.status.awaiting-rg"));
            match s.decision_target {
                Some(due) if s.decision_late => out.push(on("late", due)),
                Some(due) => out.push(on("target", due)),
                None => {}
            }
        }
        Some(rg) => decision(&mut out, "rg", rg),
    }
    if let Some((start, end)) = s.recovery_period {
        // Where the decision need not wait for the period (Scotland, Northern Ireland), support
        // ends with the decision if that comes first.
        let key = match s.final_decision_not_before {
            Some((_, false)) => "survivor.status.recovery_or_decision",
            _ => "survivor.status.recovery",
        };
        out.push(tf(l, key, &[("start", &in_words(l, start)), ("end", &in_words(l, end))]));
        if let Some((first, _)) = s.final_decision_not_before {
            out.push(on("final_not_before", first));
        }
        out.push(t(l, "survivor.status.awaiting-cg"));
    }
    if let Some(cg) = &s.conclusive_grounds {
        decision(&mut out, "cg", cg);
    }
    if let Some((_, asked_on)) = s.reconsideration_asked {
        out.push(on("reconsider_asked", asked_on));
    } else if let Some(until) = s.reconsideration_until {
        out.push(on("reconsider_until", until));
    }
    if let Some(w) = s.withdrawn_on {
        out.push(on("withdrawn", w));
    }
    out
}

/// A date the app gives as ISO text (`2026-12-04`, or a time after it), in words: the
/// words, then whatever followed the date. Text that does not start with a date is kept.
pub(crate) fn iso_in_words(l: Locale, text: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match text.get(..10).map(|d| Date::parse(d, &format)) {
        Some(Ok(date)) => format!("{}{}", in_words(l, date), &text[10..]),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn waiting() -> SurvivorStatus {
        SurvivorStatus {
            stage: "awaiting-rg",
            referred_on: date!(2026 - 12 - 01),
            reasonable_grounds: None,
            conclusive_grounds: None,
            decision_target: Some(date!(2026 - 12 - 08)),
            decision_late: false,
            recovery_period: None,
            final_decision_not_before: None,
            reconsideration_asked: None,
            reconsideration_until: None,
            withdrawn_on: None,
        }
    }

    #[test]
    fn a_waiting_referral_gives_its_target_in_words() {
        let text = sentences(Locale::En, &waiting()).join(" ");
        assert!(text.contains("1 December 2026"), "{text}");
        assert!(text.contains("by 8 December 2026"), "{text}");
        let late = SurvivorStatus { decision_late: true, ..waiting() };
        assert!(sentences(Locale::En, &late).join(" ").contains("taking longer"));
    }

    #[test]
    fn every_sentence_is_in_the_persons_language() {
        let negative = SurvivorStatus {
            stage: "negative-rg",
            reasonable_grounds: Some(DecisionLine {
                outcome: "negative",
                decided_on: date!(2026 - 12 - 03),
                changed_on_reconsideration: false,
            }),
            decision_target: None,
            reconsideration_until: Some(date!(2027 - 01 - 14)),
            ..waiting()
        };
        for l in Locale::ALL {
            for s in [waiting(), negative.clone()] {
                for line in sentences(l, &s) {
                    assert!(!line.contains("survivor.status"), "{l:?}: a key shown as text: {line}");
                    assert!(!line.contains('{'), "{l:?}: a placeholder left: {line}");
                    if l != Locale::En {
                        let english: Vec<String> = sentences(Locale::En, &s);
                        assert!(!english.contains(&line), "{l:?}: English text: {line}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_final_decision_is_said_to_wait_only_where_the_rules_hold_it() {
        let recovering = SurvivorStatus {
            stage: "awaiting-cg",
            reasonable_grounds: Some(DecisionLine {
                outcome: "positive",
                decided_on: date!(2026 - 12 - 03),
                changed_on_reconsideration: false,
            }),
            decision_target: None,
            recovery_period: Some((date!(2026 - 12 - 03), date!(2027 - 01 - 02))),
            final_decision_not_before: Some((date!(2027 - 01 - 02), true)),
            ..waiting()
        };
        let text = sentences(Locale::En, &recovering).join(" ");
        assert!(text.contains("lasts at least until 2 January 2027"), "{text}");
        assert!(text.contains("not made before 2 January 2027"), "{text}");
        let free = SurvivorStatus { final_decision_not_before: None, ..recovering.clone() };
        assert!(!sentences(Locale::En, &free).join(" ").contains("not made before"));
        // Scotland: 90 days of support, or until the decision, which may come after 30.
        let scotland = SurvivorStatus {
            recovery_period: Some((date!(2026 - 12 - 03), date!(2027 - 03 - 03))),
            final_decision_not_before: Some((date!(2027 - 01 - 02), false)),
            ..recovering
        };
        let text = sentences(Locale::En, &scotland).join(" ");
        assert!(text.contains("lasts until 3 March 2027, or until the final decision if that comes first"), "{text}");
        assert!(!text.contains("at least"), "{text}");
        assert!(text.contains("not made before 2 January 2027"), "{text}");
        for l in Locale::ALL.into_iter().filter(|l| *l != Locale::En) {
            let line = sentences(l, &scotland).join(" ");
            assert!(!line.contains("survivor.status") && !line.contains('{'), "{l:?}: {line}");
            assert!(!line.contains("or until the final decision"), "{l:?}: English text: {line}");
        }
    }

    #[test]
    fn a_withdrawn_referral_waits_for_no_decision() {
        let withdrawn = SurvivorStatus {
            stage: "withdrawn",
            decision_target: None,
            withdrawn_on: Some(date!(2026 - 12 - 02)),
            ..waiting()
        };
        let text = sentences(Locale::En, &withdrawn).join(" ");
        assert!(text.contains("On 2 December 2026 you left the National Referral Mechanism"), "{text}");
        assert!(!text.contains("is looking at your referral"), "{text}");
    }

    #[test]
    fn iso_dates_become_words() {
        assert_eq!(iso_in_words(Locale::En, "2026-12-04 04:50 UTC"), "4 December 2026 04:50 UTC");
        assert_eq!(iso_in_words(Locale::En, "not a date"), "not a date");
    }
}
