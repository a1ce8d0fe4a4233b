//! The `safeguard` binary: command-line parsing, configuration, and wiring the layers together.
//! This is the composition root: the only crate that picks a database backend.

mod bench;
mod cli;
mod commands;
mod database;
mod files;
mod keys;
mod limit_args;

use std::process::ExitCode;

use clap::Parser;

pub use cli::Cli;

/// Runs the command line; errors go to stderr with a non-zero exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr; `RUST_LOG` picks the level (default `info`). Never personal data: the
/// code logs ids and kinds only.
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
