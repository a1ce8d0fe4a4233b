//! The repository's rule files load and pass every check; bad files are refused with an error
//! that names the file, the key and the problem.

use sg_rules::{builtin, builtin_names, RuleSet};

#[test]
fn every_built_in_rule_set_loads() {
    for name in builtin_names() {
        let set = builtin(name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(set.name, name);
        assert!(!set.rules.is_empty(), "{name} has no rules");
    }
    let proposal = builtin("proposal-survivor-centred").unwrap();
    assert!(proposal.proposal && proposal.title.starts_with("PROPOSAL"), "the proposal is labelled as one");
    assert!(!builtin("england-wales").unwrap().proposal);
}

const GOOD: &str = r#"
[ruleset]
name = "test"
title = "Test rules"
jurisdiction = "england-wales"
status = "in-force"
description = "For tests."

[sources]
s = { title = "A source", url = "https://example.org/" }

[[rule]]
key = "recovery_period.days"
[[rule.version]]
from = "2009-04-01"
to = "2022-12-12"
value = 45
source = "s"
[[rule.version]]
from = "2022-12-13"
value = 30
source = "s"
"#;

fn refused(text: &str) -> String {
    RuleSet::from_toml("rules/test.toml", text).expect_err("the file should be refused").to_string()
}

#[test]
fn a_good_file_loads() {
    let set = RuleSet::from_toml("rules/test.toml", GOOD).unwrap();
    assert_eq!(set.rules[0].versions.len(), 2);
}

#[test]
fn bad_files_name_the_file_the_key_and_the_problem() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("unknown field", &GOOD.replace("value = 30", "value = 30\nvalu = 3"), &["rules/test.toml", "line 2", "valu"]),
        (
            "unknown rule key",
            &GOOD.replace("recovery_period.days", "recovery_period.dayz"),
            &["rules/test.toml", "recovery_period.dayz", "unknown rule key"],
        ),
        ("overlap", &GOOD.replace("2022-12-13", "2022-12-10"), &["recovery_period.days version 2", "overlaps"]),
        ("gap", &GOOD.replace("2022-12-13", "2022-12-20"), &["recovery_period.days version 2", "gap", "2022-12-13"]),
        (
            "missing source",
            &GOOD.replacen("source = \"s\"\n", "", 1),
            &["recovery_period.days version 1", "missing source"],
        ),
        ("undefined source", &GOOD.replacen("source = \"s\"", "source = \"nope\"", 1), &["\"nope\" is not defined"]),
        (
            "date outside the calendar",
            &GOOD.replace("2009-04-01", "2008-04-01"),
            &["version 1", "outside the calendar's range"],
        ),
        ("not a date", &GOOD.replace("2009-04-01", "2009-13-01"), &["is not a date"]),
        ("wrong kind of value", &GOOD.replace("value = 45", "value = true"), &["value", "not a whole number"]),
        ("bad status", &GOOD.replace("in-force", "draft"), &["ruleset.status"]),
    ];
    for (what, text, wanted) in cases {
        let message = refused(text);
        for w in *wanted {
            assert!(message.contains(w), "{what}: {message:?} should mention {w:?}");
        }
        assert!(message.starts_with("rules/test.toml: "), "{what}: {message}");
    }
}
