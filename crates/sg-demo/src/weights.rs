//! Small sampling helpers: weighted tables searched by bisection over cumulative sums, and the
//! skewed (log-normal) waiting times. `generate` runs up to a million times per demo load, so
//! every table is built once and each draw costs O(log n) without allocating.

use rand::Rng;

/// A discrete distribution over `0..n` with integer weights (people counted in the tables).
#[derive(Debug, Clone, Default)]
pub(crate) struct WeightedTable {
    cumulative: Vec<u64>,
}

impl WeightedTable {
    /// A table with one entry per weight, in order.
    pub(crate) fn new(weights: impl IntoIterator<Item = u64>) -> Self {
        let mut total = 0u64;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        Self { cumulative }
    }

    /// The sum of the weights.
    pub(crate) fn total(&self) -> u64 {
        self.cumulative.last().copied().unwrap_or(0)
    }

    /// Draws an index with probability proportional to its weight; never one of weight zero.
    /// `None` only when every weight is zero.
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Option<usize> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let r = rng.random_range(0..total);
        Some(self.cumulative.partition_point(|&c| c <= r))
    }
}

/// True with probability `p` (clamped to 0..=1, so a rate computed from odd data cannot panic).
pub(crate) fn chance<R: Rng + ?Sized>(rng: &mut R, p: f64) -> bool {
    rng.random::<f64>() < p.clamp(0.0, 1.0)
}

/// A whole number of days from a log-normal distribution with this median and shape: waiting
/// times are positive and right-skewed (most decisions come quickly, a long tail waits). The
/// result is capped at ten years so that an extreme draw cannot overflow a date.
pub(crate) fn lognormal_days<R: Rng + ?Sized>(rng: &mut R, median: f64, sigma: f64) -> i64 {
    // Box–Muller: two uniforms give one standard normal. `1 - u` keeps the logarithm finite.
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
    let days = (median * (sigma * z).exp()).round();
    days.clamp(0.0, 3650.0) as i64
}

/// A uniform whole number in `low..=high`.
pub(crate) fn uniform_days<R: Rng + ?Sized>(rng: &mut R, low: i64, high: i64) -> i64 {
    rng.random_range(low..=high.max(low))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn zero_weights_are_never_drawn_and_shares_follow_weights() {
        let table = WeightedTable::new([0, 3, 0, 1, 0]);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut counts = [0u32; 5];
        for _ in 0..40_000 {
            counts[table.sample(&mut rng).unwrap()] += 1;
        }
        assert_eq!((counts[0], counts[2], counts[4]), (0, 0, 0));
        let share = f64::from(counts[1]) / 40_000.0;
        assert!((share - 0.75).abs() < 0.01, "{share}");
        assert_eq!(WeightedTable::new([0, 0]).sample(&mut rng), None);
    }

    #[test]
    fn lognormal_median_is_close_to_the_requested_one() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mut days: Vec<i64> = (0..20_001).map(|_| lognormal_days(&mut rng, 470.0, 0.5)).collect();
        days.sort_unstable();
        let median = days[10_000];
        assert!((440..=500).contains(&median), "{median}");
    }
}
