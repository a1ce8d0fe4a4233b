//! The end of the referral journey: check your answers, send, and the receipt.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::referrals::ReferralInput;
use sg_app::AppError;
use sg_domain::{
    countries, AgeAtExploitation, Coded, ExploitationForm, ExploitationLocation, Gender, Identity, Jurisdiction,
    Nationality, PersonalAccount, Sensitive,
};

use super::{date_from_parts, err, save, Draft};
use crate::extract::PageUser;
use crate::pages::{error_page, render, FieldMessage, Layout};
use crate::AppState;

/// Builds the API's referral input from the draft.
pub(super) fn input_of(d: &Draft) -> Result<ReferralInput, String> {
    let mut nationalities = vec![];
    for code in [&d.nationality, &d.nationality_second] {
        if !code.is_empty() {
            nationalities.push(Nationality::parse(code)?);
        }
    }
    let dob = date_from_parts(&d.dob_day, &d.dob_month, &d.dob_year)?;
    Ok(ReferralInput {
        jurisdiction: Jurisdiction::from_code(&d.jurisdiction),
        age_at_exploitation: AgeAtExploitation::from_code(&d.age),
        consent_to_referral: (d.is_adult()).then(|| d.consent == "yes"),
        gender: Gender::from_code(&d.gender),
        nationalities: Some(nationalities),
        exploitation_types: vec![],
        exploitation_forms: d.forms.iter().filter_map(|f| ExploitationForm::from_code(f)).collect(),
        exploitation_location: ExploitationLocation::from_code(&d.location),
        ieca_criteria: d.is_adult() && d.ieca == "yes",
        referred_on: None,
        identity: (!d.is_dtn()).then(|| Identity {
            full_name: Sensitive(d.full_name.clone()),
            nickname: Sensitive(d.nickname.clone()),
            date_of_birth: dob.map(Sensitive),
            phone: Sensitive(d.phone.clone()),
            email: Sensitive(d.email.clone()),
            address: Sensitive(String::new()),
        }),
        account: (!d.is_dtn()).then(|| PersonalAccount(Sensitive(d.account.clone()))),
    })
}

/// Which page asks for each field, for the error summary's links.
fn step_of(field: &str) -> &'static str {
    match field.split('.').next().unwrap_or(field) {
        "jurisdiction" | "age_at_exploitation" => "about",
        "consent_to_referral" => "consent",
        "gender" | "nationalities" => "person",
        "exploitation_types" | "exploitation_location" => "exploitation",
        _ => "identity",
    }
}

pub(super) async fn submit(state: &AppState, who: &PageUser, d: Draft) -> Response {
    let input = match input_of(&d) {
        Ok(i) => i,
        Err(m) => return render(&check_page(who, d, vec![err("identity", &m)])),
    };
    match state.app.submit_referral(&who.user, input, Some(&d.key)).await {
        Ok(created) => {
            if let Err(e) = save(state, who, None).await {
                return error_page(e);
            }
            Redirect::to(&format!("/referrals/sent/{}", created.created.case_id)).into_response()
        }
        Err(AppError::Invalid(f)) => {
            let step = step_of(&f.field);
            let message = format!("{} ({})", crate::pages::auth::capitalise(&f.message), f.field.replace('_', " "));
            render(&check_page(who, d, vec![FieldMessage { field: format!("change-{step}"), message }]))
        }
        Err(e) => error_page(e),
    }
}

/// A check-your-answers section: the step that asks it, its heading, and (question, answer) rows.
type Section = (&'static str, &'static str, Vec<(&'static str, String)>);

#[derive(Template)]
#[template(path = "referral/check.html")]
pub(crate) struct CheckPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    sections: Vec<Section>,
    is_dtn: bool,
    is_child: bool,
}

fn label_of<T: Coded>(code: &str) -> String {
    T::from_code(code).map(|v| v.label().to_string()).unwrap_or_else(|| "Not answered".into())
}

fn country_name(code: &str) -> String {
    countries::by_code(code).map(|c| c.name.to_string()).unwrap_or_else(|| "Not known".into())
}

pub(super) fn check_page(who: &PageUser, d: Draft, errors: Vec<FieldMessage>) -> CheckPage {
    let mut sections = vec![(
        "about",
        "About the referral",
        vec![
            ("Where you are making the referral", label_of::<Jurisdiction>(&d.jurisdiction)),
            ("Age", label_of::<AgeAtExploitation>(&d.age)),
        ],
    )];
    if d.is_adult() {
        let consent =
            if d.consent == "yes" { "Consents to the referral" } else { "Does not consent: Duty to Notify report" };
        sections.push(("consent", "Consent", vec![("Consent", consent.into())]));
    }
    let mut nationality = country_name(&d.nationality);
    if !d.nationality_second.is_empty() {
        nationality = format!("{nationality} and {}", country_name(&d.nationality_second));
    }
    sections.push((
        "person",
        "About the potential victim",
        vec![("Gender", label_of::<Gender>(&d.gender)), ("Nationality", nationality)],
    ));
    let forms: Vec<String> =
        d.forms.iter().filter_map(|f| ExploitationForm::from_code(f)).map(|f| f.label().to_string()).collect();
    sections.push((
        "exploitation",
        "Exploitation",
        vec![("How they were exploited", forms.join("; ")), ("Where", label_of::<ExploitationLocation>(&d.location))],
    ));
    if !d.is_dtn() {
        let dob = date_from_parts(&d.dob_day, &d.dob_month, &d.dob_year)
            .ok()
            .flatten()
            .map(|x| x.to_string())
            .unwrap_or_else(|| "Not given".into());
        let or_not_given = |s: &str| if s.is_empty() { "Not given".to_string() } else { s.to_string() };
        sections.push((
            "identity",
            "Who they are",
            vec![
                ("Full name", d.full_name.clone()),
                ("Name used during exploitation", or_not_given(&d.nickname)),
                ("Date of birth", dob),
                ("Phone", or_not_given(&d.phone)),
                ("Email", or_not_given(&d.email)),
                ("Their account", or_not_given(&d.account)),
            ],
        ));
    }
    CheckPage {
        layout: Layout::for_user("Check your answers before sending", who),
        has_errors: !errors.is_empty(),
        errors,
        sections,
        is_dtn: d.is_dtn(),
        is_child: !d.is_adult(),
    }
}

#[derive(Template)]
#[template(path = "referral/sent.html")]
pub(crate) struct SentPage {
    layout: Layout,
    has_errors: bool,
    receipt: sg_app::conversion::Receipt,
    is_dtn: bool,
}

/// `GET /referrals/sent/{case_id}`: the confirmation after sending.
pub(crate) async fn sent(State(state): State<AppState>, who: PageUser, Path(raw): Path<String>) -> Response {
    let Some(id) = sg_domain::CaseId::parse(&raw) else { return error_page(AppError::NotFound) };
    match state.app.receipt(&who.user, id).await {
        Ok(receipt) => {
            let is_dtn = receipt.kind == sg_domain::CaseKind::DutyToNotify;
            let title = if is_dtn { "Duty to Notify report sent" } else { "Referral sent" };
            render(&SentPage { layout: Layout::for_user(title, &who), has_errors: false, receipt, is_dtn })
        }
        Err(e) => error_page(e),
    }
}
