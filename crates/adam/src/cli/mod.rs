//! The command line: every subcommand, flag and help text of `adam`, as clap reads them.
//!
//! Only definitions live here — the larger commands' in their own files (`site.rs`,
//! `backup.rs`, `integrity.rs`, `raci.rs`); what each command does is in `commands/`, which
//! builds on these (and this module names nothing of it). The texts are the operator's manual
//! at the terminal, and `tests/cli.rs` checks the ones scripts rely on.

pub(crate) mod backup;
pub(crate) mod integrity;
pub(crate) mod raci;
pub(crate) mod site;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

const ABOUT: &str = "ADAM — the directory, roles, document ACLs and audit trail of a public administration";

const LONG_ABOUT: &str = "\
ADAM keeps an organisation's directory (offices, jobs, users), decides who may do what in every \
application and on every case file and document, and records every change in an audit trail.

The quickest start is a demo organisation on embedded SQLite:

    adam serve --demo

which listens on http://127.0.0.1:8080 (the web UI at /ui) and writes API tokens for the demo \
accounts to ./adam-data/demo-tokens.txt and temporary passwords for signing in to \
./adam-data/demo-passwords.txt. For a real installation, initialise the data first:

    adam init --organisation \"Mestna občina Koper\" --admin-email it@koper.si
    adam serve

Data lives in ./adam-data (change with --data or ADAM_DATA); use --database postgres://… (or \
ADAM_DATABASE) to keep it in PostgreSQL, where several ADAM servers can share it.";

#[derive(Parser)]
#[command(name = "adam", version, about = ABOUT, long_about = LONG_ABOUT)]
pub(crate) struct Cli {
    /// Directory for ADAM's data: the SQLite database and the demo tokens and passwords.
    #[arg(
        long,
        global = true,
        env = "ADAM_DATA",
        default_value = "./adam-data",
        value_name = "DIR"
    )]
    pub(crate) data: PathBuf,

    /// Database to use: `sqlite:<file>` or `postgres://user@host/db`. Default: the SQLite file
    /// adam.db in the data directory.
    #[arg(long, global = true, env = "ADAM_DATABASE", value_name = "URL")]
    pub(crate) database: Option<String>,

    /// PostgreSQL only: the URL of the role that owns ADAM's tables. Migrations run as it, and
    /// it grants the --database role only what the server needs (the audit trail and the
    /// change log: read and append, no UPDATE, DELETE or TRUNCATE); the server then works as
    /// the --database role. Without it, the --database role owns the tables.
    #[arg(long, global = true, env = "ADAM_PG_OWNER_URL", value_name = "URL")]
    pub(crate) pg_owner_url: Option<String>,

    /// Directory of the audit trail's keys and external checkpoints. Keep it out of database
    /// backups; servers sharing one database share a copy of it. Default: <data>/audit-keys.
    #[arg(long, global = true, env = "ADAM_AUDIT_KEYS", value_name = "DIR")]
    pub(crate) audit_keys: Option<PathBuf>,

    #[command(subcommand)]
    pub(crate) command: Command,
}

/// `adam serve`'s options.
#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub(crate) listen: SocketAddr,
    /// Load the demo organisation into an empty data directory first.
    #[arg(long)]
    pub(crate) demo: bool,
    /// Log format.
    #[arg(long, value_enum, default_value = "plain")]
    pub(crate) log_format: LogFormat,
    /// The largest file a record may carry, in MiB (uploads above it are refused).
    #[arg(long, default_value_t = 25, value_name = "MIB")]
    pub(crate) attachment_max_mib: u64,
    #[command(flatten)]
    pub(crate) auth: AuthArgs,
    #[command(flatten)]
    pub(crate) backup: backup::ScheduleArgs,
    #[command(flatten)]
    pub(crate) site: site::SiteArgs,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Run the server: the API and the web UI.
    #[command(long_about = "Run the HTTP API server and the web UI.\n\n\
        With --demo on an empty data directory, first loads the demo organisation (the \
        municipality of the ADAM manual, with offices, jobs, staff, roles and folders in \
        mid-workflow), writes API tokens for its accounts to <data>/demo-tokens.txt and temporary \
        passwords for signing in to <data>/demo-passwords.txt.")]
    Serve(Box<ServeArgs>),
    /// Manage an account's sign-in: set a temporary password.
    #[command(subcommand)]
    User(UserCommand),
    /// Rotate the key that seals TOTP seeds at rest.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Create a new organisation with its system administrator, and print how to sign in.
    #[command(
        long_about = "Create a new organisation in an empty data directory: ADAM's built-in \
        system roles and an `admin` account (the operator's system administrator, who manages \
        everything but never sees a document). Prints, once, the address of the web UI, the \
        administrator's temporary password (changed at the first sign-in, after which a second \
        factor is enrolled) and their API token."
    )]
    Init {
        /// The organisation's name.
        #[arg(long)]
        organisation: String,
        /// Username of the system administrator.
        #[arg(long, default_value = "admin")]
        admin: String,
        /// The administrator's e-mail address.
        #[arg(long)]
        admin_email: String,
        /// The administrator's first name.
        #[arg(long, default_value = "System")]
        first_name: String,
        /// The administrator's last name.
        #[arg(long, default_value = "Administrator")]
        last_name: String,
        /// The address people reach ADAM at (printed with the sign-in details).
        #[arg(long, env = "ADAM_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Issue, list or revoke API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Verify the audit trail, sign a checkpoint, or run the retention purge.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The level a user has on a folder or document.
    Check(Question),
    /// Why a user has the level they have: every entry, role and rule that decided it.
    Explain {
        #[command(flatten)]
        question: Question,
        /// Print the decision as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every folder or document a user reaches at a level or more.
    Lookup {
        /// The user's username.
        #[arg(long)]
        user: String,
        /// Folders or documents.
        #[arg(long, value_enum, default_value = "document")]
        kind: Kind,
        /// The least level: 11, 12, 13, 14, 21 or 22.
        #[arg(long, default_value = "14")]
        level: u8,
        /// As of this date or instant (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Assume a session with a second factor.
        #[arg(long)]
        mfa: bool,
    },
    /// Import offices, jobs, users and assignments from CSV files (all or nothing).
    #[command(long_about = "Import the organisation from a directory holding offices.csv, \
        jobs.csv, users.csv and assignments.csv (see `adam export` for the columns). Existing \
        codes are updated, new ones created; nothing is deleted. Every rejected row is \
        reported with its file and line, and then nothing at all is imported. A missing \
        directory, or one holding none of the four files, is an error. The audit trail records \
        the import as the console, with the application `adam-import (operator NAME)`.")]
    Import {
        /// The directory with the CSV files.
        dir: PathBuf,
        /// Only check the files and report what would change.
        #[arg(long)]
        dry_run: bool,
        /// Who runs the import, named in every audit record of it (default: the operating
        /// system's user, from SUDO_USER, USER or LOGNAME).
        #[arg(long, value_name = "NAME")]
        operator: Option<String>,
    },
    /// Export offices, jobs, users and assignments as CSV files.
    Export {
        /// The directory to write offices.csv, jobs.csv, users.csv and assignments.csv into.
        dir: PathBuf,
    },
    /// Integrity baselines of key servers (Art. 50(4)-(5)): scan files and submit the manifest.
    #[command(subcommand)]
    Integrity(integrity::IntegrityCommand),
    /// ADAM's own backups: take one online, or restore one into a scratch place and prove it.
    #[command(subcommand)]
    Backup(backup::BackupCommand),
    /// Certificates for the link between a primary and its standby.
    #[command(subcommand)]
    Tls(site::TlsCommand),
    /// Turn a standby into the primary of a new generation (the old primary is fenced).
    #[command(long_about = "Turn a standby into the primary of a new generation. With --server \
        (and ADAM_TOKEN), the running standby there is promoted and tells its old primary it is \
        fenced; without, the stopped standby in the data directory is promoted (its old primary \
        fences itself when it next sees this site, through --replication-peer).")]
    Promote {
        /// The standby's API (http[s]://host:port).
        #[arg(long, value_name = "URL")]
        server: Option<String>,
    },
    /// A failover drill: lose the primary, promote the standby, measure RTO and RPO, verify the
    /// audit trail and file the result in the continuity register (with ADAM_TOKEN).
    Drill(site::DrillArgs),
    /// Responsibility (RACI) matrices: who is accountable for a task at a layer of a solution.
    #[command(subcommand)]
    Raci(raci::RaciCommand),
}

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Recompute every record, the chain and every checkpoint (in the database and in the
    /// external file); exits with 1 and names the first bad record if anything was tampered with.
    Verify {
        /// Print the whole verdict as JSON.
        #[arg(long)]
        json: bool,
        /// Stretches of the trail checked side by side, each on a connection of its own (0:
        /// one per core for a long trail, one for a short one).
        #[arg(long, default_value = "0", value_parser = clap::value_parser!(u16).range(0..=64))]
        workers: u16,
    },
    /// Sign the end of the trail now and copy the checkpoints to the external file.
    Checkpoint,
    /// Delete the access records older than the retention period (except held days) and
    /// destroy their day keys; the trail stays verifiable.
    Purge {
        /// Retention period in days (Art. 57(6): at most 90 unless a hold is recorded).
        #[arg(long, default_value = "90")]
        days: u32,
    },
}

#[derive(Subcommand)]
pub(crate) enum KeysCommand {
    /// Replace `totp.key` in the key directory by a new key and re-seal every TOTP seed under
    /// it, in one transaction (after a suspected leak of the key directory, or on schedule).
    /// Enrolled authenticators keep working; the old key opens nothing any more. Servers using
    /// this key directory follow; a copy of the directory elsewhere needs the new key copied.
    RotateTotp,
}

#[derive(Subcommand)]
pub(crate) enum UserCommand {
    /// Set a temporary password for an account (read from standard input, one line; typed at a
    /// terminal it is echoed). The person must change it at the next sign-in; the account's
    /// sessions end.
    Password {
        /// The account's username.
        #[arg(long)]
        user: String,
    },
}

/// Sign-in settings of `serve`.
#[derive(Args)]
pub(crate) struct AuthArgs {
    /// Cookies without `Secure` and the `__Host-` prefix, for plain HTTP on loopback (the demo).
    /// Never on a network: the session cookie would travel in clear.
    #[arg(long)]
    pub(crate) insecure_cookies: bool,
    /// A network that is not remote access (CIDR; repeatable). From anywhere else a second
    /// factor is required. Default: loopback only.
    #[arg(long = "trusted-network", value_name = "CIDR")]
    pub(crate) trusted_networks: Vec<String>,
    /// This installation holds Z3 or C3 information (Decree Art. 53): every sign-in needs a
    /// second factor, from any network, not only administrators' and remote ones.
    #[arg(long, env = "ADAM_MFA_FOR_EVERYONE")]
    pub(crate) mfa_for_everyone: bool,
    /// The address people reach ADAM at, for links in e-mail.
    #[arg(long, env = "ADAM_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
    pub(crate) public_url: String,
    /// SMTP relay for password-reset e-mail (none: reset requests are recorded, no e-mail).
    #[arg(long, env = "ADAM_SMTP_HOST")]
    pub(crate) smtp_host: Option<String>,
    /// SMTP port (default: 465 for tls, 587 for starttls, 25 for plain).
    #[arg(long, env = "ADAM_SMTP_PORT")]
    pub(crate) smtp_port: Option<u16>,
    /// SMTP transport security.
    #[arg(long, value_enum, env = "ADAM_SMTP_SECURITY", default_value = "starttls")]
    pub(crate) smtp_security: SmtpSecurity,
    /// Sender of ADAM's e-mail.
    #[arg(long, env = "ADAM_SMTP_FROM", default_value = "ADAM <adam@localhost>")]
    pub(crate) smtp_from: String,
    /// SMTP user (the password comes from ADAM_SMTP_PASSWORD).
    #[arg(long, env = "ADAM_SMTP_USER")]
    pub(crate) smtp_user: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum SmtpSecurity {
    Tls,
    Starttls,
    /// Only for a relay on loopback.
    Plain,
}

#[derive(Subcommand)]
pub(crate) enum TokenCommand {
    /// Issue a token for an account; its secret is printed once.
    Issue {
        /// The account's username.
        #[arg(long)]
        user: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Comma-separated scopes: read, write, check, changes.
        #[arg(long, default_value = "read", value_delimiter = ',')]
        scopes: Vec<String>,
        /// Expiry date or instant.
        #[arg(long)]
        expires: Option<String>,
    },
    /// List an account's tokens (never their secrets).
    List {
        /// The account's username.
        #[arg(long)]
        user: String,
    },
    /// Revoke a token by its id.
    Revoke {
        /// The token's id.
        id: i64,
    },
}

#[derive(Args)]
pub(crate) struct Question {
    /// The user's username.
    #[arg(long)]
    pub(crate) user: String,
    /// A folder id.
    #[arg(long, conflicts_with = "document")]
    pub(crate) folder: Option<u32>,
    /// A document id.
    #[arg(long)]
    pub(crate) document: Option<u32>,
    /// As of this date or instant (default: now).
    #[arg(long)]
    pub(crate) at: Option<String>,
    /// Assume a session with a second factor.
    #[arg(long)]
    pub(crate) mfa: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Kind {
    Folder,
    Document,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum LogFormat {
    Plain,
    Json,
}
