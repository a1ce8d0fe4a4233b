//! The monitor's summary: the main questions answered in a sentence each, from the same
//! disclosure-controlled report as the full tables. A figure the report hides stays hidden;
//! a comparison is made only between figures the report publishes.

use sg_stats::catalogue::Kind;
use sg_stats::disclosure::Published;
use sg_stats::report::IndicatorResult;
use sg_stats::{Dim, Period, Report};

use crate::view::thousands;
use crate::words::Words;

/// One answer on the summary.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The indicator it comes from (the drill-down page's key).
    pub id: String,
    /// The indicator's title.
    pub title: String,
    /// The figure, short (`1,234`, `54.6%`, `38 days`), or the hidden marker.
    pub figure: String,
    /// The answer in a sentence or two.
    pub sentence: String,
}

/// An indicator whose groups are decided differently.
#[derive(Debug, Clone)]
pub struct Flagged {
    /// The indicator's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The differences found, in plain words.
    pub findings: Vec<String>,
}

/// The summary.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The answers, in the order the questions are asked.
    pub answers: Vec<Answer>,
    /// The indicators with differences between groups.
    pub flagged: Vec<Flagged>,
    /// What the hidden marker means, in words.
    pub hidden: String,
}

fn find<'a>(r: &'a Report, id: &str) -> Option<&'a IndicatorResult> {
    r.indicators.iter().find(|i| i.indicator.id == id && i.available)
}

fn pct(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// The count of a trend row, when it and every part of it are published.
fn row_count(i: &IndicatorResult, label: &str) -> Option<u64> {
    let t = &i.trend.as_ref()?.table;
    let row = t.row_labels.iter().position(|l| l == label)?;
    t.cells[row].iter().map(|c| c.value()).sum()
}

/// The period before `p` and its published count of referrals: the quarter before, or the
/// year before (a trend by quarter is added up only when all four quarters are shown).
fn previous(i: &IndicatorResult, p: Period) -> Option<(String, u64)> {
    match p {
        Period::All => None,
        Period::Quarter(y, q) => {
            let before = if q == 1 { Period::Quarter(y - 1, 4) } else { Period::Quarter(y, q - 1) };
            Some((before.to_string(), row_count(i, &before.to_string())?))
        }
        Period::Year(y) => {
            let year = (y - 1).to_string();
            let n = row_count(i, &year)
                .or_else(|| (1..=4).map(|q| row_count(i, &Period::Quarter(y - 1, q).to_string())).sum())?;
            Some((year, n))
        }
    }
}

fn referrals(r: &Report, p: Period, marker: &str, threshold: u64, w: &Words<'_>) -> Option<Answer> {
    let i = find(r, "referrals")?;
    let title = w.t("report.indicator.referrals", i.indicator.title);
    let (figure, sentence) = match i.headline? {
        Published::Count(n) => {
            // Whole sentences, not a period's name joined to "in": Welsh mutates after "yn".
            let mut s = match p {
                Period::All => w.tf(
                    "report.summary.referred_all",
                    "{count} people were referred in all periods.",
                    &[("count", thousands(n))],
                ),
                other => w.tf(
                    "report.summary.referred",
                    "{count} people were referred in {period}.",
                    &[("count", thousands(n)), ("period", other.to_string())],
                ),
            };
            if let Some((before, m)) = previous(i, p).filter(|(_, m)| *m > 0) {
                let change = (n as f64 - m as f64) / m as f64 * 100.0;
                let args = [("change", format!("{:.0}", change.abs())), ("previous", before), ("count", thousands(m))];
                let (key, english) = if change.round() > 0.0 {
                    ("report.summary.more", "That is {change}% more than in {previous} ({count}).")
                } else if change.round() < 0.0 {
                    ("report.summary.fewer", "That is {change}% fewer than in {previous} ({count}).")
                } else {
                    ("report.summary.same", "That is about the same as in {previous} ({count}).")
                };
                s = format!("{s} {}", w.tf(key, english, &args));
            }
            (thousands(n), s)
        }
        Published::Hidden => (marker.to_string(), hidden_sentence(threshold, w)),
    };
    Some(Answer { id: i.indicator.id.into(), title, figure, sentence })
}

fn hidden_sentence(threshold: u64, w: &Words<'_>) -> String {
    w.tf(
        "report.summary.hidden_figure",
        "This figure is hidden to protect people: fewer than {threshold}.",
        &[("threshold", threshold.to_string())],
    )
}

/// The share of children among the people referred, from the breakdown by age, when every
/// row of it is published.
fn children(r: &Report, w: &Words<'_>) -> Option<Answer> {
    let i = find(r, "referrals")?;
    let b = i.breakdowns.iter().find(|b| b.dim == Dim::Age)?;
    let counts: Option<Vec<u64>> = b.table.cells.iter().map(|row| row.iter().map(|c| c.value()).sum()).collect();
    let sentence_hidden = w.t("report.summary.children_hidden", "The share of children is hidden to protect people.");
    let (figure, sentence) = match counts {
        Some(counts) if counts.iter().sum::<u64>() > 0 => {
            let total: u64 = counts.iter().sum();
            let child: u64 =
                b.table.row_labels.iter().zip(&counts).filter(|(l, _)| l.starts_with("Child")).map(|(_, n)| n).sum();
            let share = pct(child as f64 / total as f64);
            let s = w.tf(
                "report.summary.children",
                "{share} of the people referred were children when they were exploited.",
                &[("share", share.clone())],
            );
            (share, s)
        }
        _ => ("–".into(), sentence_hidden),
    };
    let title = w.t("report.summary.children_title", "Children");
    Some(Answer { id: i.indicator.id.into(), title, figure, sentence })
}

/// A rate's or a mean's answer.
fn measure(r: &Report, id: &str, key: &str, english: &str, w: &Words<'_>) -> Option<Answer> {
    let i = find(r, id)?;
    let title = w.t(&format!("report.indicator.{id}"), i.indicator.title);
    let (figure, value) = match (i.indicator.kind, i.headline_rate, i.headline_mean) {
        (Kind::TimeToDecision | Kind::Awaiting, _, Some(m)) => {
            (w.tf("report.summary.days", "{days} days", &[("days", format!("{m:.0}"))]), format!("{m:.0}"))
        }
        (_, Some(rate), _) => (pct(rate.estimate), pct(rate.estimate)),
        _ => {
            let s = w.t("report.summary.withheld", "Too few decisions to give a figure without identifying people.");
            return Some(Answer { id: id.into(), title, figure: "–".into(), sentence: s });
        }
    };
    let sentence = w.tf(key, english, &[("value", value)]);
    Some(Answer { id: id.into(), title, figure, sentence })
}

/// A finding in plain words: which group, by how much, with the statistics left to the
/// indicator's own page.
pub fn plain_finding(f: &sg_stats::report::Finding, w: &Words<'_>) -> String {
    w.tf(
        "report.summary.finding",
        "{higher} ({higher_rate}) compared with {lower} ({lower_rate}): a difference of {points} percentage points, too large to be chance.",
        &[
            ("higher", f.higher.clone()),
            ("higher_rate", pct(f.higher_rate.estimate)),
            ("lower", f.lower.clone()),
            ("lower_rate", pct(f.lower_rate.estimate)),
            ("points", format!("{:.1}", (f.higher_rate.estimate - f.lower_rate.estimate) * 100.0)),
        ],
    )
}

impl Summary {
    /// The summary of a report on period `p`, in `w`'s words.
    pub fn of(r: &Report, p: Period, w: &Words<'_>) -> Summary {
        let (marker, threshold) = (r.rule.marker.as_str(), r.rule.threshold);
        let answers = [
            referrals(r, p, marker, threshold, w),
            children(r, w),
            measure(
                r,
                "rg-within-5-working-days",
                "report.summary.rg_speed",
                "{value} of reasonable-grounds decisions were made within 5 working days.",
                w,
            ),
            measure(
                r,
                "time-to-cg",
                "report.summary.cg_speed",
                "Conclusive-grounds decisions took {value} days on average.",
                w,
            ),
            measure(
                r,
                "rg-positive-rate",
                "report.summary.rg_positive",
                "{value} of reasonable-grounds decisions were positive: the person may be a victim.",
                w,
            ),
            measure(
                r,
                "cg-positive-rate",
                "report.summary.cg_positive",
                "{value} of conclusive-grounds decisions confirmed that the person is a victim.",
                w,
            ),
        ];
        let flagged = r
            .indicators
            .iter()
            .filter(|i| i.available && !i.findings.is_empty())
            .map(|i| Flagged {
                id: i.indicator.id.into(),
                title: w.t(&format!("report.indicator.{}", i.indicator.id), i.indicator.title),
                findings: i.findings.iter().map(|f| plain_finding(f, w)).collect(),
            })
            .collect();
        Summary { answers: answers.into_iter().flatten().collect(), flagged, hidden: hidden_marker(r, w) }
    }
}

/// "[c] means hidden to protect people: fewer than 5 ...".
pub fn hidden_marker(r: &Report, w: &Words<'_>) -> String {
    w.tf(
        "report.explain_hidden",
        "“{marker}” means the figure is hidden to protect people: fewer than {threshold}, or a figure from which so small a number could be worked out.",
        &[("marker", r.rule.marker.clone()), ("threshold", r.rule.threshold.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sg_stats::catalogue::indicator;
    use sg_stats::report::Breakdown;
    use sg_stats::SuppressedTable;

    fn referrals(rows: &[(&str, Published)]) -> IndicatorResult {
        let n = rows.len();
        IndicatorResult {
            indicator: *indicator("referrals").unwrap(),
            available: true,
            note: None,
            headline: None,
            headline_rate: None,
            headline_mean: None,
            breakdowns: vec![],
            trend: Some(Breakdown {
                dim: Dim::TimeToDecision,
                title: "Over time".into(),
                source_table: "own-cases".into(),
                table: SuppressedTable {
                    row_labels: rows.iter().map(|(l, _)| l.to_string()).collect(),
                    col_labels: vec!["People".into()],
                    cells: rows.iter().map(|(_, p)| vec![*p]).collect(),
                    row_totals: None,
                    col_totals: None,
                    grand_total: None,
                    primary: 0,
                    secondary: 0,
                },
                rates: vec![None; n],
                means: vec![None; n],
                overall_test: None,
            }),
            findings: vec![],
        }
    }

    #[test]
    fn the_previous_period_is_compared_only_when_published() {
        let c = Published::Count;
        let i = referrals(&[("2023 Q4", c(40)), ("2024 Q1", c(10)), ("2024 Q2", Published::Hidden)]);
        assert_eq!(previous(&i, Period::Quarter(2024, 1)), Some(("2023 Q4".into(), 40)));
        assert_eq!(previous(&i, Period::Quarter(2024, 3)), None, "2024 Q2 is hidden");
        assert_eq!(previous(&i, Period::Year(2024)), None, "2023 has one quarter only");
        let year: Vec<(String, Published)> = (1..=4).map(|q| (format!("2023 Q{q}"), c(q * 10))).collect();
        let rows: Vec<(&str, Published)> = year.iter().map(|(l, p)| (l.as_str(), *p)).collect();
        assert_eq!(previous(&referrals(&rows), Period::Year(2024)), Some(("2023".into(), 100)));
        assert_eq!(previous(&i, Period::All), None);
    }
}
