//! `safeguard demo`: adds synthetic cases, with a progress bar.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use sg_app::App;
use sg_demo::Distributions;

use crate::cli::DataArgs;

/// Where `demo` looks for the statistics when no `--stats-dir` is given.
const DEFAULT_STATS_DIR: &str = "../shared/data/uk-nrm";

/// The distributions to draw from: the named folder, the default one if present, or the summary
/// compiled into the binary.
pub(crate) fn distributions(stats_dir: Option<PathBuf>) -> anyhow::Result<(Distributions, String)> {
    match stats_dir {
        Some(dir) => {
            let d = Distributions::from_nrm_dir(&dir)
                .with_context(|| format!("--stats-dir: cannot read the NRM statistics in {}", dir.display()))?;
            Ok((d, dir.display().to_string()))
        }
        None if Path::new(DEFAULT_STATS_DIR).is_dir() => {
            let d = Distributions::from_nrm_dir(Path::new(DEFAULT_STATS_DIR))
                .with_context(|| format!("cannot read the NRM statistics in {DEFAULT_STATS_DIR}"))?;
            Ok((d, DEFAULT_STATS_DIR.to_string()))
        }
        None => Ok((Distributions::embedded(), "the summary built into safeguard".to_string())),
    }
}

/// Adds `n` cases to the store behind `app`, showing progress on stderr.
pub(crate) async fn add_cases(app: &App, dist: &Distributions, n: u64, seed: u64) -> anyhow::Result<()> {
    let bar = ProgressBar::new(n);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} cases [{bar:40}] {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let result = app.add_demo_cases(dist, n, seed, |done| bar.set_position(done)).await;
    bar.finish_and_clear();
    result.context("cannot add demonstration cases")
}

pub(crate) async fn run(data: &DataArgs, n: u64, seed: u64, stats_dir: Option<PathBuf>) -> anyhow::Result<()> {
    if n == 0 {
        bail!("--cases: give at least 1");
    }
    let (dist, source) = distributions(stats_dir)?;
    let (app, backend) = crate::database::open_app(data).await?;
    let started = Instant::now();
    eprintln!("Adding {n} demonstration cases (seed {seed}) drawn from {source}");
    let result = add_cases(&app, &dist, n, seed).await;
    backend.close().await;
    result?;
    let secs = started.elapsed().as_secs_f64();
    println!("Added {n} cases in {secs:.1} s ({:.0} cases/s)", n as f64 / secs);
    Ok(())
}
