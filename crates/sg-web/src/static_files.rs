//! Stylesheets and scripts compiled into the binary, so that one file is the whole server.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &[u8])] = &[
    ("govuk/govuk-frontend.min.css", "text/css", include_bytes!("../static/govuk/govuk-frontend.min.css")),
    ("govuk/govuk-frontend.min.js", "text/javascript", include_bytes!("../static/govuk/govuk-frontend.min.js")),
    ("govuk/LICENSE.txt", "text/plain; charset=utf-8", include_bytes!("../static/govuk/LICENSE.txt")),
    ("safeguard.css", "text/css", include_bytes!("../static/safeguard.css")),
    ("init.js", "text/javascript", include_bytes!("../static/init.js")),
];

/// `GET /static/{path}`.
pub(crate) async fn serve(Path(path): Path<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, mime, body)) => {
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *body).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
