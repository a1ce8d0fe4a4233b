//! The trend chart as drawn: points placed by date (a missing quarter leaves a gap, and the
//! line does not join across it), and text large enough to read once the chart is scaled.

use sg_stats::disclosure::Published;
use sg_stats::report::Breakdown;
use sg_stats::{Dim, SuppressedTable};

fn trend(labels: &[&str]) -> Breakdown {
    let n = labels.len();
    Breakdown {
        dim: Dim::TimeToDecision,
        title: "Over time".into(),
        source_table: "own-cases".into(),
        table: SuppressedTable {
            row_labels: labels.iter().map(|s| s.to_string()).collect(),
            col_labels: vec!["People".into()],
            cells: (0..n).map(|i| vec![Published::Count(10 + i as u64)]).collect(),
            row_totals: None,
            col_totals: None,
            grand_total: None,
            primary: 0,
            secondary: 0,
        },
        rates: vec![None; n],
        means: vec![None; n],
        overall_test: None,
    }
}

/// The `cx` of every point, in order.
fn points(svg: &str) -> Vec<f64> {
    svg.split("<circle cx=\"").skip(1).map(|s| s.split('"').next().unwrap().parse().unwrap()).collect()
}

#[test]
fn points_are_placed_by_date_with_a_gap_for_a_missing_quarter() {
    let svg = sg_report::svg::trend_chart("Referrals", &trend(&["2024 Q1", "2024 Q2", "2024 Q4"]), false);
    let x = points(&svg);
    assert_eq!(x.len(), 3, "{svg}");
    let (first, second) = (x[1] - x[0], x[2] - x[1]);
    assert!((second - 2.0 * first).abs() < 0.5, "Q2 to Q4 is two quarters: {x:?}");
    // The line breaks at the gap: two runs, not one.
    let path = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(path.matches('M').count(), 2, "the line joins across the missing quarter: {path}");

    let svg = sg_report::svg::trend_chart("Referrals", &trend(&["2023 Q4", "2024 Q1", "2026 Q4"]), false);
    let x = points(&svg);
    assert!(x[2] - x[1] > 10.0 * (x[1] - x[0]), "2024 Q1 to 2026 Q4 is eleven quarters: {x:?}");
}

#[test]
fn text_stays_at_least_12px_on_a_phone() {
    let svg = sg_report::svg::trend_chart("Referrals", &trend(&["2024 Q1", "2024 Q2"]), false);
    let view_width: f64 = svg.split("viewBox=\"0 0 ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    // A phone's 375px screen leaves 345px for the chart, which scales to fit it.
    let scale = 345.0_f64.min(view_width) / view_width;
    for size in svg.split("font-size=\"").skip(1).map(|s| s.split('"').next().unwrap().parse::<f64>().unwrap()) {
        assert!(size * scale >= 12.0, "text of {size} units shows at {:.1}px", size * scale);
    }
}
