//! Safeguard's monitoring statistics: the indicator catalogue, the uncertainty around each figure,
//! the comparisons between groups, and the disclosure control every published table passes.
//!
//! This crate is pure: no IO, no async, no clock. Callers hand in [`Table`]s of weighted
//! [`Cell`]s (one cell per case for the system's own cases, one per published count for official
//! statistics) and get back figures ready to publish. Nothing here can leave the system without
//! going through [`disclosure`], because the report builder applies it to every table it makes.

pub mod catalogue;
pub mod cells;
pub mod compare;
mod coverage;
pub mod deidentify;
pub mod disclosure;
mod figures;
pub mod interval;
mod kinds;
pub mod period;
pub mod report;

pub use catalogue::{Indicator, CATALOGUE};
pub use cells::{Cell, Dim, Measure, Month, NationalityGroup, Period, Table};
pub use disclosure::{Published, Rule, SuppressedTable};
pub use report::{build_report, Report, ReportOptions};
