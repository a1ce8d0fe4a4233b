//! The case list (filters, pagination) and the case page (facts, decisions, timeline).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use sg_app::cases::{CaseView, PersonView};
use sg_domain::{AgeAtExploitation, CaseId, CaseKind, CaseStatus, Coded, CompetentAuthority, Jurisdiction, Role};
use sg_store::{CaseFilter, CaseSummary};

use super::{error_page, render, Layout};
use crate::extract::PageUser;
use crate::i18n::label;
use crate::AppState;

const PAGE_SIZE: u32 = 25;

/// A select box's options: (value, label, selected).
pub(crate) type Options = Vec<(String, String, bool)>;

/// The filter's choices, labelled in the page's language from the catalogue section `prefix`.
fn options<T: Coded + PartialEq>(prefix: &str, selected: Option<T>) -> Options {
    T::ALL.iter().map(|v| (v.code().to_string(), label(prefix, *v), Some(*v) == selected)).collect()
}

/// A select box in the filter bar.
pub(crate) struct Filter {
    id: &'static str,
    label: String,
    options: Options,
}

pub(crate) struct Row {
    id: String,
    reference: String,
    kind: String,
    status: String,
    jurisdiction: String,
    age: String,
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
            kind: crate::i18n::label("kind", c.kind),
            status: crate::i18n::label("status", c.status),
            jurisdiction: crate::i18n::label("jurisdiction", c.jurisdiction),
            age: crate::i18n::label("age", c.age_at_exploitation),
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
        layout: Layout::for_user(crate::i18n::tr("cases.title"), &who),
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
            Filter { id: "status", label: crate::i18n::tr("cases.status"), options: options("status", filter.status) },
            Filter { id: "kind", label: crate::i18n::tr("cases.kind"), options: options("kind", filter.kind) },
            Filter {
                id: "jurisdiction",
                label: crate::i18n::tr("cases.jurisdiction"),
                options: options("jurisdiction", filter.jurisdiction),
            },
            Filter { id: "age", label: crate::i18n::tr("cases.age"), options: options("age", filter.age) },
            Filter {
                id: "competent_authority",
                label: crate::i18n::tr("cases.competent_authority"),
                options: options("authority", filter.competent_authority),
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
    facts: Vec<(String, String)>,
    person: Option<PersonView>,
    person_refusal: String,
    can_decide_rg: bool,
    can_decide_cg: bool,
    /// Whether to link to the consents page (`sg_app` still decides on that page).
    can_manage_consents: bool,
    id: String,
}

fn fact_rows(c: &CaseView) -> Vec<(String, String)> {
    let f = &c.facts;
    let decision = |d: Option<sg_domain::lifecycle::Decision>| match d {
        Some(d) => format!(
            "{}{}",
            crate::i18n::trf(
                "case.decided_on",
                &[("outcome", &crate::i18n::label("outcome", d.outcome)), ("date", &d.decided_on.to_string())]
            ),
            if d.overturned_on_reconsideration { crate::i18n::tr("case.overturned") } else { String::new() }
        ),
        None => crate::i18n::tr("case.not_yet_made"),
    };
    let nationalities = if f.nationalities.is_empty() {
        crate::i18n::tr("case.not_known")
    } else {
        f.nationalities
            .iter()
            .map(|n| crate::i18n::country_name(n.code()).unwrap_or_else(|| n.country_name().to_string()))
            .collect::<Vec<_>>()
            .join(&crate::i18n::tr("common.and"))
    };
    let forms: Vec<String> = f.exploitation_forms.iter().map(|x| label("exploitation_form", *x)).collect();
    let mut rows = vec![
        (crate::i18n::tr("case.fact.kind"), label("kind", c.kind)),
        (crate::i18n::tr("case.fact.jurisdiction"), label("jurisdiction", f.jurisdiction)),
        (crate::i18n::tr("case.fact.referred_on"), f.referred_on.to_string()),
        (crate::i18n::tr("case.fact.age"), label("age", f.age_at_exploitation)),
        (crate::i18n::tr("case.fact.gender"), label("gender", f.gender)),
        (crate::i18n::tr("case.fact.nationality"), nationalities),
        (crate::i18n::tr("case.fact.exploitation_type"), f.exploitation_label()),
    ];
    if !forms.is_empty() {
        rows.push((crate::i18n::tr("case.fact.forms"), forms.join("; ")));
    }
    rows.extend([
        (crate::i18n::tr("case.fact.location"), label("location", f.exploitation_location)),
        (
            crate::i18n::tr("case.fact.first_responder"),
            format!("{} ({})", f.first_responder_org, label("responder", f.first_responder_type)),
        ),
        (
            crate::i18n::tr("case.fact.competent_authority"),
            c.competent_authority.map(|a| label("authority", a)).unwrap_or(crate::i18n::tr("case.not_routed")),
        ),
        (crate::i18n::tr("case.fact.rg"), decision(c.reasonable_grounds)),
        (crate::i18n::tr("case.fact.cg"), decision(c.conclusive_grounds)),
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
        Err(sg_app::AppError::Forbidden(m)) => (None, crate::i18n::refusal_message(&m)),
        Err(e) => return error_page(e),
    };
    let decider = who.user.role == Role::DecisionMaker && case.kind == CaseKind::Referral;
    render(&CasePage {
        layout: Layout::for_user(crate::i18n::trf("case.title", &[("reference", &case.reference.to_string())]), &who),
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
