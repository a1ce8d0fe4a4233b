//! Who is asking: the API's bearer token, or the pages' session cookie.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use sg_store::{Session, User};

use crate::error::ApiError;
use crate::AppState;

/// The client's address: the connection's peer, or, when the peer is the trusted reverse
/// proxy, the last address of its `X-Forwarded-For` (the one it added; earlier entries are
/// whatever the client claimed). Set by `serve` on every request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub IpAddr);

/// The client behind `peer` (see [`ClientAddr`]).
pub(crate) fn client_address(peer: IpAddr, trusted_proxy: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
    if trusted_proxy != Some(peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        // Only the last entry: when it does not read, an earlier one (the client's own
        // claim) must not take its place.
        .and_then(|a| a.trim().parse::<IpAddr>().ok())
        .unwrap_or(peer)
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // A router served without `serve` (unit tests) has no address: one for all.
        Ok(parts.extensions.get::<ClientAddr>().copied().unwrap_or(ClientAddr(IpAddr::from([0, 0, 0, 0]))))
    }
}

/// The user behind `Authorization: Bearer TOKEN`.
pub(crate) struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    // A response, not an `ApiError`: a request over the user's budget carries `Retry-After`.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::from(sg_app::AppError::Unauthenticated).into_response())?;
        let user = state.app.user_for_api_token(token).await.map_err(|e| ApiError::from(e).into_response())?;
        if let Some(too_many) = crate::limits::over_budget(parts, &user, true) {
            return Err(too_many);
        }
        Ok(Self(user))
    }
}

/// The session cookie's name: with the `__Host-` prefix behind TLS, so that the browser pins it
/// to this host and path `/`, Secure.
pub(crate) fn cookie_name(state: &AppState) -> &'static str {
    if state.secure_cookies {
        "__Host-safeguard"
    } else {
        "safeguard"
    }
}

/// The value of the `Set-Cookie` header for a session token (or its removal when `None`).
pub(crate) fn session_cookie(state: &AppState, token: Option<&str>) -> String {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    match token {
        Some(t) => format!("{}={t}; Path=/; HttpOnly; SameSite=Strict{secure}", cookie_name(state)),
        None => format!("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}", cookie_name(state)),
    }
}

pub(crate) fn cookie_token(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A signed-in page visitor; anyone else is sent to the sign-in page.
pub(crate) struct PageUser {
    pub user: User,
    pub session: Session,
    /// How long the session lasts without activity, for the timeout warning.
    pub idle: time::Duration,
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie_token(&parts.headers, cookie_name(state)) else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        let path = parts.uri.path().to_owned();
        let path = path.as_str();
        match state.app.resume_session(&token).await {
            Ok(Some((session, _))) if session.second_factor_pending => {
                if path == "/sign-in/two-factor" {
                    // Only the second-factor page itself sees a half-open session.
                    return Err(Redirect::to("/sign-in").into_response());
                }
                Err(Redirect::to("/sign-in/two-factor").into_response())
            }
            Ok(Some((session, user))) => {
                if let Some(too_many) = crate::limits::over_budget(parts, &user, false) {
                    return Err(too_many);
                }
                let enrolling = matches!(path, "/account/password" | "/account/two-factor" | "/sign-out");
                if sg_app::second_factor::required_for(user.role) && !user.has_second_factor && !enrolling {
                    return Err(Redirect::to("/account/two-factor").into_response());
                }
                Ok(Self { user, session, idle: state.app.session_idle })
            }
            Ok(None) => Err(Redirect::to("/sign-in?expired=1").into_response()),
            Err(e) => Err(crate::pages::error_page(e)),
        }
    }
}

/// A visitor whose password was right and whose second factor is still to come.
pub(crate) struct PendingUser {
    pub user: User,
    pub session: Session,
}

impl FromRequestParts<AppState> for PendingUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie_token(&parts.headers, cookie_name(state)) else {
            return Err(Redirect::to("/sign-in").into_response());
        };
        match state.app.resume_session(&token).await {
            Ok(Some((session, user))) if session.second_factor_pending => Ok(Self { user, session }),
            Ok(Some(_)) => Err(Redirect::to("/cases").into_response()),
            Ok(None) => Err(Redirect::to("/sign-in?expired=1").into_response()),
            Err(e) => Err(crate::pages::error_page(e)),
        }
    }
}
