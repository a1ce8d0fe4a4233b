//! Confidence intervals for proportions.
//!
//! The Wilson score interval is used rather than the textbook "p ± z·se" (Wald) interval because
//! Wald collapses to zero width at 0% and 100% and undercovers for small counts, which is exactly
//! where disparities between small groups are argued about (Brown, Cai & DasGupta 2001).

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

/// A proportion with its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    /// Successes.
    pub numerator: u64,
    /// Trials.
    pub denominator: u64,
    /// numerator / denominator.
    pub estimate: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
}

/// The two-sided standard normal quantile for a confidence level (1.959964 for 0.95).
pub fn z_for(confidence: f64) -> f64 {
    let normal = Normal::new(0.0, 1.0).expect("the standard normal is valid");
    normal.inverse_cdf(1.0 - (1.0 - confidence) / 2.0)
}

/// The Wilson score interval for `successes` out of `trials` at `confidence` (e.g. 0.95).
/// `None` when there are no trials: a rate of nothing is not a number.
pub fn wilson(successes: u64, trials: u64, confidence: f64) -> Option<Proportion> {
    if trials == 0 || successes > trials {
        return None;
    }
    let (x, n) = (successes as f64, trials as f64);
    let z = z_for(confidence);
    let p = x / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Proportion {
        numerator: successes,
        denominator: trials,
        estimate: p,
        lower: (centre - half).max(0.0),
        upper: (centre + half).min(1.0),
    })
}
