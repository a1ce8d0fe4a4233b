//! The trend charts' time axis: a row of the trend ("2023 Q4", "2024") is placed by its date,
//! so that a missing quarter leaves a gap and 2023 Q4 to 2026 Q4 spans three years, not one
//! step; tick labels are spaced so that they do not overlap on a phone.

/// Where a trend row's period starts, as a fractional year: `2023 Q4` is 2023.75, `2024` is
/// 2024.0. `None` for a label that is neither.
pub fn when(label: &str) -> Option<f64> {
    let label = label.trim();
    match label.split_once(" Q") {
        Some((y, q)) => {
            let (y, q): (i32, u8) = (y.parse().ok()?, q.parse().ok()?);
            (1..=4).contains(&q).then(|| f64::from(y) + f64::from(q - 1) / 4.0)
        }
        None => label.parse::<i32>().ok().map(f64::from),
    }
}

/// One tick on the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeTick {
    /// Its x position.
    pub x: f64,
    /// Its label.
    pub label: String,
}

/// A time axis over a trend's rows, mapping each row to an x position proportional to its date.
#[derive(Debug, Clone)]
pub struct TimeAxis {
    /// Each row's time (a fractional year), or its index where the labels are not periods.
    times: Vec<f64>,
    /// The length of one period: a quarter (0.25) or a year (1).
    step: f64,
    left: f64,
    width: f64,
}

impl TimeAxis {
    /// The axis for `labels` drawn from `left` over `width` units.
    pub fn new(labels: &[String], left: f64, width: f64) -> TimeAxis {
        let parsed: Option<Vec<f64>> = labels.iter().map(|l| when(l)).collect();
        let (times, step) = match parsed {
            Some(t) if !t.is_empty() => {
                let quarters = labels.iter().any(|l| l.contains(" Q"));
                (t, if quarters { 0.25 } else { 1.0 })
            }
            // Not periods: evenly spaced, as before.
            _ => ((0..labels.len()).map(|i| i as f64).collect(), 1.0),
        };
        TimeAxis { times, step, left, width }
    }

    fn span(&self) -> (f64, f64) {
        let start = self.times.iter().copied().fold(f64::INFINITY, f64::min);
        let end = self.times.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (start, end)
    }

    /// The x position of a time.
    pub fn x_of(&self, t: f64) -> f64 {
        let (start, end) = self.span();
        if (end - start).abs() < f64::EPSILON {
            self.left + self.width / 2.0
        } else {
            self.left + self.width * (t - start) / (end - start)
        }
    }

    /// The x position of row `i`.
    pub fn x(&self, i: usize) -> f64 {
        self.x_of(self.times[i])
    }

    /// Whether rows `i` and `j` (i before j) are neighbouring periods, so a line may join them.
    pub fn adjacent(&self, i: usize, j: usize) -> bool {
        self.times[j] - self.times[i] < self.step * 1.5
    }

    /// Tick labels that fit `width` units at `char_width` units a character: whole years when
    /// the trend covers more than a year, else the periods themselves.
    pub fn ticks(&self, labels: &[String], char_width: f64) -> Vec<TimeTick> {
        let (start, end) = self.span();
        let candidates: Vec<(f64, String)> = if self.step < 1.0 && end - start >= 1.0 {
            let first = start.ceil() as i32;
            let last = end.floor() as i32;
            (first..=last).map(|y| (f64::from(y), y.to_string())).collect()
        } else {
            self.times.iter().copied().zip(labels.iter().cloned()).collect()
        };
        let longest = candidates.iter().map(|(_, l)| l.chars().count()).max().unwrap_or(1) as f64;
        // Room for a label and a gap of two characters between neighbours.
        let fits = ((self.width / ((longest + 2.0) * char_width)).floor() as usize).max(1);
        let every = candidates.len().div_ceil(fits).max(1);
        candidates
            .into_iter()
            .enumerate()
            .filter(|(k, _)| k % every == 0)
            .map(|(_, (t, label))| TimeTick { x: self.x_of(t), label })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn positions_are_proportional_to_dates() {
        // 2023 Q4, then three years later: the old axis put them one step apart.
        let l = labels(&["2023 Q4", "2024 Q1", "2026 Q4"]);
        let a = TimeAxis::new(&l, 0.0, 300.0);
        assert_eq!(a.x(0), 0.0);
        assert_eq!(a.x(2), 300.0);
        assert!((a.x(1) - 25.0).abs() < 1e-9, "one quarter of three years is 1/12 of the width: {}", a.x(1));
        assert!(!a.adjacent(1, 2));
        assert!(a.adjacent(0, 1));
    }

    #[test]
    fn a_missing_quarter_leaves_a_gap() {
        let l = labels(&["2024 Q1", "2024 Q2", "2024 Q4"]);
        let a = TimeAxis::new(&l, 10.0, 300.0);
        assert!((a.x(1) - a.x(0) - 100.0).abs() < 1e-9);
        assert!((a.x(2) - a.x(1) - 200.0).abs() < 1e-9, "Q3 is missing: two steps");
        assert!(a.adjacent(0, 1) && !a.adjacent(1, 2));
    }

    #[test]
    fn years_and_other_labels() {
        assert_eq!(when("2023 Q4"), Some(2023.75));
        assert_eq!(when("2021"), Some(2021.0));
        assert_eq!(when("2023 Q5"), None);
        let a = TimeAxis::new(&labels(&["2019", "2021"]), 0.0, 100.0);
        assert!(!a.adjacent(0, 1), "2020 is missing");
        let b = TimeAxis::new(&labels(&["a", "b", "c"]), 0.0, 100.0);
        assert_eq!(b.x(1), 50.0);
    }

    #[test]
    fn ticks_do_not_overlap() {
        let l: Vec<String> = (2010..2027).flat_map(|y| (1..=4).map(move |q| format!("{y} Q{q}"))).collect();
        let a = TimeAxis::new(&l, 0.0, 320.0);
        let ticks = a.ticks(&l, 9.0);
        assert!(ticks.len() >= 2 && ticks.len() <= 6, "{ticks:?}");
        assert!(ticks.iter().all(|t| !t.label.contains('Q')), "years when the trend spans years");
        for w in ticks.windows(2) {
            assert!(w[1].x - w[0].x >= 6.0 * 9.0, "{w:?} overlap");
        }
    }
}
