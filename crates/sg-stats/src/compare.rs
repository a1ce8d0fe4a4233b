//! Comparing groups: is a difference between two rates more than chance?
//!
//! Three tests, chosen by the size of the counts: the two-proportion z-test for two large groups,
//! Pearson's chi-square for several groups, and Fisher's exact test when any expected count is
//! below 5 (where the chi-square approximation is poor). Benjamini–Hochberg then controls the
//! false discovery rate across a family of comparisons, because a report that tests every
//! nationality against every other will otherwise "find" disparities by chance.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, Discrete, Hypergeometric, Normal};

/// Which test produced a p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TestKind {
    /// Pooled two-proportion z-test (two-sided).
    TwoProportionZ,
    /// Pearson's chi-square test of independence (no continuity correction).
    ChiSquare,
    /// Fisher's exact test on a 2×2 table (two-sided).
    FisherExact,
}

/// A test result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TestResult {
    /// The test used.
    pub test: TestKind,
    /// The statistic (z, chi-square, or the odds ratio for Fisher).
    pub statistic: f64,
    /// The two-sided p-value.
    pub p_value: f64,
}

/// Pooled two-proportion z-test of x1/n1 against x2/n2 (as R's `prop.test(correct = FALSE)`,
/// whose chi-square is this z squared). `None` if either group is empty or the pooled rate is
/// 0 or 1 (no variation to test).
pub fn two_proportion_z(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<TestResult> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    let (p1, p2) = (x1 as f64 / n1 as f64, x2 as f64 / n2 as f64);
    let pooled = (x1 + x2) as f64 / (n1 + n2) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 as f64 + 1.0 / n2 as f64)).sqrt();
    if se == 0.0 {
        return None;
    }
    let z = (p1 - p2) / se;
    let normal = Normal::new(0.0, 1.0).expect("the standard normal is valid");
    Some(TestResult { test: TestKind::TwoProportionZ, statistic: z, p_value: 2.0 * normal.sf(z.abs()) })
}

/// Pearson's chi-square test of independence on an r×c table of counts. Rows or columns that
/// are all zero are dropped (they carry no information). `None` if fewer than two rows or
/// columns remain.
pub fn chi_square(table: &[Vec<u64>]) -> Option<TestResult> {
    let rows: Vec<&Vec<u64>> = table.iter().filter(|r| r.iter().sum::<u64>() > 0).collect();
    let width = rows.first()?.len();
    let keep: Vec<usize> = (0..width).filter(|&j| rows.iter().map(|r| r[j]).sum::<u64>() > 0).collect();
    if rows.len() < 2 || keep.len() < 2 {
        return None;
    }
    let row_sums: Vec<f64> = rows.iter().map(|r| keep.iter().map(|&j| r[j] as f64).sum()).collect();
    let col_sums: Vec<f64> = keep.iter().map(|&j| rows.iter().map(|r| r[j] as f64).sum()).collect();
    let total: f64 = row_sums.iter().sum();
    let mut stat = 0.0;
    for (i, r) in rows.iter().enumerate() {
        for (k, &j) in keep.iter().enumerate() {
            let expected = row_sums[i] * col_sums[k] / total;
            stat += (r[j] as f64 - expected).powi(2) / expected;
        }
    }
    let df = ((rows.len() - 1) * (keep.len() - 1)) as f64;
    let dist = ChiSquared::new(df).ok()?;
    Some(TestResult { test: TestKind::ChiSquare, statistic: stat, p_value: dist.sf(stat) })
}

/// Whether any expected count of a 2×2 table is below 5, the usual rule for using Fisher's test.
pub fn needs_exact(a: u64, b: u64, c: u64, d: u64) -> bool {
    let n = (a + b + c + d) as f64;
    if n == 0.0 {
        return false;
    }
    let (r1, r2, c1, c2) = ((a + b) as f64, (c + d) as f64, (a + c) as f64, (b + d) as f64);
    [r1 * c1, r1 * c2, r2 * c1, r2 * c2].iter().any(|e| e / n < 5.0)
}

/// Fisher's exact test on the 2×2 table [[a, b], [c, d]], two-sided as in R's `fisher.test`:
/// the p-value sums the probabilities of every table with the same margins that is no more
/// likely than the one observed (with R's relative tolerance of 1e-7 for ties).
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> Option<TestResult> {
    let n = a + b + c + d;
    let (row1, col1) = (a + b, a + c);
    if n == 0 {
        return None;
    }
    let dist = Hypergeometric::new(n, col1, row1).ok()?;
    let lo = row1.saturating_sub(n - col1);
    let hi = row1.min(col1);
    let observed = dist.pmf(a);
    let p: f64 = (lo..=hi).map(|k| dist.pmf(k)).filter(|&q| q <= observed * (1.0 + 1e-7)).sum();
    let odds = if b * c == 0 { f64::INFINITY } else { (a * d) as f64 / (b * c) as f64 };
    Some(TestResult { test: TestKind::FisherExact, statistic: odds, p_value: p.min(1.0) })
}

/// Compares two rates with the right test for their size: Fisher's exact test when an expected
/// count is below 5, the two-proportion z-test otherwise.
pub fn compare_rates(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<TestResult> {
    if n1 == 0 || n2 == 0 || x1 > n1 || x2 > n2 {
        return None;
    }
    if needs_exact(x1, n1 - x1, x2, n2 - x2) {
        fisher_exact(x1, n1 - x1, x2, n2 - x2)
    } else {
        two_proportion_z(x1, n1, x2, n2)
    }
}

/// Benjamini–Hochberg adjusted p-values (as R's `p.adjust(method = "BH")`), in the input order.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| p_values[j].total_cmp(&p_values[i]));
    let mut adjusted = vec![0.0; m];
    let mut running = 1.0f64;
    for (rank_from_top, &i) in order.iter().enumerate() {
        let rank = m - rank_from_top;
        running = running.min(p_values[i] * m as f64 / rank as f64);
        adjusted[i] = running.min(1.0);
    }
    adjusted
}
