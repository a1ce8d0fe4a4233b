//! Computing one indicator, by its kind.

use sg_domain::{AgeAtExploitation, CaseStatus};

use crate::catalogue::{Indicator, Kind};
use crate::cells::{Cell, Dim, Measure, Month, Period, Table};
use crate::coverage::{coverage, not_available, Coverage};
use crate::figures::{counts, dim_value, dim_values, month_of, positive};
use crate::report::{findings, unavailable, Ctx, IndicatorResult};

/// Computes `ind` over the context's tables.
pub(crate) fn compute(ctx: &Ctx<'_>, ind: &Indicator) -> IndicatorResult {
    match ind.kind {
        Kind::NotYetAvailable => unavailable(ind, ind.missing.to_string()),
        Kind::Count => count(ctx, ind),
        Kind::PositiveRate | Kind::Timeliness | Kind::OverturnRate => rate(ctx, ind),
        Kind::DutyToNotifyShare => dtn_share(ctx, ind),
        Kind::TimeToDecision => time_to_decision(ctx, ind),
        Kind::Awaiting => awaiting(ctx, ind),
    }
}

fn no_table(ind: &Indicator) -> IndicatorResult {
    let what = match ind.measure {
        Measure::Referrals => "referrals",
        Measure::DutyToNotify => "Duty to Notify reports",
        Measure::RgDecisions => "reasonable-grounds decisions",
        Measure::CgDecisions => "conclusive-grounds decisions",
        Measure::Status => "case statuses",
        Measure::ReReferrals => "re-referrals",
        Measure::Disqualifications => "disqualifications",
    };
    unavailable(ind, format!("This source has no table of {what} with the breakdowns this indicator needs."))
}

fn empty(ind: &Indicator) -> IndicatorResult {
    let mut r = unavailable(ind, String::new());
    r.available = true;
    r.note = None;
    r
}

fn count(ctx: &Ctx<'_>, ind: &Indicator) -> IndicatorResult {
    let (m, p) = (ind.measure, ctx.o.period);
    let Some(t) = ctx.table(m, &[]) else { return no_table(ind) };
    let mut r = empty(ind);
    r.headline = Some(ctx.shown(t.cells.iter().filter(|c| counts(c, m, p)).map(|c| c.n).sum()));
    r.trend = Some(ctx.trend(ind, t, &["People"], |c| month_of(c, m).map(|mo| (mo, 0))));
    let mut notes = Notes::default();
    for &dim in ind.breakdowns {
        let Some(bt) = ctx.table(m, &[dim]) else { continue };
        // Beside the counts per type, the combinations would let a hidden count be worked out
        // (a type's count is the sum of the combinations holding it): where counts are hidden,
        // only the counts per type are published.
        if dim == Dim::ExploitationCombination && ctx.o.rule.threshold > 1 {
            notes.withheld.push(dim);
            continue;
        }
        if !notes.covered(t, bt, dim, m, p) {
            continue;
        }
        let cells = rows(bt.cells.iter().filter(|c| counts(c, m, p)), dim, |_| 0);
        r.breakdowns.push(ctx.breakdown(ind, bt, dim, &["People"], cells));
    }
    r.note = notes.finish(p);
    r
}

/// A breakdown's rows from `cells`: each cell's value (or values, for exploitation types) of
/// `dim`, its column, and its count.
fn rows<'a>(
    cells: impl Iterator<Item = &'a Cell>,
    dim: Dim,
    col: impl Fn(&Cell) -> usize,
) -> Vec<(String, usize, u64)> {
    cells.flat_map(|c| dim_values(c, dim).into_iter().map(|v| (v, col(c), c.n)).collect::<Vec<_>>()).collect()
}

/// The notes on an indicator's breakdowns: those its tables give only in part, and those no
/// table gives for the period.
#[derive(Default)]
struct Notes {
    partial: Vec<String>,
    missing: Vec<Dim>,
    withheld: Vec<Dim>,
}

impl Notes {
    /// Whether the breakdown by `dim` from `bt` has anything of the period; notes what not.
    fn covered(&mut self, t: &Table, bt: &Table, dim: Dim, m: Measure, p: Period) -> bool {
        match coverage(t, bt, dim, m, p) {
            Coverage::Full => true,
            Coverage::Partial(note) => {
                self.partial.push(note);
                true
            }
            Coverage::Nothing => {
                self.missing.push(dim);
                false
            }
        }
    }

    fn finish(self, p: Period) -> Option<String> {
        let withheld = (!self.withheld.is_empty()).then(|| {
            let names: Vec<&str> = self.withheld.iter().map(|d| d.label()).collect();
            format!(
                "Not published beside the counts per type, which would let a hidden count be worked out: {}.",
                names.join(", ")
            )
        });
        let all: Vec<String> =
            self.partial.into_iter().chain(not_available(&self.missing, p)).chain(withheld).collect();
        (!all.is_empty()).then(|| all.join(" "))
    }
}

/// Column 0 counts "yes" (positive, or within 5 working days), column 1 "no".
fn yes_no(ind: &Indicator, c: &crate::cells::Cell) -> usize {
    let yes = match ind.kind {
        Kind::Timeliness => c.rg_within_5wd == Some(true),
        Kind::OverturnRate => overturned(c, ind.measure) == Some(true),
        _ => positive(c, ind.measure),
    };
    usize::from(!yes)
}

/// Whether the cell's decision for `m` was overturned after it was first made, where known.
fn overturned(c: &Cell, m: Measure) -> Option<bool> {
    match m {
        Measure::RgDecisions => c.rg_overturned,
        Measure::CgDecisions => c.cg_overturned,
        _ => None,
    }
}

/// Whether a cell counting for the indicator's measure is one the indicator is about: for the
/// overturn rate, negative first decisions whose later fate the source records.
fn in_scope(ind: &Indicator, c: &Cell) -> bool {
    ind.kind != Kind::OverturnRate || (!positive(c, ind.measure) && overturned(c, ind.measure).is_some())
}

fn rate(ctx: &Ctx<'_>, ind: &Indicator) -> IndicatorResult {
    let (m, p) = (ind.measure, ctx.o.period);
    let needed: &[Dim] = if ind.kind == Kind::Timeliness { &[Dim::Timeliness] } else { &[] };
    let Some(t) = ctx.table(m, needed) else { return no_table(ind) };
    let cols: &[&str] = match ind.kind {
        Kind::Timeliness => &["Within 5 working days", "Later"],
        Kind::OverturnRate => &["Overturned", "Stood"],
        _ => &["Positive", "Negative"],
    };
    if ind.kind == Kind::OverturnRate && !t.cells.iter().any(|c| overturned(c, m).is_some()) {
        return unavailable(ind, "This source does not record what became of negative decisions.".into());
    }
    let counts = |c: &Cell, m, p| counts(c, m, p) && in_scope(ind, c);
    let mut r = empty(ind);
    let (mut yes, mut no) = (0, 0);
    for c in t.cells.iter().filter(|c| counts(c, m, p)) {
        if yes_no(ind, c) == 0 {
            yes += c.n
        } else {
            no += c.n
        }
    }
    r.headline = Some(ctx.shown(yes + no));
    r.headline_rate = ctx.rate([ctx.shown(yes), ctx.shown(no)], [yes, no]);
    r.trend =
        Some(ctx.trend(ind, t, cols, |c| month_of(c, m).filter(|_| in_scope(ind, c)).map(|mo| (mo, yes_no(ind, c)))));
    let mut notes = Notes::default();
    for &dim in ind.breakdowns {
        let mut dims = needed.to_vec();
        dims.push(dim);
        let Some(bt) = ctx.table(m, &dims) else { continue };
        if !notes.covered(t, bt, dim, m, p) {
            continue;
        }
        let cells = rows(bt.cells.iter().filter(|c| counts(c, m, p)), dim, |c| yes_no(ind, c));
        r.breakdowns.push(ctx.breakdown(ind, bt, dim, cols, cells));
    }
    r.note = notes.finish(p);
    r.findings = findings(&r.breakdowns, ctx.o.confidence);
    r
}

/// The first month of the Duty to Notify (`dtn.in_force` in England and Wales: Modern Slavery
/// Act 2015 s52, from 1 November 2015); before it there were no reports to count.
fn duty_began() -> Option<Month> {
    let rules = sg_rules::official(sg_domain::Jurisdiction::EnglandWales).ok()?;
    let rule = rules.rules.iter().find(|r| r.key == sg_rules::params::DTN_IN_FORCE)?;
    let first = rule.versions.iter().find(|v| v.value == sg_rules::Value::Flag(true))?;
    Some(Month::of(first.from))
}

/// Duty to Notify reports as a share of the adults the duty concerns: reports plus adult
/// referrals (a child is referred without consent and is never reported), in the months since
/// the duty began, so an all-periods share does not set 2015's reports against 2009's referrals.
fn dtn_share(ctx: &Ctx<'_>, ind: &Indicator) -> IndicatorResult {
    let p = ctx.o.period;
    let (Some(dt), Some(rt), Some(began)) =
        (ctx.table(Measure::DutyToNotify, &[]), ctx.table(Measure::Referrals, &[Dim::Age]), duty_began())
    else {
        return no_table(ind);
    };
    let adult = |c: &Cell| c.age == Some(AgeAtExploitation::Adult);
    // The month a cell counts in, and its column: reports, then adult referrals.
    let at = |c: &Cell| {
        let month = month_of(c, Measure::DutyToNotify)
            .map(|mo| (mo, 0))
            .or_else(|| month_of(c, Measure::Referrals).filter(|_| adult(c)).map(|mo| (mo, 1)));
        month.filter(|(mo, _)| *mo >= began)
    };
    let sum = |t: &Table, col| {
        t.cells.iter().filter(|c| at(c).is_some_and(|(mo, k)| k == col && p.contains(mo))).map(|c| c.n).sum::<u64>()
    };
    let (d, n) = (sum(dt, 0), sum(rt, 1));
    let mut r = empty(ind);
    r.headline = Some(ctx.shown(d));
    r.headline_rate = ctx.rate([ctx.shown(d), ctx.shown(n)], [d, n]);
    // One trend over both tables, by quarter: the reports of the one and the adult referrals of
    // the other (they may be one table, or two that both hold reports).
    let column = |t: &Table, col| -> Vec<Cell> {
        t.cells.iter().filter(|c| at(c).is_some_and(|(_, k)| k == col)).cloned().collect()
    };
    let mut both = dt.clone();
    both.cells = column(dt, 0);
    both.cells.extend(column(rt, 1));
    r.trend = Some(ctx.trend(ind, &both, &["Duty to Notify reports", "Adult NRM referrals"], at));
    let tables = if dt.name != rt.name {
        format!(" Reports from table {}, referrals from table {}.", dt.name, rt.name)
    } else {
        String::new()
    };
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let since = format!("{} {}", MONTHS[usize::from(began.month.clamp(1, 12)) - 1], began.year);
    r.note = Some(format!(
        "Adults only, from {since}, when the duty began: children are referred without consent and never reported.{tables}"
    ));
    r
}

fn time_to_decision(ctx: &Ctx<'_>, ind: &Indicator) -> IndicatorResult {
    let (m, p) = (ind.measure, ctx.o.period);
    let Some(t) = ctx.table(m, &[Dim::TimeToDecision, Dim::CompetentAuthority]) else { return no_table(ind) };
    let cells: Vec<&crate::cells::Cell> = t.cells.iter().filter(|c| counts(c, m, p)).collect();
    let mut r = empty(ind);
    let (n, days): (u64, u64) = cells.iter().fold((0, 0), |(n, d), c| (n + c.n, d + c.cg_days_sum));
    r.headline = Some(ctx.shown(n));
    r.headline_mean = r.headline.and_then(|h| h.value()).filter(|v| *v > 0).map(|_| days as f64 / n as f64);
    let dim = Dim::CompetentAuthority;
    let rows = cells.iter().map(|c| (dim_value(c, dim), 0, c.n)).collect();
    let mut b = ctx.breakdown(ind, t, dim, &["Decisions"], rows);
    b.means = b
        .table
        .row_labels
        .iter()
        .zip(&b.table.cells)
        .map(|(label, row)| {
            row[0].value().filter(|v| *v > 0)?;
            let (n, d) = cells
                .iter()
                .filter(|c| &dim_value(c, dim) == label)
                .fold((0u64, 0u64), |(n, d), c| (n + c.n, d + c.cg_days_sum));
            Some(d as f64 / n as f64)
        })
        .collect();
    r.breakdowns.push(b);
    r
}

/// Cases awaiting a conclusive decision now. Only "now" is known (the statistics keep each
/// case's current status, not its past ones), so a report for a year or a quarter says so
/// rather than showing today's backlog under that period's name.
fn awaiting(ctx: &Ctx<'_>, ind: &Indicator) -> IndicatorResult {
    if ctx.o.period != Period::All {
        let why = format!(
            "Not available for {}: the cases awaiting a decision are known as of today ({}) only; the report for \
             all periods gives them.",
            ctx.o.period, ctx.o.as_of
        );
        return unavailable(ind, why);
    }
    let Some(t) = ctx.table(Measure::Status, &[Dim::CompetentAuthority]) else { return no_table(ind) };
    let today = ctx.o.as_of.to_julian_day() as i64;
    let cells: Vec<&crate::cells::Cell> =
        t.cells.iter().filter(|c| c.status == Some(CaseStatus::AwaitingConclusiveGrounds)).collect();
    let age = |cs: &[&crate::cells::Cell]| {
        let n: u64 = cs.iter().map(|c| c.n).sum();
        let days: i64 = cs.iter().map(|c| today * c.n as i64 - c.referred_day_sum).sum();
        (n > 0).then(|| days as f64 / n as f64)
    };
    let mut r = empty(ind);
    r.headline = Some(ctx.shown(cells.iter().map(|c| c.n).sum()));
    r.headline_mean = r.headline.and_then(|h| h.value()).and_then(|_| age(&cells));
    let dim = Dim::CompetentAuthority;
    let rows = cells.iter().map(|c| (dim_value(c, dim), 0, c.n)).collect();
    let mut b = ctx.breakdown(ind, t, dim, &["Cases"], rows);
    b.means = b
        .table
        .row_labels
        .iter()
        .zip(&b.table.cells)
        .map(|(label, row)| {
            row[0].value().filter(|v| *v > 0)?;
            let mine: Vec<&crate::cells::Cell> =
                cells.iter().copied().filter(|c| &dim_value(c, dim) == label).collect();
            age(&mine)
        })
        .collect();
    r.breakdowns.push(b);
    r
}
