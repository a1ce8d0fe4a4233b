//! The report as text, ready for any format: numbers formatted, hidden cells marked, rates with
//! their intervals, charts drawn.

use sg_stats::disclosure::Published;
use sg_stats::report::{Breakdown, IndicatorResult, Rate};
use sg_stats::Report;

use crate::words::{Labels, Words};

/// One table of figures.
#[derive(Debug, Clone)]
pub struct TableView {
    /// Its heading.
    pub title: String,
    /// The source table it came from.
    pub source: String,
    /// Column headings (the first is the breakdown's).
    pub headers: Vec<String>,
    /// Rows of cells, as text.
    pub rows: Vec<Vec<Cell>>,
    /// A test across the rows, in words, if any.
    pub test: String,
}

/// One cell: its text, and the number behind it where there is one (for spreadsheets).
#[derive(Debug, Clone)]
pub struct Cell {
    /// As shown.
    pub text: String,
    /// The value, for numeric cells.
    pub number: Option<f64>,
}

impl Cell {
    fn text(t: impl Into<String>) -> Cell {
        Cell { text: t.into(), number: None }
    }
}

/// One indicator.
#[derive(Debug, Clone)]
pub struct IndicatorView {
    /// Stable id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Definition.
    pub definition: String,
    /// `en` when the definition and basis are English on a page in another language.
    pub definition_lang: &'static str,
    /// Numerator and denominator in words.
    pub basis: String,
    /// The claim it serves.
    pub claim: String,
    /// Whether it was computed.
    pub available: bool,
    /// A note or why not.
    pub note: String,
    /// The headline in words.
    pub headline: String,
    /// The trend chart (an SVG element), or empty.
    pub chart: String,
    /// Disparities in words, with their statistics.
    pub findings: Vec<String>,
    /// Disparities in plain words, for readers who are not statisticians.
    pub plain_findings: Vec<String>,
    /// The tables: trend first, then breakdowns.
    pub tables: Vec<TableView>,
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct ReportView {
    /// Title.
    pub title: String,
    /// Period.
    pub period: String,
    /// The disclosure rule in words.
    pub rule: String,
    /// The legend for hidden cells.
    pub legend: String,
    /// Each indicator.
    pub indicators: Vec<IndicatorView>,
    /// The template's words.
    pub labels: Labels,
    /// `en` when the page is in another language and the text from `sg-stats` (definitions,
    /// notes, findings, category names) is English; empty otherwise.
    pub text_lang: &'static str,
}

/// `17,004`.
pub fn thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn count(p: Published, marker: &str) -> Cell {
    match p {
        Published::Count(v) => Cell { text: thousands(v), number: Some(v as f64) },
        Published::Hidden => Cell::text(marker),
    }
}

/// `54.6% (54.4% to 54.9%)`.
pub fn rate_text(r: &Rate) -> String {
    rate_text_in(r, &Words::english())
}

fn rate_text_in(r: &Rate, w: &Words<'_>) -> String {
    let pc = |v: f64| format!("{:.1}", v * 100.0);
    w.tf(
        "report.rate",
        "{estimate}% ({lower}% to {upper}%)",
        &[("estimate", pc(r.estimate)), ("lower", pc(r.lower)), ("upper", pc(r.upper))],
    )
}

fn table(
    b: &Breakdown,
    marker: &str,
    rate_heading: Option<&str>,
    mean_heading: Option<&str>,
    w: &Words<'_>,
) -> TableView {
    let t = &b.table;
    let total = w.t("report.total", "Total");
    let withheld = w.t("report.withheld", "withheld");
    let title = if b.title == "Over time" { w.t("report.over_time", "Over time") } else { b.title.clone() };
    let mut headers = vec![title.clone()];
    headers.extend(t.col_labels.iter().cloned());
    if t.row_totals.is_some() {
        headers.push(total.clone());
    }
    if let Some(h) = rate_heading {
        headers.push(h.into());
    }
    if let Some(h) = mean_heading {
        headers.push(h.into());
    }
    let mut rows = Vec::new();
    for (i, label) in t.row_labels.iter().enumerate() {
        let mut row = vec![Cell::text(label.clone())];
        row.extend(t.cells[i].iter().map(|p| count(*p, marker)));
        if let Some(rt) = &t.row_totals {
            row.push(count(rt[i], marker));
        }
        if rate_heading.is_some() {
            row.push(match &b.rates[i] {
                Some(r) => Cell { text: rate_text_in(r, w), number: Some(r.estimate) },
                None => Cell::text(withheld.clone()),
            });
        }
        if mean_heading.is_some() {
            row.push(match b.means[i] {
                Some(m) => Cell { text: format!("{m:.0}"), number: Some(m) },
                None => Cell::text(withheld.clone()),
            });
        }
        rows.push(row);
    }
    if let Some(ct) = &t.col_totals {
        let mut row = vec![Cell::text(total.clone())];
        row.extend(ct.iter().map(|p| count(*p, marker)));
        if let Some(g) = t.grand_total {
            row.push(count(g, marker));
        }
        row.extend(
            (0..usize::from(rate_heading.is_some()) + usize::from(mean_heading.is_some())).map(|_| Cell::text("")),
        );
        rows.push(row);
    }
    let test = b
        .overall_test
        .map(|t| {
            w.tf(
                "report.chi_square",
                "Chi-square test across the rows shown: {statistic}, p = {p}.",
                &[("statistic", format!("{:.1}", t.statistic)), ("p", format!("{:.3}", t.p_value))],
            )
        })
        .unwrap_or_default();
    TableView { title, source: b.source_table.clone(), headers, rows, test }
}

fn indicator(r: &IndicatorResult, marker: &str, w: &Words<'_>) -> IndicatorView {
    use sg_stats::catalogue::Kind;
    let ind = &r.indicator;
    let is_rate =
        matches!(ind.kind, Kind::PositiveRate | Kind::Timeliness | Kind::DutyToNotifyShare | Kind::OverturnRate);
    let rate_heading = is_rate.then(|| match ind.kind {
        Kind::DutyToNotifyShare => w.t("report.dtn_share", "Duty to Notify share (95% CI)"),
        _ => w.t("report.rate_heading", "Rate (95% CI)"),
    });
    let mean_heading = match ind.kind {
        Kind::TimeToDecision => Some(w.t("report.mean_days", "Mean days to decision")),
        Kind::Awaiting => Some(w.t("report.mean_age", "Mean age in days")),
        _ => None,
    };
    let (rate_heading, mean_heading) = (rate_heading.as_deref(), mean_heading.as_deref());
    let mut headline = Vec::new();
    if let Some(h) = r.headline {
        headline.push(count(h, marker).text);
    }
    if let Some(rate) = &r.headline_rate {
        headline.push(rate_text_in(rate, w));
    } else if is_rate && r.available {
        headline.push(w.t("report.rate_withheld", "rate withheld"));
    }
    if let Some(m) = r.headline_mean {
        headline.push(w.tf("report.mean", "mean {days} days", &[("days", format!("{m:.0}"))]));
    }
    let mut tables = Vec::new();
    if let Some(t) = &r.trend {
        tables.push(table(t, marker, rate_heading, None, w));
    }
    tables.extend(r.breakdowns.iter().map(|b| table(b, marker, rate_heading, mean_heading, w)));
    let title = w.t(&format!("report.indicator.{}", ind.id), ind.title);
    // The definition and its basis are worded together, or left in English together.
    let worded = (
        w.get(&format!("report.definition.{}", ind.id)),
        w.get(&format!("report.numerator.{}", ind.id)),
        w.get(&format!("report.denominator.{}", ind.id)),
    );
    let (definition, numerator, denominator, definition_lang) = match worded {
        (Some(d), Some(n), Some(den)) if !w.is_english() => (d, n, den, ""),
        _ => (
            ind.definition.to_string(),
            ind.numerator.to_string(),
            ind.denominator.to_string(),
            if w.is_english() { "" } else { "en" },
        ),
    };
    // The catalogue's wording wherever the definition is in the page's language (the pages say
    // "Counted … Out of …"); the command line keeps the built-in words.
    let basis = if definition_lang.is_empty() {
        w.tf(
            "report.basis",
            "Numerator: {numerator}. Denominator: {denominator}.",
            &[("numerator", numerator), ("denominator", denominator)],
        )
    } else {
        format!("Numerator: {numerator}. Denominator: {denominator}.")
    };
    IndicatorView {
        id: ind.id.into(),
        chart: r.trend.as_ref().map(|t| crate::svg::trend_chart_in(&title, t, is_rate, w)).unwrap_or_default(),
        title,
        definition,
        definition_lang,
        basis,
        claim: ind.claim.into(),
        available: r.available,
        note: r.note.clone().unwrap_or_default(),
        headline: headline.join("; "),
        findings: r.findings.iter().map(|f| f.text.clone()).collect(),
        plain_findings: r.findings.iter().map(|f| crate::summary::plain_finding(f, w)).collect(),
        tables,
    }
}

impl ReportView {
    /// The view of a report, in English.
    pub fn of(r: &Report) -> ReportView {
        Self::of_in(r, &Words::english())
    }

    /// The view of a report with its headings and labels in `w`'s language.
    pub fn of_in(r: &Report, w: &Words<'_>) -> ReportView {
        ReportView {
            labels: Labels::of(w),
            text_lang: if w.is_english() { "" } else { "en" },
            title: r.title.clone(),
            period: r.period.clone(),
            rule: r.rule.method.clone(),
            legend: r.legend.clone(),
            indicators: r.indicators.iter().map(|i| indicator(i, &r.rule.marker, w)).collect(),
        }
    }
}
