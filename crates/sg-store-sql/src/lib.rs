//! Safeguard's SQL store: every query written once and run on SQLite or PostgreSQL.
//!
//! [`SqlStore`] implements each area trait of [`sg_store::Store`] in the module of the same
//! name (`users.rs` is `Accounts`, `cases.rs` is `Cases`, `firewall.rs` is `Firewall`, …). A
//! query's body is written once inside `read!`/`write!`/`on!` (see `db.rs`), which expand it for
//! each engine with that engine's own sqlx types, so there is no dynamic dispatch per value and
//! no query rewriting: both engines read the same text with `$1, $2, …` parameters.
//!
//! What really differs between the engines lives apart: `sqlite/` (pragmas, the single writer,
//! group commit of new cases and audit entries, `VACUUM INTO` backups) and `postgres/` (pool,
//! logical backup and restore, test databases); row locks (`FOR UPDATE`) and advisory locks are
//! the few statements guarded by [`Db::is_postgres`]. Each engine's migrations stay in its own
//! crate's `migrations/` folder, numbered in step.

mod admin;
mod approvals;
mod cases;
mod convert;
mod db;
mod drafts;
mod emergency;
mod firewall;
mod idempotency;
mod marginals;
mod monitoring;
pub mod postgres;
mod projection;
mod recommendations;
mod replay;
mod sessions;
pub mod sqlite;
mod users;

use std::marker::PhantomData;

pub use db::{Column, Conn, Db, Row};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// A Safeguard database on either engine. `E` names the engine ([`sqlite::Sqlite`] or
/// [`postgres::Postgres`]) so that each has its own opening and maintenance methods; the
/// queries themselves are the same for both.
pub struct SqlStore<E> {
    db: Db,
    /// New cases and audit entries queue here to be committed together (SQLite only).
    new_writes: Option<sqlite::group_commit::Queue>,
    engine: PhantomData<fn() -> E>,
}

impl<E> Clone for SqlStore<E> {
    fn clone(&self) -> Self {
        Self { db: self.db.clone(), new_writes: self.new_writes.clone(), engine: PhantomData }
    }
}

impl<E> SqlStore<E> {
    /// The engine's pools.
    pub fn db(&self) -> &Db {
        &self.db
    }
}
