//! The recommendation tracker's records: recommendations made to government and the
//! append-only history of their status.

use serde::Serialize;
use sg_domain::UserId;
use time::{Date, OffsetDateTime};

/// Where a recommendation stands, as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecommendationStatus {
    /// Nothing has been done.
    NotImplemented,
    /// Some of it has been done.
    PartlyImplemented,
    /// All of it has been done.
    Implemented,
    /// The addressee declined it.
    Rejected,
    /// Nobody knows yet.
    Unknown,
}

impl RecommendationStatus {
    /// Every status, in the order forms offer them.
    pub const ALL: [RecommendationStatus; 5] = [
        RecommendationStatus::NotImplemented,
        RecommendationStatus::PartlyImplemented,
        RecommendationStatus::Implemented,
        RecommendationStatus::Rejected,
        RecommendationStatus::Unknown,
    ];

    /// The stored and typed code (`partly-implemented`).
    pub fn code(self) -> &'static str {
        match self {
            RecommendationStatus::NotImplemented => "not-implemented",
            RecommendationStatus::PartlyImplemented => "partly-implemented",
            RecommendationStatus::Implemented => "implemented",
            RecommendationStatus::Rejected => "rejected",
            RecommendationStatus::Unknown => "unknown",
        }
    }

    /// The words people read (`Partly implemented`).
    pub fn label(self) -> &'static str {
        match self {
            RecommendationStatus::NotImplemented => "Not implemented",
            RecommendationStatus::PartlyImplemented => "Partly implemented",
            RecommendationStatus::Implemented => "Implemented",
            RecommendationStatus::Rejected => "Rejected",
            RecommendationStatus::Unknown => "Unknown",
        }
    }

    /// Parses a code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether it counts towards "implemented partly or fully".
    pub fn is_implemented(self) -> bool {
        matches!(self, RecommendationStatus::PartlyImplemented | RecommendationStatus::Implemented)
    }
}

/// A recommendation made to government (or another addressee) in a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    /// Its id (a UUID).
    pub id: String,
    /// The title of the report that made it.
    pub source: String,
    /// The report's date.
    pub report_date: Date,
    /// What it recommends.
    pub text: String,
    /// Who it is addressed to (`Home Office`).
    pub addressee: String,
    /// The convention article concerned (`ECAT Art. 10`).
    pub article: String,
    /// Ids of indicators in the catalogue that measure it.
    pub indicators: Vec<String>,
    /// When it was entered.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// One entry in a recommendation's status history. Entries are only ever added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusRecord {
    /// The recommendation.
    pub recommendation_id: String,
    /// Its status.
    pub status: RecommendationStatus,
    /// The day the status describes.
    pub as_of: Date,
    /// The evidence, in words.
    pub evidence: String,
    /// Where the evidence can be read, if online.
    pub evidence_url: Option<String>,
    /// Who recorded it; `None` from the command line.
    pub recorded_by: Option<UserId>,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

/// A recommendation with its whole status history, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecommendationHistory {
    /// The recommendation.
    pub recommendation: Recommendation,
    /// Its statuses, by as-of date then by when they were recorded.
    pub history: Vec<StatusRecord>,
}
