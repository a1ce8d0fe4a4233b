//! Reading a rule file (TOML) into a checked [`RuleSet`].
//!
//! Every error names the file, the key and the problem, because the people who edit rule files
//! are policy readers as often as programmers. Checks: unknown keys (serde's
//! `deny_unknown_fields` and the closed parameter catalogue), values of the wrong kind, a
//! missing or undefined source, dates that are not dates or fall outside the calendar's range,
//! and versions that overlap or leave a gap.

use std::collections::BTreeMap;

use serde::Deserialize;
use sg_domain::Jurisdiction;
use time::macros::format_description;
use time::Date;

use crate::calendar;
use crate::params::{self, Kind};
use crate::ruleset::{Rule, RuleSet, Source, Value, Version};

/// Why a rule file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {key}: {problem}")]
pub struct RuleFileError {
    /// The file.
    pub file: String,
    /// The key (or line) at fault.
    pub key: String,
    /// What is wrong.
    pub problem: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    ruleset: RawHeader,
    #[serde(default)]
    sources: BTreeMap<String, RawSource>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: String,
    title: String,
    jurisdiction: Option<String>,
    status: String,
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    title: String,
    url: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    key: String,
    #[serde(default)]
    version: Vec<RawVersion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVersion {
    from: String,
    to: Option<String>,
    value: toml::Value,
    source: Option<String>,
    #[serde(default)]
    unconfirmed: bool,
    note: Option<String>,
}

impl RuleSet {
    /// Parses and checks the rule file `text`, read from `file` (named in errors).
    pub fn from_toml(file: &str, text: &str) -> Result<RuleSet, RuleFileError> {
        let err = |key: &str, problem: String| RuleFileError { file: file.to_string(), key: key.to_string(), problem };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].lines().count().max(1));
            let key = line.map_or_else(|| "file".to_string(), |l| format!("line {l}"));
            err(&key, e.message().trim().to_string())
        })?;

        let h = &raw.ruleset;
        let proposal = match h.status.as_str() {
            "in-force" => false,
            "proposal" => true,
            other => {
                return Err(err("ruleset.status", format!("expected \"in-force\" or \"proposal\", got {other:?}")))
            }
        };
        let jurisdiction = match &h.jurisdiction {
            None if proposal => None,
            None => return Err(err("ruleset.jurisdiction", "is required for rules in force".into())),
            Some(j) => Some(j.parse::<Jurisdiction>().map_err(|e| err("ruleset.jurisdiction", e))?),
        };
        for (key, v) in
            [("ruleset.name", &h.name), ("ruleset.title", &h.title), ("ruleset.description", &h.description)]
        {
            if v.trim().is_empty() {
                return Err(err(key, "must not be empty".into()));
            }
        }

        let mut sources = BTreeMap::new();
        for (id, s) in &raw.sources {
            let key = format!("sources.{id}");
            if s.title.trim().is_empty() {
                return Err(err(&key, "the source has no title".into()));
            }
            if !(s.url.starts_with("https://") || s.url.starts_with("http://")) {
                return Err(err(&key, format!("the source's url must be a web link, got {:?}", s.url)));
            }
            sources.insert(id.clone(), Source { id: id.clone(), title: s.title.clone(), url: s.url.clone() });
        }

        let mut rules: Vec<Rule> = Vec::new();
        for raw_rule in &raw.rule {
            let key = raw_rule.key.as_str();
            let Some(param) = params::param(key) else {
                return Err(err(&format!("rule {key:?}"), "unknown rule key (see sg_rules::params::CATALOGUE)".into()));
            };
            if rules.iter().any(|r| r.key == param.key) {
                return Err(err(key, "the rule is given twice; give all its versions under one [[rule]]".into()));
            }
            if raw_rule.version.is_empty() {
                return Err(err(key, "has no [[rule.version]]".into()));
            }
            let mut versions: Vec<Version> = Vec::new();
            for (i, v) in raw_rule.version.iter().enumerate() {
                let vkey = format!("{key} version {} (from {})", i + 1, v.from);
                let from = date(&v.from).map_err(|p| err(&format!("{vkey}: from"), p))?;
                let to = v.to.as_deref().map(date).transpose().map_err(|p| err(&format!("{vkey}: to"), p))?;
                if let Some(to) = to {
                    if to < from {
                        return Err(err(&vkey, format!("ends ({to}) before it starts ({from})")));
                    }
                }
                let value = value_of(param.kind, &v.value).map_err(|p| err(&format!("{vkey}: value"), p))?;
                let Some(source_id) = &v.source else {
                    return Err(err(
                        &vkey,
                        "missing source: every version needs `source = \"…\"` naming an entry of [sources]".into(),
                    ));
                };
                let Some(source) = sources.get(source_id) else {
                    return Err(err(&format!("{vkey}: source"), format!("{source_id:?} is not defined in [sources]")));
                };
                if let Some(prev) = versions.last() {
                    let Some(prev_to) = prev.to else {
                        return Err(err(
                            &vkey,
                            format!("overlaps the previous version, which has no end (from {})", prev.from),
                        ));
                    };
                    let expected = prev_to.next_day().unwrap_or(prev_to);
                    if from <= prev_to {
                        return Err(err(&vkey, format!("overlaps the previous version, which runs to {prev_to}")));
                    }
                    if from > expected {
                        return Err(err(&vkey, format!("leaves a gap: the previous version ends on {prev_to}, so this one should start on {expected}")));
                    }
                }
                versions.push(Version {
                    from,
                    to,
                    value,
                    source: source.clone(),
                    unconfirmed: v.unconfirmed,
                    note: v.note.clone(),
                });
            }
            rules.push(Rule { key: param.key, title: param.title, versions });
        }

        Ok(RuleSet {
            name: h.name.clone(),
            title: h.title.clone(),
            jurisdiction,
            proposal,
            description: h.description.trim().to_string(),
            file: file.to_string(),
            rules,
        })
    }

    /// Reads and checks the rule file at `path`.
    pub fn from_path(path: &std::path::Path) -> Result<RuleSet, RuleFileError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| RuleFileError {
            file: file.clone(),
            key: "file".into(),
            problem: format!("cannot read it: {e}"),
        })?;
        RuleSet::from_toml(&file, &text)
    }
}

/// An ISO date inside the calendar's range.
fn date(text: &str) -> Result<Date, String> {
    let d = Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{text:?} is not a date (write YYYY-MM-DD)"))?;
    if !calendar::in_range(d) {
        return Err(format!(
            "{d} is outside the calendar's range ({}-01-01 to {}-12-31)",
            calendar::FIRST_YEAR,
            calendar::LAST_YEAR
        ));
    }
    Ok(d)
}

fn value_of(kind: Kind, v: &toml::Value) -> Result<Value, String> {
    match (kind, v) {
        (Kind::Number | Kind::DaysOrNone, toml::Value::Integer(n)) => {
            u32::try_from(*n).map(Value::Number).map_err(|_| format!("{n} is not a whole number of days"))
        }
        (Kind::DaysOrNone, toml::Value::String(s)) if s == "none" => Ok(Value::NoLimit),
        (Kind::Flag, toml::Value::Boolean(b)) => Ok(Value::Flag(*b)),
        (Kind::Choice(allowed), toml::Value::String(s)) if allowed.contains(&s.as_str()) => {
            Ok(Value::Choice(s.clone()))
        }
        (Kind::Choice(allowed), _) => Err(format!("{v} is not one of {}", allowed.join(", "))),
        (Kind::Number, _) => Err(format!("{v} is not a whole number")),
        (Kind::DaysOrNone, _) => Err(format!("{v} is not a number of days or \"none\"")),
        (Kind::Flag, _) => Err(format!("{v} is not true or false")),
    }
}
