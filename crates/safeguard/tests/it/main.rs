//! The integration suite as one test program: each module was once a program of its own, and
//! linking the whole server 27 times cost more than running the tests. Run one module with
//! `cargo test -p safeguard --test it MODULE::` (for example `crash::` with `--ignored`).

mod common;

mod accounts;
mod admin_pages;
mod api;
mod authorisation;
mod backup;
mod bench;
mod case_actions;
mod checker_findings;
mod cli;
mod clock;
mod consent_confirmation;
mod consent_matrix;
mod conversion;
mod crash;
mod database_faults;
mod deploy_example;
mod disk;
mod disk_cli;
mod emergency_access;
mod error_codes;
mod faults;
mod firewall;
mod firewall_matrix;
mod idempotency;
mod insiders;
mod intake_batches;
mod journeys_finished;
mod languages;
mod limits;
mod monitoring_cli;
mod monitoring_pages;
mod multi_process;
mod next_due_backfill;
mod old_reasons;
mod org_lists;
mod pages;
mod queue;
mod recommendations_cli;
mod recommendations_pages;
mod reconsideration;
mod referral_drafts;
mod relationships;
mod rules_api;
mod rules_cli;
mod rules_page;
mod scopes;
mod session_end;
mod sign_in_code;
mod statistics;
mod survivor_code;
mod survivor_exit;
mod survivor_status;
