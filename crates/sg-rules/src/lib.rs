//! Safeguard's NRM rules as dated, jurisdiction-aware data.
//!
//! A [`RuleSet`] is read from a TOML file in the repository's `rules/` folder: parameters (the
//! recovery period, the reconsideration window, routing, ...) each with dated versions and a
//! source. The working-day [`calendar`]s compute each nation's bank holidays; [`deadline`]
//! computes the contract's deadline kinds; [`check`] is what the application consults before a
//! lifecycle command; [`diff`] compares rule sets; [`simulate`] replays cases under two sets.
//!
//! Pure: evaluation does no IO and keeps no clock (today is an argument). The repository's rule
//! files are compiled in, so the binary needs nothing beside it; `RuleSet::from_path` reads
//! another file.

pub mod calendar;
pub mod check;
pub mod deadline;
pub mod diff;
mod file;
pub mod params;
pub mod review;
mod ruleset;
pub mod simulate;

use std::sync::OnceLock;

pub use check::{cg_earliest, check_command, route, CgEarliest, Refusal, RequestFacts};
pub use deadline::{case_deadlines, deadline, CaseDeadline, DeadlineError, DeadlineKind, Due};
pub use file::RuleFileError;
pub use review::{hold_for_review, negative_review};
pub use ruleset::{InForce, Rule, RuleSet, Source, Value, Version};
use sg_domain::{Coded, Jurisdiction};

/// The rule files compiled into the binary: (name, path in the repository, text).
pub const BUILTIN_FILES: &[(&str, &str, &str)] = &[
    ("england-wales", "rules/england-wales.toml", include_str!("../../../rules/england-wales.toml")),
    ("scotland", "rules/scotland.toml", include_str!("../../../rules/scotland.toml")),
    ("northern-ireland", "rules/northern-ireland.toml", include_str!("../../../rules/northern-ireland.toml")),
    (
        "proposal-survivor-centred",
        "rules/proposal-survivor-centred.toml",
        include_str!("../../../rules/proposal-survivor-centred.toml"),
    ),
];

fn builtins() -> &'static Result<Vec<RuleSet>, RuleFileError> {
    static SETS: OnceLock<Result<Vec<RuleSet>, RuleFileError>> = OnceLock::new();
    SETS.get_or_init(|| BUILTIN_FILES.iter().map(|(_, path, text)| RuleSet::from_toml(path, text)).collect())
}

/// The names of the built-in rule sets.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN_FILES.iter().map(|(name, _, _)| *name).collect()
}

/// The built-in rule set called `name`. The built-in files are checked by this crate's tests,
/// so an error here means a broken build, reported rather than panicking.
pub fn builtin(name: &str) -> Result<&'static RuleSet, RuleFileError> {
    let sets = builtins().as_ref().map_err(Clone::clone)?;
    sets.iter().find(|s| s.name == name).ok_or_else(|| RuleFileError {
        file: "(built in)".into(),
        key: name.into(),
        problem: format!("no such rule set; the built-in ones are: {}", builtin_names().join(", ")),
    })
}

/// The official rules in force for `jurisdiction`.
pub fn official(jurisdiction: Jurisdiction) -> Result<&'static RuleSet, RuleFileError> {
    builtin(jurisdiction.code())
}

/// A built-in rule set by name, or a rule file by path (anything containing `/` or ending in
/// `.toml`).
pub fn load(name_or_path: &str) -> Result<RuleSet, RuleFileError> {
    if name_or_path.contains('/') || name_or_path.ends_with(".toml") {
        RuleSet::from_path(std::path::Path::new(name_or_path))
    } else {
        builtin(name_or_path).cloned()
    }
}
