//! Trend charts as SVG, drawn on the server (pages work without JavaScript, and the same
//! chart goes into the HTML file). Hidden figures leave a gap in the line rather than a guess.

use askama::Template;
use sg_stats::disclosure::Published;
use sg_stats::report::Breakdown;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 56.0;
/// GOV.UK Design System colours: blue, orange, green.
const COLOURS: [&str; 3] = ["#1d70b8", "#f47738", "#00703c"];

struct Tick {
    y: f64,
    label: String,
}

struct XLabel {
    x: f64,
    label: String,
    anchor: &'static str,
}

struct Point {
    x: f64,
    y: f64,
}

struct Series {
    label: String,
    colour: &'static str,
    d: String,
    points: Vec<Point>,
    legend_x: f64,
}

#[derive(Template)]
#[template(path = "chart_svg.html")]
struct Chart {
    id: String,
    title: String,
    width: f64,
    height: f64,
    left: f64,
    right_edge: f64,
    baseline: f64,
    ticks: Vec<Tick>,
    x_labels: Vec<XLabel>,
    bands: Vec<String>,
    series: Vec<Series>,
    legend_y: f64,
}

fn x_at(i: usize, n: usize) -> f64 {
    if n <= 1 {
        LEFT + (WIDTH - LEFT - RIGHT) / 2.0
    } else {
        LEFT + (WIDTH - LEFT - RIGHT) * i as f64 / (n - 1) as f64
    }
}

fn y_at(v: f64, max: f64) -> f64 {
    HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (v / max)
}

/// A path through the points, broken where a value is hidden.
fn path(values: &[Option<f64>], max: f64) -> (String, Vec<Point>) {
    let n = values.len();
    let mut d = String::new();
    let mut points = Vec::new();
    let mut pen_down = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let (x, y) = (x_at(i, n), y_at(*v, max));
                d.push_str(&format!("{}{x:.1} {y:.1} ", if pen_down { "L" } else { "M" }));
                points.push(Point { x, y });
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    (d.trim_end().to_string(), points)
}

/// A round upper bound for the axis: 1, 2 or 5 times a power of ten.
fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * p).find(|m| *m >= v).unwrap_or(10.0 * p)
}

/// The trend chart of an indicator: its counts, or for a rate the rate with its interval as a
/// shaded band.
pub fn trend_chart(title: &str, trend: &Breakdown, is_rate: bool) -> String {
    trend_chart_in(title, trend, is_rate, &crate::words::Words::english())
}

/// Like [`trend_chart`], with the chart's words from `w`.
pub fn trend_chart_in(title: &str, trend: &Breakdown, is_rate: bool, w: &crate::words::Words<'_>) -> String {
    let t = &trend.table;
    let n = t.row_labels.len();
    if n == 0 {
        return String::new();
    }
    let mut series = Vec::new();
    let mut bands = Vec::new();
    let (max, fmt): (f64, fn(f64) -> String) = if is_rate {
        (1.0, |v| format!("{:.0}%", v * 100.0))
    } else {
        let m = t.cells.iter().flatten().filter_map(|p| p.value()).max().unwrap_or(0) as f64;
        (nice_max(m), |v| crate::view::thousands(v as u64))
    };
    if is_rate {
        let values: Vec<Option<f64>> = trend.rates.iter().map(|r| r.map(|r| r.estimate)).collect();
        let (d, points) = path(&values, max);
        // The band: upper edge left to right, lower edge back, for each run of shown rates.
        let mut run: Vec<(usize, f64, f64)> = Vec::new();
        for (i, r) in trend.rates.iter().enumerate().chain(std::iter::once((n, &None))) {
            match r {
                Some(r) => run.push((i, r.lower, r.upper)),
                None if !run.is_empty() => {
                    let upper = run.iter().map(|(i, _, u)| format!("{:.1},{:.1}", x_at(*i, n), y_at(*u, max)));
                    let lower = run.iter().rev().map(|(i, l, _)| format!("{:.1},{:.1}", x_at(*i, n), y_at(*l, max)));
                    bands.push(upper.chain(lower).collect::<Vec<_>>().join(" "));
                    run.clear();
                }
                None => {}
            }
        }
        series.push(Series {
            label: w.t("report.chart_rate", "Rate (shaded: 95% CI)"),
            colour: COLOURS[0],
            d,
            points,
            legend_x: LEFT,
        });
    } else {
        for (j, label) in t.col_labels.iter().enumerate() {
            let values: Vec<Option<f64>> = t
                .cells
                .iter()
                .map(|r| r[j])
                .map(|p| match p {
                    Published::Count(v) => Some(v as f64),
                    Published::Hidden => None,
                })
                .collect();
            let (d, points) = path(&values, max);
            series.push(Series {
                label: label.clone(),
                colour: COLOURS[j % COLOURS.len()],
                d,
                points,
                legend_x: LEFT + 220.0 * j as f64,
            });
        }
    }
    let ticks = (0..=4).map(|k| {
        let v = max * k as f64 / 4.0;
        Tick { y: y_at(v, max), label: fmt(v) }
    });
    // At most seven labels, evenly spaced, always the first and the last; the ends are
    // anchored inwards so that they are not cut off.
    let m = (n - 1).min(6);
    let mut idx: Vec<usize> = (0..=m).map(|k| (k * (n - 1)).checked_div(m).unwrap_or(0)).collect();
    idx.dedup();
    let x_labels = idx.into_iter().map(|i| XLabel {
        x: x_at(i, n),
        label: t.row_labels[i].clone(),
        anchor: if n > 1 && i == 0 {
            "start"
        } else if n > 1 && i == n - 1 {
            "end"
        } else {
            "middle"
        },
    });
    let chart = Chart {
        id: title.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect(),
        title: w.tf("report.chart_title", "{title}: over time", &[("title", title.to_string())]),
        width: WIDTH,
        height: HEIGHT,
        left: LEFT,
        right_edge: WIDTH - RIGHT,
        baseline: HEIGHT - BOTTOM,
        ticks: ticks.collect(),
        x_labels: x_labels.collect(),
        bands,
        series,
        legend_y: HEIGHT - 12.0,
    };
    chart.render().unwrap_or_default()
}
