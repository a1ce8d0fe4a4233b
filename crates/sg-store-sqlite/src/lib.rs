//! The embedded SQLite backend: one file, WAL journal, `synchronous=FULL`. The store itself is
//! `sg-store-sql`'s, whose queries serve both engines; this crate keeps SQLite's migrations
//! (`migrations/`, numbered in step with PostgreSQL's) and its tests, and names the store.

pub use sg_store_sql::sqlite::{Sqlite, SqliteStore, MIGRATOR};
