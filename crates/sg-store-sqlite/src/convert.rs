//! Conversions between stored columns and domain values, and from sqlx errors to [`StoreError`].

use sg_domain::{CaseId, OrgId, UserId};
use sg_store::{Outage, StoreError};
use time::{Date, OffsetDateTime};

/// Maps a sqlx error to what the application can act on. Details go to the log, not to users.
pub(crate) fn error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_string()),
        sqlx::Error::Database(db) => {
            // SQLITE_FULL (13), SQLITE_READONLY (8), SQLITE_CANTOPEN (14), SQLITE_IOERR (10),
            // SQLITE_BUSY (5), SQLITE_CORRUPT (11), SQLITE_NOTADB (26): the database cannot take writes.
            let code = db.code().and_then(|c| c.parse::<i64>().ok()).unwrap_or(-1);
            match outage(code) {
                Some(why) => StoreError::Unavailable(why, db.message().to_string()),
                None => StoreError::Other(e.to_string()),
            }
        }
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            StoreError::Unavailable(Outage::Down, e.to_string())
        }
        _ => StoreError::Other(e.to_string()),
    }
}

/// The outage an SQLite result code (extended codes keep the primary code in the low byte)
/// means, if it is one.
pub(crate) fn outage(code: i64) -> Option<Outage> {
    match code & 0xff {
        8 => Some(Outage::ReadOnly),
        13 => Some(Outage::Full),
        5 | 10 | 11 | 14 | 26 => Some(Outage::Down),
        _ => None,
    }
}

const DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub(crate) fn date_text(d: Date) -> String {
    d.format(DATE).expect("dates format")
}

pub(crate) fn parse_date(column: &str, s: &str) -> Result<Date, StoreError> {
    Date::parse(s, DATE).map_err(|_| StoreError::Other(format!("bad date {s:?} in column {column}")))
}

pub(crate) fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

pub(crate) fn from_unix(t: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn parse_uuid(column: &str, s: &str) -> Result<uuid::Uuid, StoreError> {
    uuid::Uuid::try_parse(s).map_err(|_| StoreError::Other(format!("bad id {s:?} in column {column}")))
}

pub(crate) fn case_id(s: &str) -> Result<CaseId, StoreError> {
    parse_uuid("case id", s).map(CaseId)
}
pub(crate) fn user_id(s: &str) -> Result<UserId, StoreError> {
    parse_uuid("user id", s).map(UserId)
}
pub(crate) fn org_id(s: &str) -> Result<OrgId, StoreError> {
    parse_uuid("organisation id", s).map(OrgId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_are_known_by_result_code() {
        assert_eq!(outage(8), Some(Outage::ReadOnly));
        assert_eq!(outage(1032), Some(Outage::ReadOnly), "SQLITE_READONLY_DBMOVED, an extended code");
        assert_eq!(outage(13), Some(Outage::Full));
        assert_eq!(outage(5), Some(Outage::Down));
        assert_eq!(outage(19), None, "a constraint is not an outage");
    }
}
