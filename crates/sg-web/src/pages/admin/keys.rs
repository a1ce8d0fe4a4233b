//! `/admin/keys`: the master keys (id, date, which one seals new data, how many data keys each
//! wraps) and how to rotate them. Never key material.
//!
//! There is no rotate button: a server holds its key ring in memory, and other server
//! processes on the same database would not know a key made by this one, so they could not
//! open the data keys re-wrapped under it until restarted; and a new key file must be backed up
//! before it protects anything. `safeguard keys rotate` is run by the operator, with the
//! servers stopped, and is audited.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::when;
use crate::extract::PageUser;
use crate::i18n::tr;
use crate::pages::{error_page, render, Layout};
use crate::AppState;

/// One key, in words.
struct Line {
    id: String,
    created: String,
    seals: bool,
    data_keys: u64,
}

#[derive(Template)]
#[template(path = "admin_keys.html")]
struct KeysPage {
    layout: Layout,
    has_errors: bool,
    lines: Vec<Line>,
}

/// `GET /admin/keys`.
pub(crate) async fn show(State(state): State<AppState>, who: PageUser) -> Response {
    match state.app.admin_keys(&who.user).await {
        Ok(keys) => render(&KeysPage {
            layout: Layout::for_user(tr("admin.keys.title"), &who),
            has_errors: false,
            lines: keys
                .into_iter()
                .map(|k| Line {
                    id: k.id,
                    created: k.created.map(when).unwrap_or_else(|| tr("admin.keys.unknown")),
                    seals: k.seals_new_data,
                    data_keys: k.data_keys,
                })
                .collect(),
        }),
        Err(e) => error_page(e),
    }
}
