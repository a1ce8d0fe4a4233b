//! One module per command.

mod demo;
mod rules;
mod serve;
mod simulate;
mod user;

use anyhow::Context;

use crate::cli::{Cli, Command, UserCommand};

/// Runs a parsed command line.
pub(crate) async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { data, bind, demo, secure_cookies } => serve::run(&data, bind, demo, secure_cookies).await,
        Command::User { command: UserCommand::Add { data, org, org_type, role, name, token } } => {
            user::add(&data, &org, org_type.as_deref(), &role, &name, token).await
        }
        Command::Demo { data, cases, seed, stats_dir } => demo::run(&data, cases, seed, stats_dir).await,
        Command::Rules { command } => rules::run(command),
        Command::Simulate { data, rules, vs, jurisdiction, from, to, format, output } => {
            let filter = simulate::Filter { jurisdiction, from, to };
            simulate::run(&data, &rules, &vs, filter, &format, output.as_deref()).await
        }
        Command::Migrate { data } => {
            let (_, sqlite) = crate::database::open(&data).await?;
            let version = sqlite.schema_version().await.context("cannot read the schema version")?;
            println!("database schema is at version {version}");
            Ok(())
        }
    }
}
