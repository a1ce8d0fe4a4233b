//! A rule set: named parameters, each with dated versions and a source, and the questions asked
//! of it ("what is the recovery period on this date?").

use serde::Serialize;
use sg_domain::Jurisdiction;
use time::Date;

use crate::params::{self, Param};

/// Where a rule comes from: a title and a link a reader can follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The short name used in the rule file.
    pub id: String,
    /// The source's title.
    pub title: String,
    /// A link to it.
    pub url: String,
}

/// A parameter's value in one version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A whole number (days, working days or months).
    Number(u32),
    /// No limit applies (written `"none"`).
    NoLimit,
    /// Yes or no.
    Flag(bool),
    /// One of the parameter's allowed words.
    Choice(String),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::NoLimit => f.write_str("none"),
            Value::Flag(b) => write!(f, "{b}"),
            Value::Choice(s) => f.write_str(s),
        }
    }
}

/// One dated version of a parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Version {
    /// The first day it applies.
    pub from: Date,
    /// The last day it applies; `None` while still in force.
    pub to: Option<Date>,
    /// The value.
    pub value: Value,
    /// Where it comes from.
    pub source: Source,
    /// The reference could not confirm it: encoded as the best reading, to be checked.
    pub unconfirmed: bool,
    /// Context for readers, where the value needs it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Version {
    /// Whether this version applies on `on`.
    pub fn covers(&self, on: Date) -> bool {
        self.from <= on && self.to.is_none_or(|to| on <= to)
    }
}

/// One parameter and its versions, oldest first, without gaps or overlaps.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    /// The parameter's key.
    pub key: &'static str,
    /// What it is, in plain words.
    pub title: &'static str,
    /// The versions, oldest first.
    pub versions: Vec<Version>,
}

/// A whole rule set: the rules of one jurisdiction, or a proposal.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSet {
    /// Its name (`england-wales`, `proposal-survivor-centred`, ...).
    pub name: String,
    /// Its title.
    pub title: String,
    /// The jurisdiction it is for; `None` for a proposal that would apply in all three.
    pub jurisdiction: Option<Jurisdiction>,
    /// A proposal, not law or policy in force.
    pub proposal: bool,
    /// What it is, in a few sentences.
    pub description: String,
    /// The file it was read from.
    pub file: String,
    /// The parameters.
    pub rules: Vec<Rule>,
}

/// A rule as it stands on one day.
#[derive(Debug, Clone, Serialize)]
pub struct InForce<'a> {
    /// The parameter's key.
    pub key: &'static str,
    /// What it is.
    pub title: &'static str,
    /// The version in force.
    #[serde(flatten)]
    pub version: &'a Version,
}

impl InForce<'_> {
    /// The rule and its source in plain words, for refusals and reports.
    pub fn cite(&self) -> String {
        let unconfirmed = if self.version.unconfirmed { " (unconfirmed in the reference)" } else { "" };
        format!(
            "{} = {} from {}{unconfirmed}; source: {} <{}>",
            self.key, self.version.value, self.version.from, self.version.source.title, self.version.source.url
        )
    }
}

impl RuleSet {
    /// The calendar whose bank holidays count for a case in `case_jurisdiction`: the rule set's
    /// own nation, or the case's for a proposal that applies everywhere.
    pub fn calendar_for(&self, case_jurisdiction: Jurisdiction) -> Jurisdiction {
        self.jurisdiction.unwrap_or(case_jurisdiction)
    }

    /// Whether this rule set speaks for cases in `j`.
    pub fn applies_to(&self, j: Jurisdiction) -> bool {
        self.jurisdiction.is_none_or(|own| own == j)
    }

    /// The version of `key` in force on `on`, if the parameter is set then.
    pub fn get(&self, key: &str, on: Date) -> Option<InForce<'_>> {
        let rule = self.rules.iter().find(|r| r.key == key)?;
        let version = rule.versions.iter().find(|v| v.covers(on))?;
        Some(InForce { key: rule.key, title: rule.title, version })
    }

    /// A number parameter on `on`, with its rule.
    pub fn number(&self, key: &str, on: Date) -> Option<(u32, InForce<'_>)> {
        let r = self.get(key, on)?;
        match r.version.value {
            Value::Number(n) => Some((n, r)),
            _ => None,
        }
    }

    /// A number-or-none parameter on `on`: `Some(None)` where no limit applies.
    pub fn limit(&self, key: &str, on: Date) -> Option<(Option<u32>, InForce<'_>)> {
        let r = self.get(key, on)?;
        match r.version.value {
            Value::Number(n) => Some((Some(n), r)),
            Value::NoLimit => Some((None, r)),
            _ => None,
        }
    }

    /// A yes-or-no parameter on `on` (`false` when not set then).
    pub fn flag(&self, key: &str, on: Date) -> bool {
        self.get(key, on).is_some_and(|r| r.version.value == Value::Flag(true))
    }

    /// A choice parameter on `on`.
    pub fn choice(&self, key: &str, on: Date) -> Option<(&str, InForce<'_>)> {
        let r = self.get(key, on)?;
        match &r.version.value {
            Value::Choice(s) => Some((s.as_str(), r)),
            _ => None,
        }
    }

    /// Every rule in force on `on`, in catalogue order.
    pub fn in_force(&self, on: Date) -> Vec<InForce<'_>> {
        params::CATALOGUE.iter().filter_map(|p: &Param| self.get(p.key, on)).collect()
    }
}
