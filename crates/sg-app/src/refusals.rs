//! Repeated refusals, aggregated in the audit log.
//!
//! Every refused request used to write its own audit entry: one token sending refused requests
//! as fast as it could wrote 13,535 entries in ten seconds, each one a write on the single
//! writer. Now, within a window of [`WINDOW_SECS`] per actor and action, the first
//! [`WRITTEN_PER_CASE`] refusals of each case (and of no case) are written one by one, as
//! before, for up to [`CASES_PER_WINDOW`] cases; the rest are counted and written as one
//! summary entry per case (or one for "other cases") when the window ends. The fact that
//! refusals happened is always written at once; only the repetitions wait for the summary.
//! Counts live in the process until written: a crash loses at most the count of one window's
//! repetitions, never the first entries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use sg_audit::{AuditRecord, Outcome};
use sg_domain::Coded;

use crate::{App, AppError};

/// How long one aggregation window lasts, in seconds.
pub const WINDOW_SECS: i64 = 60;
/// Refusals of one actor, action and case written one by one per window.
pub const WRITTEN_PER_CASE: u32 = 3;
/// Distinct cases per actor and action written one by one per window; refusals of further
/// cases are counted together.
pub const CASES_PER_WINDOW: usize = 100;

/// The words that begin a summary entry's detail (`repeated: N more ...`).
pub const SUMMARY_PREFIX: &str = "repeated:";

/// Refusals seen by this process, and those held back in the current windows.
#[derive(Debug, Default)]
pub struct RefusalLog {
    windows: Mutex<HashMap<(String, &'static str), Window>>,
    total: AtomicU64,
}

/// One actor's refusals of one action within a window.
#[derive(Debug)]
struct Window {
    started: i64,
    last: i64,
    /// A record of the window (actor, role, action) to copy into summaries.
    template: AuditRecord,
    /// Refusals written one by one, by case (`None`: no case).
    written: HashMap<Option<String>, u32>,
    /// Refusals only counted, by case; `Some("")` stands for the cases past the limit.
    held: HashMap<Option<String>, u64>,
}

/// The key that stands for cases past [`CASES_PER_WINDOW`].
const OTHER_CASES: &str = "";

impl RefusalLog {
    /// How many refusals this process has seen since it started (for `/metrics`).
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// Notes a refusal at `now`: whether to write `record` itself, and the summaries of the
    /// windows that ended before `now`.
    fn note(&self, record: &AuditRecord, now: i64) -> (bool, Vec<AuditRecord>) {
        self.total.fetch_add(1, Ordering::Relaxed);
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let mut summaries = take_ended(&mut windows, Some(now));
        let key = (record.actor.clone().unwrap_or_default(), record.action.code());
        let window = windows.entry(key).or_insert_with(|| Window {
            started: now,
            last: now,
            template: record.clone(),
            written: HashMap::new(),
            held: HashMap::new(),
        });
        window.last = now;
        let case = record.case_id.clone();
        summaries.sort_by_key(|r| r.at);
        let held_key = match window.written.get(&case).copied() {
            Some(n) if n < WRITTEN_PER_CASE => {
                window.written.insert(case, n + 1);
                return (true, summaries);
            }
            None if window.written.len() < CASES_PER_WINDOW => {
                window.written.insert(case, 1);
                return (true, summaries);
            }
            Some(_) => case,
            None => Some(OTHER_CASES.to_string()),
        };
        *window.held.entry(held_key).or_insert(0) += 1;
        (false, summaries)
    }

    /// The summaries of windows ended before `now` (every window when `None`), removed.
    fn ended(&self, now: Option<i64>) -> Vec<AuditRecord> {
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        take_ended(&mut windows, now)
    }
}

/// Removes the windows ended before `now` (all when `None`) and returns their summaries.
fn take_ended(windows: &mut HashMap<(String, &'static str), Window>, now: Option<i64>) -> Vec<AuditRecord> {
    let ended: Vec<_> = windows
        .iter()
        .filter(|(_, w)| now.is_none_or(|n| n - w.started >= WINDOW_SECS))
        .map(|(k, _)| k.clone())
        .collect();
    let mut out = Vec::new();
    for key in ended {
        let Some(w) = windows.remove(&key) else { continue };
        let mut held: Vec<_> = w.held.into_iter().collect();
        held.sort();
        for (case, n) in held {
            let (case_id, which) = match case.as_deref() {
                Some(OTHER_CASES) => (None, " on other cases"),
                _ => (case, ""),
            };
            out.push(AuditRecord {
                at: w.last,
                case_id,
                outcome: Outcome::Refused,
                detail: format!(
                    "{SUMMARY_PREFIX} {n} more refused{which} from {} to {} (unix seconds), not written one by one",
                    w.started, w.last
                ),
                ..w.template.clone()
            });
        }
    }
    out
}

impl App {
    /// Appends a refusal's audit record, or counts it when the same actor was refused the same
    /// way many times in the current window (see [`crate::refusals`]); writes the summaries of
    /// windows that have ended.
    pub(crate) async fn audit_refusal(&self, record: AuditRecord) -> Result<(), AppError> {
        let now = self.clock.now().unix_timestamp();
        let (write, mut records) = self.refusals.note(&record, now);
        if write {
            records.push(record);
        }
        if !records.is_empty() {
            self.store.append_audit(&records).await?;
        }
        Ok(())
    }

    /// Writes the summaries of aggregation windows that have ended (every window with `all`,
    /// as the server stops). The server calls this now and then, so that a count is written
    /// even when the actor stops being refused.
    pub async fn flush_refusals(&self, all: bool) -> Result<(), AppError> {
        let now = self.clock.now().unix_timestamp();
        let records = self.refusals.ended((!all).then_some(now));
        if !records.is_empty() {
            self.store.append_audit(&records).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sg_audit::AuditAction;

    fn refusal(case: Option<&str>, at: i64) -> AuditRecord {
        AuditRecord {
            at,
            actor: Some("u1".into()),
            role: "police".into(),
            action: AuditAction::IdentityRead,
            case_id: case.map(String::from),
            outcome: Outcome::Refused,
            detail: "no consent".into(),
        }
    }

    #[test]
    fn repetitions_are_counted_and_summarised_when_the_window_ends() {
        let log = RefusalLog::default();
        let written = (0..50).filter(|i| log.note(&refusal(Some("c1"), 1000 + i / 10), 1000 + i / 10).0).count();
        assert_eq!(written, WRITTEN_PER_CASE as usize);
        assert!(log.ended(Some(1000 + WINDOW_SECS - 1)).is_empty(), "the window is still open");
        let summaries = log.ended(Some(1000 + WINDOW_SECS));
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].case_id.as_deref(), Some("c1"));
        assert!(
            summaries[0].detail.starts_with("repeated: 47 more refused from 1000 to 1004"),
            "{}",
            summaries[0].detail
        );
        assert_eq!(log.total(), 50);
    }

    #[test]
    fn each_case_is_written_until_the_limit_then_counted_together() {
        let log = RefusalLog::default();
        let cases: Vec<String> = (0..CASES_PER_WINDOW + 20).map(|i| format!("c{i}")).collect();
        let written = cases.iter().filter(|c| log.note(&refusal(Some(c), 5), 5).0).count();
        assert_eq!(written, CASES_PER_WINDOW);
        let summaries = log.ended(None);
        assert_eq!(summaries.len(), 1);
        assert_eq!(summaries[0].case_id, None);
        assert!(summaries[0].detail.starts_with("repeated: 20 more refused on other cases"), "{}", summaries[0].detail);
    }

    #[test]
    fn a_refusal_after_the_window_starts_a_new_one_and_returns_the_old_summary() {
        let log = RefusalLog::default();
        for _ in 0..5 {
            log.note(&refusal(None, 0), 0);
        }
        let (write, summaries) = log.note(&refusal(None, WINDOW_SECS), WINDOW_SECS);
        assert!(write, "a new window writes its first refusals");
        assert_eq!(summaries.len(), 1);
        assert!(summaries[0].detail.starts_with("repeated: 2 more refused"));
    }
}
