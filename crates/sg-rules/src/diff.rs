//! Comparing rules: two rule sets on one day, or one rule set on two days.

use serde::Serialize;
use time::Date;

use crate::params::CATALOGUE;
use crate::ruleset::{RuleSet, Version};

/// One parameter that differs between the two sides.
#[derive(Debug, Clone, Serialize)]
pub struct Difference<'a> {
    /// The parameter's key.
    pub key: &'static str,
    /// What it is.
    pub title: &'static str,
    /// The left side's version, if the parameter is set there.
    pub left: Option<&'a Version>,
    /// The right side's version, if set.
    pub right: Option<&'a Version>,
}

/// The parameters whose values differ between `left` on `left_on` and `right` on `right_on`,
/// in catalogue order. Parameters set on neither side, or to the same value, are left out.
pub fn diff<'a>(left: &'a RuleSet, left_on: Date, right: &'a RuleSet, right_on: Date) -> Vec<Difference<'a>> {
    CATALOGUE
        .iter()
        .filter_map(|p| {
            let l = left.get(p.key, left_on).map(|r| r.version);
            let r = right.get(p.key, right_on).map(|r| r.version);
            let same = match (l, r) {
                (None, None) => true,
                (Some(a), Some(b)) => a.value == b.value,
                _ => false,
            };
            (!same).then_some(Difference { key: p.key, title: p.title, left: l, right: r })
        })
        .collect()
}
