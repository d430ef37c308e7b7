//! The command line of `adam integrity scan` and `adam integrity submit` (Decree Art.
//! 50(4)–(5)). What they do is `commands/integrity.rs`.

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Subcommand)]
pub(crate) enum IntegrityCommand {
    /// Scan files of a server and submit the manifest to ADAM, or write it to a file.
    #[command(long_about = "Scan files of a key or high-risk server (Art. 50(4)): for every \
        file under the paths given, its SHA-256, size, mode and owner. The manifest is sent to \
        ADAM (--url and --token, or ADAM_URL and ADAM_TOKEN) and compared with the server's \
        approved baseline — or, with --baseline, submitted as a new baseline for the security \
        lead to approve. With --out it is written to a file instead, for `adam integrity \
        submit`. A mismatch prints what differs and exits with status 3.")]
    Scan {
        /// The server's code in ADAM's inventory.
        #[arg(long, value_name = "CODE")]
        server: String,
        /// Files and directories to scan.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Write the manifest to this file instead of sending it.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Submit as a new baseline rather than compare with the approved one.
        #[arg(long)]
        baseline: bool,
        #[command(flatten)]
        to: Target,
    },
    /// Send a manifest written by `adam integrity scan --out` to ADAM.
    Submit {
        /// The manifest file.
        file: PathBuf,
        /// Submit as a new baseline (whatever the file says).
        #[arg(long)]
        baseline: bool,
        #[command(flatten)]
        to: Target,
    },
}

/// Where to send a manifest.
#[derive(Args)]
pub(crate) struct Target {
    /// ADAM's address (`https://adam.example.si`).
    #[arg(long, env = "ADAM_URL", value_name = "URL")]
    pub(crate) url: Option<String>,
    /// An API token with the write scope, of an account that may submit this server's scans.
    #[arg(long, env = "ADAM_TOKEN", value_name = "TOKEN", hide_env_values = true)]
    pub(crate) token: Option<String>,
}
