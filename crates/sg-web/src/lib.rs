//! Safeguard's web layer: the JSON API under `/api/v1` and the server-rendered pages.
//!
//! Handlers are thin: they resolve who is asking and what they sent, make one call into
//! [`sg_app::App`], and turn the result into a response. No SQL and no access rules here.

mod api;
mod dates;
mod error;
mod extract;
mod form;
mod heavy;
mod i18n;
mod limits;
mod metrics;
mod pages;
mod serve;
mod static_files;

pub use limits::{default_heavy_requests, Limits};
pub use metrics::{metrics_router, Metrics};
pub use serve::serve;

/// Decodes a referral journey form body (every step) into a referral; for fuzzing.
#[doc(hidden)]
pub use pages::referral::decode_form as decode_referral_form;

use axum::http::{header, HeaderValue};
use axum::routing::{delete, get, post};
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

/// Every route the server answers, as `METHOD PATH`. The authorisation matrix test checks each
/// against every role, and a test below checks this list matches the router.
pub const ROUTES: &[&str] = &[
    "GET /healthz",
    "GET /",
    "GET /static/{*path}",
    "GET /favicon.ico",
    "POST /session/keep-alive",
    "GET /sign-in",
    "POST /sign-in",
    "GET /sign-in/code",
    "POST /sign-in/code",
    "GET /sign-in/two-factor",
    "POST /sign-in/two-factor",
    "GET /account/password",
    "POST /account/password",
    "GET /account/two-factor",
    "POST /account/two-factor",
    "GET /account/tokens",
    "POST /account/tokens/{token_id}/revoke",
    "GET /organisation",
    "POST /sign-out",
    "GET /cases",
    "GET /cases/{case_id}",
    "GET /cases/{case_id}/decide/{question}",
    "POST /cases/{case_id}/decide/{question}",
    "GET /cases/{case_id}/act/{action}",
    "POST /cases/{case_id}/act/{action}",
    "GET /cases/{case_id}/identity",
    "GET /cases/{case_id}/consents",
    "POST /cases/{case_id}/consents",
    "POST /cases/{case_id}/consents/{consent_id}/withdraw",
    "POST /cases/{case_id}/consents/{consent_id}/countersign",
    "POST /cases/{case_id}/emergency-requests/{request_id}/decision",
    "POST /cases/{case_id}/survivor-code",
    "POST /cases/{case_id}/survivor-code/slip",
    "GET /cases/{case_id}/survivor-code/end",
    "POST /cases/{case_id}/survivor-code/end",
    "GET /referrals/convert",
    "POST /referrals/convert",
    "GET /monitor/simulation",
    "GET /monitoring",
    "GET /rules",
    "GET /monitoring/indicators/{indicator}",
    "GET /monitoring/recommendations",
    "POST /monitoring/recommendations",
    "POST /monitoring/recommendations/add",
    "GET /admin/organisations",
    "POST /admin/organisations",
    "GET /admin/users",
    "POST /admin/users",
    "GET /admin/users/{user_id}/disable",
    "POST /admin/users/{user_id}/disable",
    "GET /admin/users/{user_id}/reset",
    "POST /admin/users/{user_id}/reset",
    "GET /admin/keys",
    "GET /admin/requests",
    "GET /admin/requests/{request_id}/approve",
    "POST /admin/requests/{request_id}/approve",
    "GET /admin/requests/{request_id}/decline",
    "POST /admin/requests/{request_id}/decline",
    "GET /referrals/new",
    "GET /referrals/sent/{case_id}",
    "GET /referrals/new/{step}",
    "POST /referrals/new/{step}",
    "GET /referrals/drafts",
    "GET /referrals/drafts/{draft_id}",
    "GET /referrals/drafts/{draft_id}/delete",
    "POST /referrals/drafts/{draft_id}/delete",
    "GET /api/v1/openapi.json",
    "POST /api/v1/referrals",
    "POST /api/v1/referrals/convert",
    "GET /api/v1/cases",
    "GET /api/v1/cases/{case_id}",
    "GET /api/v1/cases/{case_id}/identity",
    "POST /api/v1/cases/{case_id}/actions",
    "GET /api/v1/cases/{case_id}/consents",
    "POST /api/v1/cases/{case_id}/consents",
    "DELETE /api/v1/cases/{case_id}/consents/{consent_id}",
    "POST /api/v1/cases/{case_id}/consents/{consent_id}/countersign",
    "GET /api/v1/cases/{case_id}/emergency-requests",
    "POST /api/v1/cases/{case_id}/emergency-requests",
    "POST /api/v1/cases/{case_id}/emergency-requests/{request_id}/decision",
    "POST /api/v1/cases/{case_id}/survivor-code",
    "DELETE /api/v1/cases/{case_id}/survivor-code",
    "GET /survivor",
    "POST /survivor",
    "GET /survivor/view",
    "POST /survivor/consents/{consent_id}/withdraw",
    "POST /survivor/legal-advisers",
    "POST /survivor/legal-advisers/{org_id}/end",
    "POST /survivor/consents/{consent_id}/confirm",
    "GET /survivor/exit",
    "POST /survivor/sign-out",
];

/// The JSON API's OpenAPI document as served at `GET /api/v1/openapi.json` (generated; see
/// `api/openapi.rs`), for the tidy tests.
pub fn openapi_document() -> &'static str {
    api::openapi::DOCUMENT.as_str()
}

/// The whole URL map.
pub fn router(state: AppState) -> Router {
    use pages::admin::requests;
    let api = Router::new()
        .route("/openapi.json", get(api::openapi))
        .route("/referrals", post(api::referrals::create))
        .route("/referrals/convert", post(api::referrals::convert))
        .route("/cases", get(api::cases::list))
        .route("/cases/{case_id}", get(api::cases::show))
        .route("/cases/{case_id}/identity", get(api::cases::identity))
        .route("/cases/{case_id}/actions", post(api::cases::act))
        .route("/cases/{case_id}/consents", get(api::consents::list).post(api::consents::create))
        .route("/cases/{case_id}/consents/{consent_id}", delete(api::consents::withdraw))
        .route("/cases/{case_id}/consents/{consent_id}/countersign", post(api::consents::countersign))
        .route("/cases/{case_id}/emergency-requests", get(api::emergency::list).post(api::emergency::ask))
        .route("/cases/{case_id}/emergency-requests/{request_id}/decision", post(api::emergency::decide))
        .route("/cases/{case_id}/survivor-code", post(api::consents::survivor_code).delete(api::consents::end_code))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), api::idempotency::layer))
        .fallback(api::not_found);

    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/", get(pages::home))
        .route("/static/{*path}", get(static_files::serve))
        .route("/favicon.ico", get(pages::session::favicon))
        .route("/session/keep-alive", post(pages::session::keep_alive))
        .route("/sign-in", get(pages::auth::sign_in_page).post(pages::auth::sign_in))
        .route("/sign-in/code", get(pages::auth::code_page).post(pages::auth::use_code))
        .route("/sign-in/two-factor", get(pages::two_factor::second_factor_page).post(pages::two_factor::second_factor))
        .route("/account/password", get(pages::auth::password_page).post(pages::auth::set_password))
        .route("/account/two-factor", get(pages::two_factor::enrol_page).post(pages::two_factor::enrol))
        .route("/account/tokens", get(pages::account::tokens))
        .route("/account/tokens/{token_id}/revoke", post(pages::account::revoke))
        .route("/organisation", get(pages::account::organisation))
        .route("/sign-out", post(pages::auth::sign_out))
        .route("/cases", get(pages::cases::list))
        .route("/cases/{case_id}", get(pages::cases::show))
        .route("/cases/{case_id}/decide/{question}", get(pages::decisions::form).post(pages::decisions::record))
        .route("/cases/{case_id}/act/{action}", get(pages::actions::form).post(pages::actions::record))
        .route("/cases/{case_id}/identity", get(pages::person::show))
        .route("/cases/{case_id}/consents", get(pages::consents::list).post(pages::consents::record))
        .route("/cases/{case_id}/consents/{consent_id}/withdraw", post(pages::consents::withdraw))
        .route("/cases/{case_id}/consents/{consent_id}/countersign", post(pages::consents::countersign))
        .route("/cases/{case_id}/emergency-requests/{request_id}/decision", post(pages::consents::decide_emergency))
        .route("/cases/{case_id}/survivor-code", post(pages::survivor_code::issue))
        .route("/cases/{case_id}/survivor-code/slip", post(pages::survivor_code::slip))
        .route("/cases/{case_id}/survivor-code/end", get(pages::survivor_code::ask_end).post(pages::survivor_code::end))
        .route("/referrals/convert", get(pages::convert::form).post(pages::convert::convert))
        .route("/survivor", get(pages::survivor::code_page).post(pages::survivor::use_code))
        .route("/survivor/view", get(pages::survivor::view))
        .route("/survivor/consents/{consent_id}/withdraw", post(pages::survivor::withdraw))
        .route("/survivor/legal-advisers", post(pages::survivor::instruct))
        .route("/survivor/legal-advisers/{org_id}/end", post(pages::survivor::end_instruction))
        .route("/survivor/consents/{consent_id}/confirm", post(pages::survivor::confirm))
        .route("/survivor/exit", get(pages::survivor_exit::exit))
        .route("/survivor/sign-out", post(pages::survivor_exit::sign_out))
        .route("/monitor/simulation", get(pages::simulation::show))
        .route("/monitoring", get(pages::monitoring::dashboard))
        .route("/rules", get(pages::rules::show))
        .route("/monitoring/indicators/{indicator}", get(pages::monitoring::indicator))
        .route("/monitoring/recommendations", get(pages::recommendations::list).post(pages::recommendations::record))
        .route("/monitoring/recommendations/add", post(pages::recommendations::add))
        .route("/admin/organisations", get(pages::admin::organisations::list).post(pages::admin::organisations::add))
        .route("/admin/users", get(pages::admin::users::list).post(pages::admin::users::add))
        .route("/admin/users/{user_id}/disable", get(pages::admin::users::confirm).post(pages::admin::users::disable))
        .route("/admin/users/{user_id}/reset", get(pages::admin::users::reset_confirm).post(pages::admin::users::reset))
        .route("/admin/keys", get(pages::admin::keys::show))
        .route("/admin/requests", get(requests::list))
        .route("/admin/requests/{request_id}/approve", get(requests::approve_confirm).post(requests::approve))
        .route("/admin/requests/{request_id}/decline", get(requests::decline_confirm).post(requests::decline))
        .route("/referrals/new", get(pages::referral::start))
        .route("/referrals/sent/{case_id}", get(pages::referral::sent))
        .route("/referrals/new/{step}", get(pages::referral::question).post(pages::referral::answer))
        .route("/referrals/drafts", get(pages::referral::list))
        .route("/referrals/drafts/{draft_id}", get(pages::referral::continue_draft))
        .route("/referrals/drafts/{draft_id}/delete", get(pages::referral::confirm).post(pages::referral::delete))
        .nest("/api/v1", api)
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), pages::session::keep_forms))
        .layer(axum::middleware::from_fn(i18n::choose_language))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    /// Reads the `.route(...)` calls in this file: the API's are nested under `/api/v1`.
    fn routes_in_source() -> Vec<String> {
        let source = include_str!("lib.rs");
        let body = &source[source.find("pub fn router").expect("router")..];
        let (api, pages) = body.split_at(body.find(".fallback(api::not_found)").expect("api block"));
        let mut found = vec![];
        for (block, prefix) in [(api, "/api/v1"), (pages, "")] {
            for line in block.lines().filter(|l| l.trim_start().starts_with(".route(\"")) {
                let path = line.split('"').nth(1).expect("a quoted path");
                for method in ["get", "post", "delete", "put", "patch"] {
                    if line.contains(&format!(" {method}("))
                        || line.contains(&format!(".{method}("))
                        || line.contains(&format!("({method}("))
                    {
                        found.push(format!("{} {prefix}{path}", method.to_uppercase()));
                    }
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn every_api_route_is_in_the_openapi_description() {
        let spec: serde_json::Value = serde_json::from_str(include_str!("api/openapi.json")).expect("valid JSON");
        for route in super::ROUTES {
            let (method, path) = route.split_once(' ').expect("METHOD PATH");
            if let Some(api_path) = path.strip_prefix("/api/v1") {
                let op = &spec["paths"][api_path][method.to_lowercase()];
                assert!(op.is_object(), "{route} is missing from api/openapi.json");
            }
        }
    }

    #[test]
    fn the_route_list_matches_the_router() {
        let mut listed: Vec<String> = super::ROUTES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(routes_in_source(), listed, "update ROUTES (and the authorisation matrix) when routes change");
    }
}
