//! The PostgreSQL backend, for a coalition, a region or a nation sharing one database behind
//! several server processes. The store itself is `sg-store-sql`'s, whose queries serve both
//! engines; this crate keeps PostgreSQL's migrations (`migrations/`, numbered in step with
//! SQLite's) and the conformance tests that tell one story to both backends.

pub use sg_store_sql::postgres::{
    testing, DumpHead, PgStore, Postgres, TableDump, WriteHead, DUMP_PAGE, MIGRATOR, TABLES,
};
