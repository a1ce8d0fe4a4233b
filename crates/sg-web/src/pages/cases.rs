//! The case list (filters, pagination) and the case page (facts, decisions, timeline).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use sg_app::cases::{CaseView, PersonView};
use sg_domain::{AgeAtExploitation, CaseId, CaseKind, CaseStatus, Coded, CompetentAuthority, Jurisdiction, Role};
use sg_store::{CaseFilter, CaseSummary};

use super::{error_page, render, Layout};
use crate::extract::PageUser;
use crate::AppState;

const PAGE_SIZE: u32 = 25;

/// A select box's options: (value, label, selected).
pub(crate) type Options = Vec<(String, String, bool)>;

fn options<T: Coded + PartialEq>(selected: Option<T>) -> Options {
    T::ALL.iter().map(|v| (v.code().to_string(), v.label().to_string(), Some(*v) == selected)).collect()
}

/// A select box in the filter bar.
pub(crate) struct Filter {
    id: &'static str,
    label: &'static str,
    options: Options,
}

pub(crate) struct Row {
    id: String,
    reference: String,
    kind: &'static str,
    status: &'static str,
    jurisdiction: &'static str,
    age: &'static str,
    authority: &'static str,
    referred_on: String,
    /// The reasonable-grounds target for a case awaiting that decision, and whether it passed.
    due: String,
    overdue: bool,
    /// Due within the next two days: a warning before the target is breached.
    due_soon: bool,
}

impl Row {
    fn new(c: CaseSummary, today: time::Date) -> Self {
        let due = (c.status == CaseStatus::AwaitingReasonableGrounds)
            .then(|| sg_rules::official(c.jurisdiction).ok())
            .flatten()
            .and_then(|rules| {
                sg_rules::deadline(rules, c.jurisdiction, sg_rules::DeadlineKind::RgDecision, c.referred_on).ok()
            })
            .map(|d| d.due_on);
        Self {
            due: due.map_or_else(|| "—".to_string(), |d| d.to_string()),
            overdue: due.is_some_and(|d| d < today),
            due_soon: due.is_some_and(|d| d >= today && d <= today + time::Duration::days(2)),
            id: c.id.to_string(),
            reference: c.reference.to_string(),
            kind: c.kind.label(),
            status: c.status.label(),
            jurisdiction: c.jurisdiction.label(),
            age: c.age_at_exploitation.label(),
            authority: c.competent_authority.map(|a| a.code()).unwrap_or("—"),
            referred_on: c.referred_on.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "cases.html")]
pub(crate) struct CaseListPage {
    layout: Layout,
    has_errors: bool,
    rows: Vec<Row>,
    total: u64,
    /// `total` with thousands separators.
    total_text: String,
    /// More than `total` cases match (the count stops at `sg_store::COUNT_LIMIT`).
    total_is_lower_bound: bool,
    page: u64,
    pages: u64,
    first_shown: u64,
    last_shown: u64,
    filters: Vec<Filter>,
    reference: String,
    /// The filters as a query string, for the pagination links.
    query: String,
}

fn parse<T: Coded>(q: &[(String, String)], name: &str) -> Option<T> {
    q.iter().find(|(k, _)| k == name).and_then(|(_, v)| T::from_code(v))
}

/// `GET /cases`.
pub(crate) async fn list(State(state): State<AppState>, who: PageUser, RawQuery(raw): RawQuery) -> Response {
    let q: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let page: u64 = q.iter().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok()).unwrap_or(1).max(1);
    let reference = q.iter().find(|(k, _)| k == "reference").map(|(_, v)| v.clone()).unwrap_or_default();
    let filter = CaseFilter {
        status: parse::<CaseStatus>(&q, "status"),
        kind: parse::<CaseKind>(&q, "kind"),
        jurisdiction: parse::<Jurisdiction>(&q, "jurisdiction"),
        age: parse::<AgeAtExploitation>(&q, "age"),
        competent_authority: parse::<CompetentAuthority>(&q, "competent_authority"),
        reference: (!reference.is_empty()).then(|| reference.clone()),
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE as u64,
        ..Default::default()
    };
    let result = match state.app.list_cases(&who.user, filter.clone()).await {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let mut pages = result.total.div_ceil(PAGE_SIZE as u64).max(1);
    if result.total_is_lower_bound && result.cases.len() == PAGE_SIZE as usize {
        // The count stopped early: a full page may have another after it.
        pages = pages.max(page + 1);
    }
    let query: String =
        form_urlencoded::Serializer::new(String::new()).extend_pairs(q.iter().filter(|(k, _)| k != "page")).finish();
    let first_shown = if result.total == 0 { 0 } else { filter.offset + 1 };
    render(&CaseListPage {
        layout: Layout::for_user("Cases", &who),
        has_errors: false,
        first_shown,
        last_shown: filter.offset + result.cases.len() as u64,
        rows: result.cases.into_iter().map(|c| Row::new(c, state.app.clock.today())).collect(),
        total: result.total,
        total_text: sg_report::view::thousands(result.total),
        total_is_lower_bound: result.total_is_lower_bound,
        page,
        pages,
        filters: vec![
            Filter { id: "status", label: "Status", options: options(filter.status) },
            Filter { id: "kind", label: "Kind", options: options(filter.kind) },
            Filter { id: "jurisdiction", label: "Jurisdiction", options: options(filter.jurisdiction) },
            Filter { id: "age", label: "Age", options: options(filter.age) },
            Filter {
                id: "competent_authority",
                label: "Competent authority",
                options: options(filter.competent_authority),
            },
        ],
        reference,
        query,
    })
}

#[derive(Template)]
#[template(path = "case.html")]
pub(crate) struct CasePage {
    layout: Layout,
    has_errors: bool,
    case: CaseView,
    facts: Vec<(&'static str, String)>,
    person: Option<PersonView>,
    person_refusal: String,
    can_decide_rg: bool,
    can_decide_cg: bool,
    /// Whether to link to the consents page (`sg_app` still decides on that page).
    can_manage_consents: bool,
    id: String,
}

fn fact_rows(c: &CaseView) -> Vec<(&'static str, String)> {
    let f = &c.facts;
    let decision = |d: Option<sg_domain::lifecycle::Decision>| match d {
        Some(d) => format!(
            "{} on {}{}",
            d.outcome.label(),
            d.decided_on,
            if d.overturned_on_reconsideration { " (overturned on reconsideration)" } else { "" }
        ),
        None => "Not yet made".into(),
    };
    let nationalities = if f.nationalities.is_empty() {
        "Not known".to_string()
    } else {
        f.nationalities.iter().map(|n| n.country_name()).collect::<Vec<_>>().join(" and ")
    };
    let forms: Vec<&str> = f.exploitation_forms.iter().map(|x| x.label()).collect();
    let mut rows = vec![
        ("Kind", c.kind.label().to_string()),
        ("Jurisdiction", f.jurisdiction.label().to_string()),
        ("Referred on", f.referred_on.to_string()),
        ("Age at exploitation", f.age_at_exploitation.label().to_string()),
        ("Gender", f.gender.label().to_string()),
        ("Nationality", nationalities),
        ("Type of exploitation", f.exploitation_label()),
    ];
    if !forms.is_empty() {
        rows.push(("How they were exploited", forms.join("; ")));
    }
    rows.extend([
        ("Where the exploitation happened", f.exploitation_location.label().to_string()),
        ("First responder", format!("{} ({})", f.first_responder_org, f.first_responder_type.label())),
        ("Competent authority", c.competent_authority.map(|a| a.label()).unwrap_or("Not routed").to_string()),
        ("Reasonable grounds decision", decision(c.reasonable_grounds)),
        ("Conclusive grounds decision", decision(c.conclusive_grounds)),
    ]);
    rows
}

/// `GET /cases/{id}`.
pub(crate) async fn show(State(state): State<AppState>, who: PageUser, Path(raw): Path<String>) -> Response {
    let Some(id) = CaseId::parse(&raw) else { return error_page(sg_app::AppError::NotFound) };
    let case = match state.app.case_view(&who.user, id).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let (person, person_refusal) = match state.app.person(&who.user, id).await {
        Ok(p) => (Some(p), String::new()),
        Err(sg_app::AppError::Forbidden(m)) => (None, super::auth::capitalise(&m)),
        Err(e) => return error_page(e),
    };
    let decider = who.user.role == Role::DecisionMaker && case.kind == CaseKind::Referral;
    render(&CasePage {
        layout: Layout::for_user(format!("Case {}", case.reference), &who),
        has_errors: false,
        facts: fact_rows(&case),
        can_decide_rg: decider && case.reasonable_grounds.is_none() && case.status != CaseStatus::Withdrawn,
        can_decide_cg: decider
            && case.status == CaseStatus::AwaitingConclusiveGrounds
            && case.pending_reconsideration.is_none(),
        can_manage_consents: matches!(
            who.user.role,
            Role::FirstResponder | Role::SupportProvider | Role::Guardian | Role::LegalAdviser
        ),
        id: case.case_id.to_string(),
        person,
        person_refusal,
        case,
    })
}
