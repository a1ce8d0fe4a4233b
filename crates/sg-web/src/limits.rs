//! The server's resource limits (issue 16): how many connections, how long a client may take
//! to send a request, and how many requests each signed-in user may make.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sg_store::User;

use crate::error::ApiError;

/// Limits applied to every client by [`crate::serve`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Most connections open at once. At the cap the oldest connection that has not sent a
    /// request yet is closed to make room; when every connection is busy, new ones wait in
    /// the listen queue. Keep it well under the process's open-file limit (`ulimit -n`).
    pub max_connections: usize,
    /// How long a client may take to send a request's header, and how long an idle
    /// keep-alive connection is kept.
    pub header_timeout: Duration,
    /// How long a request body may stall between two pieces before the request fails.
    pub body_timeout: Duration,
    /// How long a whole request may take, body and answer, before it is answered `408`.
    pub request_timeout: Duration,
    /// Each signed-in user's sustained requests per second; 0 turns the limit off.
    pub user_requests_per_second: u32,
    /// How many requests a user may make at once above the sustained rate.
    pub user_burst: u32,
    /// Most expensive requests (the simulation, the monitoring dashboard, deep or long case
    /// lists) running at once; the others wait up to half the request timeout, then get `503`.
    /// 0 turns the bound off.
    pub heavy_requests: usize,
    /// The reverse proxy whose `X-Forwarded-For` names the client (`serve --trusted-proxy`);
    /// from any other peer the header is ignored.
    pub trusted_proxy: Option<std::net::IpAddr>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 512,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            user_requests_per_second: 20,
            user_burst: 100,
            heavy_requests: default_heavy_requests(),
            trusted_proxy: None,
        }
    }
}

/// One fewer than the cores (at least one), so expensive requests leave a core for the rest.
pub fn default_heavy_requests() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
}

/// Buckets kept before full ones (users who have been quiet) are dropped.
const MAX_BUCKETS: usize = 10_000;

/// A token bucket per user: `rate` requests a second, up to `burst` at once. In memory, per
/// process: behind several processes each grants its own budget.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    pub(crate) fn new(limits: &Limits) -> Self {
        Self {
            rate: f64::from(limits.user_requests_per_second),
            burst: f64::from(limits.user_burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s budget at `now`, or says how long until one is free.
    pub(crate) fn take(&self, key: &str, now: Instant) -> Result<(), Duration> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_BUCKETS {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, b| b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let b = buckets.entry(key.to_owned()).or_insert(Bucket { tokens: self.burst, at: now });
        b.tokens = (b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * self.rate).min(self.burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / self.rate))
        }
    }
}

/// Marks a request already taken from its user's budget.
#[derive(Debug, Clone, Copy)]
struct Counted;

/// Whether `user` may make this request now: `None` if so, else the `429` to send (the API's
/// error envelope, or a short page), with `Retry-After`. Without a limiter in the request
/// (a router not started by [`crate::serve`]), every request may.
pub(crate) fn over_budget(parts: &mut Parts, user: &User, api: bool) -> Option<Response> {
    let limiter = parts.extensions.get::<Arc<RateLimiter>>()?.clone();
    // A request is counted once, though the Idempotency-Key layer resolves its user too.
    if parts.extensions.insert(Counted).is_some() {
        return None;
    }
    let wait = limiter.take(&user.id.to_string(), Instant::now()).err()?;
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let secs = secs.max(1);
    let message = format!("too many requests from this account: try again in {secs} seconds");
    let mut response = if api {
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message).into_response()
    } else {
        (StatusCode::TOO_MANY_REQUESTS, message).into_response()
    };
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(rate: u32, burst: u32) -> RateLimiter {
        RateLimiter::new(&Limits { user_requests_per_second: rate, user_burst: burst, ..Limits::default() })
    }

    #[test]
    fn a_burst_is_allowed_then_requests_wait_for_the_rate() {
        let l = limiter(10, 5);
        let t = Instant::now();
        assert!((0..5).all(|_| l.take("u", t).is_ok()));
        let wait = l.take("u", t).unwrap_err();
        assert!(wait <= Duration::from_millis(100) && wait > Duration::ZERO, "{wait:?}");
        assert!(l.take("u", t + Duration::from_millis(100)).is_ok(), "one request a tenth of a second");
        assert!(l.take("other", t).is_ok(), "each user has a budget of their own");
    }

    #[test]
    fn a_rate_of_zero_is_no_limit() {
        let l = limiter(0, 1);
        let t = Instant::now();
        assert!((0..1000).all(|_| l.take("u", t).is_ok()));
    }
}
