//! One module per command.

mod audit;
mod backup;
mod backup_stream;
mod demo;
mod monitoring;
mod recommendations;
mod rules;
mod serve;
mod simulate;
mod user;

use anyhow::Context;

use crate::cli::{
    AuditCommand, Cli, Command, ExportCommand, ImportCommand, KeysCommand, RecommendationsCommand, UserCommand,
};

/// Runs a parsed command line.
pub(crate) async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { data, bind, demo, secure_cookies, limits, idle_timeout_seconds, check_at_start } => {
            serve::run(&data, bind, demo, secure_cookies, &limits, idle_timeout_seconds, check_at_start).await
        }
        Command::User {
            command: UserCommand::Add { data, org, org_type, role, name, token, token_days, competent_authority },
        } => {
            let token_days = token_days.or(token.then_some(sg_app::auth::TOKEN_LIFETIME_DAYS));
            user::add(&data, &org, org_type.as_deref(), &role, &name, token_days, competent_authority.as_deref()).await
        }
        Command::Bench(args) => crate::bench::run(args).await,
        Command::Demo { data, cases, seed, stats_dir } => demo::run(&data, cases, seed, stats_dir).await,
        Command::User { command: UserCommand::Disable { data, name } } => user::disable(&data, &name).await,
        Command::Erase { data, case, reason } => audit::erase(&data, &case, &reason).await,
        Command::Retention { data, years, dry_run } => audit::retention(&data, years, dry_run).await,
        Command::Audit { command: AuditCommand::Verify { data, head, public_key } } => {
            audit::verify(&data, head.as_deref(), public_key.as_deref()).await
        }
        Command::Audit { command: AuditCommand::PublicKey { data } } => audit::public_key(&data),
        Command::Keys { command: KeysCommand::Rotate { data } } => audit::rotate_keys(&data).await,
        Command::Rules { command } => rules::run(command),
        Command::Simulate { data, rules, vs, jurisdiction, from, to, format, output } => {
            let filter = simulate::Filter { jurisdiction, from, to };
            simulate::run(&data, &rules, &vs, filter, &format, output.as_deref()).await
        }
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
        Command::Recommendations { command: RecommendationsCommand::Import { data, file } } => {
            recommendations::import(&data, &file).await
        }
        Command::Recommendations { command: RecommendationsCommand::List { data, format } } => {
            recommendations::list(&data, &format).await
        }
        Command::Backup { data, output } => backup::backup(&data, &output).await,
        Command::Restore { data, input } => backup::restore(&data, &input).await,
        Command::Migrate { data } => {
            let (_, backend) = crate::database::open(&data).await?;
            let version = backend.schema_version().await.context("cannot read the schema version")?;
            println!("database schema is at version {version}");
            Ok(())
        }
    }
}
