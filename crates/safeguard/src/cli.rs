//! The command-line interface, as documented in `shared/CONTRACT.md`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use crate::limit_args::LimitArgs;

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
    /// A database URL instead of the data directory: `sqlite://FILE` or `postgres://…`
    /// (the data directory still holds the master keys unless `--key-dir` is given).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Directory of the master key files (default: `keys` inside the data directory). Keep it
    /// out of database backups, and back it up separately.
    #[arg(long, global = true)]
    pub key_dir: Option<PathBuf>,
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
        /// Connection, time and request limits.
        #[command(flatten)]
        limits: LimitArgs,
        /// Signs a browser out after this many seconds without activity (default 1800, 30
        /// minutes; the browser suite shortens it to walk a session ending mid-form).
        #[arg(long, default_value_t = 1800, value_parser = clap::value_parser!(u32).range(5..=1800))]
        idle_timeout_seconds: u32,
        /// Checks the whole SQLite file (`PRAGMA quick_check`) before serving even when the
        /// last server closed it cleanly; without it, only after a crash or a kill.
        #[arg(long)]
        check_at_start: bool,
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
    /// The recommendation tracker: recommendations to government, their status and evidence.
    Recommendations {
        /// What to do with recommendations.
        #[command(subcommand)]
        command: RecommendationsCommand,
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
    /// Writes an encrypted backup of the whole database while it is in use.
    Backup {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// The backup file to write (must not exist).
        #[arg(long)]
        output: PathBuf,
    },
    /// Restores a backup into an empty database, then checks integrity, row counts and the
    /// audit chain's head.
    Restore {
        /// Data location (a new data directory or an empty PostgreSQL database).
        #[command(flatten)]
        data: DataArgs,
        /// The backup file to read.
        #[arg(long)]
        input: PathBuf,
    },
    /// Erases one person's identifying record; the case facts stay for statistics.
    Erase {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// The case id.
        #[arg(long)]
        case: String,
        /// Why (recorded in the audit log; no personal data).
        #[arg(long)]
        reason: String,
    },
    /// Applies the retention policy: erases the identifying record of cases inactive for YEARS.
    Retention {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// Years without any event after which a person's identifying record is erased.
        #[arg(long)]
        years: u16,
        /// Only count what would be erased.
        #[arg(long)]
        dry_run: bool,
    },
    /// Runs the benchmark suite against this binary and prints each figure (see BENCHMARKS.md).
    Bench(crate::bench::BenchArgs),
    /// The audit log.
    Audit {
        /// What to do with the audit log.
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The master keys.
    Keys {
        /// What to do with the keys.
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// The NRM rules in force: show them, compute deadlines, compare rule sets, check files.
    Rules {
        /// What to do with the rules.
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Replays the cases in the database under two rule sets and reports who gains or loses.
    Simulate {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// Rule set A: a built-in name (england-wales, scotland, northern-ireland,
        /// proposal-survivor-centred) or a rule file's path.
        #[arg(long)]
        rules: String,
        /// Rule set B, compared with A.
        #[arg(long)]
        vs: String,
        /// Only cases in this jurisdiction (default: the jurisdiction of A or B).
        #[arg(long)]
        jurisdiction: Option<String>,
        /// Only cases referred on or after this day.
        #[arg(long, value_parser = parse_date)]
        from: Option<time::Date>,
        /// Only cases referred on or before this day.
        #[arg(long, value_parser = parse_date)]
        to: Option<time::Date>,
        /// `html` or `json`.
        #[arg(long, default_value = "html")]
        format: String,
        /// Write the report to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

/// `safeguard audit …`.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Verifies the hash chain: exit 0 and the number of entries when intact; non-zero and the
    /// first broken entry otherwise.
    Verify {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// A head hash kept from an earlier verification: fails if it is no longer in the log.
        #[arg(long)]
        head: Option<String>,
        /// The audit public key (`audit public-key`, kept by a monitor): every signed checkpoint
        /// must verify with it and the last entry must be signed. Without it, the key file's.
        #[arg(long)]
        public_key: Option<String>,
    },
    /// Prints the public key that verifies the audit log's signed checkpoints, for monitors.
    PublicKey {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `safeguard keys …`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Creates a new master key and re-wraps every person's data key with it.
    Rotate {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `safeguard rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// The rules in force in a jurisdiction on a day, each with its source.
    Show {
        /// england-wales, scotland or northern-ireland.
        #[arg(long)]
        jurisdiction: String,
        /// The day (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        at: time::Date,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
        /// Another rule set (a built-in name or a file) instead of the jurisdiction's own.
        #[arg(long)]
        rules: Option<String>,
    },
    /// Prints one ISO date: the deadline of a kind, starting from a day.
    Deadline {
        /// england-wales, scotland or northern-ireland.
        #[arg(long)]
        jurisdiction: String,
        /// rg-decision, recovery-period-end or reconsideration-request.
        #[arg(long)]
        kind: String,
        /// The day the clock starts (the referral, or the decision).
        #[arg(long, value_parser = parse_date)]
        from: time::Date,
        /// Another rule set (a built-in name or a file) instead of the jurisdiction's own.
        #[arg(long)]
        rules: Option<String>,
    },
    /// The rules that differ between two rule sets on a day, or one rule set on two days.
    Diff {
        /// The first rule set (a built-in name or a file).
        #[arg(long)]
        rules: String,
        /// The second rule set (default: the first).
        #[arg(long)]
        vs: Option<String>,
        /// The day for the first rule set.
        #[arg(long, value_parser = parse_date)]
        at: time::Date,
        /// The day for the second (default: the same day).
        #[arg(long, value_parser = parse_date)]
        vs_at: Option<time::Date>,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Checks rule files, naming the file, key and problem of the first error in each.
    Check {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Parses an ISO date for clap.
fn parse_date(s: &str) -> Result<time::Date, String> {
    time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| format!("{s:?} is not a date; write YYYY-MM-DD"))
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
        /// How many days the token works (1 to 366; default 90). Implies `--token`.
        #[arg(long)]
        token_days: Option<u32>,
        /// For a decision maker: the competent authority their organisation decides for
        /// (`sca` or `ieca`; default: the organisation's, else `sca`). They see only its cases.
        #[arg(long)]
        competent_authority: Option<String>,
    },
    /// Disables a user: their sessions and API tokens stop working at once.
    Disable {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// The user's sign-in name.
        #[arg(long)]
        name: String,
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

/// `safeguard recommendations …`.
#[derive(Debug, Subcommand)]
pub enum RecommendationsCommand {
    /// Imports recommendations from a CSV file with the header
    /// `source,date,text,addressee,article,indicators,status,status_date,evidence`: all rows or
    /// none.
    Import {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// The CSV file.
        file: PathBuf,
    },
    /// Lists recommendations with their status, evidence and linked indicators' live values,
    /// after the summary line.
    List {
        /// Data location.
        #[command(flatten)]
        data: DataArgs,
        /// `text` or `json`.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
}
