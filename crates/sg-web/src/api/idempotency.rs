//! `Idempotency-Key` on the API's state-changing calls: a retry of a request that succeeded
//! gets the first answer again and changes nothing; the same key with a different request is
//! refused. A referral keeps its key with its case instead (`referrals::create`), and a
//! survivor code is never kept (it is a secret; a retry issues a fresh one).

use std::sync::OnceLock;

use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sg_store::{IdempotentRequest, IdempotentStart};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::extract::ApiUser;
use crate::AppState;

/// The largest body kept (the router refuses larger ones anyway).
const BODY_LIMIT: usize = 1024 * 1024;

/// This server process: the holder of the leases of the keys it is answering.
fn owner() -> &'static str {
    static OWNER: OnceLock<String> = OnceLock::new();
    OWNER.get_or_init(|| uuid::Uuid::new_v4().to_string())
}

/// The `Idempotency-Key` of the request being answered, for handlers that derive an id from it
/// (a consent's, so that a retry after a lost answer finds the consent it recorded).
#[derive(Debug, Clone)]
pub(crate) struct IdempotencyKey(pub(crate) String);

/// Answers `request` while renewing this process's lease on its key, so that another server
/// does not take the key over while the request runs, however long it takes. When the request
/// is dropped (a timeout), the renewals stop with it and the lease runs out.
async fn renewing(
    state: &AppState,
    user: sg_domain::UserId,
    key: &str,
    request: impl std::future::Future<Output = Response>,
) -> Response {
    let every = std::time::Duration::from_secs(sg_store::IDEMPOTENCY_RENEW_SECONDS);
    let mut renew = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    tokio::pin!(request);
    loop {
        tokio::select! {
            response = &mut request => return response,
            _ = renew.tick() => {
                match state.app.store.idempotency_renew(user, key, owner(), state.app.clock.now()).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!("an Idempotency-Key's reservation was taken over while answering"),
                    Err(e) => tracing::warn!(error = %e, "could not renew an Idempotency-Key's reservation"),
                }
            }
        }
    }
}

/// True for the calls this layer keeps answers for.
fn applies(method: &Method, path: &str) -> bool {
    (method == Method::POST || method == Method::DELETE)
        && !path.ends_with("/referrals")
        && !path.ends_with("/survivor-code")
}

/// The middleware.
pub(crate) async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(raw_key) = request.headers().get("idempotency-key").cloned() else {
        return next.run(request).await;
    };
    if !applies(request.method(), request.uri().path()) {
        return next.run(request).await;
    }
    match run(state, raw_key.to_str().ok(), request, next).await {
        Ok(response) | Err(response) => response,
    }
}

async fn run(state: AppState, key: Option<&str>, request: Request, next: Next) -> Result<Response, Response> {
    let key = key
        .filter(|k| (1..=255).contains(&k.len()))
        .ok_or_else(|| {
            ApiError::invalid("Idempotency-Key", "must be 1 to 255 visible ASCII characters").into_response()
        })?
        .to_string();
    let (mut parts, body) = request.into_parts();
    let ApiUser(user) = ApiUser::from_request_parts(&mut parts, &state).await.map_err(IntoResponse::into_response)?;
    let body = to_bytes(body, BODY_LIMIT).await.map_err(|_| {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the request body is larger than 1 MiB")
            .into_response()
    })?;
    let mut hash = Sha256::new();
    hash.update(parts.method.as_str().as_bytes());
    hash.update([0]);
    hash.update(parts.uri.path().as_bytes());
    hash.update([0]);
    hash.update(&body);
    // Keyed (`App::request_fingerprint`): the body may hold a name and a date of birth.
    let fingerprint = state.app.request_fingerprint(&hash.finalize());
    let store = &state.app.store;
    let reserved = IdempotentRequest {
        user: user.id,
        key: &key,
        fingerprint: &fingerprint,
        owner: owner(),
        now: state.app.clock.now(),
    };
    match store
        .idempotency_start(&reserved)
        .await
        .map_err(|e| ApiError::from(sg_app::AppError::from(e)).into_response())?
    {
        IdempotentStart::Started => {}
        IdempotentStart::Replay { status, body } => {
            // Kept sealed (it may hold names); one that cannot be opened is not replayed.
            let body = state.app.open_answer(&user.id.to_string(), &key, &body).ok_or_else(|| {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "idempotency_in_progress",
                    "the first answer to this Idempotency-Key cannot be read back; use a new key",
                )
                .into_response()
            })?;
            let what = format!("{} {}", parts.method, parts.uri.path());
            state.app.audit_replay(&user, &what).await.map_err(|e| ApiError::from(e).into_response())?;
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let headers = [
                (header::CONTENT_TYPE, "application/json"),
                (header::HeaderName::from_static("idempotent-replayed"), "true"),
            ];
            return Ok((status, headers, body).into_response());
        }
        IdempotentStart::InProgress => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "a request with this Idempotency-Key is still being answered; try again shortly",
            )
            .into_response())
        }
        IdempotentStart::Mismatch => {
            let error = ApiError {
                field: Some("Idempotency-Key".into()),
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency_key_reused",
                    "was already used for a different request; use a new key for a new request",
                )
            };
            return Err(error.into_response());
        }
    }
    parts.extensions.insert(IdempotencyKey(key.clone()));
    let response = renewing(&state, user.id, &key, next.run(Request::from_parts(parts, Body::from(body)))).await;
    if !response.status().is_success() {
        // Nothing changed (a refused request changes nothing): the key may be used again.
        if let Err(e) = store.idempotency_abandon(user.id, &key, owner()).await {
            tracing::warn!(error = %e, "could not release an Idempotency-Key");
        }
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body = to_bytes(body, usize::MAX).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())?;
    let sealed = state.app.seal_answer(&user.id.to_string(), &key, &body);
    if let Err(e) = store.idempotency_finish(user.id, &key, parts.status.as_u16(), &sealed).await {
        // The change is stored; only its replay is not. A retry is then checked afresh.
        tracing::warn!(error = %e, "could not keep the answer to an Idempotency-Key");
    }
    Ok(Response::from_parts(parts, Body::from(body)))
}
