//! Trend charts as SVG, drawn on the server (pages work without JavaScript, and the same
//! chart goes into the HTML file). Hidden figures leave a gap in the line rather than a guess;
//! so does a period with no figures, since points are placed by date ([`crate::axis`]).
//!
//! The chart is drawn on a 400-unit-wide canvas and shown at most 520px wide: on a phone it
//! shrinks to about 345px, so text of 15 units still shows at 12px or more.

use askama::Template;
use sg_stats::disclosure::Published;
use sg_stats::report::Breakdown;

use crate::axis::TimeAxis;

const WIDTH: f64 = 400.0;
/// The width the chart is shown at on a wide screen.
const SHOWN_WIDTH: f64 = 520.0;
const PLOT_HEIGHT: f64 = 170.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 14.0;
/// Text size in canvas units (see the module's note).
const FONT: f64 = 15.0;
/// About how wide one character of the axis text is, in canvas units.
const CHAR_WIDTH: f64 = FONT * 0.6;
const LINE: f64 = 22.0;
/// GOV.UK Design System colours that reach 3:1 against white (WCAG 1.4.11): blue, purple, green.
const COLOURS: [&str; 3] = ["#1d70b8", "#912b88", "#00703c"];

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
    legend_y: f64,
}

#[derive(Template)]
#[template(path = "chart_svg.html")]
struct Chart {
    id: String,
    title: String,
    desc: String,
    width: f64,
    height: f64,
    shown_width: f64,
    shown_height: f64,
    left: f64,
    right_edge: f64,
    baseline: f64,
    font: f64,
    ticks: Vec<Tick>,
    x_labels: Vec<XLabel>,
    bands: Vec<String>,
    series: Vec<Series>,
}

fn y_at(v: f64, max: f64) -> f64 {
    TOP + PLOT_HEIGHT - PLOT_HEIGHT * (v / max)
}

/// Runs of neighbouring rows that have a value: a line is drawn through each run, and broken
/// where a value is hidden or a period is missing.
fn runs<T: Copy>(values: &[Option<T>], axis: &TimeAxis) -> Vec<Vec<(usize, T)>> {
    let mut out: Vec<Vec<(usize, T)>> = Vec::new();
    let mut last: Option<usize> = None;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                match (last, out.last_mut()) {
                    (Some(l), Some(run)) if l + 1 == i && axis.adjacent(l, i) => run.push((i, *v)),
                    _ => out.push(vec![(i, *v)]),
                }
                last = Some(i);
            }
            None => last = None,
        }
    }
    out
}

/// A path through the points, broken between runs.
fn path(values: &[Option<f64>], max: f64, axis: &TimeAxis) -> (String, Vec<Point>) {
    let mut d = String::new();
    let mut points = Vec::new();
    for run in runs(values, axis) {
        for (k, (i, v)) in run.iter().enumerate() {
            let (x, y) = (axis.x(*i), y_at(*v, max));
            d.push_str(&format!("{}{x:.1} {y:.1} ", if k == 0 { "M" } else { "L" }));
            points.push(Point { x, y });
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
    let axis = TimeAxis::new(&t.row_labels, LEFT, WIDTH - LEFT - RIGHT);
    let mut series = Vec::new();
    let mut bands = Vec::new();
    let baseline = TOP + PLOT_HEIGHT;
    let legend_top = baseline + FONT + LINE + 4.0;
    let (max, fmt): (f64, fn(f64) -> String) = if is_rate {
        (1.0, |v| format!("{:.0}%", v * 100.0))
    } else {
        let m = t.cells.iter().flatten().filter_map(|p| p.value()).max().unwrap_or(0) as f64;
        (nice_max(m), |v| crate::view::thousands(v as u64))
    };
    if is_rate {
        let values: Vec<Option<f64>> = trend.rates.iter().map(|r| r.map(|r| r.estimate)).collect();
        let (d, points) = path(&values, max, &axis);
        // The band: upper edge left to right, lower edge back, for each run of shown rates.
        let intervals: Vec<Option<(f64, f64)>> = trend.rates.iter().map(|r| r.map(|r| (r.lower, r.upper))).collect();
        for run in runs(&intervals, &axis) {
            let upper = run.iter().map(|(i, (_, u))| format!("{:.1},{:.1}", axis.x(*i), y_at(*u, max)));
            let lower = run.iter().rev().map(|(i, (l, _))| format!("{:.1},{:.1}", axis.x(*i), y_at(*l, max)));
            bands.push(upper.chain(lower).collect::<Vec<_>>().join(" "));
        }
        series.push(Series {
            label: w.t("report.chart_rate", "Rate (shaded: 95% CI)"),
            colour: COLOURS[0],
            d,
            points,
            legend_y: legend_top,
        });
    } else {
        for (j, label) in t.col_labels.iter().enumerate() {
            let values: Vec<Option<f64>> = t
                .cells
                .iter()
                .map(|r| match r[j] {
                    Published::Count(v) => Some(v as f64),
                    Published::Hidden => None,
                })
                .collect();
            let (d, points) = path(&values, max, &axis);
            series.push(Series {
                label: label.clone(),
                colour: COLOURS[j % COLOURS.len()],
                d,
                points,
                legend_y: legend_top + LINE * j as f64,
            });
        }
    }
    let ticks = (0..=4).map(|k| {
        let v = max * k as f64 / 4.0;
        Tick { y: y_at(v, max), label: fmt(v) }
    });
    // Labels are centred on their date, but kept inside the canvas at the ends.
    let x_labels = axis.ticks(&t.row_labels, CHAR_WIDTH).into_iter().map(|tick| {
        let half = tick.label.chars().count() as f64 * CHAR_WIDTH / 2.0;
        let anchor = if tick.x - half < 0.0 {
            "start"
        } else if tick.x + half > WIDTH {
            "end"
        } else {
            "middle"
        };
        let x = match anchor {
            "start" => tick.x.max(2.0),
            "end" => tick.x.min(WIDTH - 2.0),
            _ => tick.x,
        };
        XLabel { x, label: tick.label, anchor }
    });
    let height = legend_top + LINE * (series.len() as f64 - 1.0) + 8.0;
    let chart = Chart {
        id: title.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect(),
        title: w.tf("report.chart_title", "{title}: over time", &[("title", title.to_string())]),
        desc: w.t("report.chart_desc", "The figures are in the table “Over time”."),
        width: WIDTH,
        height,
        shown_width: SHOWN_WIDTH,
        shown_height: (height * SHOWN_WIDTH / WIDTH).round(),
        left: LEFT,
        right_edge: WIDTH - RIGHT,
        baseline,
        font: FONT,
        ticks: ticks.collect(),
        x_labels: x_labels.collect(),
        bands,
        series,
    };
    chart.render().unwrap_or_default()
}
