//! The statistics against published values. Each expected figure was computed with SciPy 1.x
//! (`scipy.stats`) in the same run this test was written, and the calls are written beside it, so
//! anyone can re-check them; the tea-tasting table is Fisher's own (R's `fisher.test` docs).

use sg_stats::compare::{benjamini_hochberg, chi_square, compare_rates, fisher_exact, two_proportion_z, TestKind};
use sg_stats::interval::{wilson, z_for};

fn close(a: f64, b: f64, tol: f64) {
    assert!((a - b).abs() <= tol, "{a} is not within {tol} of {b}");
}

#[test]
fn wilson_interval_matches_scipy() {
    // stats.binomtest(81, 263).proportion_ci(0.95, 'wilson') -> (0.2552885, 0.3662096)
    let p = wilson(81, 263, 0.95).unwrap();
    close(p.lower, 0.255_288_519_878, 1e-9);
    close(p.upper, 0.366_209_576_983, 1e-9);
    // stats.binomtest(0, 10).proportion_ci(0.95, 'wilson') -> (0.0, 0.2775328)
    let p = wilson(0, 10, 0.95).unwrap();
    close(p.lower, 0.0, 1e-12);
    close(p.upper, 0.277_532_799_863, 1e-9);
    assert!(wilson(0, 0, 0.95).is_none());
    close(z_for(0.95), 1.959_963_984_540, 1e-9);
}

#[test]
fn two_proportion_z_is_the_root_of_the_uncorrected_chi_square() {
    // stats.chi2_contingency([[40, 60], [70, 30]], correction=False) -> 18.1818..., p 2.0078657e-05
    let t = two_proportion_z(40, 100, 70, 100).unwrap();
    close(t.statistic.powi(2), 18.181_818_181_818, 1e-9);
    close(t.p_value, 2.007_865_612_426_485e-5, 1e-12);
    let c = chi_square(&[vec![40, 60], vec![70, 30]]).unwrap();
    close(c.p_value, t.p_value, 1e-12);
}

#[test]
fn chi_square_matches_scipy() {
    // stats.chi2_contingency([[10, 20, 30], [25, 15, 5]], correction=False) -> 23.3333, p 8.574939e-06, dof 2
    let c = chi_square(&[vec![10, 20, 30], vec![25, 15, 5]]).unwrap();
    close(c.statistic, 23.333_333_333_333, 1e-9);
    close(c.p_value, 8.574_939_102_672_28e-6, 1e-12);
}

#[test]
fn fisher_exact_matches_scipy_and_r() {
    // Fisher's tea-tasting table: stats.fisher_exact([[3, 1], [1, 3]]) -> OR 9, p 0.4857143
    let f = fisher_exact(3, 1, 1, 3).unwrap();
    close(f.p_value, 0.485_714_285_714, 1e-9);
    close(f.statistic, 9.0, 1e-12);
    // stats.fisher_exact([[1, 9], [11, 3]]) -> p 0.0027594562
    close(fisher_exact(1, 9, 11, 3).unwrap().p_value, 0.002_759_456_185_220, 1e-12);
    // stats.fisher_exact([[2, 7], [8, 2]]) -> p 0.0230141376
    close(fisher_exact(2, 7, 8, 2).unwrap().p_value, 0.023_014_137_565, 1e-10);
}

#[test]
fn small_counts_get_the_exact_test() {
    assert_eq!(compare_rates(1, 6, 5, 8).unwrap().test, TestKind::FisherExact);
    assert_eq!(compare_rates(400, 1000, 700, 1000).unwrap().test, TestKind::TwoProportionZ);
}

#[test]
fn benjamini_hochberg_matches_scipy() {
    // stats.false_discovery_control([0.01, 0.04, 0.03, 0.005, 0.2]) -> [0.025, 0.05, 0.05, 0.025, 0.2]
    let q = benjamini_hochberg(&[0.01, 0.04, 0.03, 0.005, 0.2]);
    for (a, b) in q.iter().zip([0.025, 0.05, 0.05, 0.025, 0.2]) {
        close(*a, b, 1e-12);
    }
}
