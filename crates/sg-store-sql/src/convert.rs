//! Conversions between stored columns and domain values, and from sqlx errors to [`StoreError`].

use sg_domain::{CaseId, OrgId, UserId};
use sg_store::{Outage, StoreError};
use time::{Date, OffsetDateTime};

/// Maps a sqlx error to what the application can act on. Details go to the log, not to users.
pub fn error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(db.message().to_string()),
        sqlx::Error::Database(db) if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() => {
            // SQLITE_FULL (13), SQLITE_READONLY (8), SQLITE_CANTOPEN (14), SQLITE_IOERR (10),
            // SQLITE_BUSY (5), SQLITE_CORRUPT (11), SQLITE_NOTADB (26): the database cannot take writes.
            let code = db.code().and_then(|c| c.parse::<i64>().ok()).unwrap_or(-1);
            match sqlite_outage(code) {
                Some(why) => StoreError::Unavailable(why, db.message().to_string()),
                None => StoreError::Other(e.to_string()),
            }
        }
        sqlx::Error::Database(db) => {
            // PostgreSQL's SQLSTATE classes 08 (connection), 28 (refused sign-in), 3D (no such
            // database), 53 (disk full, out of memory, too many connections), 55 (database not
            // accepting connections), 57 (shutting down), 40 (deadlock or serialisation failure,
            // worth retrying), and 25006 (read-only): the database cannot take this request now.
            let code = db.code().map(|c| c.to_string()).unwrap_or_default();
            match outage(&code) {
                Some(why) => StoreError::Unavailable(why, db.message().to_string()),
                None => StoreError::Other(e.to_string()),
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(Outage::Down, e.to_string()),
        _ => StoreError::Other(e.to_string()),
    }
}

/// The outage an SQLite result code (extended codes keep the primary code in the low byte)
/// means, if it is one.
pub(crate) fn sqlite_outage(code: i64) -> Option<Outage> {
    match code & 0xff {
        8 => Some(Outage::ReadOnly),
        13 => Some(Outage::Full),
        5 | 10 | 11 | 14 | 26 => Some(Outage::Down),
        _ => None,
    }
}

/// The outage a SQLSTATE means, if it is one: 25006 is a read-only transaction (a standby, or
/// `default_transaction_read_only`), 53100 a full disk and 53200 out of memory.
pub(crate) fn outage(sqlstate: &str) -> Option<Outage> {
    match sqlstate {
        "25006" => Some(Outage::ReadOnly),
        "53100" | "53200" => Some(Outage::Full),
        c if c.starts_with("40") => Some(Outage::Contention),
        c if ["08", "28", "3D", "53", "55", "57"].iter().any(|class| c.starts_with(class)) => Some(Outage::Down),
        _ => None,
    }
}

const DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// A date as stored: ISO text.
pub fn date_text(d: Date) -> String {
    d.format(DATE).expect("dates format")
}

/// A stored date, or an error naming the column.
pub fn parse_date(column: &str, s: &str) -> Result<Date, StoreError> {
    Date::parse(s, DATE).map_err(|_| StoreError::Other(format!("bad date {s:?} in column {column}")))
}

/// A time as stored: Unix seconds.
pub fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// A stored time.
pub fn from_unix(t: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn parse_uuid(column: &str, s: &str) -> Result<uuid::Uuid, StoreError> {
    uuid::Uuid::try_parse(s).map_err(|_| StoreError::Other(format!("bad id {s:?} in column {column}")))
}

/// A stored case id.
pub fn case_id(s: &str) -> Result<CaseId, StoreError> {
    parse_uuid("case id", s).map(CaseId)
}
/// A stored user id.
pub fn user_id(s: &str) -> Result<UserId, StoreError> {
    parse_uuid("user id", s).map(UserId)
}
/// A stored organisation id.
pub fn org_id(s: &str) -> Result<OrgId, StoreError> {
    parse_uuid("organisation id", s).map(OrgId)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_are_known_by_sqlstate() {
        assert_eq!(outage("25006"), Some(Outage::ReadOnly));
        // "could not extend file": no word "full" in PostgreSQL's message, a full disk all the same.
        assert_eq!(outage("53100"), Some(Outage::Full));
        assert_eq!(outage("57P01"), Some(Outage::Down));
        assert_eq!(outage("08006"), Some(Outage::Down));
        assert_eq!(outage("23505"), None);
    }

    #[test]
    fn outages_are_known_by_result_code() {
        assert_eq!(sqlite_outage(8), Some(Outage::ReadOnly));
        assert_eq!(sqlite_outage(1032), Some(Outage::ReadOnly), "SQLITE_READONLY_DBMOVED, an extended code");
        assert_eq!(sqlite_outage(13), Some(Outage::Full));
        assert_eq!(sqlite_outage(5), Some(Outage::Down));
        assert_eq!(sqlite_outage(19), None, "a constraint is not an outage");
    }
}
