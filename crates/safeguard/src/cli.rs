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
