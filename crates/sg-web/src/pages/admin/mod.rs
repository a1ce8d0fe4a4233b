//! The administration pages (`/admin/...`): organisations, users, account requests awaiting a
//! second administrator, and the master keys. Each
//! handler calls one `App::admin_*` use case, which refuses anyone but an administrator (`403`);
//! nothing here decides access.

pub(crate) mod keys;
pub(crate) mod organisations;
pub(crate) mod requests;
pub(crate) mod users;

use sg_app::AppError;

use super::FieldMessage;

/// One option of a radio group or select box, with an owned value.
pub(crate) struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A field error as the form shows it; any other failure is handed back for the error page.
pub(crate) fn field_error(e: AppError) -> Result<Vec<FieldMessage>, AppError> {
    match e {
        AppError::Invalid(f) => Ok(vec![FieldMessage::from_error(f)]),
        other => Err(other),
    }
}

/// A date and time as the admin pages show it (UTC, to the minute).
pub(crate) fn when(t: time::OffsetDateTime) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    t.format(&f).unwrap_or_default()
}
