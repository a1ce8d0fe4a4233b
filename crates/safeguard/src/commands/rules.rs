//! `safeguard rules show|deadline|diff|check`: the NRM rules as data, from the command line.
//! Output formats are part of the public contract (`shared/CONTRACT.md`): `deadline` prints one
//! ISO date and nothing else.

use anyhow::{bail, Context};
use sg_domain::Jurisdiction;
use sg_rules::{DeadlineKind, RuleSet};

use crate::cli::RulesCommand;

/// Runs a `rules` subcommand. Pure computation: no database.
pub(crate) fn run(command: RulesCommand) -> anyhow::Result<()> {
    match command {
        RulesCommand::Show { jurisdiction, at, format, rules } => {
            let j = jurisdiction_arg(&jurisdiction)?;
            let set = rule_set(rules.as_deref(), j)?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&show_json(&set, j, at))?),
                "text" => print!("{}", show_text(&set, j, at)),
                other => bail!("--format: expected text or json, got {other:?}"),
            }
            Ok(())
        }
        RulesCommand::Deadline { jurisdiction, kind, from, rules } => {
            let j = jurisdiction_arg(&jurisdiction)?;
            let kind: DeadlineKind = kind.parse().map_err(|e: String| anyhow::anyhow!("--kind: {e}"))?;
            let set = rule_set(rules.as_deref(), j)?;
            let due = sg_rules::deadline(&set, j, kind, from)?;
            println!("{}", due.due_on);
            Ok(())
        }
        RulesCommand::Diff { rules, vs, at, vs_at, format } => {
            if vs.is_none() && vs_at.is_none() {
                bail!("give --vs (another rule set) or --vs-at (another day), or both");
            }
            let left = sg_rules::load(&rules)?;
            let right = match &vs {
                Some(v) => sg_rules::load(v)?,
                None => left.clone(),
            };
            let right_on = vs_at.unwrap_or(at);
            let differences = sg_rules::diff::diff(&left, at, &right, right_on);
            match format.as_str() {
                "json" => {
                    let body = serde_json::json!({
                        "left": {"rules": left.name, "at": at.to_string()},
                        "right": {"rules": right.name, "at": right_on.to_string()},
                        "differences": differences,
                    });
                    println!("{}", serde_json::to_string_pretty(&body)?);
                }
                "text" => {
                    println!("{} on {at}  vs  {} on {right_on}", left.name, right.name);
                    if differences.is_empty() {
                        println!("No differences.");
                    }
                    let side =
                        |v: Option<&sg_rules::Version>| v.map_or("(not set)".to_string(), |v| v.value.to_string());
                    for d in &differences {
                        println!("{}: {} -> {}  ({})", d.key, side(d.left), side(d.right), d.title);
                    }
                }
                other => bail!("--format: expected text or json, got {other:?}"),
            }
            Ok(())
        }
        RulesCommand::Check { files } => {
            for f in &files {
                let set = RuleSet::from_path(f)?;
                println!("{}: ok ({} rules, {})", f.display(), set.rules.len(), set.title);
            }
            Ok(())
        }
    }
}

fn jurisdiction_arg(j: &str) -> anyhow::Result<Jurisdiction> {
    j.parse().map_err(|e: String| anyhow::anyhow!("--jurisdiction: {e}"))
}

/// The rule set asked for with `--rules`, or the jurisdiction's own, checked to speak for it.
fn rule_set(rules: Option<&str>, j: Jurisdiction) -> anyhow::Result<RuleSet> {
    let set = match rules {
        Some(r) => sg_rules::load(r)?,
        None => sg_rules::official(j).context("the built-in rules did not load")?.clone(),
    };
    if !set.applies_to(j) {
        bail!("--rules: {} is the rule set for another jurisdiction, not {j}", set.name);
    }
    Ok(set)
}

fn show_text(set: &RuleSet, j: Jurisdiction, at: time::Date) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let label = sg_domain::Coded::label(j);
    if set.jurisdiction.is_some() {
        let _ = writeln!(out, "{} on {at}", set.title);
    } else {
        let _ = writeln!(out, "{}, applied in {label}, on {at}", set.title);
    }
    if set.proposal {
        let _ = writeln!(out, "THIS IS A PROPOSAL, NOT THE LAW OR POLICY IN FORCE.");
    }
    let _ = writeln!(out, "Rule file: {}", set.file);
    for r in set.in_force(at) {
        let v = r.version;
        let until = v.to.map_or_else(|| "in force".to_string(), |t| format!("to {t}"));
        let flag = if v.unconfirmed { "  [unconfirmed]" } else { "" };
        let _ = writeln!(out, "\n{} = {}{flag}", r.key, v.value);
        let _ = writeln!(out, "  {}; from {} {until}", r.title, v.from);
        if let Some(note) = &v.note {
            let _ = writeln!(out, "  Note: {note}");
        }
        let _ = writeln!(out, "  Source: {} <{}>", v.source.title, v.source.url);
    }
    out
}

fn show_json(set: &RuleSet, j: Jurisdiction, at: time::Date) -> serde_json::Value {
    serde_json::json!({
        "rules": set.name,
        "title": set.title,
        "proposal": set.proposal,
        "jurisdiction": j,
        "at": at.to_string(),
        "file": set.file,
        "in_force": set.in_force(at),
    })
}
