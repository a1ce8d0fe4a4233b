//! Building the monitoring report: every indicator of the catalogue over a source's tables,
//! with intervals, comparisons and disclosure control applied to every table it contains.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalogue::{Indicator, Kind, CATALOGUE};
use crate::cells::{Cell, Dim, Granularity, Measure, Month, Period, Table};
use crate::compare::{benjamini_hochberg, chi_square, compare_rates, TestResult};
use crate::disclosure::{protect, Published, RawTable, Rule, SuppressedTable};
use crate::figures::{canonical_order, overlapping};
use crate::interval::wilson;

/// What to report on and how.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The report's title (names the source).
    pub title: String,
    /// The period reported on.
    pub period: Period,
    /// The disclosure rule.
    pub rule: Rule,
    /// Confidence level of the intervals (0.95).
    pub confidence: f64,
    /// Nationalities shown by name; the rest are grouped.
    pub top_nationalities: usize,
    /// Today, for the age of cases still awaiting a decision.
    pub as_of: time::Date,
}

/// A rate with its interval, computed from published counts only.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rate {
    /// The share, 0 to 1.
    pub estimate: f64,
    /// Lower end of the interval.
    pub lower: f64,
    /// Upper end of the interval.
    pub upper: f64,
    /// What is counted on top (as published).
    pub numerator: u64,
    /// What it is out of (as published).
    pub denominator: u64,
    /// The counts the share was computed from, for the comparisons between rates; never
    /// published (they may be finer than the rounded counts above).
    #[serde(skip)]
    pub(crate) counts: (u64, u64),
}

/// One breakdown of an indicator.
#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    /// The dimension.
    pub dim: Dim,
    /// Its heading.
    pub title: String,
    /// The source table it was computed from.
    pub source_table: String,
    /// The counts after disclosure control.
    pub table: SuppressedTable,
    /// Per row: the rate, where the indicator is a rate and its counts are shown.
    pub rates: Vec<Option<Rate>>,
    /// Per row: a mean in days, where the indicator is a mean and its count is shown.
    pub means: Vec<Option<f64>>,
    /// A chi-square test across the rows whose rates are shown.
    pub overall_test: Option<TestResult>,
}

/// A difference between two groups that survives the false-discovery-rate correction.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// The dimension compared across.
    pub dim: Dim,
    /// The group with the higher rate.
    pub higher: String,
    /// The group with the lower rate.
    pub lower: String,
    /// The higher rate.
    pub higher_rate: Rate,
    /// The lower rate.
    pub lower_rate: Rate,
    /// The test used and its raw p-value.
    pub test: TestResult,
    /// The Benjamini–Hochberg adjusted p-value across the indicator's comparisons.
    pub p_adjusted: f64,
    /// The finding in plain words.
    pub text: String,
}

/// One indicator's results.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorResult {
    /// The catalogue entry.
    pub indicator: Indicator,
    /// Whether it could be computed from this source.
    pub available: bool,
    /// Why not, or a caveat.
    pub note: Option<String>,
    /// The headline count for the period.
    pub headline: Option<Published>,
    /// The headline rate for the period.
    pub headline_rate: Option<Rate>,
    /// The headline mean (days) for the period.
    pub headline_mean: Option<f64>,
    /// The breakdowns.
    pub breakdowns: Vec<Breakdown>,
    /// Counts (and rates) over time: one row per quarter, or per year.
    pub trend: Option<Breakdown>,
    /// Disparities flagged.
    pub findings: Vec<Finding>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Title.
    pub title: String,
    /// The period.
    pub period: String,
    /// The disclosure rule applied.
    pub rule: Rule,
    /// The legend for hidden cells.
    pub legend: String,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// The source's tables.
    pub tables: Vec<Table>,
    /// Each indicator.
    pub indicators: Vec<IndicatorResult>,
}

pub(crate) struct Ctx<'a> {
    pub(crate) tables: &'a [Table],
    pub(crate) o: &'a ReportOptions,
}

impl Ctx<'_> {
    pub(crate) fn table(&self, m: Measure, dims: &[Dim]) -> Option<&Table> {
        self.tables.iter().find(|t| t.answers(m, dims))
    }

    pub(crate) fn shown(&self, v: u64) -> Published {
        let t = protect(
            &RawTable {
                row_labels: vec![String::new()],
                col_labels: vec![String::new()],
                cells: vec![vec![v]],
                row_totals: false,
                col_totals: false,
            },
            &self.o.rule,
        );
        t.cells[0][0]
    }

    /// A rate of `yes` against `no` counts, withheld if either published count is hidden. The
    /// share and its interval come from the counts as they are, never from rounded ones (a
    /// rate of 10 rounded against 10 rounded is not 12 against 9); the numerator and
    /// denominator shown beside it are the published counts.
    pub(crate) fn rate(&self, shown: [Published; 2], counts: [u64; 2]) -> Option<Rate> {
        let (y, n) = (shown[0].value()?, shown[1].value()?);
        let p = wilson(counts[0], counts[0] + counts[1], self.o.confidence)?;
        let counts = (counts[0], counts[0] + counts[1]);
        Some(Rate { estimate: p.estimate, lower: p.lower, upper: p.upper, numerator: y, denominator: y + n, counts })
    }

    /// The rates of a two-column table's rows, from its counts before protection.
    fn row_rates(&self, table: &SuppressedTable, raw: &RawTable) -> Vec<Option<Rate>> {
        table
            .cells
            .iter()
            .zip(&raw.cells)
            .map(|(shown, counts)| self.rate([shown[0], shown[1]], [counts[0], counts[1]]))
            .collect()
    }

    /// Rows grouped by `key`, each with one count per column given by `col`.
    fn grouped(
        &self,
        cells: impl Iterator<Item = (String, usize, u64)>,
        ncols: usize,
        order: Option<Vec<String>>,
    ) -> (Vec<String>, Vec<Vec<u64>>) {
        let mut map: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for (key, col, n) in cells {
            map.entry(key).or_insert_with(|| vec![0; ncols])[col] += n;
        }
        let mut rows: Vec<(String, Vec<u64>)> = map.into_iter().collect();
        match order {
            Some(order) => rows.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX)),
            None => rows.sort_by(|a, b| b.1.iter().sum::<u64>().cmp(&a.1.iter().sum::<u64>()).then(a.0.cmp(&b.0))),
        }
        rows.into_iter().unzip()
    }

    pub(crate) fn breakdown(
        &self,
        ind: &Indicator,
        t: &Table,
        dim: Dim,
        cols: &[&str],
        cells: Vec<(String, usize, u64)>,
    ) -> Breakdown {
        let (mut labels, mut rows) = self.grouped(cells.into_iter(), cols.len(), canonical_order(dim));
        if dim == Dim::Nationality && labels.len() > self.o.top_nationalities {
            let rest: Vec<Vec<u64>> = rows.split_off(self.o.top_nationalities);
            labels.truncate(self.o.top_nationalities);
            labels.push("Other nationalities".into());
            rows.push((0..cols.len()).map(|j| rest.iter().map(|r| r[j]).sum()).collect());
        }
        // A person in several rows: a column total would count them several times (with no rows
        // at all, the total of none is still shown, so the table is not empty).
        let col_totals = !overlapping(dim) || rows.is_empty();
        let raw = RawTable {
            row_labels: labels,
            col_labels: cols.iter().map(|c| c.to_string()).collect(),
            cells: rows,
            row_totals: cols.len() > 1,
            col_totals,
        };
        let table = protect(&raw, &self.o.rule);
        let rates: Vec<Option<Rate>> = if cols.len() == 2 && ind.kind != Kind::Count {
            self.row_rates(&table, &raw)
        } else {
            vec![None; table.cells.len()]
        };
        // The test is over the known groups whose rates are shown, from their counts as they are:
        // "not known" is no group to compare.
        let shown: Vec<Vec<u64>> = rates
            .iter()
            .zip(&raw.cells)
            .zip(&raw.row_labels)
            .filter(|((r, _), label)| r.is_some() && !crate::figures::is_not_known(label))
            .map(|((_, counts), _)| counts.clone())
            .collect();
        Breakdown {
            dim,
            title: dim.label().into(),
            source_table: t.name.clone(),
            means: vec![None; table.cells.len()],
            // Rows that share people are not independent samples: no test between them.
            overall_test: if shown.len() > 1 && !overlapping(dim) { chi_square(&shown) } else { None },
            table,
            rates,
        }
    }

    fn trend_key(&self, t: &Table, m: Month) -> (String, Period) {
        match t.granularity {
            Granularity::Year => (format!("{}", m.year), Period::Year(m.year)),
            _ => {
                let p = Period::quarter_of(m);
                (p.to_string(), p)
            }
        }
    }

    /// Which months the trend covers: everything, or the two years before the period's year.
    fn in_trend_window(&self, m: Month) -> bool {
        match self.o.period {
            Period::All => true,
            Period::Year(y) | Period::Quarter(y, _) => m.year >= y - 2 && m.year <= y,
        }
    }

    /// Counts over time: `at` gives the month a cell counts in and its column, if it counts.
    pub(crate) fn trend(
        &self,
        ind: &Indicator,
        t: &Table,
        cols: &[&str],
        at: impl Fn(&Cell) -> Option<(Month, usize)>,
    ) -> Breakdown {
        let mut periods: BTreeMap<Period, String> = BTreeMap::new();
        let mut cells = Vec::new();
        for c in &t.cells {
            if let Some((month, col)) = at(c).filter(|(mo, _)| self.in_trend_window(*mo)) {
                let (label, p) = self.trend_key(t, month);
                periods.insert(p, label.clone());
                cells.push((label, col, c.n));
            }
        }
        let order: Vec<String> = periods.into_values().collect();
        let mut b = self.breakdown_ordered(ind, t, cols, cells, order);
        b.title = "Over time".into();
        b
    }

    fn breakdown_ordered(
        &self,
        ind: &Indicator,
        t: &Table,
        cols: &[&str],
        cells: Vec<(String, usize, u64)>,
        order: Vec<String>,
    ) -> Breakdown {
        let (labels, rows) = self.grouped(cells.into_iter(), cols.len(), Some(order));
        let raw = RawTable {
            row_labels: labels,
            col_labels: cols.iter().map(|c| c.to_string()).collect(),
            cells: rows,
            row_totals: cols.len() > 1,
            col_totals: true,
        };
        let table = protect(&raw, &self.o.rule);
        let rates = if cols.len() == 2 && ind.kind != Kind::Count {
            self.row_rates(&table, &raw)
        } else {
            vec![None; table.cells.len()]
        };
        Breakdown {
            dim: Dim::TimeToDecision,
            title: String::new(),
            source_table: t.name.clone(),
            means: vec![None; table.cells.len()],
            overall_test: None,
            table,
            rates,
        }
    }
}

/// What a comparison across `dim` does not adjust for, where the groups differ by design.
fn unadjusted(dim: Dim) -> &'static str {
    match dim {
        Dim::CompetentAuthority => {
            " The comparison is not adjusted for who each authority decides: by design the IECA decides adults \
             within immigration enforcement's remit (foreign national offenders, people detained or in the \
             third-country process) and the SCA everyone else, children included, so part of the difference \
             may be whose cases they are rather than how they are decided."
        }
        _ => "",
    }
}

/// Pairwise comparisons of the shown rates within each breakdown, corrected together.
pub(crate) fn findings(breakdowns: &[Breakdown], confidence: f64) -> Vec<Finding> {
    let mut pairs = Vec::new();
    for b in breakdowns.iter().filter(|b| !overlapping(b.dim)) {
        // Known groups only: "not known" is no group to compare.
        let known = |i: usize| !crate::figures::is_not_known(&b.table.row_labels[i]);
        let rows: Vec<(usize, Rate)> =
            b.rates.iter().enumerate().filter(|(i, _)| known(*i)).filter_map(|(i, r)| r.map(|r| (i, r))).collect();
        for (x, &(i, ri)) in rows.iter().enumerate() {
            for &(j, rj) in &rows[x + 1..] {
                let ((yi, ni), (yj, nj)) = (ri.counts, rj.counts);
                if let Some(test) = compare_rates(yi, ni, yj, nj) {
                    pairs.push((b, i, ri, j, rj, test));
                }
            }
        }
    }
    let adjusted = benjamini_hochberg(&pairs.iter().map(|p| p.5.p_value).collect::<Vec<_>>());
    let family = pairs.len();
    let pct = |v: f64| format!("{:.1}%", v * 100.0);
    let level = format!("{:.0}%", confidence * 100.0);
    pairs
        .into_iter()
        .zip(adjusted)
        .filter(|(_, q)| *q < 1.0 - confidence)
        .map(|((b, i, ri, j, rj, test), q)| {
            let ((hi, hr), (lo, lr)) = if ri.estimate >= rj.estimate { ((i, ri), (j, rj)) } else { ((j, rj), (i, ri)) };
            let (hn, ln) = (&b.table.row_labels[hi], &b.table.row_labels[lo]);
            let p = if q < 0.001 { "p < 0.001".to_string() } else { format!("p = {q:.3}") };
            Finding {
                dim: b.dim,
                higher: hn.clone(),
                lower: ln.clone(),
                higher_rate: hr,
                lower_rate: lr,
                test,
                p_adjusted: q,
                text: format!(
                    "{} ({}, {level} CI {} to {}) is higher than {} ({}, {} to {}): a difference of {:.1} \
                     percentage points, {p} ({}, Benjamini-Hochberg adjusted across {family} comparisons).",
                    hn,
                    pct(hr.estimate),
                    pct(hr.lower),
                    pct(hr.upper),
                    ln,
                    pct(lr.estimate),
                    pct(lr.lower),
                    pct(lr.upper),
                    (hr.estimate - lr.estimate) * 100.0,
                    match test.test {
                        crate::compare::TestKind::FisherExact => "Fisher's exact test",
                        crate::compare::TestKind::ChiSquare => "chi-square test",
                        crate::compare::TestKind::TwoProportionZ => "two-proportion z-test",
                    }
                ) + unadjusted(b.dim),
            }
        })
        .collect()
}

pub(crate) fn unavailable(ind: &Indicator, note: String) -> IndicatorResult {
    IndicatorResult {
        indicator: *ind,
        available: false,
        note: Some(note),
        headline: None,
        headline_rate: None,
        headline_mean: None,
        breakdowns: Vec::new(),
        trend: None,
        findings: Vec::new(),
    }
}

/// Computes every indicator of the catalogue over `tables`.
pub fn build_report(tables: Vec<Table>, o: &ReportOptions) -> Report {
    let ctx = Ctx { tables: &tables, o };
    let indicators = CATALOGUE.iter().map(|ind| crate::kinds::compute(&ctx, ind)).collect();
    Report {
        title: o.title.clone(),
        period: o.period.to_string(),
        legend: o.rule.legend(),
        rule: o.rule.clone(),
        confidence: o.confidence,
        indicators,
        tables,
    }
}
