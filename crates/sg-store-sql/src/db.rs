//! The one place the two engines meet: [`Db`] holds either engine's pools, and the macros below
//! expand one body of query code once per engine, so each query is written once and type-checked
//! (and compiled) against each engine's own types. There is no query rewriting at run time: every
//! query uses `$1, $2, …` parameters, which SQLite and PostgreSQL both read.

use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::ColumnIndex;

/// A database: SQLite's writer and reader pools, or one PostgreSQL pool.
#[derive(Clone)]
pub enum Db {
    /// One SQLite file: a pool of one writer (writes queue in-process) and a read pool.
    Sqlite {
        /// The single writer connection.
        writer: SqlitePool,
        /// Read-only connections seeing committed data through WAL snapshots.
        reader: SqlitePool,
    },
    /// A PostgreSQL database, shared by several processes.
    Postgres(PgPool),
}

impl Db {
    /// Whether this is PostgreSQL, for the few statements whose text must differ.
    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// Whether the store was closed (its pools take no more connections).
    pub fn is_closed(&self) -> bool {
        match self {
            Db::Sqlite { writer, .. } => writer.is_closed(),
            Db::Postgres(pool) => pool.is_closed(),
        }
    }
}

/// A connection inside a caller's transaction, of either engine: helpers that write part of a
/// larger transaction (audit chain, events, person keys) take one.
pub enum Conn<'c> {
    /// A SQLite connection.
    Sqlite(&'c mut SqliteConnection),
    /// A PostgreSQL connection.
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    /// The same connection for a shorter borrow, so one transaction can be handed to several
    /// helpers in turn.
    pub fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl<'c> From<&'c mut SqliteConnection> for Conn<'c> {
    fn from(c: &'c mut SqliteConnection) -> Self {
        Conn::Sqlite(c)
    }
}

impl<'c> From<&'c mut PgConnection> for Conn<'c> {
    fn from(c: &'c mut PgConnection) -> Self {
        Conn::Postgres(c)
    }
}

/// `read!(db, |pool| body)`: runs `body` with `pool` the engine's pool for reads (SQLite's read
/// pool). The body is expanded once per engine and must have the same type in both.
macro_rules! read {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { reader: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// `write!(db, |pool| body)`: as `read!`, with the pool for writes (SQLite's single writer).
macro_rules! write {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { writer: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// `on!(conn, |c| body)`: runs `body` with `c` the engine's `&mut` connection inside a
/// [`Conn`](crate::db::Conn).
macro_rules! on {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::Conn::Sqlite($c) => $body,
            $crate::db::Conn::Postgres($c) => $body,
        }
    };
}

pub(crate) use {on, read, write};

/// A column value either engine can decode (the types the schema uses).
pub trait Column<'r>: Sized {
    /// From a SQLite row.
    fn from_sqlite<I: ColumnIndex<SqliteRow>>(row: &'r SqliteRow, i: I) -> Self;
    /// From a PostgreSQL row.
    fn from_pg<I: ColumnIndex<PgRow>>(row: &'r PgRow, i: I) -> Self;
}

macro_rules! columns {
    ($($t:ty),* $(,)?) => {$(
        impl<'r> Column<'r> for $t {
            fn from_sqlite<I: ColumnIndex<SqliteRow>>(row: &'r SqliteRow, i: I) -> Self {
                sqlx::Row::get(row, i)
            }
            fn from_pg<I: ColumnIndex<PgRow>>(row: &'r PgRow, i: I) -> Self {
                sqlx::Row::get(row, i)
            }
        }
    )*};
}

columns!(
    String,
    &'r str,
    i64,
    i32,
    f64,
    bool,
    Vec<u8>,
    Option<String>,
    Option<&'r str>,
    Option<i64>,
    Option<i32>,
    Option<f64>,
    Option<bool>,
    Option<Vec<u8>>,
);

/// Reading a column by name or position from either engine's row, so row decoders are written
/// once. (It stands in for `sqlx::Row`, which shared code does not import.)
pub trait Row {
    /// The column's value; panics, as `sqlx::Row::get` does, if the schema and code disagree.
    fn get<'r, T: Column<'r>, I: ColumnIndex<SqliteRow> + ColumnIndex<PgRow>>(&'r self, i: I) -> T;
}

impl Row for SqliteRow {
    fn get<'r, T: Column<'r>, I: ColumnIndex<SqliteRow> + ColumnIndex<PgRow>>(&'r self, i: I) -> T {
        T::from_sqlite(self, i)
    }
}

impl Row for PgRow {
    fn get<'r, T: Column<'r>, I: ColumnIndex<SqliteRow> + ColumnIndex<PgRow>>(&'r self, i: I) -> T {
        T::from_pg(self, i)
    }
}
