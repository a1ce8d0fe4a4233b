//! Times generating synthetic cases: `cargo run --release -p sg-demo --example gen_speed [N]`.
//! Uses the data folder when it is beside the repository, else the embedded summary.

use std::path::Path;
use std::time::Instant;

use sg_demo::{generate, Distributions};
use time::macros::date;

fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/uk-nrm");
    let started = Instant::now();
    let embedded = Distributions::embedded();
    println!("embedded summary read in {:?}", started.elapsed());
    let started = Instant::now();
    let full = Distributions::from_nrm_dir(&dir).ok();
    if full.is_some() {
        println!("data folder read in {:?}", started.elapsed());
    }
    let today = date!(2026 - 03 - 01);
    for (name, dist) in [("embedded", Some(&embedded)), ("data folder", full.as_ref())] {
        let Some(dist) = dist else { continue };
        let started = Instant::now();
        // Sum something from each case so the optimiser cannot skip the work.
        let steps: usize = (0..n).map(|i| generate(dist, 1, i, today).steps.len()).sum();
        let elapsed = started.elapsed();
        println!(
            "{name}: {n} cases in {elapsed:?} ({:.2} µs per case, {steps} steps)",
            elapsed.as_secs_f64() * 1e6 / n as f64
        );
    }
}
