//! `safeguard serve`'s limit flags, as the web layer's [`sg_web::Limits`].

use std::net::SocketAddr;

use clap::Args;

/// The server's resource limits (docs/deploy.md, "Limits"); the defaults are
/// `sg_web::Limits::default()`.
#[derive(Debug, Clone, Args)]
pub struct LimitArgs {
    /// Most client connections open at once; keep it well under `ulimit -n`.
    #[arg(long, default_value_t = 512)]
    pub max_connections: usize,
    /// Seconds a client may take to send a request's header (and an idle connection is kept).
    #[arg(long, default_value_t = 10)]
    pub header_timeout_secs: u64,
    /// Seconds a request body may stall before the request fails.
    #[arg(long, default_value_t = 10)]
    pub body_timeout_secs: u64,
    /// Seconds a whole request may take before it is answered 408.
    #[arg(long, default_value_t = 60)]
    pub request_timeout_secs: u64,
    /// Each signed-in user's sustained requests per second (0: no limit).
    #[arg(long, default_value_t = 20)]
    pub user_rate: u32,
    /// Requests a user may make at once above the sustained rate.
    #[arg(long, default_value_t = 100)]
    pub user_burst: u32,
    /// Most expensive requests (simulation, dashboard, deep case lists) at once; the others
    /// wait their turn (0: no bound; default: one fewer than the cores, at least 1).
    #[arg(long, default_value_t = sg_web::default_heavy_requests())]
    pub heavy_requests: usize,
    /// Serves `GET /metrics` (Prometheus text) on this address only; off when not given. Bind
    /// it to loopback or a private network: it is not authenticated.
    #[arg(long)]
    pub metrics_bind: Option<SocketAddr>,
    /// The address of a reverse proxy in front of the server: only from it is the client's
    /// address taken from `X-Forwarded-For` (its last entry, the one the proxy added); from
    /// anyone else the header is ignored and the connection's address is the client's. Sign-in
    /// throttling counts attempts per client address.
    #[arg(long)]
    pub trusted_proxy: Option<std::net::IpAddr>,
}

impl LimitArgs {
    /// As the web layer takes them.
    pub fn limits(&self) -> sg_web::Limits {
        let secs = std::time::Duration::from_secs;
        sg_web::Limits {
            max_connections: self.max_connections,
            header_timeout: secs(self.header_timeout_secs.max(1)),
            body_timeout: secs(self.body_timeout_secs.max(1)),
            request_timeout: secs(self.request_timeout_secs.max(1)),
            user_requests_per_second: self.user_rate,
            user_burst: self.user_burst,
            heavy_requests: self.heavy_requests,
            trusted_proxy: self.trusted_proxy,
        }
    }
}
