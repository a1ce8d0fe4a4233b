//! Disclosure control: what every published table goes through.
//!
//! 1. **Primary suppression**: a count of 1 to `threshold - 1` people is not shown.
//! 2. **Secondary suppression**: a hidden count must not be recoverable from what is shown. Each
//!    line of the table (a row with its total, a column with its total) is a linear equation;
//!    a line with exactly one hidden cell gives it away, so another cell of that line is hidden
//!    too. Two hidden cells per line is not always enough (two "cycles" of hidden cells joined
//!    by one cell still pin it down), so the table is then audited by solving the whole system
//!    of equations ([`recoverable`]) and more cells are hidden until no hidden cell is
//!    determined.
//! 3. **Rounding** (optional): shown counts are rounded to a base (5 in Defence and LLC
//!    practice); totals are rounded independently, so they need not add up.
//!
//! Every hidden cell shows the same marker, whether hidden for being small or to protect
//! another. Labelling them differently would leak: in a row `[3, 6 | 9]`, knowing that the `3`
//! is "fewer than 5" and the `6` "at least 5" pins both down.

use serde::{Serialize, Serializer};

/// The rule applied to a publication, stored with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Rule {
    /// Counts from 1 to `threshold - 1` are hidden.
    pub threshold: u64,
    /// Shown counts are rounded to a multiple of this, if set.
    pub round_to: Option<u64>,
    /// Whether zero counts are shown (a zero is disclosive only where everyone shares a value;
    /// the catalogue's tables have no such column).
    pub zeros_shown: bool,
    /// What a hidden cell shows.
    pub marker: String,
    /// The methods, in words.
    pub method: String,
}

impl Default for Rule {
    fn default() -> Self {
        Rule::with_threshold(5, None)
    }
}

impl Rule {
    /// The standard rule with a threshold and optional rounding base.
    pub fn with_threshold(threshold: u64, round_to: Option<u64>) -> Rule {
        Rule {
            threshold,
            round_to,
            zeros_shown: true,
            marker: "[c]".into(),
            method: format!(
                "primary suppression of counts from 1 to {}; secondary suppression so that every row and \
                 column with its total has no single hidden cell, then a linear audit of each table until no \
                 hidden cell can be solved for from the totals; rates withheld where a count behind them is \
                 hidden; {}",
                threshold.saturating_sub(1),
                match round_to {
                    Some(b) => format!("shown counts rounded to the nearest {b}"),
                    None => "no rounding".into(),
                }
            ),
        }
    }

    /// Official statistics already published (the Home Office's tables, CTDC's k-anonymised
    /// file): shown as their publisher published them, since hiding a count that is public
    /// protects no one and misstates the source.
    pub fn as_published() -> Rule {
        Rule {
            threshold: 1,
            round_to: None,
            zeros_shown: true,
            marker: "[c]".into(),
            method: "shown as published: official statistics already public, with their publisher's own \
                     disclosure control; no count is hidden or rounded here"
                .into(),
        }
    }

    /// The legend printed under every table.
    pub fn legend(&self) -> String {
        format!(
            "{} confidential: fewer than {} people, or withheld so that such a count cannot be worked out from \
             the totals.",
            self.marker, self.threshold
        )
    }
}

/// A published count: shown, or hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Published {
    /// Shown (after any rounding).
    Count(u64),
    /// Hidden.
    Hidden,
}

impl Published {
    /// The shown value, if any.
    pub fn value(self) -> Option<u64> {
        match self {
            Published::Count(v) => Some(v),
            Published::Hidden => None,
        }
    }
}

impl Serialize for Published {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Published::Count(v) => s.serialize_u64(*v),
            Published::Hidden => s.serialize_none(),
        }
    }
}

/// A table of raw counts before disclosure control.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTable {
    /// Row headings.
    pub row_labels: Vec<String>,
    /// Column headings.
    pub col_labels: Vec<String>,
    /// Counts, one vector per row.
    pub cells: Vec<Vec<u64>>,
    /// Whether each row's total is published.
    pub row_totals: bool,
    /// Whether each column's total is published.
    pub col_totals: bool,
}

/// A table after disclosure control: what may be published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressedTable {
    /// Row headings.
    pub row_labels: Vec<String>,
    /// Column headings.
    pub col_labels: Vec<String>,
    /// The counts, one vector per row.
    pub cells: Vec<Vec<Published>>,
    /// Each row's total, if published.
    pub row_totals: Option<Vec<Published>>,
    /// Each column's total, if published.
    pub col_totals: Option<Vec<Published>>,
    /// The grand total, published when both margins are.
    pub grand_total: Option<Published>,
    /// How many cells were hidden for being small.
    pub primary: usize,
    /// How many more were hidden to protect them.
    pub secondary: usize,
}

/// The flat layout of a table with its margins: inner cells, then row totals, column totals
/// and the grand total; and its lines, each a list of (cell, coefficient) summing to zero.
struct Layout {
    values: Vec<u64>,
    lines: Vec<Vec<(usize, f64)>>,
    inner: usize,
}

fn layout(t: &RawTable) -> Layout {
    let (r, c) = (t.cells.len(), t.col_labels.len());
    let mut values: Vec<u64> = t.cells.iter().flatten().copied().collect();
    let inner = values.len();
    let row_sum = |i: usize| t.cells[i].iter().sum::<u64>();
    let col_sum = |j: usize| t.cells.iter().map(|row| row[j]).sum::<u64>();
    let mut lines = Vec::new();
    let row_base = values.len();
    if t.row_totals {
        values.extend((0..r).map(row_sum));
        for i in 0..r {
            let mut line: Vec<(usize, f64)> = (0..c).map(|j| (i * c + j, 1.0)).collect();
            line.push((row_base + i, -1.0));
            lines.push(line);
        }
    }
    let col_base = values.len();
    if t.col_totals {
        values.extend((0..c).map(col_sum));
        for j in 0..c {
            let mut line: Vec<(usize, f64)> = (0..r).map(|i| (i * c + j, 1.0)).collect();
            line.push((col_base + j, -1.0));
            lines.push(line);
        }
    }
    if t.row_totals && t.col_totals {
        let grand = values.len();
        values.push(values[..inner].iter().sum());
        let mut across: Vec<(usize, f64)> = (0..c).map(|j| (col_base + j, 1.0)).collect();
        across.push((grand, -1.0));
        let mut down: Vec<(usize, f64)> = (0..r).map(|i| (row_base + i, 1.0)).collect();
        down.push((grand, -1.0));
        lines.push(across);
        lines.push(down);
    }
    Layout { values, lines, inner }
}

/// The hidden cells (indices into `hidden`) that the lines determine exactly: those whose unit
/// vector lies in the row space of the equations restricted to hidden cells. Found by reducing
/// the equations to reduced row echelon form: a hidden cell is determined exactly when some
/// reduced equation involves it alone.
fn determined(lines: &[Vec<(usize, f64)>], hidden: &[bool]) -> Vec<usize> {
    let unknowns: Vec<usize> = (0..hidden.len()).filter(|&k| hidden[k]).collect();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let col_of = |cell: usize| unknowns.iter().position(|&u| u == cell);
    let mut m: Vec<Vec<f64>> = lines
        .iter()
        .map(|line| {
            let mut row = vec![0.0; unknowns.len()];
            for &(cell, coef) in line {
                if let Some(j) = col_of(cell) {
                    row[j] += coef;
                }
            }
            row
        })
        .filter(|row| row.iter().any(|v| *v != 0.0))
        .collect();
    let eps = 1e-9;
    let mut pivot_row = 0;
    for col in 0..unknowns.len() {
        let Some(p) = (pivot_row..m.len()).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs())) else {
            break;
        };
        if m[p][col].abs() < eps {
            continue;
        }
        m.swap(pivot_row, p);
        let pv = m[pivot_row][col];
        m[pivot_row].iter_mut().for_each(|v| *v /= pv);
        for i in 0..m.len() {
            if i != pivot_row && m[i][col].abs() > eps {
                let f = m[i][col];
                let pivot = m[pivot_row].clone();
                m[i].iter_mut().zip(&pivot).for_each(|(v, p)| *v -= f * p);
            }
        }
        pivot_row += 1;
        if pivot_row == m.len() {
            break;
        }
    }
    m.iter()
        .filter_map(|row| {
            let nz: Vec<usize> = (0..row.len()).filter(|&j| row[j].abs() > eps).collect();
            (nz.len() == 1).then(|| unknowns[nz[0]])
        })
        .collect()
}

/// The hidden cells of a published table that can be solved for exactly from the shown cells
/// and totals, as flat indices (inner cells row by row, then row totals, column totals and the
/// grand total). Empty for a safe table.
pub fn recoverable(t: &SuppressedTable) -> Vec<usize> {
    let raw = RawTable {
        row_labels: t.row_labels.clone(),
        col_labels: t.col_labels.clone(),
        cells: t.cells.iter().map(|r| r.iter().map(|_| 0).collect()).collect(),
        row_totals: t.row_totals.is_some(),
        col_totals: t.col_totals.is_some(),
    };
    let l = layout(&raw);
    let hidden: Vec<bool> = t
        .cells
        .iter()
        .flatten()
        .chain(t.row_totals.iter().flatten())
        .chain(t.col_totals.iter().flatten())
        .chain(t.grand_total.iter())
        .map(|p| *p == Published::Hidden)
        .collect();
    determined(&l.lines, &hidden)
}

/// The unhidden cell of `line` best hidden next: the smallest positive inner count, else any
/// inner cell, else a total (hiding less information first).
fn complement(l: &Layout, line: &[(usize, f64)], hidden: &[bool]) -> Option<usize> {
    let open = || line.iter().map(|&(k, _)| k).filter(|&k| !hidden[k]);
    open()
        .filter(|&k| k < l.inner && l.values[k] > 0)
        .min_by_key(|&k| l.values[k])
        .or_else(|| open().find(|&k| k < l.inner))
        .or_else(|| open().next())
}

/// Applies `rule` to a table: primary and secondary suppression, then rounding.
pub fn protect(t: &RawTable, rule: &Rule) -> SuppressedTable {
    let l = layout(t);
    let small = |v: u64| (v > 0 && v < rule.threshold) || (v == 0 && !rule.zeros_shown);
    let mut hidden: Vec<bool> = l.values.iter().map(|&v| small(v)).collect();
    let primary = hidden.iter().filter(|h| **h).count();
    loop {
        let mut changed = false;
        for line in &l.lines {
            if line.iter().filter(|(k, _)| hidden[*k]).count() == 1 {
                if let Some(k) = complement(&l, line, &hidden) {
                    hidden[k] = true;
                    changed = true;
                }
            }
        }
        if changed {
            continue;
        }
        let Some(&cell) = determined(&l.lines, &hidden).first() else { break };
        let line =
            l.lines.iter().find(|line| line.iter().any(|(k, _)| *k == cell) && complement(&l, line, &hidden).is_some());
        match line.and_then(|line| complement(&l, line, &hidden)) {
            Some(k) => hidden[k] = true,
            // Nothing left to hide beside it: hide everything (cannot happen with margins, as
            // a fully hidden line is never determined; kept so the loop always ends).
            None => hidden.iter_mut().for_each(|h| *h = true),
        }
    }
    let secondary = hidden.iter().filter(|h| **h).count() - primary;
    let publish = |k: usize| {
        if hidden[k] {
            Published::Hidden
        } else {
            Published::Count(match rule.round_to {
                Some(b) if b > 1 => (l.values[k] + b / 2) / b * b,
                _ => l.values[k],
            })
        }
    };
    let (r, c) = (t.cells.len(), t.col_labels.len());
    let mut next = r * c;
    let mut take = |count: usize| {
        let v: Vec<Published> = (next..next + count).map(publish).collect();
        next += count;
        v
    };
    let row_totals = t.row_totals.then(|| take(r));
    let col_totals = t.col_totals.then(|| take(c));
    let grand_total = (t.row_totals && t.col_totals).then(|| publish(l.values.len() - 1));
    SuppressedTable {
        row_labels: t.row_labels.clone(),
        col_labels: t.col_labels.clone(),
        cells: (0..r).map(|i| (0..c).map(|j| publish(i * c + j)).collect()).collect(),
        row_totals,
        col_totals,
        grand_total,
        primary,
        secondary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(cells: Vec<Vec<u64>>) -> RawTable {
        RawTable {
            row_labels: (0..cells.len()).map(|i| format!("r{i}")).collect(),
            col_labels: (0..cells[0].len()).map(|j| format!("c{j}")).collect(),
            cells,
            row_totals: true,
            col_totals: true,
        }
    }

    #[test]
    fn a_lone_small_cell_takes_a_partner_in_its_row_and_column() {
        let t = protect(&raw(vec![vec![3, 20, 30], vec![40, 50, 60], vec![70, 80, 90]]), &Rule::default());
        assert_eq!(t.cells[0][0], Published::Hidden);
        assert_eq!(t.primary, 1);
        assert!(t.secondary >= 3, "needs a row partner, a column partner and their crossing cell");
        assert!(recoverable(&t).is_empty());
    }

    #[test]
    fn a_table_with_nothing_small_is_published_whole() {
        let t = protect(&raw(vec![vec![10, 20], vec![30, 40]]), &Rule::default());
        assert_eq!((t.primary, t.secondary), (0, 0));
        assert_eq!(t.grand_total, Some(Published::Count(100)));
    }

    #[test]
    fn a_row_whose_only_count_is_small_hides_its_total_too() {
        let t = protect(&raw(vec![vec![3, 0, 0], vec![40, 50, 60], vec![70, 80, 90]]), &Rule::default());
        assert!(recoverable(&t).is_empty());
        assert_eq!(t.row_totals.as_ref().unwrap()[0], Published::Hidden);
    }

    #[test]
    fn rounding_goes_to_the_nearest_base() {
        let t = protect(&raw(vec![vec![12, 13], vec![27, 100]]), &Rule::with_threshold(5, Some(5)));
        assert_eq!(t.cells[0], vec![Published::Count(10), Published::Count(15)]);
        assert_eq!(t.cells[1], vec![Published::Count(25), Published::Count(100)]);
    }
}
