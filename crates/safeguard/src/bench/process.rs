//! The real `safeguard` binary as the system under test: its commands timed, its server started
//! on a free loopback port and stopped again.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use super::cpu_cap::CpuCap;

/// The binary being measured: this one.
pub(crate) fn exe() -> anyhow::Result<PathBuf> {
    std::env::current_exe().context("cannot find the safeguard binary")
}

/// Where a benchmark's database lives: a data directory, or a database URL (PostgreSQL).
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
}

impl Target {
    fn args(&self) -> Vec<String> {
        let mut a = vec!["--data-dir".to_string(), self.data_dir.display().to_string()];
        if let Some(url) = &self.database_url {
            a.extend(["--database-url".to_string(), url.clone()]);
        }
        a
    }
}

/// Runs `safeguard ARGS… <target>`, returning its standard output and the wall time in seconds.
pub(crate) fn run(args: &[&str], target: &Target) -> anyhow::Result<(String, f64)> {
    let started = Instant::now();
    let out = Command::new(exe()?)
        .args(args)
        .args(target.args())
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run safeguard {}", args.join(" ")))?;
    let secs = started.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!("safeguard {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok((String::from_utf8_lossy(&out.stdout).into_owned(), secs))
}

/// Adds a user with an API token and returns the token.
pub(crate) fn api_user(target: &Target, org: &str, role: &str, name: &str, extra: &[&str]) -> anyhow::Result<String> {
    let mut args = vec!["user", "add", "--org", org, "--role", role, "--name", name, "--token"];
    args.extend_from_slice(extra);
    let (out, _) = run(&args, target)?;
    Ok(out.trim().to_string())
}

/// A running `safeguard serve`, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    /// Its CPU cap, removed after the process is stopped.
    cap: Option<CpuCap>,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Seconds from spawning the process to the first answered request.
    pub first_answer_secs: f64,
}

impl Server {
    /// Starts the server and waits until `GET /api/v1/cases?limit=1` with `token` answers 200
    /// (a request that reads the database, not only the socket).
    pub(crate) async fn start(target: &Target, token: &str, client: &reqwest::Client) -> anyhow::Result<Self> {
        Self::start_capped(target, token, client, None).await
    }

    /// [`Server::start`], the process limited to `cpus` CPUs when given ([`CpuCap`]).
    pub(crate) async fn start_capped(
        target: &Target,
        token: &str,
        client: &reqwest::Client,
        cpus: Option<f64>,
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let bind = format!("127.0.0.1:{port}");
        let started = Instant::now();
        let child = Command::new(exe()?)
            // Capacity is measured without the per-user budget (one token sends everything).
            .args(["serve", "--bind", &bind, "--user-rate", "0"])
            .args(target.args())
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("cannot start safeguard serve")?;
        let mut server = Self { child, cap: None, base: format!("http://{bind}"), first_answer_secs: 0.0 };
        if let Some(cpus) = cpus {
            server.cap = Some(CpuCap::apply(server.child.id(), cpus)?);
        }
        let url = format!("{}/api/v1/cases?limit=1", server.base);
        loop {
            let answer = client.get(&url).bearer_auth(token).send().await;
            if matches!(&answer, Ok(r) if r.status().is_success()) {
                server.first_answer_secs = started.elapsed().as_secs_f64();
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                bail!("safeguard serve exited with {status}");
            }
            if started.elapsed() > Duration::from_secs(120) {
                bail!("safeguard serve did not answer within 120 s (last answer: {answer:?})");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// The server's resident memory in MiB (Linux), or `None` where `/proc` is missing.
    pub(crate) fn rss_mib(&self) -> Option<f64> {
        rss_mib(self.child.id())
    }

    /// CPU seconds (user and system) the server has used so far (Linux), or `None`.
    pub(crate) fn cpu_secs(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // Fields after the command name, which is in parentheses and may hold spaces:
        // utime and stime are the 12th and 13th of them, in clock ticks (100 a second on Linux).
        let rest = &stat[stat.rfind(')')? + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
        Some(ticks / 100.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.cap.take();
    }
}

/// A process's resident set size in MiB, read from `/proc/PID/status`.
pub(crate) fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The size of a file in MiB.
pub(crate) fn size_mib(path: &Path) -> f64 {
    std::fs::metadata(path).map(|m| m.len() as f64 / (1024.0 * 1024.0)).unwrap_or(0.0)
}
