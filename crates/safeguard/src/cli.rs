//! The command-line interface, as documented in `shared/CONTRACT.md`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Safeguard: identification, protection and support for survivors of modern slavery.
#[derive(Debug, Parser)]
#[command(name = "safeguard", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Directory for the embedded SQLite database and other files.
    #[arg(long, default_value = "./safeguard-data", global = true)]
    pub data_dir: PathBuf,
    /// A database URL instead of the data directory (`sqlite://FILE`; `postgres://…` later).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Runs the web server.
    Serve {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Loads demonstration data if the database has no cases.
        #[arg(long)]
        demo: bool,
        /// Marks cookies Secure with the `__Host-` prefix; use behind a TLS reverse proxy.
        #[arg(long)]
        secure_cookies: bool,
    },
    /// Manages users.
    User {
        /// What to do with users.
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Adds synthetic cases drawn from the real NRM statistics.
    Demo {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// How many cases to add.
        #[arg(long)]
        cases: u64,
        /// The seed: the same seed gives the same cases.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The Home Office NRM statistics folder to draw from (default: `../shared/data/uk-nrm`
        /// if present, else the summary built into the binary).
        #[arg(long)]
        stats_dir: Option<PathBuf>,
    },
    /// Imports public statistics into a named dataset (each import is a new version).
    Import {
        /// What to import.
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The monitoring report, with disclosure control, recorded as a publication.
    Report {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// An imported dataset (`NAME` or `NAME@VERSION`) instead of the system's own cases.
        #[arg(long)]
        dataset: Option<String>,
        /// The period: a year (`2023`) or a quarter (`2023-Q4`); default all periods.
        #[arg(long)]
        period: Option<String>,
        /// Output format.
        #[arg(long, default_value = "html", value_parser = ["html", "csv", "json", "ods"])]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Counts below this are hidden.
        #[arg(long, default_value_t = 5)]
        threshold: u64,
        /// Round shown counts to a multiple of this (e.g. 5).
        #[arg(long)]
        round: Option<u64>,
    },
    /// Exports data for research, with disclosure control.
    Export {
        /// What to export.
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Brings the database schema up to date.
    Migrate {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `safeguard user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Creates the organisation if missing, and a user in it.
    Add {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// The organisation's name.
        #[arg(long)]
        org: String,
        /// The organisation's kind, if it is new (default: from the role).
        #[arg(long)]
        org_type: Option<String>,
        /// The user's role.
        #[arg(long)]
        role: String,
        /// The user's sign-in name.
        #[arg(long)]
        name: String,
        /// Prints only an API bearer token for the user.
        #[arg(long)]
        token: bool,
    },
}

/// `safeguard import …`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// The Home Office NRM statistics tables, in the layout of `shared/data/uk-nrm`.
    NrmStats {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// The folder.
        dir: PathBuf,
        /// The dataset's name.
        #[arg(long, default_value = "uk-nrm")]
        name: String,
        /// Import the good rows even if some are rejected (the rejections are stored with it).
        #[arg(long)]
        skip_bad_rows: bool,
    },
    /// The CTDC global k-anonymised dataset (CSV).
    Ctdc {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// The CSV file.
        file: PathBuf,
        /// The dataset's name.
        #[arg(long, default_value = "ctdc")]
        name: String,
        /// Import the good rows even if some are rejected (the rejections are stored with it).
        #[arg(long)]
        skip_bad_rows: bool,
    },
}

/// `safeguard export …`.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// One row per case with only non-identifying facts.
    Cases {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// Required: only de-identified exports exist.
        #[arg(long)]
        deidentified: bool,
        /// Output format.
        #[arg(long, default_value = "csv", value_parser = ["csv"])]
        format: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Every combination of the facts an outsider might know is shared by at least this
        /// many exported cases.
        #[arg(long, default_value_t = 5)]
        k: u64,
    },
}
