//! The case list (filters, pagination) and the case page (facts, decisions, timeline).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use sg_app::case_actions::ActionKind;
use sg_app::cases::{CaseView, PersonView};
use sg_domain::{AgeAtExploitation, CaseId, CaseKind, CaseStatus, Coded, CompetentAuthority, Jurisdiction, Role};
use sg_store::{CaseFilter, CaseSort, CaseSummary};

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
    /// The value of "All" (empty but for the status, whose default may be "open").
    all: &'static str,
    all_selected: bool,
}

pub(crate) struct Row {
    id: String,
    reference: String,
    kind: String,
    status: String,
    jurisdiction: String,
    age: String,
    /// The competent authority's short form (SCA, IECA), with its full name for `<abbr>`.
    authority: String,
    authority_name: String,
    referred_on: String,
    /// The next open deadline's date, or a dash.
    due: String,
    /// Which deadline it is, in words (empty when there is none).
    due_kind: String,
    /// A warning before or after a breach: its words and the tag's colour class. The words
    /// carry the meaning; the colour only repeats it.
    warning: Option<(String, &'static str)>,
}

/// The tag for a deadline's urgency on `today`, if it warrants one.
fn warning(c: &CaseSummary, today: time::Date) -> Option<(String, &'static str)> {
    use sg_app::queue::Urgency;
    let due = c.next_due?;
    // The recovery period's end is when a conclusive grounds decision may be made at the
    // earliest, not a deadline that can be missed: shown as a date only.
    // Nor is a review's date: it is when the decision was written, to take the oldest first.
    if matches!(due.kind, sg_store::DueKind::RecoveryPeriodEnd | sg_store::DueKind::NegativeDecisionReview) {
        return None;
    }
    match sg_app::queue::urgency(c.jurisdiction, due.on, today) {
        Urgency::Overdue(1) => Some((crate::i18n::tr("queue.overdue_one"), "govuk-tag--red")),
        Urgency::Overdue(n) => Some((crate::i18n::trf("queue.overdue", &[("n", &n.to_string())]), "govuk-tag--red")),
        Urgency::DueToday => Some((crate::i18n::tr("queue.due_today"), "govuk-tag--orange")),
        Urgency::DueSoon(1) => Some((crate::i18n::tr("queue.due_in_one"), "govuk-tag--yellow")),
        Urgency::DueSoon(n) => Some((crate::i18n::trf("queue.due_in", &[("n", &n.to_string())]), "govuk-tag--yellow")),
        Urgency::Later => None,
    }
}

impl Row {
    fn new(c: CaseSummary, today: time::Date) -> Self {
        Self {
            warning: warning(&c, today),
            due: c.next_due.map_or_else(|| "—".to_string(), |d| crate::dates::staff(d.on)),
            due_kind: c.next_due.map(|d| label("queue.kind", d.kind)).unwrap_or_default(),
            id: c.id.to_string(),
            reference: c.reference.to_string(),
            kind: crate::i18n::label("kind", c.kind),
            status: crate::i18n::label("status", c.status),
            jurisdiction: crate::i18n::label("jurisdiction", c.jurisdiction),
            age: crate::i18n::label("age", c.age_at_exploitation),
            authority: c.competent_authority.map(|a| a.code().to_uppercase()).unwrap_or_else(|| "—".into()),
            authority_name: c.competent_authority.map(|a| label("authority", a)).unwrap_or_default(),
            referred_on: crate::dates::staff(c.referred_on),
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
    /// The order's choices (value, label, selected).
    sorts: Options,
    /// The filters as a query string, for the pagination links.
    query: String,
    /// `?list=…`: the list's query for the case pages' back links, or "".
    case_query: String,
    /// The success banner after a step that took the case out of the user's sight, or "".
    done: String,
}

impl Filter {
    /// A filter labelled `cases.{id}`, whose "All" is the empty value.
    fn new(id: &'static str, options: Options) -> Self {
        Self { id, label: crate::i18n::tr(&format!("cases.{id}")), options, all: "", all_selected: false }
    }
}

fn parse<T: Coded>(q: &[(String, String)], name: &str) -> Option<T> {
    q.iter().find(|(k, _)| k == name).and_then(|(_, v)| T::from_code(v))
}

/// `GET /cases`.
pub(crate) async fn list(State(state): State<AppState>, who: PageUser, RawQuery(raw): RawQuery) -> Response {
    let done = super::confirm::done_message(raw.as_deref());
    let q: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .filter(|(k, v)| !v.is_empty() && LIST_KEYS.contains(&k.as_str()))
        .collect();
    // A decision maker's queue shows open cases unless they choose a status or "all".
    let status_asked = q.iter().find(|(k, _)| k == "status").map(|(_, v)| v.as_str());
    let open_only = match status_asked {
        Some("open") => true,
        None => who.user.role == Role::DecisionMaker,
        Some(_) => false,
    };
    let page: u64 = q.iter().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok()).unwrap_or(1).max(1);
    let reference = q.iter().find(|(k, _)| k == "reference").map(|(_, v)| v.clone()).unwrap_or_default();
    // A decision maker's list is their queue: soonest deadline first unless they choose.
    let sort = parse::<CaseSort>(&q, "sort").unwrap_or(if who.user.role == Role::DecisionMaker {
        CaseSort::Deadline
    } else {
        CaseSort::Newest
    });
    let filter = CaseFilter {
        sort,
        status: parse::<CaseStatus>(&q, "status"),
        open_only,
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
    let case_query = if q.is_empty() {
        String::new()
    } else {
        let all: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(q.iter()).finish();
        format!("?{}", form_urlencoded::Serializer::new(String::new()).append_pair("list", &all).finish())
    };
    let mut status_options = options("status", filter.status);
    status_options.insert(0, ("open".into(), crate::i18n::tr("banner.open_cases"), open_only));
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
            Filter {
                id: "status",
                label: crate::i18n::tr("cases.status"),
                all_selected: status_asked == Some("all"),
                options: status_options,
                all: "all",
            },
            Filter::new("kind", options("kind", filter.kind)),
            Filter::new("jurisdiction", options("jurisdiction", filter.jurisdiction)),
            Filter::new("age", options("age", filter.age)),
            Filter {
                label: crate::i18n::tr("cases.competent_authority"),
                ..Filter::new("competent_authority", options("authority", filter.competent_authority))
            },
        ],
        reference,
        sorts: options("queue.sort", Some(sort)),
        query,
        case_query,
        done,
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
    /// The steps this user may take on the case now (asked of `sg_app`): (address, label).
    actions: Vec<(String, String)>,
    /// The timeline in the page's language.
    timeline: Vec<super::timeline::Line>,
    /// Whether to link to the consents page (`sg_app` still decides on that page).
    can_manage_consents: bool,
    id: String,
    /// The kind and status in the page's language.
    kind: String,
    status: String,
    /// The success banner after a step (`?done=`), or "".
    done: String,
    /// The back link to the list as it was filtered (`?list=`).
    back: String,
}

impl CasePage {
    /// A date in words in the page's language.
    fn words(&self, date: &time::Date) -> String {
        crate::dates::staff(*date)
    }

    /// "extended by N days" for a deadline an extension moved, or "".
    fn extended(&self, d: &sg_rules::CaseDeadline) -> String {
        match d.extended_by_days {
            0 => String::new(),
            n => crate::i18n::trf("case.extended", &[("days", &n.to_string())]),
        }
    }

    /// The rules page's entry for the rule `key` of this case's jurisdiction.
    fn rule_link(&self, key: &str) -> String {
        super::rules::link(self.case.facts.jurisdiction, key)
    }
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
        // Consent, guardians and withdrawal follow the age now (as referred, then assessed).
        (crate::i18n::tr("case.fact.age_now"), label("age", c.age_now)),
        (crate::i18n::tr("case.fact.gender"), label("gender", f.gender)),
        (crate::i18n::tr("case.fact.nationality"), nationalities),
        (crate::i18n::tr("case.fact.exploitation_type"), exploitation_types(f)),
    ];
    if !forms.is_empty() {
        rows.push((crate::i18n::tr("case.fact.forms"), forms.join("; ")));
    }
    if !f.declined_because.is_empty() {
        let why: Vec<String> = f.declined_because.iter().map(|r| super::referral::decline_label(*r)).collect();
        rows.push((crate::i18n::tr("referral.declined.check"), why.join("; ")));
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
    rows.extend(super::timeline::step_rows(c));
    rows
}

/// The statistics tables' combined type (`Labour & Criminal`), each type worded by the catalogue.
fn exploitation_types(f: &sg_domain::CaseFacts) -> String {
    use sg_domain::ExploitationType as T;
    let order = [T::Sexual, T::Labour, T::Domestic, T::Criminal, T::OrganHarvesting];
    let parts: Vec<String> = order
        .iter()
        .filter(|t| f.exploitation_types.contains(t))
        .map(|t| crate::i18n::coded_label("errors.exploitation_type", t.code(), t.label()))
        .collect();
    match parts.as_slice() {
        [] => crate::i18n::tr("case.exploitation_unknown"),
        [one] => one.clone(),
        [first @ .., last] => format!("{} & {last}", first.join(", ")),
    }
}

/// `GET /cases/{id}`.
pub(crate) async fn show(
    State(state): State<AppState>,
    who: PageUser,
    Path(raw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(id) = CaseId::parse(&raw) else { return error_page(sg_app::AppError::NotFound) };
    let case = match state.app.case_view(&who.user, id).await {
        Ok(c) => c,
        Err(e) => return error_page(e),
    };
    let (person, person_refusal) = match state.app.person(&who.user, id).await {
        Ok(p) => (Some(p), String::new()),
        Err(sg_app::AppError::Forbidden(m)) => (None, crate::i18n::refusal_message(m)),
        Err(e) => return error_page(e),
    };
    let actions = match state.app.case_actions(&who.user, id).await {
        Ok(a) => a.available,
        Err(e) => return error_page(e),
    };
    let actions = actions
        .into_iter()
        .map(|k| {
            let text = match k {
                ActionKind::DecideReasonableGrounds => crate::i18n::tr("case.record_rg"),
                ActionKind::DecideConclusiveGrounds => crate::i18n::tr("case.record_cg"),
                k => crate::i18n::tr(&format!("act.{}.link", k.code())),
            };
            (super::actions::href(id, k), text)
        })
        .collect();
    render(&CasePage {
        layout: Layout::for_user(crate::i18n::trf("case.title", &[("reference", &case.reference.to_string())]), &who),
        has_errors: false,
        facts: fact_rows(&case),
        actions,
        timeline: super::timeline::lines(&case.timeline),
        can_manage_consents: sg_app::access::role_manages_consents(&who.user),
        id: case.case_id.to_string(),
        kind: label("kind", case.kind),
        status: label("status", case.status),
        person,
        person_refusal,
        case,
        done: super::confirm::done_message(query.as_deref()),
        back: format!("/cases{}", list_query(query.as_deref())),
    })
}

/// The list's filters carried to a case page as `?list=` (re-encoded from the known filter
/// names only, so nothing else is echoed), as the query of the back link: `?status=…` or "".
fn list_query(query: Option<&str>) -> String {
    let list = crate::form::FormData::parse(query.unwrap_or_default().as_bytes()).get("list");
    let kept: Vec<(String, String)> =
        form_urlencoded::parse(list.as_bytes()).into_owned().filter(|(k, _)| LIST_KEYS.contains(&k.as_str())).collect();
    if kept.is_empty() {
        return String::new();
    }
    format!("?{}", form_urlencoded::Serializer::new(String::new()).extend_pairs(kept).finish())
}

/// The case list's query parameters.
const LIST_KEYS: &[&str] =
    &["status", "kind", "jurisdiction", "age", "competent_authority", "reference", "sort", "page"];
