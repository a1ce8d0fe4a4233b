//! `GET /monitor/simulation`: the policy simulation for monitors. Counts only: monitors never
//! see case records, so the page shows no case references.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use sg_domain::{Coded, Jurisdiction};
use sg_rules::simulate::Report;

use super::{error_page, render, Choice, Layout};
use crate::extract::PageUser;
use crate::AppState;

#[derive(Template)]
#[template(path = "simulation.html")]
pub(crate) struct SimulationPage {
    layout: Layout,
    has_errors: bool,
    rules: Vec<Choice>,
    vs: Vec<Choice>,
    jurisdictions: Vec<Choice>,
    report: Report,
}

/// The built-in rule sets as choices, with `selected` marked.
fn rule_choices(selected: &str) -> Vec<Choice> {
    let titles: Vec<(&'static str, &'static str)> = sg_rules::builtin_names().into_iter().map(|n| (n, n)).collect();
    super::choices(&titles, selected)
}

/// Runs the simulation chosen in the query string (default: the rules in force in England and
/// Wales against the survivor-centred proposal) and shows it.
pub(crate) async fn show(State(state): State<AppState>, who: PageUser, RawQuery(raw): RawQuery) -> Response {
    let q: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect();
    let get = |name: &str, default: &str| {
        q.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).filter(|v| !v.is_empty()).unwrap_or(default.into())
    };
    let (a, b) = (get("rules", "england-wales"), get("vs", "proposal-survivor-centred"));
    let j = get("jurisdiction", "");
    let jurisdiction = Jurisdiction::from_code(&j);
    let report = match state.app.simulate(&who.user, &a, &b, jurisdiction).await {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let options: Vec<(&'static str, &'static str)> = Jurisdiction::ALL.iter().map(|j| (j.code(), j.label())).collect();
    render(&SimulationPage {
        layout: Layout::for_user(crate::i18n::tr("simulation.title"), &who),
        has_errors: false,
        rules: rule_choices(&a),
        vs: rule_choices(&b),
        jurisdictions: super::choices(&options, &j)
            .into_iter()
            .map(|mut c| {
                c.label = crate::i18n::coded_label("jurisdiction", c.value, &c.label);
                c
            })
            .collect(),
        report,
    })
}
