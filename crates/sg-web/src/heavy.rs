//! A bound on expensive requests (issue 16): the policy simulation, the monitoring dashboard
//! and deep or long case-list pages each take far more CPU and database time than a case page.
//! Without a bound, sixteen clients looping on them took both cores and another client's
//! `GET /api/v1/cases` waited 2.5 s. With it, at most `heavy_requests` of them run at once
//! (by default one fewer than the cores) and the others wait their turn, so the rest of the
//! server keeps a core for everyone else.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::metrics::gauge::Gauge;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// A case-list offset from which a page counts as expensive (the store walks every row before it).
const DEEP_OFFSET: u64 = 1_000;
/// A case-list page size above which a page counts as expensive.
const LONG_PAGE: u64 = 100;

/// Whether a request is one of the expensive kinds.
pub(crate) fn is_heavy(method: &Method, path: &str, query: Option<&str>) -> bool {
    if method != Method::GET {
        return false;
    }
    match path {
        "/monitor/simulation" | "/monitoring" => true,
        // Each indicator's page builds the same report as the summary.
        p if p.starts_with("/monitoring/indicators/") => true,
        "/cases" | "/api/v1/cases" => {
            let number = |name: &str| {
                form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                    .find(|(k, _)| k == name)
                    .and_then(|(_, v)| v.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            number("offset") >= DEEP_OFFSET || number("limit") > LONG_PAGE
        }
        _ => false,
    }
}

/// The permits for expensive requests, shared by every connection of one server.
#[derive(Clone)]
pub(crate) struct Gate {
    permits: Arc<Semaphore>,
    /// How long a request waits for its turn before it is answered `503`.
    wait: Duration,
    waiting: Gauge,
}

impl Gate {
    /// `permits` expensive requests at once (0: no bound); `waiting` counts those waiting.
    pub(crate) fn new(permits: usize, wait: Duration, waiting: Gauge) -> Option<Self> {
        (permits > 0).then(|| Self { permits: Arc::new(Semaphore::new(permits)), wait, waiting })
    }
}

/// Middleware: an expensive request waits for a permit (up to the gate's wait), then runs
/// holding it; a cheap one goes straight through.
pub(crate) async fn gate(State(gate): State<Gate>, request: Request, next: Next) -> Response {
    if !is_heavy(request.method(), request.uri().path(), request.uri().query()) {
        return next.run(request).await;
    }
    gate.waiting.inc();
    let permit = tokio::time::timeout(gate.wait, gate.permits.clone().acquire_owned()).await;
    gate.waiting.dec();
    match permit {
        Ok(Ok(_permit)) => next.run(request).await,
        _ => busy(request.uri().path().starts_with("/api/"), gate.wait),
    }
}

/// `503` with `Retry-After`: the expensive requests' turn did not come in time.
fn busy(api: bool, wait: Duration) -> Response {
    let secs = wait.as_secs().max(1);
    let message = format!("the server is busy with long requests: try again in {secs} seconds");
    let mut response = if api {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message).into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, message).into_response()
    };
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expensive_kinds_are_recognised() {
        assert!(is_heavy(&Method::GET, "/monitor/simulation", None));
        assert!(is_heavy(&Method::GET, "/monitoring", Some("year=2024")));
        assert!(is_heavy(&Method::GET, "/monitoring/indicators/referrals", None));
        assert!(is_heavy(&Method::GET, "/api/v1/cases", Some("offset=9000&limit=200")));
        assert!(is_heavy(&Method::GET, "/cases", Some("offset=1000")));
        assert!(is_heavy(&Method::GET, "/api/v1/cases", Some("limit=101")));
        assert!(!is_heavy(&Method::GET, "/api/v1/cases", Some("limit=25&offset=100")));
        assert!(!is_heavy(&Method::GET, "/api/v1/cases", Some("offset=abc")));
        assert!(!is_heavy(&Method::GET, "/cases/abc", None));
        assert!(!is_heavy(&Method::POST, "/monitoring", None));
    }

    /// Two slow expensive requests and a cheap one at once, one permit: the first expensive one
    /// runs, the second waits past the gate's wait and gets `503` with `Retry-After`, and the
    /// cheap one is answered at once all along.
    #[tokio::test]
    async fn expensive_requests_take_turns_and_cheap_ones_do_not_wait() {
        use axum::body::Body;
        use axum::routing::get;
        use tower::ServiceExt;

        async fn slow() -> &'static str {
            tokio::time::sleep(Duration::from_millis(600)).await;
            "done"
        }
        let gate = Gate::new(1, Duration::from_millis(150), Gauge::default()).expect("a gate");
        let router = axum::Router::new()
            .route("/monitor/simulation", get(slow))
            .route("/healthz", get(|| async { "ok" }))
            .layer(axum::middleware::from_fn_with_state(gate.clone(), super::gate));
        let call = |path: &'static str| {
            let router = router.clone();
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                let response = router.oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
                (response.status(), response.headers().get(header::RETRY_AFTER).cloned(), started.elapsed())
            })
        };
        let first = call("/monitor/simulation");
        tokio::time::sleep(Duration::from_millis(50)).await;
        let second = call("/monitor/simulation");
        let cheap = call("/healthz");
        let (cheap, second, first) = (cheap.await.unwrap(), second.await.unwrap(), first.await.unwrap());
        assert_eq!(first.0, StatusCode::OK);
        assert_eq!(second.0, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(second.1, Some(HeaderValue::from(1u64)));
        assert_eq!(cheap.0, StatusCode::OK);
        assert!(cheap.2 < Duration::from_millis(300), "the cheap request waited {:?}", cheap.2);
        assert_eq!(gate.waiting.get(), 0, "nobody is left counted as waiting");
    }
}
