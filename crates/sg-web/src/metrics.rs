//! Operators' metrics in the Prometheus text format, served by [`metrics_router`] on a listen
//! address of its own (`safeguard serve --metrics-bind`), never on the public one.
//!
//! Only counts and timings: requests by method, route template (`/api/v1/cases/{case_id}`,
//! never a real id) and status; request latency by route; open connections and those closed
//! to make room; refusals; simulations run; the database's connections and write queue. No
//! label carries a user, a case or anything typed by a client.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use sg_app::App;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// Latency buckets: 1 ms to about 16 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// The server's metrics, shared by the connections, the request middleware and the scrape.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    connections: Gauge,
    closed_for_room: Counter,
    refusals: Counter,
    simulations: Counter,
    db_connections: Gauge,
    db_idle: Gauge,
    write_queue: Gauge,
    heavy_waiting: Gauge,
    /// One scrape at a time, so the totals copied from the application only go up.
    scrape: Mutex<()>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// A fresh set of metrics, all zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("safeguard");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let (connections, db_connections, db_idle, write_queue) =
            (Gauge::default(), Gauge::default(), Gauge::default(), Gauge::default());
        let (closed_for_room, refusals, simulations) = (Counter::default(), Counter::default(), Counter::default());
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route template",
            latency.clone(),
        );
        registry.register("open_connections", "Client connections open now", connections.clone());
        registry.register(
            "connections_closed_for_room",
            "Connections closed at the connection cap because they had sent no request",
            closed_for_room.clone(),
        );
        registry.register(
            "refusals",
            "Requests refused by the access rules (each one, written or counted)",
            refusals.clone(),
        );
        registry.register(
            "simulation_runs",
            "Policy simulations computed (the others came from the cache)",
            simulations.clone(),
        );
        registry.register("db_connections", "Database connections open now", db_connections.clone());
        registry.register("db_connections_idle", "Database connections open and idle now", db_idle.clone());
        registry.register("db_write_queue", "Writes waiting for the next group commit (SQLite)", write_queue.clone());
        let heavy_waiting = Gauge::default();
        registry.register(
            "heavy_requests_waiting",
            "Expensive requests (simulation, dashboard, deep case lists) waiting for their turn",
            heavy_waiting.clone(),
        );
        Self(Arc::new(Inner {
            registry,
            requests,
            latency,
            connections,
            closed_for_room,
            refusals,
            simulations,
            db_connections,
            db_idle,
            write_queue,
            heavy_waiting,
            scrape: Mutex::new(()),
        }))
    }

    /// Counts an open connection until the guard is dropped.
    pub(crate) fn connection_opened(&self) -> impl Drop {
        self.0.connections.inc();
        OpenConnection(self.0.connections.clone())
    }

    /// The gauge of expensive requests waiting for their turn.
    pub(crate) fn heavy_waiting(&self) -> Gauge {
        self.0.heavy_waiting.clone()
    }

    pub(crate) fn connection_closed_for_room(&self) {
        self.0.closed_for_room.inc();
    }

    /// The text a scrape gets, with the application's and the store's figures as they are now.
    pub fn render(&self, app: &App) -> String {
        let inner = &self.0;
        let _one_at_a_time = inner.scrape.lock().unwrap_or_else(|e| e.into_inner());
        let catch_up = |counter: &Counter, total: u64| {
            counter.inc_by(total.saturating_sub(counter.get()));
        };
        catch_up(&inner.refusals, app.refusals.total());
        catch_up(&inner.simulations, app.simulations.runs());
        let pool = app.store.pool_use();
        inner.db_connections.set(i64::from(pool.connections));
        inner.db_idle.set(i64::from(pool.idle));
        inner.write_queue.set(i64::from(pool.write_queue));
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &inner.registry) {
            tracing::error!(error = %e, "cannot encode the metrics");
        }
        out
    }
}

struct OpenConnection(Gauge);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Middleware (after routing, so the route template is known): counts and times each request.
pub(crate) async fn track(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    // Unmatched paths are one label, so clients cannot create series at will.
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let inner = &metrics.0;
    inner.requests.get_or_create(&RequestLabels { method: method.clone(), route: route.clone(), status }).inc();
    inner.latency.get_or_create(&RouteLabels { method, route }).observe(started.elapsed().as_secs_f64());
    response
}

/// The metrics endpoint, `GET /metrics`, for a listener of its own.
pub fn metrics_router(app: App, metrics: Metrics) -> Router {
    Router::new().route(
        "/metrics",
        get(move || {
            let (app, metrics) = (app.clone(), metrics.clone());
            async move {
                let body = metrics.render(&app);
                ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
            }
        }),
    )
}
