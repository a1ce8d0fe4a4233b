//! "Check before you record this": the confirmation every irreversible step of a case passes
//! through when sent from its page (a case's record is append-only), and the success banner
//! after it. The page's own form asks for it with `confirm=ask`; the confirmation page sends
//! the same fields again with `confirm=yes` (or `confirm=change` to go back to the form).

use askama::Template;
use sg_domain::Coded;

use super::Layout;
use crate::extract::PageUser;
use crate::form::FormData;

#[derive(Template)]
#[template(path = "confirm_step.html")]
pub(crate) struct ConfirmPage {
    pub layout: Layout,
    pub has_errors: bool,
    pub id: String,
    pub reference: String,
    /// What will be recorded: (question, answer as the user will read it).
    pub rows: Vec<(String, String)>,
    pub action: String,
    /// The fields sent again, as typed.
    pub hidden: Vec<(String, String)>,
    pub submit: String,
}

/// What the form asked for with its `confirm` field.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ask {
    /// Sent from the step's page: show the confirmation first.
    Confirmation,
    /// "Change what you typed" on the confirmation: the form again, as typed.
    Change,
    /// Confirmed (or sent by a client that asks for no confirmation page): record it.
    Record,
}

/// Reads the form's `confirm` field.
pub(crate) fn asked(form: &FormData) -> Ask {
    match form.get("confirm").as_str() {
        "ask" => Ask::Confirmation,
        "change" => Ask::Change,
        _ => Ask::Record,
    }
}

/// The confirmation page for a step on case `id`, titled `title`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn page(
    who: &PageUser,
    title: String,
    id: String,
    reference: String,
    action: String,
    rows: Vec<(String, String)>,
    form: &FormData,
    submit: String,
) -> ConfirmPage {
    let hidden = form.pairs().filter(|(k, _)| k != "csrf" && k != "confirm").collect();
    ConfirmPage { layout: Layout::for_user(title, who), has_errors: false, id, reference, rows, action, hidden, submit }
}

/// The success banner's text for `?done=CODE` (a step's code), or "" for anything else, so
/// nothing from the address is echoed.
pub(crate) fn done_message(query: Option<&str>) -> String {
    let done = FormData::parse(query.unwrap_or_default().as_bytes()).get("done");
    match sg_app::case_actions::ActionKind::from_code(&done) {
        Some(kind) => crate::i18n::tr(&format!("done.{}", kind.code())),
        None => String::new(),
    }
}
