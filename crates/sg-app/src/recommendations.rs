//! The recommendation tracker: recommendations made to government (source report, date, text,
//! addressee, convention article), the append-only history of their status with evidence, and
//! the catalogue indicators linked to each, computed live from the system's own cases.
//!
//! Statistics access only (monitors and administrators; the command line is the operator). The
//! indicator values come from the same disclosure-controlled report as `/monitoring`, so a
//! value shown here is never one that report would hide.

use std::collections::BTreeSet;

use serde::Serialize;
use sg_domain::FieldError;
use sg_stats::report::IndicatorResult;
use sg_stats::{Period, Published, Rule, CATALOGUE};
use sg_store::{Recommendation, RecommendationHistory, RecommendationStatus, StatusRecord, User};
use time::Date;

use crate::monitoring::{ReportRequest, Source};
use crate::{access, App, AppError};

/// A recommendation as typed: every field is text until validated.
#[derive(Debug, Clone, Default)]
pub struct RecommendationInput {
    /// The title of the report that made it.
    pub source: String,
    /// The report's date, `YYYY-MM-DD`.
    pub date: String,
    /// What it recommends.
    pub text: String,
    /// Who it is addressed to.
    pub addressee: String,
    /// The convention article concerned (`ECAT Art. 10`).
    pub article: String,
    /// Catalogue indicator ids, separated by spaces, commas or semicolons.
    pub indicators: String,
}

/// A new status as typed.
#[derive(Debug, Clone, Default)]
pub struct StatusInput {
    /// The recommendation's id.
    pub recommendation_id: String,
    /// A status code (`partly-implemented`).
    pub status: String,
    /// The day it describes, `YYYY-MM-DD`.
    pub as_of: String,
    /// The evidence, in words.
    pub evidence: String,
    /// Where the evidence can be read (optional).
    pub evidence_url: String,
}

/// One row of an import file: a recommendation and, optionally, its status.
#[derive(Debug, Clone, Default)]
pub struct ImportRow {
    /// The line in the file, for messages.
    pub line: u64,
    /// The recommendation.
    pub recommendation: RecommendationInput,
    /// A status code, or empty for none yet.
    pub status: String,
    /// The status's as-of date.
    pub status_date: String,
    /// The evidence; a `http(s)://` word in it is kept as the evidence's URL too.
    pub evidence: String,
}

/// A row an import refused.
#[derive(Debug, Clone)]
pub struct RowRejection {
    /// Its line in the file.
    pub line: u64,
    /// The field and the reason.
    pub error: FieldError,
}

/// What an import did: with any rejection, nothing was stored.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    /// Recommendations stored.
    pub imported: usize,
    /// Rows refused, in file order.
    pub rejected: Vec<RowRejection>,
}

/// A linked indicator's current value over the system's own cases.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorValue {
    /// Its catalogue id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The headline value in words (count, rate or mean), or why there is none.
    pub value: String,
    /// The 95% interval of a rate, in words.
    pub interval: Option<String>,
}

/// A recommendation with its current status, history and linked indicators.
#[derive(Debug, Clone, Serialize)]
pub struct TrackedRecommendation {
    /// The recommendation.
    pub recommendation: Recommendation,
    /// The latest status, or `unknown` when none is recorded.
    pub status: RecommendationStatus,
    /// The latest status record.
    pub current: Option<StatusRecord>,
    /// Every status, oldest first.
    pub history: Vec<StatusRecord>,
    /// The linked indicators' live values.
    pub indicators: Vec<IndicatorValue>,
}

/// The tracker: the summary line and every recommendation.
#[derive(Debug, Clone, Serialize)]
pub struct Tracker {
    /// "N recommendations, M implemented partly or fully".
    pub summary: String,
    /// N.
    pub total: usize,
    /// M.
    pub implemented: usize,
    /// What the indicator values are computed over.
    pub indicator_basis: String,
    /// The disclosure rule applied to the indicator values.
    pub rule: Rule,
    /// The recommendations, by report date.
    pub recommendations: Vec<TrackedRecommendation>,
}

/// The summary line, worded as the Anti-Trafficking Monitoring Group's own figure.
pub fn summary_line(total: usize, implemented: usize) -> String {
    let noun = if total == 1 { "recommendation" } else { "recommendations" };
    format!("{total} {noun}, {implemented} implemented partly or fully")
}

fn check(user: Option<&User>) -> Result<(), AppError> {
    match user {
        Some(u) => access::check_statistics(u),
        None => Ok(()),
    }
}

fn required(field: &str, value: &str, what: &str) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        Err(FieldError::new(field, format!("enter {what}")))
    } else {
        Ok(v.to_string())
    }
}

fn date(field: &str, value: &str, today: Date) -> Result<Date, FieldError> {
    let d = Date::parse(value.trim(), time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| FieldError::new(field, format!("{:?} is not a date; write YYYY-MM-DD", value.trim())))?;
    if d > today {
        return Err(FieldError::new(field, format!("{d} is in the future")));
    }
    Ok(d)
}

/// The catalogue's ids, for messages.
fn catalogue_ids() -> String {
    CATALOGUE.iter().map(|i| i.id).collect::<Vec<_>>().join(", ")
}

/// Parses indicator ids; an id not in the catalogue is refused with the list of valid ones.
pub fn parse_indicators(text: &str) -> Result<Vec<String>, FieldError> {
    let mut seen = BTreeSet::new();
    let mut out = vec![];
    for id in text.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|s| !s.is_empty()) {
        if !CATALOGUE.iter().any(|i| i.id == id) {
            return Err(FieldError::new(
                "indicators",
                format!("unknown indicator {id:?}; the catalogue's ids are: {}", catalogue_ids()),
            ));
        }
        if seen.insert(id) {
            out.push(id.to_string());
        }
    }
    Ok(out)
}

fn status_code(value: &str) -> Result<RecommendationStatus, FieldError> {
    RecommendationStatus::parse(value.trim()).ok_or_else(|| {
        let codes: Vec<_> = RecommendationStatus::ALL.iter().map(|s| s.code()).collect();
        FieldError::new("status", format!("{:?} is not a status; give one of {}", value.trim(), codes.join(", ")))
    })
}

fn url(field: &str, value: &str) -> Result<Option<String>, FieldError> {
    let v = value.trim();
    if v.is_empty() {
        Ok(None)
    } else if (v.starts_with("https://") || v.starts_with("http://")) && !v.contains(char::is_whitespace) {
        Ok(Some(v.to_string()))
    } else {
        Err(FieldError::new(field, "give a web address starting https://, or leave it empty"))
    }
}

impl App {
    fn validate_recommendation(&self, r: &RecommendationInput) -> Result<Recommendation, FieldError> {
        let today = self.clock.today();
        Ok(Recommendation {
            id: uuid::Uuid::now_v7().to_string(),
            source: required("source", &r.source, "the title of the report that made it")?,
            report_date: date("date", &r.date, today)?,
            text: required("text", &r.text, "the recommendation's text")?,
            addressee: required("addressee", &r.addressee, "who it is addressed to")?,
            article: required("article", &r.article, "the convention article concerned, e.g. ECAT Art. 10")?,
            indicators: parse_indicators(&r.indicators)?,
            created_at: self.clock.now(),
        })
    }

    /// Checks a new status against the recommendation and its history: a known status, a
    /// date neither in the future, nor before the report, nor before the latest status
    /// (the history records what was known when, so it only moves forward), and evidence.
    fn validate_status(
        &self,
        user: Option<&User>,
        recommendation: &Recommendation,
        latest: Option<Date>,
        input: &StatusInput,
    ) -> Result<StatusRecord, FieldError> {
        let status = status_code(&input.status)?;
        let as_of = date("as_of", &input.as_of, self.clock.today())?;
        if as_of < recommendation.report_date {
            return Err(FieldError::new(
                "as_of",
                format!("{as_of} is before the report made the recommendation ({})", recommendation.report_date),
            ));
        }
        if let Some(latest) = latest.filter(|l| as_of < *l) {
            return Err(FieldError::new(
                "as_of",
                format!("{as_of} is before the latest status recorded ({latest}); the history only moves forward"),
            ));
        }
        let evidence = input.evidence.trim().to_string();
        let evidence_url = url("evidence_url", &input.evidence_url)?;
        if evidence.is_empty() && status != RecommendationStatus::Unknown {
            return Err(FieldError::new("evidence", "enter the evidence for this status"));
        }
        Ok(StatusRecord {
            recommendation_id: recommendation.id.clone(),
            status,
            as_of,
            evidence,
            evidence_url,
            recorded_by: user.map(|u| u.id),
            recorded_at: self.clock.now(),
        })
    }

    /// Adds one recommendation.
    pub async fn add_recommendation(
        &self,
        user: Option<&User>,
        input: &RecommendationInput,
    ) -> Result<Recommendation, AppError> {
        check(user)?;
        let r = self.validate_recommendation(input)?;
        self.store.add_recommendations(std::slice::from_ref(&r), &[]).await?;
        self.audit_recommendation(user, format!("added {}", r.id)).await?;
        Ok(r)
    }

    /// Appends a status with its evidence to a recommendation's history.
    pub async fn record_recommendation_status(
        &self,
        user: Option<&User>,
        input: &StatusInput,
    ) -> Result<StatusRecord, AppError> {
        check(user)?;
        let id = input.recommendation_id.trim();
        if id.is_empty() {
            return Err(AppError::invalid("recommendation", "choose a recommendation"));
        }
        let all = self.store.recommendations().await?;
        let Some(h) = all.iter().find(|h| h.recommendation.id == id) else {
            return Err(AppError::invalid("recommendation", "there is no such recommendation"));
        };
        let latest = h.history.last().map(|s| s.as_of);
        let s = self.validate_status(user, &h.recommendation, latest, input)?;
        self.store.add_recommendation_status(&s).await?;
        self.audit_recommendation(user, format!("status of {id} as of {}", s.as_of)).await?;
        Ok(s)
    }

    /// Imports recommendations with their statuses: every row is checked first, and with any
    /// row refused nothing is stored, so a file is never half-imported.
    pub async fn import_recommendations(
        &self,
        user: Option<&User>,
        rows: &[ImportRow],
    ) -> Result<ImportOutcome, AppError> {
        check(user)?;
        let mut recommendations = vec![];
        let mut statuses = vec![];
        let mut rejected = vec![];
        for row in rows {
            let result = self.validate_recommendation(&row.recommendation).and_then(|r| {
                let status = match (row.status.trim().is_empty(), row.status_date.trim().is_empty()) {
                    (true, true) => None,
                    (true, false) => return Err(FieldError::new("status", "a status date needs a status")),
                    (false, true) => return Err(FieldError::new("status_date", "enter the date of the status")),
                    (false, false) => {
                        let evidence_url = row
                            .evidence
                            .split_whitespace()
                            .find(|w| w.starts_with("https://") || w.starts_with("http://"))
                            .map(String::from)
                            .unwrap_or_default();
                        let input = StatusInput {
                            recommendation_id: r.id.clone(),
                            status: row.status.clone(),
                            as_of: row.status_date.clone(),
                            evidence: row.evidence.clone(),
                            evidence_url,
                        };
                        // The file calls the as-of date `status_date`: name the column it has.
                        Some(self.validate_status(user, &r, None, &input).map_err(|e| match e.field.as_str() {
                            "as_of" => FieldError::new("status_date", e.message),
                            _ => e,
                        })?)
                    }
                };
                Ok((r, status))
            });
            match result {
                Ok((r, s)) => {
                    recommendations.push(r);
                    statuses.extend(s);
                }
                Err(error) => rejected.push(RowRejection { line: row.line, error }),
            }
        }
        if !rejected.is_empty() {
            return Ok(ImportOutcome { imported: 0, rejected });
        }
        self.store.add_recommendations(&recommendations, &statuses).await?;
        let detail = format!("imported {} recommendations, {} statuses", recommendations.len(), statuses.len());
        self.audit_recommendation(user, detail).await?;
        Ok(ImportOutcome { imported: recommendations.len(), rejected })
    }

    /// Records a change to the tracker in the audit chain (no personal data: ids and dates).
    async fn audit_recommendation(&self, user: Option<&User>, detail: String) -> Result<(), AppError> {
        self.audit(user, sg_audit::AuditAction::RecommendationRecorded, None, sg_audit::Outcome::Allowed, detail).await
    }

    /// Every recommendation with its current status, history and linked indicators' live
    /// values, and the summary line.
    pub async fn recommendation_tracker(&self, user: Option<&User>) -> Result<Tracker, AppError> {
        check(user)?;
        let all = self.store.recommendations().await?;
        let rule = Rule::default();
        // One report for every linked indicator, built only when one is linked: the same
        // machinery and disclosure control as the monitoring report over the own cases.
        let report = if all.iter().any(|h| !h.recommendation.indicators.is_empty()) {
            let req = ReportRequest { source: Source::OwnCases, period: Period::All, rule: rule.clone() };
            Some(self.monitoring_report(user, &req).await?.report)
        } else {
            None
        };
        let value_of = |id: &str| -> IndicatorValue {
            let title = CATALOGUE.iter().find(|i| i.id == id).map(|i| i.title).unwrap_or(id);
            let found = report.as_ref().and_then(|r| r.indicators.iter().find(|i| i.indicator.id == id));
            let (value, interval) = match found {
                Some(r) => describe(r),
                None => ("not in the report".into(), None),
            };
            IndicatorValue { id: id.into(), title: title.into(), value, interval }
        };
        let recommendations: Vec<TrackedRecommendation> = all
            .into_iter()
            .map(|RecommendationHistory { recommendation, history }| {
                let current = history.last().cloned();
                TrackedRecommendation {
                    status: current.as_ref().map(|s| s.status).unwrap_or(RecommendationStatus::Unknown),
                    indicators: recommendation.indicators.iter().map(|id| value_of(id)).collect(),
                    recommendation,
                    current,
                    history,
                }
            })
            .collect();
        let total = recommendations.len();
        let implemented = recommendations.iter().filter(|r| r.status.is_implemented()).count();
        Ok(Tracker {
            summary: summary_line(total, implemented),
            total,
            implemented,
            indicator_basis: format!("cases recorded in this Safeguard, all periods, as of {}", self.clock.today()),
            rule,
            recommendations,
        })
    }
}

/// An indicator's headline in words, and its interval when it is a rate.
fn describe(r: &IndicatorResult) -> (String, Option<String>) {
    if !r.available {
        return (format!("not available: {}", r.note.clone().unwrap_or_default()), None);
    }
    let mut parts = vec![];
    match r.headline {
        Some(Published::Count(n)) => parts.push(n.to_string()),
        Some(Published::Hidden) => parts.push("count withheld (too few to show safely)".to_string()),
        None => {}
    }
    let mut interval = None;
    if let Some(rate) = &r.headline_rate {
        parts.push(format!("{:.1}%", rate.estimate * 100.0));
        interval = Some(format!("95% CI {:.1}% to {:.1}%", rate.lower * 100.0, rate.upper * 100.0));
    }
    if let Some(m) = r.headline_mean {
        parts.push(format!("mean {m:.0} days"));
    }
    if parts.is_empty() {
        parts.push("no value for this period".into());
    }
    (parts.join("; "), interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_reads_like_the_sector_figure() {
        assert_eq!(summary_line(237, 104), "237 recommendations, 104 implemented partly or fully");
        assert_eq!(summary_line(1, 0), "1 recommendation, 0 implemented partly or fully");
    }

    #[test]
    fn unknown_indicator_ids_are_refused_naming_the_catalogue() {
        assert_eq!(
            parse_indicators("referrals; rg-positive-rate referrals").unwrap(),
            ["referrals", "rg-positive-rate"]
        );
        let e = parse_indicators("referrals nope").unwrap_err();
        assert_eq!(e.field, "indicators");
        assert!(e.message.contains("\"nope\"") && e.message.contains("time-to-cg"), "{}", e.message);
    }
}
