//! The end of the referral journey: check your answers, send, and the receipt.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::referrals::ReferralInput;
use sg_app::AppError;
use sg_domain::{
    AccountContext, AgeAtExploitation, Coded, ContextFactor, DeclineReason, ExploitationForm, ExploitationLocation,
    FieldError, Gender, Identity, Jurisdiction, Nationality, PersonalAccount, Sensitive,
};

use super::{date_from_parts, decline_label, err, factor_label, Draft};
use crate::extract::PageUser;
use crate::i18n::{label as tr_label, tr};
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
        age_at_exploitation: d.age_at_exploitation(),
        age_now: AgeAtExploitation::from_code(&d.age),
        consent_to_referral: (d.is_adult()).then(|| d.consent == "yes"),
        declined_because: if d.is_dtn() { declined_of(d) } else { vec![] },
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
        account_context: (!d.is_dtn()).then(|| context_of(d)).filter(|c| !c.is_empty()),
        previous_reference: (!d.is_dtn()).then(|| d.previous_reference.clone()).filter(|r| !r.trim().is_empty()),
        link_agreed: d.link_agreed == "yes",
    })
}

/// Why the adult did not consent, from the draft (unknown codes were dropped when answered).
fn declined_of(d: &Draft) -> Vec<DeclineReason> {
    d.declined.iter().filter_map(|c| DeclineReason::from_code(c)).collect()
}

/// The context for inconsistencies, from the draft (unknown codes were dropped when answered).
fn context_of(d: &Draft) -> AccountContext {
    AccountContext {
        factors: d.context_factors.iter().filter_map(|f| ContextFactor::from_code(f)).collect(),
        notes: Sensitive(d.context_notes.clone()),
    }
}

/// Which page asks for each field, for the error summary's links.
fn step_of(field: &str) -> &'static str {
    match field.split('.').next().unwrap_or(field) {
        "jurisdiction" | "age_at_exploitation" | "age_now" => "about",
        "consent_to_referral" => "consent",
        "gender" | "nationalities" => "person",
        "exploitation_types" | "exploitation_location" => "exploitation",
        "account_context" => "context",
        "declined_because" => "declined",
        "previous_reference" | "link_agreed" => "identity",
        _ => "identity",
    }
}

pub(super) async fn submit(state: &AppState, who: &PageUser, id: uuid::Uuid, d: Draft) -> Response {
    let input = match input_of(&d) {
        Ok(i) => i,
        Err(m) => return render(&check_page(who, d, vec![err("identity", &m)])),
    };
    match state.app.submit_referral(&who.user, input, Some(&d.key)).await {
        Ok(created) => {
            // The draft held the person's details until now; the case holds them from here.
            if let Err(e) = state.app.delete_draft(&who.user, &who.session, id, "sent").await {
                return error_page(e);
            }
            Redirect::to(&format!("/referrals/sent/{}", created.created.case_id)).into_response()
        }
        Err(AppError::Invalid(f)) => {
            let step = step_of(&f.field);
            // A coded message words its field; an uncoded one (a parse error) is named by it.
            let field = format!("change-{step}");
            let error = if f.code.is_empty() {
                let english = format!("{} ({})", crate::pages::auth::capitalise(&f.message), f.field.replace('_', " "));
                FieldMessage { field, ..FieldMessage::from_error(FieldError::new("", english)) }
            } else {
                FieldMessage { field, ..FieldMessage::from_error(f) }
            };
            render(&check_page(who, d, vec![error]))
        }
        Err(e) => error_page(e),
    }
}

/// A check-your-answers section: the step that asks it, its heading, and (question, answer) rows.
type Section = (&'static str, String, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "referral/check.html")]
pub(crate) struct CheckPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    sections: Vec<Section>,
    is_dtn: bool,
    is_child: bool,
    /// The Back link: the last question page.
    back: String,
}

fn label_of<T: Coded>(prefix: &str, code: &str) -> String {
    T::from_code(code).map(|v| tr_label(prefix, v)).unwrap_or_else(|| tr("check.not_answered"))
}

fn country_name(code: &str) -> String {
    crate::i18n::country_name(code).unwrap_or_else(|| tr("case.not_known"))
}

pub(super) fn check_page(who: &PageUser, d: Draft, errors: Vec<FieldMessage>) -> CheckPage {
    let mut sections = vec![(
        "about",
        tr("referral.about.title"),
        vec![
            (tr("check.where_referral"), label_of::<Jurisdiction>("jurisdiction", &d.jurisdiction)),
            (tr("referral.about.age"), label_of::<AgeAtExploitation>("referral.choice.age", &d.age)),
        ],
    )];
    if d.is_adult() {
        let then = label_of::<AgeAtExploitation>("referral.choice.age_then", &d.age_then);
        sections[0].2.push((tr("referral.about.age_then"), then));
    }
    if d.is_adult() {
        let consent = if d.consent == "yes" { tr("check.consents") } else { tr("check.does_not_consent") };
        sections.push(("consent", tr("referral.consent.title"), vec![(tr("referral.consent.title"), consent)]));
    }
    let mut nationality = country_name(&d.nationality);
    if !d.nationality_second.is_empty() {
        nationality = format!("{nationality}{}{}", tr("common.and"), country_name(&d.nationality_second));
    }
    sections.push((
        "person",
        tr("referral.person.title"),
        vec![
            (tr("case.fact.gender"), label_of::<Gender>("referral.choice.gender", &d.gender)),
            (tr("case.fact.nationality"), nationality),
        ],
    ));
    let forms: Vec<String> = d
        .forms
        .iter()
        .filter_map(|f| ExploitationForm::from_code(f))
        .map(|f| tr_label("exploitation_form", f))
        .collect();
    sections.push((
        "exploitation",
        tr("check.exploitation"),
        vec![
            (tr("case.fact.forms"), forms.join("; ")),
            (tr("check.where"), label_of::<ExploitationLocation>("location", &d.location)),
        ],
    ));
    if d.is_dtn() {
        let reasons: Vec<String> = declined_of(&d).into_iter().map(decline_label).collect();
        let reasons = if reasons.is_empty() { tr("person.not_given") } else { reasons.join("; ") };
        sections.push(("declined", tr("referral.declined.title"), vec![(tr("referral.declined.check"), reasons)]));
    }
    if !d.is_dtn() {
        let dob = date_from_parts(&d.dob_day, &d.dob_month, &d.dob_year)
            .ok()
            .flatten()
            .map(|x| x.to_string())
            .unwrap_or_else(|| tr("person.not_given"));
        let or_not_given = |s: &str| if s.is_empty() { tr("person.not_given") } else { s.to_string() };
        sections.push((
            "identity",
            tr("referral.identity.title"),
            vec![
                (tr("check.full_name"), d.full_name.clone()),
                (tr("person.nickname"), or_not_given(&d.nickname)),
                (tr("person.dob"), dob),
                (tr("person.phone"), or_not_given(&d.phone)),
                (tr("person.email"), or_not_given(&d.email)),
                (tr("person.account"), or_not_given(&d.account)),
                (tr("referral.identity.previous_reference"), or_not_given(&d.previous_reference)),
            ],
        ));
        let factors: Vec<String> = context_of(&d).factors.into_iter().map(factor_label).collect();
        let factors = if factors.is_empty() { tr("person.not_given") } else { factors.join("; ") };
        sections.push((
            "context",
            tr("referral.context.title"),
            vec![
                (tr("referral.context.factors"), factors),
                (tr("referral.context.notes"), or_not_given(&d.context_notes)),
            ],
        ));
    }
    CheckPage {
        layout: Layout::for_user(tr("check.title"), who),
        has_errors: !errors.is_empty(),
        errors,
        sections,
        is_dtn: d.is_dtn(),
        is_child: !d.is_adult(),
        back: d.previous_before("check").map(|s| format!("/referrals/new/{s}")).unwrap_or_default(),
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
            let title = if is_dtn { tr("sent.dtn_title") } else { tr("sent.title") };
            render(&SentPage { layout: Layout::for_user(title, &who), has_errors: false, receipt, is_dtn })
        }
        Err(e) => error_page(e),
    }
}
