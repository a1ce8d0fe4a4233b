//! One module per command.

mod demo;
mod monitoring;
mod serve;
mod user;

use anyhow::Context;

use crate::cli::{Cli, Command, ExportCommand, ImportCommand, UserCommand};

/// Runs a parsed command line.
pub(crate) async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { data, bind, demo, secure_cookies } => serve::run(&data, bind, demo, secure_cookies).await,
        Command::User { command: UserCommand::Add { data, org, org_type, role, name, token } } => {
            user::add(&data, &org, org_type.as_deref(), &role, &name, token).await
        }
        Command::Demo { data, cases, seed, stats_dir } => demo::run(&data, cases, seed, stats_dir).await,
        Command::Import { command: ImportCommand::NrmStats { data, dir, name, skip_bad_rows } } => {
            monitoring::import(&data, monitoring::Kind::NrmStats, &dir, &name, skip_bad_rows).await
        }
        Command::Import { command: ImportCommand::Ctdc { data, file, name, skip_bad_rows } } => {
            monitoring::import(&data, monitoring::Kind::Ctdc, &file, &name, skip_bad_rows).await
        }
        Command::Report { data, dataset, period, format, output, threshold, round } => {
            let args = monitoring::ReportArgs { dataset, period, format, output, threshold, round };
            monitoring::report(&data, args).await
        }
        Command::Export { command: ExportCommand::Cases { data, deidentified, format: _, output, k } } => {
            monitoring::export_cases(&data, deidentified, output, k).await
        }
        Command::Migrate { data } => {
            let (_, sqlite) = crate::database::open(&data).await?;
            let version = sqlite.schema_version().await.context("cannot read the schema version")?;
            println!("database schema is at version {version}");
            Ok(())
        }
    }
}
