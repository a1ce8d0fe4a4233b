//! Rules of the source tree's shape, as pure functions over file texts, so that each rule is
//! shown to fail on a small string (the unit tests below) and checked over the real tree by
//! `tests/tidy.rs`. In the style of rust-analyzer's `xtask/src/tidy.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers as ARCHITECTURE.md draws them: each crate and the crates its arrows point to.
/// A crate may depend on anything reachable along the arrows (sg-web uses sg-domain through
/// sg-app's arrow), never against them.
pub const LAYERS: &[(&str, &[&str])] = &[
    ("safeguard", &["sg-web", "sg-rules", "sg-store-sqlite", "sg-store-postgres"]),
    ("sg-web", &["sg-app", "sg-report"]),
    ("sg-app", &["sg-domain", "sg-rules", "sg-store", "sg-crypto", "sg-audit", "sg-demo", "sg-import"]),
    ("sg-rules", &["sg-domain"]),
    ("sg-store", &["sg-domain", "sg-audit", "sg-stats"]),
    // The backends read an envelope's key id (`sg_crypto::envelope_key_id`) for the keys page.
    ("sg-store-sql", &["sg-store", "sg-crypto"]),
    // The engines' crates keep their migrations and name sg-store-sql's store.
    ("sg-store-sqlite", &["sg-store-sql"]),
    ("sg-store-postgres", &["sg-store-sql"]),
    ("sg-audit", &["sg-domain"]),
    ("sg-demo", &["sg-domain"]),
    ("sg-import", &["sg-stats"]),
    // The statistics count working days with the rules' calendars (both pure).
    ("sg-stats", &["sg-domain", "sg-rules"]),
    ("sg-report", &["sg-stats"]),
    ("sg-crypto", &[]),
    ("sg-domain", &[]),
];

/// Crates outside the layers: they only test the others.
pub const TEST_CRATES: &[&str] = &["sg-tidy"];

/// Every crate reachable from `from` along [`LAYERS`].
pub fn reachable(from: &str) -> BTreeSet<&'static str> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = vec![from];
    while let Some(c) = todo.pop() {
        for (name, to) in LAYERS {
            if *name == c {
                for t in *to {
                    if seen.insert(*t) {
                        todo.push(t);
                    }
                }
            }
        }
    }
    seen
}

/// The workspace crates (`sg-*`, `safeguard`) a `Cargo.toml` lists under `[dependencies]`
/// (dev-dependencies may go anywhere: tests wire layers together).
pub fn workspace_dependencies(cargo_toml: &str) -> Result<BTreeSet<String>, String> {
    let table: toml::Table = toml::from_str(cargo_toml).map_err(|e| e.to_string())?;
    let deps = table.get("dependencies").and_then(|d| d.as_table());
    Ok(deps.into_iter().flat_map(|d| d.keys()).filter(|k| k.starts_with("sg-") || *k == "safeguard").cloned().collect())
}

/// The dependencies of crate `name` (its `Cargo.toml` text) that point against the layers.
pub fn layer_violations(name: &str, cargo_toml: &str) -> Vec<String> {
    if TEST_CRATES.contains(&name) {
        return vec![];
    }
    if !LAYERS.iter().any(|(n, _)| *n == name) {
        return vec![format!("{name} is not in the layers of ARCHITECTURE.md (add it there and to LAYERS)")];
    }
    let allowed = reachable(name);
    match workspace_dependencies(cargo_toml) {
        Err(e) => vec![format!("{name}/Cargo.toml: {e}")],
        Ok(deps) => deps
            .into_iter()
            .filter(|d| !allowed.contains(d.as_str()))
            .map(|d| format!("{name} depends on {d}, against the layers of ARCHITECTURE.md"))
            .collect(),
    }
}

/// Lines of a Rust file before its first `#[cfg(test)]`: the code that ships.
pub fn shipped_lines(source: &str) -> impl Iterator<Item = (usize, &str)> {
    source.lines().enumerate().take_while(|(_, l)| l.trim() != "#[cfg(test)]").map(|(i, l)| (i + 1, l))
}

/// Lines that are only comments (doc or plain).
fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("//")
}

/// Reads of the wall clock (as a date or time of day; `Instant` measures durations and is
/// allowed).
pub const WALL_CLOCK: &[&str] = &[
    "OffsetDateTime::now_utc",
    "OffsetDateTime::now_local",
    "SystemTime::now",
    "Utc::now",
    "Local::now",
    "Date::today",
];

/// The wall-clock reads in `source`, as `line: text`.
pub fn wall_clock_reads(source: &str) -> Vec<String> {
    shipped_lines(source)
        .filter(|(_, l)| !is_comment(l) && WALL_CLOCK.iter().any(|w| l.contains(w)))
        .map(|(n, l)| format!("{n}: {}", l.trim()))
        .collect()
}

/// What looks like a decision on a user's role: naming a role (`Role::Police`), comparing
/// one (`.role ==`, `.role !=`, `matches!(user.role`), or asking the role (`.role.can_`).
pub fn role_decisions(source: &str) -> Vec<String> {
    shipped_lines(source)
        .filter(|(_, l)| !is_comment(l))
        .filter(|(_, l)| {
            let named = l.match_indices("Role::").any(|(i, _)| {
                let next = l[i + 6..].chars().next().unwrap_or(' ');
                next.is_ascii_uppercase() && !l[i + 6..].starts_with("ALL")
            });
            named
                || l.contains(".role ==")
                || l.contains(".role !=")
                || l.contains(".role.can_")
                || (l.contains("matches!(") && l.contains(".role"))
        })
        .map(|(n, l)| format!("{n}: {}", l.trim()))
        .collect()
}

/// What holds an error's words: a message, a detail, or an error turned into text.
const ERROR_TEXTS: &[&str] = &["message", "detail", "text", "e.to_string()", "err.to_string()", "error.to_string()"];

/// Ways of recognising text.
const TEXT_TESTS: &[&str] =
    &[".contains(", ".starts_with(", ".ends_with(", ".strip_prefix(", ".strip_suffix(", ".find(", " == ", " != "];

/// Lines that recognise an error by its words (`message.contains(..)`, `e.to_string() == ..`):
/// an error's meaning travels as a typed code (`sg_app::Refusal`, `sg_domain::TransitionError`,
/// `sg_store::Outage`), so rewording a sentence never changes what a caller does.
pub fn error_text_matches(source: &str) -> Vec<String> {
    shipped_lines(source)
        .filter(|(_, l)| !is_comment(l))
        .filter(|(_, l)| {
            ERROR_TEXTS.iter().any(|subject| {
                l.match_indices(subject).any(|(i, _)| {
                    // A whole name: not `messages` or `user_message_id`.
                    let before = l[..i].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                    let after = &l[i + subject.len()..];
                    before && TEXT_TESTS.iter().any(|t| after.starts_with(t))
                })
            })
        })
        .map(|(n, l)| format!("{n}: {}", l.trim()))
        .collect()
}

/// Writes to the `cases` projection in `source`.
pub fn case_writes(source: &str) -> Vec<String> {
    const WRITES: [&str; 3] = ["INSERT INTO CASES ", "UPDATE CASES ", "DELETE FROM CASES "];
    source
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let upper = format!("{} ", l.to_uppercase());
            WRITES.iter().any(|w| upper.contains(w) || upper.contains(&format!("{}(", w.trim_end())))
        })
        .map(|(n, l)| format!("{}: {}", n + 1, l.trim()))
        .collect()
}

/// The API routes (`METHOD /api/v1/path`) of `routes` that the OpenAPI `document` does not
/// describe (its paths are relative to its server, `/api/v1`).
pub fn undocumented_routes(routes: &[&str], document: &str) -> Vec<String> {
    let doc: serde_json::Value = match serde_json::from_str(document) {
        Ok(d) => d,
        Err(e) => return vec![format!("the OpenAPI document is not JSON: {e}")],
    };
    routes
        .iter()
        .filter_map(|r| {
            let (method, path) = r.split_once(' ')?;
            let api_path = path.strip_prefix("/api/v1")?;
            let described = doc["paths"][api_path].get(method.to_lowercase()).is_some();
            (!described).then(|| r.to_string())
        })
        .collect()
}

/// The action codes missing from the OpenAPI document's `Action.action` enumeration.
pub fn undocumented_actions(codes: &[&str], document: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(document).unwrap_or_default();
    let listed = &doc["components"]["schemas"]["Action"]["properties"]["action"]["enum"];
    codes
        .iter()
        .filter(|c| !listed.as_array().is_some_and(|l| l.contains(&(**c).into())))
        .map(|c| c.to_string())
        .collect()
}

/// The field names of the variants of `enum name` in `source` (comments skipped): for an API
/// input such as `sg_app::actions::ActionInput`, whose every field the document must describe.
pub fn enum_fields(source: &str, name: &str) -> Vec<String> {
    let Some(start) = source.find(&format!("enum {name} {{")) else { return vec![] };
    let mut depth = 0;
    let mut body = String::new();
    for line in source[start..].lines() {
        if !is_comment(line) && !line.trim_start().starts_with("#[") {
            body.push_str(line);
            body.push('\n');
        }
        depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
        if depth <= 0 && line.contains('}') {
            break;
        }
    }
    let mut out = vec![];
    for piece in body.split(['{', ',', '\n']) {
        if let Some((field, _)) = piece.split_once(':') {
            let field = field.trim();
            let plain = field.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit());
            if !field.is_empty() && plain && !out.iter().any(|f| f == field) {
                out.push(field.to_string());
            }
        }
    }
    out
}

/// The fields of `fields` that the OpenAPI document's schema `schema` does not list.
pub fn undocumented_fields(fields: &[String], schema: &str, document: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(document).unwrap_or_default();
    let properties = &doc["components"]["schemas"][schema]["properties"];
    fields.iter().filter(|f| properties.get(f.as_str()).is_none()).cloned().collect()
}

/// Every `.rs` file under `dir`, sorted.
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Findings grouped by file, for one readable failure message.
pub fn report(findings: &BTreeMap<String, Vec<String>>) -> String {
    findings.iter().map(|(file, lines)| format!("{file}:\n  {}", lines.join("\n  "))).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dependency_against_the_arrows_is_named() {
        let domain = "[package]\nname = \"sg-domain\"\n[dependencies]\nserde = \"1\"\nsg-store.workspace = true\n";
        assert_eq!(
            layer_violations("sg-domain", domain),
            vec!["sg-domain depends on sg-store, against the layers of ARCHITECTURE.md"]
        );
        let web = "[dependencies]\nsg-domain.workspace = true\nsg-app.workspace = true\n[dev-dependencies]\nsg-store-sqlite.workspace = true\n";
        assert!(layer_violations("sg-web", web).is_empty(), "along the arrows, and dev-dependencies are free");
        let web_on_sqlite = "[dependencies]\nsg-store-sqlite.workspace = true\n";
        assert_eq!(layer_violations("sg-web", web_on_sqlite).len(), 1, "the web layer never picks a backend");
        assert_eq!(layer_violations("sg-new", "").len(), 1, "a crate not drawn is named");
    }

    #[test]
    fn a_wall_clock_read_is_named_outside_comments_and_tests() {
        let src = "fn f() {\n    // OffsetDateTime::now_utc() is not read here\n    let t = time::OffsetDateTime::now_utc();\n    let i = Instant::now();\n}\n#[cfg(test)]\nmod tests { fn g() { SystemTime::now(); } }\n";
        assert_eq!(wall_clock_reads(src), vec!["3: let t = time::OffsetDateTime::now_utc();"]);
    }

    #[test]
    fn a_role_decision_is_named_and_a_list_of_roles_is_not() {
        let src = "if user.role == Role::Admin {}\nlet all = Role::ALL;\nif who.user.role.can_refer() {}\nmatches!(user.role, x)\nlet r: Role = x;\n";
        let found = role_decisions(src);
        assert_eq!(
            found,
            vec![
                "1: if user.role == Role::Admin {}",
                "3: if who.user.role.can_refer() {}",
                "4: matches!(user.role, x)"
            ]
        );
    }

    #[test]
    fn recognising_an_error_by_its_words_is_named() {
        let src = "if detail.contains(\"readonly\") {}\nlet same = e.to_string() == \"not found\";\nlet ok = messages.contains(&x);\nlet m = message.clone();\n// message.contains(\"x\") in a comment\nif t.code() == \"x\" {}\n";
        assert_eq!(
            error_text_matches(src),
            vec!["1: if detail.contains(\"readonly\") {}", "2: let same = e.to_string() == \"not found\";"]
        );
    }

    #[test]
    fn a_write_to_the_projection_is_named_and_other_tables_are_not() {
        let src = "\"INSERT INTO cases (id) VALUES (?)\"\n\"UPDATE cases SET x = 1\"\n\"delete from cases where id = ?\"\n\"INSERT INTO case_events (x)\"\n\"UPDATE cases_meta SET x\"\n\"SELECT * FROM cases\"\n";
        assert_eq!(case_writes(src).len(), 3, "{:?}", case_writes(src));
    }

    #[test]
    fn an_input_field_missing_from_its_schema_is_named() {
        let src = "/// An input.\npub enum Input {\n    /// Why: a doc comment.\n    Route { authority: Authority, reason: String },\n    Empty,\n    Decide {\n        #[serde(default)]\n        granted: bool,\n    },\n}\nstruct After { other: u8 }\n";
        let fields = enum_fields(src, "Input");
        assert_eq!(fields, vec!["authority", "reason", "granted"]);
        let doc = r#"{"components": {"schemas": {"Input": {"properties": {"authority": {}, "reason": {}}}}}}"#;
        assert_eq!(undocumented_fields(&fields, "Input", doc), vec!["granted"]);
    }

    #[test]
    fn an_undocumented_route_or_action_is_named() {
        let doc = r#"{"paths": {"/cases": {"get": {}}}, "components": {"schemas": {"Action": {"properties": {"action": {"enum": ["route"]}}}}}}"#;
        let routes = ["GET /api/v1/cases", "POST /api/v1/cases", "GET /cases"];
        assert_eq!(undocumented_routes(&routes, doc), vec!["POST /api/v1/cases"]);
        assert_eq!(undocumented_actions(&["route", "withdraw"], doc), vec!["withdraw"]);
    }
}
