//! Safeguard's web layer: the JSON API under `/api/v1` and the server-rendered pages.
//!
//! Handlers are thin: they resolve who is asking and what they sent, make one call into
//! [`sg_app::App`], and turn the result into a response. No SQL and no access rules here.

mod api;
mod error;
mod extract;
mod form;
mod pages;
mod static_files;

use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use sg_app::App;
use tower_http::set_header::SetResponseHeaderLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The application.
    pub app: App,
    /// Whether cookies get the `Secure` attribute and the `__Host-` prefix (behind TLS).
    pub secure_cookies: bool,
}

/// The pages' Content-Security-Policy: only our own scripts, styles and images; no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// The whole URL map.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(api::openapi))
        .route("/referrals", post(api::referrals::create))
        .route("/cases", get(api::cases::list))
        .route("/cases/{case_id}", get(api::cases::show))
        .route("/cases/{case_id}/identity", get(api::cases::identity))
        .route("/cases/{case_id}/actions", post(api::cases::act))
        .fallback(api::not_found);

    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/", get(pages::home))
        .route("/static/{*path}", get(static_files::serve))
        .route("/sign-in", get(pages::auth::sign_in_page).post(pages::auth::sign_in))
        .route("/sign-in/code", get(pages::auth::code_page).post(pages::auth::use_code))
        .route("/account/password", get(pages::auth::password_page).post(pages::auth::set_password))
        .route("/sign-out", post(pages::auth::sign_out))
        .route("/cases", get(pages::cases::list))
        .route("/cases/{case_id}", get(pages::cases::show))
        .route("/cases/{case_id}/decide/{question}", get(pages::decisions::form).post(pages::decisions::record))
        .route("/monitor/simulation", get(pages::simulation::show))
        .route("/referrals/new", get(pages::referral::start))
        .route("/referrals/new/{step}", get(pages::referral::question).post(pages::referral::answer))
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .with_state(state)
}
