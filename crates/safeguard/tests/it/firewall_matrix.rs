//! The firewall matrix of issue 15: every role (administrators included) × every data category
//! of a case × every path that reads it (API, pages, list and search) × the state of the
//! organisation's relationship with the case (none, active, ended), against one rule,
//! [`allowed`]. It fails when a role has no actor here, or when a route that names a case is
//! not classified in [`CASE_ROUTES`]; the statuses of every route are in `authorisation.rs`.

use crate::common;

use common::{adult_referral, signed_in_client, TestApp, Token};
use reqwest::StatusCode;
use serde_json::json;
use sg_domain::{Coded, Role};

/// What a case holds, as a user may be shown it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Category {
    /// Non-identifying facts and status.
    Facts,
    /// The timeline with the decision maker's written reasons.
    Reasons,
    /// Name, date of birth, contact details.
    Identity,
    /// The person's account in their own words.
    Account,
    /// The consents recorded on the case.
    Consents,
    /// The case found in the user's list by its reference.
    Listed,
}

const CATEGORIES: [Category; 6] =
    [Category::Facts, Category::Reasons, Category::Identity, Category::Account, Category::Consents, Category::Listed];

/// The organisation's relationship with the case when the probes run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    None,
    Active,
    Ended,
}

/// Every route that names a case, and what it gives: a category it reads (probed below) or a
/// change (whose refusals `authorisation.rs` and the modules of each step check). A new case
/// route must be added here, saying which.
const CASE_ROUTES: &[(&str, &str)] = &[
    ("GET /cases/{case_id}", "facts, reasons"),
    ("GET /cases/{case_id}/decide/{question}", "facts (decision makers' form)"),
    ("POST /cases/{case_id}/decide/{question}", "change"),
    ("GET /cases/{case_id}/act/{action}", "facts (a step's form)"),
    ("POST /cases/{case_id}/act/{action}", "change"),
    ("GET /cases/{case_id}/identity", "identity, account"),
    ("GET /cases/{case_id}/consents", "consents"),
    ("POST /cases/{case_id}/consents", "change"),
    ("POST /cases/{case_id}/consents/{consent_id}/withdraw", "change"),
    ("POST /cases/{case_id}/consents/{consent_id}/countersign", "change"),
    ("POST /cases/{case_id}/emergency-requests/{request_id}/decision", "change"),
    ("POST /cases/{case_id}/survivor-code", "change (a code for the person)"),
    ("POST /cases/{case_id}/survivor-code/slip", "change (the printable slip of the code just given)"),
    ("GET /cases/{case_id}/survivor-code/end", "change (asks before ending the person's code)"),
    ("POST /cases/{case_id}/survivor-code/end", "change (ends the person's code)"),
    ("GET /referrals/sent/{case_id}", "facts (the sender's receipt)"),
    ("GET /api/v1/cases/{case_id}", "facts, reasons"),
    ("GET /api/v1/cases/{case_id}/identity", "identity, account"),
    ("POST /api/v1/cases/{case_id}/actions", "change"),
    ("GET /api/v1/cases/{case_id}/consents", "consents"),
    ("POST /api/v1/cases/{case_id}/consents", "change"),
    ("DELETE /api/v1/cases/{case_id}/consents/{consent_id}", "change"),
    ("POST /api/v1/cases/{case_id}/consents/{consent_id}/countersign", "change"),
    ("GET /api/v1/cases/{case_id}/emergency-requests", "consents (requests for identity)"),
    ("POST /api/v1/cases/{case_id}/emergency-requests", "change (police only)"),
    ("POST /api/v1/cases/{case_id}/emergency-requests/{request_id}/decision", "change"),
    ("POST /api/v1/cases/{case_id}/survivor-code", "change (a code for the person)"),
    ("DELETE /api/v1/cases/{case_id}/survivor-code", "change (ends the person's code)"),
];

/// One user of the matrix: who, through which organisation, and whether the organisation is the
/// one whose relationship with the case changes.
struct Actor {
    label: &'static str,
    role: Role,
    related: bool,
    token: Token,
    page: reqwest::Client,
}

/// The rule issue 15 states: the referring organisation and the decision maker of the case's
/// competent authority see it all but consents stay with those who record them with the person;
/// support providers, guardians and legal advisers see it only while their relationship is
/// active; everyone else (another organisation, another authority, police and immigration
/// enforcement with no consent, monitors, administrators) sees nothing.
fn allowed(label: &str, role: Role, related: bool, state: State, category: Category) -> bool {
    match (label, role) {
        ("fr-other", _) => false,
        (_, Role::FirstResponder) => true,
        (_, Role::DecisionMaker) => category != Category::Consents,
        (_, Role::SupportProvider | Role::Guardian | Role::LegalAdviser) => related && state == State::Active,
        (_, Role::Admin | Role::Monitor | Role::Police | Role::ImmigrationEnforcement) => false,
    }
}

const NAME: &str = "Ana Example";
const ACCOUNT: &str = "car wash for no pay";
const REASONS: &str = "Reasons-marker-5521";

async fn actor(t: &TestApp, label: &'static str, org: &str, role: Role, related: bool) -> Actor {
    let token = t.api_user(org, role, label).await;
    let (page, _, _) = signed_in_client(t, org, role, &format!("{label}-page")).await;
    Actor { label, role, related, token, page }
}

/// What `who` is shown of `category` on each path: (path, shown).
async fn probe(t: &TestApp, who: &Actor, case: &str, reference: &str, category: Category) -> Vec<(String, bool)> {
    let api = |path: String| {
        let r = t.client.get(t.url(&path)).bearer_auth(&who.token.0);
        async move {
            let r = r.send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let page = |path: String| {
        let r = who.page.get(t.url(&path));
        async move {
            let r = r.send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let shows = |(status, body): (StatusCode, String), needle: &str| status == StatusCode::OK && body.contains(needle);
    match category {
        Category::Facts => vec![
            ("api case".into(), shows(api(format!("/api/v1/cases/{case}")).await, reference)),
            ("page case".into(), shows(page(format!("/cases/{case}")).await, reference)),
        ],
        Category::Reasons => vec![
            ("api case".into(), shows(api(format!("/api/v1/cases/{case}")).await, REASONS)),
            ("page case".into(), shows(page(format!("/cases/{case}")).await, REASONS)),
        ],
        Category::Identity => vec![
            ("api identity".into(), shows(api(format!("/api/v1/cases/{case}/identity")).await, NAME)),
            ("page identity".into(), shows(page(format!("/cases/{case}/identity")).await, NAME)),
        ],
        Category::Account => vec![
            ("api identity".into(), shows(api(format!("/api/v1/cases/{case}/identity")).await, ACCOUNT)),
            ("page identity".into(), shows(page(format!("/cases/{case}/identity")).await, ACCOUNT)),
        ],
        Category::Consents => vec![
            ("api consents".into(), shows(api(format!("/api/v1/cases/{case}/consents")).await, "recipient")),
            ("page consents".into(), shows(page(format!("/cases/{case}/consents")).await, "Safe House Trust")),
        ],
        Category::Listed => vec![
            ("api list".into(), shows(api(format!("/api/v1/cases?reference={reference}")).await, case)),
            // The search box repeats the reference; a listed case links to its page.
            ("page list".into(), shows(page(format!("/cases?reference={reference}")).await, &format!("/cases/{case}"))),
        ],
    }
}

#[tokio::test]
async fn every_role_category_path_and_relationship_state() {
    let t = TestApp::start().await;
    let actors = vec![
        actor(&t, "admin", "Safeguard administrators", Role::Admin, false).await,
        actor(&t, "fr", "Hope NGO", Role::FirstResponder, false).await,
        actor(&t, "fr-other", "Other NGO", Role::FirstResponder, false).await,
        actor(&t, "dm", "Single Competent Authority", Role::DecisionMaker, false).await,
        actor(&t, "sp", "Safe House Trust", Role::SupportProvider, true).await,
        actor(&t, "sp-other", "Other House", Role::SupportProvider, false).await,
        actor(&t, "guardian", "Guardian Service", Role::Guardian, true).await,
        actor(&t, "guardian-other", "Other Guardians", Role::Guardian, false).await,
        actor(&t, "la", "Law Centre", Role::LegalAdviser, true).await,
        actor(&t, "la-other", "Other Law", Role::LegalAdviser, false).await,
        actor(&t, "police", "City Police", Role::Police, false).await,
        actor(&t, "ie", "Immigration Enforcement", Role::ImmigrationEnforcement, false).await,
        actor(&t, "monitor", "Monitoring Group", Role::Monitor, false).await,
    ];
    for role in Role::ALL {
        assert!(actors.iter().any(|a| a.role == *role), "role {} has no actor in the firewall matrix", role.code());
    }
    for route in sg_web::ROUTES.iter().filter(|r| r.contains("{case_id}")) {
        assert!(CASE_ROUTES.iter().any(|(r, _)| r == route), "{route} is not classified in the firewall matrix");
    }
    let by = |label: &str| &actors.iter().find(|a| a.label == label).unwrap().token;

    // A child's case: support, a guardian and a legal adviser can all be related to it.
    let mut referral = adult_referral();
    common::set_age(&mut referral, "child");
    let (status, created) = t.refer(by("fr"), &referral, None).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let case = created["case_id"].as_str().unwrap().to_string();
    let reference = created["reference"].as_str().unwrap().to_string();
    let decision = json!({"action": "decide-reasonable-grounds", "outcome": "positive", "reasons": REASONS});
    let (status, body) = t.act(by("dm"), &case, &decision).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let consent = json!({"purpose": "support", "recipient_org": "Safe House Trust", "categories": ["identity"],
                         "expires_on": common::days_ago(-30), "agreed_by": "child-with-parental-responsibility"});
    let r = t.client.post(t.url(&format!("/api/v1/cases/{case}/consents"))).bearer_auth(&by("fr").0).json(&consent);
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());

    let begin = [
        json!({"action": "enter-support", "provider": "Safe House Trust"}),
        json!({"action": "assign-guardian", "guardian": "Guardian Service"}),
        json!({"action": "instruct-legal-adviser", "organisation": "Law Centre", "person_agreed": true}),
    ];
    let end = [
        json!({"action": "end-legal-adviser-instruction", "organisation": "Law Centre"}),
        json!({"action": "end-guardian-assignment", "reason": "moved"}),
        json!({"action": "exit-support", "exit_reason": "chose-to-leave", "reason": "moved on"}),
    ];
    let mut failures = vec![];
    for state in [State::None, State::Active, State::Ended] {
        let steps: &[serde_json::Value] = match state {
            State::None => &[],
            State::Active => &begin,
            State::Ended => &end,
        };
        for step in steps {
            let (status, body) = t.act(by("fr"), &case, step).await;
            assert_eq!(status, StatusCode::OK, "{step}: {body}");
        }
        // The person's own view lists exactly the organisations working on the case now.
        let view = t.app.survivor_view(sg_domain::CaseId::parse(&case).unwrap()).await.unwrap();
        let working: Vec<&str> = view.working_on.iter().map(|w| w.org.as_str()).collect();
        for org in ["Safe House Trust", "Guardian Service", "Law Centre"] {
            if working.contains(&org) != (state == State::Active) {
                failures.push(format!("survivor view in state {state:?}: {org} listed = {}", working.contains(&org)));
            }
        }
        for who in &actors {
            for category in CATEGORIES {
                let expected = allowed(who.label, who.role, who.related, state, category);
                for (path, shown) in probe(&t, who, &case, &reference, category).await {
                    if shown != expected {
                        failures.push(format!(
                            "{} ({state:?}) {category:?} via {path}: expected {expected}, shown {shown}",
                            who.label
                        ));
                    }
                }
            }
            // Statistics pages never carry a person's identity, whoever may see them.
            let r = who.page.get(t.url("/monitoring")).send().await.unwrap();
            if r.text().await.unwrap().contains(NAME) {
                failures.push(format!("{}: the monitoring page shows a name", who.label));
            }
        }
    }
    assert!(failures.is_empty(), "firewall matrix mismatches:\n{}", failures.join("\n"));
}
