//! Turning a Duty to Notify report into a referral once the adult consents: the first responder
//! types the report's one-time code and the person's details. Only first responders may
//! (`sg_app::App::convert_report` decides).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use sg_app::conversion::ConversionInput;
use sg_app::AppError;
use sg_domain::{Identity, PersonalAccount, Sensitive};

use super::{csrf_refusal, error_page, message_for, render, FieldMessage, Layout};
use crate::extract::PageUser;
use crate::form::FormData;
use crate::AppState;

#[derive(Template)]
#[template(path = "convert.html")]
pub(crate) struct ConvertPage {
    layout: Layout,
    has_errors: bool,
    errors: Vec<FieldMessage>,
    code: String,
    full_name: String,
    day: String,
    month: String,
    year: String,
    account: String,
}

impl ConvertPage {
    fn error_for(&self, field: &str) -> super::FieldErr {
        message_for(&self.errors, field)
    }
    fn blank(who: &PageUser) -> Self {
        Self {
            layout: Layout::for_user(crate::i18n::tr("convert.page"), who),
            has_errors: false,
            errors: vec![],
            code: String::new(),
            full_name: String::new(),
            day: String::new(),
            month: String::new(),
            year: String::new(),
            account: String::new(),
        }
    }
}

fn refuse_unless_first_responder(who: &PageUser) -> Option<Response> {
    sg_app::access::check_convert(&who.user).err().map(error_page)
}

/// `GET /referrals/convert`.
pub(crate) async fn form(who: PageUser) -> Response {
    if let Some(r) = refuse_unless_first_responder(&who) {
        return r;
    }
    render(&ConvertPage::blank(&who))
}

/// `POST /referrals/convert`.
pub(crate) async fn convert(State(state): State<AppState>, who: PageUser, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Some(r) = csrf_refusal(&who, &form) {
        return r;
    }
    if let Some(r) = refuse_unless_first_responder(&who) {
        return r;
    }
    let mut errors = vec![];
    let code = form.get("conversion_code");
    if code.is_empty() {
        errors.push(FieldMessage {
            lang: "",
            field: "conversion_code".into(),
            message: crate::i18n::tr("convert.error.code"),
        });
    }
    let full_name = form.get("full_name");
    if full_name.is_empty() {
        errors.push(FieldMessage {
            lang: "",
            field: "full_name".into(),
            message: crate::i18n::tr("convert.error.full_name"),
        });
    }
    let dob = super::referral::parse_date_input(&form, "dob").unwrap_or_else(|m| {
        errors.push(FieldMessage { lang: "", field: "dob".into(), message: m });
        None
    });
    if errors.is_empty() {
        let input = ConversionInput {
            conversion_code: code.clone(),
            identity: Identity {
                full_name: Sensitive(full_name.clone()),
                nickname: Sensitive(String::new()),
                date_of_birth: dob.map(Sensitive),
                phone: Sensitive(String::new()),
                email: Sensitive(String::new()),
                address: Sensitive(String::new()),
            },
            account: PersonalAccount(Sensitive(form.get("account"))),
        };
        match state.app.convert_report(&who.user, input).await {
            Ok(view) => return Redirect::to(&format!("/cases/{}", view.case_id)).into_response(),
            Err(AppError::Invalid(f)) => errors.push(if f.field == "conversion_code" {
                FieldMessage::new(f.field, crate::i18n::tr("convert.error.invalid"))
            } else {
                FieldMessage::from_error(f)
            }),
            Err(e) => return error_page(e),
        }
    }
    render(&ConvertPage {
        layout: Layout::for_user(crate::i18n::tr("convert.page"), &who),
        has_errors: true,
        errors,
        code,
        full_name,
        day: form.get("dob-day"),
        month: form.get("dob-month"),
        year: form.get("dob-year"),
        account: form.get("account"),
    })
}
