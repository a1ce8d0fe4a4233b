//! Policy simulation over the stored cases: pages through every case and replays it under two
//! rule sets (the counting is `sg_rules::simulate`). Used by `safeguard simulate` and by the
//! monitors' page.

use sg_domain::{CaseEvent, DatedEvent, Jurisdiction};
use sg_rules::simulate::{Report, Simulation};
use sg_rules::RuleSet;
use sg_store::{Store, User};
use time::Date;

use crate::{App, AppError};

/// Cases read per page: enough to keep the database busy, few enough to keep memory flat.
const PAGE: u32 = 1_000;

/// Which cases to replay.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimulationFilter {
    /// Only this jurisdiction.
    pub jurisdiction: Option<Jurisdiction>,
    /// Referred on or after.
    pub from: Option<Date>,
    /// Referred on or before.
    pub to: Option<Date>,
}

/// The jurisdiction to replay: the one asked for, else the one a rule set names; refused when
/// a rule set does not speak for it.
pub fn scope(a: &RuleSet, b: &RuleSet, asked: Option<Jurisdiction>) -> Result<Option<Jurisdiction>, AppError> {
    let j = asked.or(a.jurisdiction).or(b.jurisdiction);
    if let Some(j) = j {
        if !a.applies_to(j) || !b.applies_to(j) {
            return Err(AppError::invalid(
                "jurisdiction",
                format!("{j} is not covered by both rule sets ({} and {})", a.name, b.name),
            ));
        }
    }
    Ok(j)
}

/// Replays every case in `store` that passes `filter` under `a` and `b`, judging open
/// deadlines as of `today`.
pub async fn replay(
    store: &dyn Store,
    a: &RuleSet,
    b: &RuleSet,
    filter: SimulationFilter,
    today: Date,
) -> Result<Report, AppError> {
    let mut sim = Simulation::new(a, b, today);
    let mut after = None;
    let mut events: Vec<DatedEvent> = Vec::new();
    loop {
        let page = store.all_case_events(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for record in &page {
            events.clear();
            events.extend(record.events.iter().map(|e| e.event.clone()));
            if keep(&events, filter) {
                sim.add(record.reference.as_str(), &events);
            }
        }
    }
    Ok(sim.finish())
}

/// Whether a case passes the filters, judged on its opening event.
fn keep(events: &[DatedEvent], f: SimulationFilter) -> bool {
    let Some(first) = events.first() else { return false };
    let facts = match &first.event {
        CaseEvent::ReferralReceived { facts, .. } | CaseEvent::DutyToNotifyReceived { facts } => facts,
        _ => return false,
    };
    f.jurisdiction.is_none_or(|j| facts.jurisdiction == j)
        && f.from.is_none_or(|d| facts.referred_on >= d)
        && f.to.is_none_or(|d| facts.referred_on <= d)
}

/// Simulations already run, kept until a case event is stored or the day changes: at 100,000
/// cases one replay costs seconds of CPU, and the answer is the same for every monitor.
#[derive(Debug, Default)]
pub struct SimulationCache {
    entries: tokio::sync::Mutex<CachedReports>,
    runs: std::sync::atomic::AtomicU64,
}

impl SimulationCache {
    /// How many replays this process has run (for `/metrics`).
    pub fn runs(&self) -> u64 {
        self.runs.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Reports by rule sets and jurisdiction, valid for one data version and day.
#[derive(Debug, Default)]
struct CachedReports {
    read: Option<(i64, Date)>,
    reports: std::collections::HashMap<(String, String, Option<&'static str>), Report>,
}

/// The base every count of people the simulation page shows is rounded to.
pub const ROUNDING_BASE: u64 = 5;

/// `n` to the nearest multiple of [`ROUNDING_BASE`] (halves up).
fn round(n: u64) -> u64 {
    (n + ROUNDING_BASE / 2) / ROUNDING_BASE * ROUNDING_BASE
}

/// Every count of people in `report`, and the days summed over them, rounded to the nearest
/// multiple of [`ROUNDING_BASE`]: the page is statistics, and a count of 1 to 4 (or the
/// difference of two exact counts, which the table's columns give: B = A - only A + only B)
/// could point at a person. Days summed over a group that rounds to none are shown as none, so
/// they do not reveal that someone is there.
fn rounded(report: &mut Report) {
    report.cases = round(report.cases);
    report.skipped = round(report.skipped);
    let r = &mut report.recovery_period;
    r.cases = round(r.cases);
    r.days_a = if r.cases == 0 { 0 } else { round(r.days_a) };
    r.days_b = if r.cases == 0 { 0 } else { round(r.days_b) };
    r.longer_under_b.cases = round(r.longer_under_b.cases);
    r.days_gained = if r.longer_under_b.cases == 0 { 0 } else { round(r.days_gained) };
    r.shorter_under_b.cases = round(r.shorter_under_b.cases);
    r.days_lost = if r.shorter_under_b.cases == 0 { 0 } else { round(r.days_lost) };
    for m in &mut report.measures {
        m.under_a = round(m.under_a);
        m.under_b = round(m.under_b);
        m.only_a.cases = round(m.only_a.cases);
        m.only_b.cases = round(m.only_b.cases);
    }
}

impl App {
    /// The simulation of built-in rule sets `a` and `b` for a monitor or an administrator.
    /// Monitors see statistics only: the example case references are left out and every count
    /// is rounded to the nearest 5 (`rounded`).
    pub async fn simulate(
        &self,
        user: &User,
        a: &str,
        b: &str,
        jurisdiction: Option<Jurisdiction>,
    ) -> Result<Report, AppError> {
        crate::access::check_simulate(user)?;
        // Built-in names only: a rule file's path never comes from the web.
        let a = sg_rules::builtin(a).map_err(|e| AppError::invalid("rules", e.problem))?;
        let b = sg_rules::builtin(b).map_err(|e| AppError::invalid("vs", e.problem))?;
        let filter = SimulationFilter { jurisdiction: scope(a, b, jurisdiction)?, ..Default::default() };
        let version = self.store.events_version().await?;
        let today = self.clock.today();
        // Held while a simulation runs: simultaneous requests wait for its answer instead of
        // each replaying every case, and at most one replay runs at a time.
        let mut cache = self.simulations.entries.lock().await;
        if cache.read != Some((version, today)) {
            cache.read = Some((version, today));
            cache.reports.clear();
        }
        let key = (a.name.clone(), b.name.clone(), filter.jurisdiction.map(sg_domain::Coded::code));
        if let Some(report) = cache.reports.get(&key) {
            return Ok(report.clone());
        }
        let mut report = replay(self.store.as_ref(), a, b, filter, today).await?;
        self.simulations.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        report.recovery_period.longer_under_b.examples.clear();
        report.recovery_period.shorter_under_b.examples.clear();
        for m in &mut report.measures {
            m.only_a.examples.clear();
            m.only_b.examples.clear();
        }
        rounded(&mut report);
        cache.reports.insert(key, report.clone());
        Ok(report)
    }
}
