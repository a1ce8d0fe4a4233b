//! The load generator and the disk's ceiling of durable commits.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// What one load run measured.
#[derive(Debug, Clone)]
pub(crate) struct LoadResult {
    /// Concurrent clients.
    pub clients: usize,
    /// Requests answered with the expected status.
    pub ok: u64,
    /// Requests answered otherwise, or not at all.
    pub errors: u64,
    /// Wall time of the run.
    pub secs: f64,
    /// Latencies of the answered requests, in microseconds, sorted.
    latencies: Vec<u32>,
}

impl LoadResult {
    /// Answered requests a second.
    pub fn per_sec(&self) -> f64 {
        self.ok as f64 / self.secs.max(1e-9)
    }

    /// The `q` quantile of the latency in milliseconds (0 when nothing was answered).
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }

    /// The figures as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "clients": self.clients, "ok": self.ok, "errors": self.errors, "secs": self.secs,
            "per_sec": self.per_sec(), "p50_ms": self.quantile_ms(0.5), "p99_ms": self.quantile_ms(0.99),
        })
    }
}

/// One request of a load run: the method, the URL and the JSON body, if any.
pub(crate) struct Request {
    pub post: Option<Value>,
    pub url: String,
}

/// Runs `clients` concurrent clients for `duration`, each sending the request `make(client, i)`
/// gives for its `i`-th request and counting a response with status `expect` as answered.
pub(crate) async fn run(
    client: &reqwest::Client,
    token: &str,
    clients: usize,
    duration: Duration,
    expect: u16,
    make: impl Fn(usize, u64) -> Request + Send + Sync + 'static,
) -> LoadResult {
    let make = std::sync::Arc::new(make);
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(clients);
    for c in 0..clients {
        let (client, make, auth) = (client.clone(), make.clone(), format!("Bearer {token}"));
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut errors, mut i) = (Vec::new(), 0u64, 0u64);
            while Instant::now() < deadline {
                let req = make(c, i);
                i += 1;
                let t = Instant::now();
                let builder = match &req.post {
                    Some(body) => client.post(&req.url).json(body),
                    None => client.get(&req.url),
                };
                let answered = match builder.header("authorization", &auth).send().await {
                    Ok(r) => r.status().as_u16() == expect && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if answered {
                    lat.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                } else {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for t in tasks {
        if let Ok((lat, e)) = t.await {
            latencies.extend(lat);
            errors += e;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    LoadResult { clients, ok: latencies.len() as u64, errors, secs, latencies }
}

/// The disk's ceiling of durable commits, the higher of two plain loops run for `duration`
/// each in `dir`: appending 4 KiB and calling `fsync` (a growing journal), and overwriting
/// 4 KiB inside a preallocated file and calling `fdatasync` (SQLite's WAL once it is reused
/// after a checkpoint: no size change, so no metadata to flush). Returns (append, overwrite).
pub(crate) fn fsyncs_per_sec(dir: &std::path::Path, duration: Duration) -> std::io::Result<(f64, f64)> {
    use std::io::{Seek, SeekFrom};
    let path = dir.join("fsync-ceiling.tmp");
    let block = [0x5au8; 4096];
    let mut file = std::fs::File::create(&path)?;
    let append = timed(duration, || {
        file.write_all(&block)?;
        file.sync_all()
    })?;
    const BLOCKS: u64 = 1024;
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    for _ in 0..BLOCKS {
        file.write_all(&block)?;
    }
    file.sync_all()?;
    let mut i = 0u64;
    let overwrite = timed(duration, || {
        file.seek(SeekFrom::Start((i % BLOCKS) * 4096))?;
        i += 1;
        file.write_all(&block)?;
        file.sync_data()
    })?;
    drop(file);
    std::fs::remove_file(&path)?;
    Ok((append, overwrite))
}

/// Calls `step` for `duration`; the calls a second.
fn timed(duration: Duration, mut step: impl FnMut() -> std::io::Result<()>) -> std::io::Result<f64> {
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < duration {
        step()?;
        n += 1;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}
