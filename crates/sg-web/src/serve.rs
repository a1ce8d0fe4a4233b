//! Serving the router over TCP with the [`Limits`]: no client can hold the server's
//! connections or file descriptors, a slow header or body times out, and each signed-in user
//! has a request budget. (`axum::serve` has none of these: 1,100 idle connections made
//! `/healthz` time out under `ulimit -n 1024`.)

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tower::ServiceExt;
use tower_http::timeout::{TimeoutBody, TimeoutLayer};

use crate::limits::{Limits, RateLimiter};
use crate::metrics::Metrics;

/// The connections that have not sent a request yet, oldest first, each with the signal that
/// closes it: at the cap, the oldest is closed to make room for a new one.
#[derive(Clone, Default)]
struct Silent(Arc<Mutex<BTreeMap<u64, Arc<Notify>>>>);

impl Silent {
    fn add(&self, id: u64) -> Arc<Notify> {
        let close = Arc::new(Notify::new());
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(id, close.clone());
        close
    }

    fn remove(&self, id: u64) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
    }

    /// Closes the oldest silent connection; false when there is none.
    fn close_oldest(&self) -> bool {
        let oldest = self.0.lock().unwrap_or_else(|e| e.into_inner()).pop_first();
        oldest.map(|(_, close)| close.notify_one()).is_some()
    }
}

/// Serves `router` on `listener` with `limits` until `shutdown` resolves, then lets the
/// requests in flight finish. Each request is counted in `metrics`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    metrics: Metrics,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut router = router;
    if let Some(gate) =
        crate::heavy::Gate::new(limits.heavy_requests, limits.request_timeout / 2, metrics.heavy_waiting())
    {
        router = router.layer(axum::middleware::from_fn_with_state(gate, crate::heavy::gate));
    }
    let router = router
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, limits.request_timeout))
        .layer(axum::middleware::from_fn_with_state(metrics.clone(), crate::metrics::track));
    let limiter = Arc::new(RateLimiter::new(&limits));
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let silent = Silent::default();
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let mut next_id = 0u64;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, or the peer gave up: wait a little, keep serving.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = match permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if silent.close_oldest() {
                    metrics.connection_closed_for_room();
                }
                tokio::select! {
                    permit = permits.clone().acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let _ = stream.set_nodelay(true);
        next_id += 1;
        let id = next_id;
        let close = silent.add(id);
        let spoke = Arc::new(AtomicBool::new(false));
        let service = {
            let (router, limiter, silent, spoke) = (router.clone(), limiter.clone(), silent.clone(), spoke.clone());
            let (body_timeout, trusted_proxy) = (limits.body_timeout, limits.trusted_proxy);
            hyper::service::service_fn(move |request: Request<Incoming>| {
                if !spoke.swap(true, Ordering::Relaxed) {
                    silent.remove(id);
                }
                let mut request = request.map(|body| TimeoutBody::new(body_timeout, body));
                request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
                let client = crate::extract::client_address(peer.ip(), trusted_proxy, request.headers());
                request.extensions_mut().insert(crate::extract::ClientAddr(client));
                request.extensions_mut().insert(limiter.clone());
                router.clone().oneshot(request)
            })
        };
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        let (silent, metrics) = (silent.clone(), metrics.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let _open = metrics.connection_opened();
            tokio::select! {
                ended = connection => {
                    if let Err(e) = ended {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                }
                () = close.notified() => tracing::debug!("closed a silent connection to make room"),
            }
            silent.remove(id);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
