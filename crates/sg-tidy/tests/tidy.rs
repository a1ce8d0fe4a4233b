//! The tidy rules over the real source tree. Each failure names the file, the line and the
//! rule; the rules themselves are shown to fail on small strings in `src/lib.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sg_domain::{Coded, CommandKind};
use sg_tidy::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn relative(p: &Path) -> String {
    p.strip_prefix(root()).unwrap().display().to_string()
}

fn crates() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(root().join("crates")).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    out.sort();
    out
}

/// Runs `rule` over every shipped `.rs` file under `dirs`, skipping `allowed` files.
fn scan(dirs: &[PathBuf], allowed: &[&str], rule: fn(&str) -> Vec<String>) -> BTreeMap<String, Vec<String>> {
    let mut findings = BTreeMap::new();
    for dir in dirs {
        for file in rust_files(dir) {
            let name = relative(&file);
            if allowed.contains(&name.as_str()) {
                continue;
            }
            let found = rule(&std::fs::read_to_string(&file).unwrap());
            if !found.is_empty() {
                findings.insert(name, found);
            }
        }
    }
    findings
}

#[test]
fn crates_depend_only_along_the_layers() {
    let mut problems = vec![];
    for dir in crates() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        problems.extend(layer_violations(&name, &std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The clock itself, a helper naming throwaway test databases (not a date), and the list of
/// wall-clock reads this rule looks for.
const CLOCK_FILES: &[&str] =
    &["crates/sg-app/src/lib.rs", "crates/sg-store-sql/src/postgres/testing.rs", "crates/sg-tidy/src/lib.rs"];

#[test]
fn time_is_read_only_from_the_clock() {
    let dirs: Vec<PathBuf> = crates().iter().map(|c| c.join("src")).collect();
    let found = scan(&dirs, CLOCK_FILES, wall_clock_reads);
    assert!(found.is_empty(), "read the time from the app's Clock (App::clock), not the wall:\n{}", report(&found));
}

/// Lines that name a role without deciding access, by file: a label, a default, a
/// provisioning choice. Anything else that decides on a role belongs in `sg_app::access`.
const ROLE_NOT_A_DECISION: &[(&str, &str)] = &[
    // The demo cases' author is a first responder.
    ("crates/sg-app/src/demo.rs", "role: Role::FirstResponder"),
    // The kind of organisation a new user's organisation gets by default.
    ("crates/sg-app/src/auth.rs", "Role::Police => OrgKind::Police"),
    ("crates/sg-app/src/auth.rs", "Role::ImmigrationEnforcement => OrgKind::GovernmentAgency"),
    ("crates/sg-app/src/auth.rs", "Role::DecisionMaker => OrgKind::CompetentAuthority"),
    ("crates/sg-app/src/auth.rs", "Role::SupportProvider => OrgKind::SupportProvider"),
    ("crates/sg-app/src/auth.rs", "Role::Guardian => OrgKind::GuardianService"),
    ("crates/sg-app/src/auth.rs", "Role::LegalAdviser => OrgKind::LegalPractice"),
    ("crates/sg-app/src/auth.rs", "Role::FirstResponder => OrgKind::Ngo"),
    // The demo organisation must be one a first responder may work in.
    ("crates/sg-app/src/demo.rs", "check_org_kind(org.kind, Role::FirstResponder)"),
    // The practices a person may instruct: those with legal advisers (a query, not a decision).
    ("crates/sg-app/src/relationships.rs", "orgs_with_role(Role::LegalAdviser)"),
    ("crates/sg-app/src/auth.rs", "Role::Admin | Role::Monitor => OrgKind::Other"),
    // Input validation: only a decision maker's organisation names a competent authority.
    ("crates/sg-app/src/auth.rs", "if authority.is_some() && role != Role::DecisionMaker"),
    ("crates/sg-app/src/auth.rs", "(Role::DecisionMaker, Some(a), _) => Some(a)"),
    ("crates/sg-app/src/auth.rs", "(Role::DecisionMaker, None, None) => Some(sg_domain::CompetentAuthority::Sca)"),
    ("crates/sg-app/src/admin.rs", "if role == Role::DecisionMaker"),
    // The first administrator, made once at start-up.
    ("crates/sg-app/src/auth.rs", "count_users_with_role(Role::Admin)"),
    ("crates/sg-app/src/auth.rs", "Role::Admin, \"admin\", false)"),
    // Who accessed the survivor's data, worded for them: the audit record's role, a text.
    ("crates/sg-app/src/survivor.rs", "e.record.role == \"survivor\""),
    // The administrator's form keeps the role chosen.
    ("crates/sg-web/src/pages/admin/users.rs", "selected: sent.role == r.code()"),
    // One example of each refusal, for the tests that check each has its words.
    ("crates/sg-app/src/refusal.rs", "(Role::Police),"),
    // A decision maker's case list opens sorted by deadline: a default, not access.
    ("crates/sg-web/src/pages/cases.rs", "who.user.role == Role::DecisionMaker"),
];

#[test]
fn access_is_decided_only_in_sg_app_access() {
    let dirs = [root().join("crates/sg-app/src"), root().join("crates/sg-web/src")];
    let mut found = scan(&dirs, &["crates/sg-app/src/access.rs"], role_decisions);
    for (file, lines) in found.iter_mut() {
        lines.retain(|l| !ROLE_NOT_A_DECISION.iter().any(|(f, snippet)| f == file && l.contains(snippet)));
    }
    found.retain(|_, lines| !lines.is_empty());
    assert!(found.is_empty(), "decide access in sg_app::access and call it from here:\n{}", report(&found));
}

/// Places that read a third party's words because it offers nothing better, by file and line.
const ERROR_TEXT_ALLOWED: &[(&str, &str)] = &[
    // serde_json says which field is missing only in its message.
    ("crates/sg-app/src/actions.rs", "message.strip_prefix(\"missing field `\")"),
    // An audit record's detail written by this code as a marker, not an error's words.
    ("crates/sg-app/src/survivor.rs", "e.record.detail == OWN_VIEW"),
    // A case event's reason sealed by this code carries its own marker, not an error's words.
    ("crates/sg-app/src/case_text.rs", "text.strip_prefix(SEALED)"),
];

#[test]
fn no_error_is_recognised_by_its_words() {
    let dirs: Vec<PathBuf> = crates().iter().filter(|c| !c.ends_with("sg-tidy")).map(|c| c.join("src")).collect();
    let mut found = scan(&dirs, &[], error_text_matches);
    for (file, lines) in found.iter_mut() {
        lines.retain(|l| !ERROR_TEXT_ALLOWED.iter().any(|(f, snippet)| f == file && l.contains(snippet)));
    }
    found.retain(|_, lines| !lines.is_empty());
    assert!(
        found.is_empty(),
        "carry a typed code (Refusal, TransitionError, Outage) instead of reading words:\n{}",
        report(&found)
    );
}

#[test]
fn only_the_projection_writer_writes_the_projection() {
    let dirs = [
        root().join("crates/sg-store-sql/src"),
        root().join("crates/sg-store-sqlite/src"),
        root().join("crates/sg-store-postgres/src"),
    ];
    let writers = ["crates/sg-store-sql/src/cases.rs", "crates/sg-store-sql/src/projection.rs"];
    let found = scan(&dirs, &writers, case_writes);
    assert!(found.is_empty(), "write the cases projection only in sg-store-sql's cases.rs:\n{}", report(&found));
}

#[test]
fn every_api_route_is_in_the_openapi_document() {
    let missing = undocumented_routes(sg_web::ROUTES, sg_web::openapi_document());
    assert!(missing.is_empty(), "annotate the handler with #[utoipa::path] and list it in ApiDoc: {missing:?}");
}

#[test]
fn every_action_kind_is_in_the_openapi_document() {
    let codes: Vec<&str> = CommandKind::ALL.iter().map(|k| k.code()).collect();
    let missing = undocumented_actions(&codes, sg_web::openapi_document());
    assert!(missing.is_empty(), "{missing:?}");
}

/// Every field the API's action input takes (`sg_app::actions::ActionInput`, and the request's
/// `date` and `version`) is a property of the document's `Action` schema: a new step's fields
/// fail here until `api/schemas.json` describes them.
#[test]
fn every_action_input_field_is_in_the_openapi_document() {
    let source = std::fs::read_to_string(root().join("crates/sg-app/src/actions.rs")).unwrap();
    let mut fields = enum_fields(&source, "ActionInput");
    assert!(fields.len() > 10, "ActionInput not found or not read: {fields:?}");
    fields.extend(["date".to_string(), "version".to_string()]);
    let missing = undocumented_fields(&fields, "Action", sg_web::openapi_document());
    assert!(missing.is_empty(), "describe these in crates/sg-web/src/api/schemas.json (Action): {missing:?}");
}
