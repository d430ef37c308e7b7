//! The command line of backups (issue #18): `adam backup …` and the flags with which `serve`
//! takes backups on a schedule. What they do is `commands/backup.rs`.

use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Subcommand)]
pub(crate) enum BackupCommand {
    /// Take an online backup of the store (attachments included, the key directory never).
    #[command(long_about = "Take an online, consistent backup of the store while the server \
        runs: SQLite's VACUUM INTO, or pg_dump (custom format, which must be on PATH) on \
        PostgreSQL. Attachments are in the database and so in the backup; the audit key \
        directory is never in it (keep it apart, protected like the original). The backup is one \
        file with a manifest of its members' sizes and SHA-256, the schema version and the \
        revision it ends at. By default it goes to <data>/backups, named by the time it was \
        taken; --keep N then deletes all but the newest N backups there (and nothing else).")]
    Create {
        /// Write the backup to this file.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["dir", "keep"])]
        out: Option<PathBuf>,
        /// Write it into this directory, named by the time (default: <data>/backups).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Keep only the newest N backups in the directory.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        keep: Option<u32>,
    },
    /// Restore a backup into a scratch place and prove it; exit 1 naming what is wrong.
    #[command(long_about = "Restore a backup into a scratch directory (a scratch database for \
        PostgreSQL) and prove it: every member's size and SHA-256, the schema version, the rows of \
        every table, the audit trail verified in full with a scratch copy of the key directory, \
        the trail's end, the world loaded and the revision it ends at, every attachment read back \
        whole. The live store and the live keys are only read. Prints what was proved and how long \
        it took; a failure exits with status 1 and one line naming what is wrong. With --server \
        the result is sent to ADAM's continuity register as a restore test (the token from \
        --token or ADAM_TOKEN).")]
    Verify {
        /// The backup file.
        file: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// ADAM's address, to record the verification in its continuity register.
        #[arg(long, value_name = "URL")]
        server: Option<String>,
        /// An API token with the write scope (for --server).
        #[arg(long, env = "ADAM_TOKEN", value_name = "TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// PostgreSQL backups: a server on which a scratch database may be created (default:
        /// --database when it is PostgreSQL).
        #[arg(long, value_name = "URL")]
        scratch_database: Option<String>,
    },
    /// Write a backup's members into a directory (each checked against the manifest), to
    /// restore: `adam.db` is the SQLite store, `adam.pgdump` is for `pg_restore`.
    Extract {
        /// The backup file.
        file: PathBuf,
        /// The directory to write the members into (created if missing).
        dir: PathBuf,
    },
}

/// The backups `serve` takes on a schedule.
#[derive(Args, Clone, Debug)]
pub(crate) struct ScheduleArgs {
    /// Take a backup into this directory every --backup-every, verify it, keep the newest
    /// --backup-keep.
    #[arg(long, value_name = "DIR")]
    pub(crate) backup_dir: Option<PathBuf>,
    /// How often (`30m`, `6h`, `24h`, `7d`).
    #[arg(long, default_value = "24h", value_name = "PERIOD", value_parser = parse_period)]
    pub(crate) backup_every: Duration,
    /// How many backups to keep in --backup-dir (the newest; older ones are deleted).
    #[arg(long, default_value_t = 7, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) backup_keep: u32,
}

/// A period such as `90s`, `30m`, `24h` or `7d`.
pub(crate) fn parse_period(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a period such as 30m, 24h or 7d"))?;
    let seconds = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(format!("{text:?} is not a period such as 30m, 24h or 7d")),
    };
    if seconds == 0 {
        return Err("the period must be longer than nothing".to_owned());
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::parse_period;
    use std::time::Duration;

    #[test]
    fn periods_read_as_operators_write_them() {
        assert_eq!(parse_period("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_period("30m"), Ok(Duration::from_secs(1_800)));
        assert_eq!(parse_period("7d"), Ok(Duration::from_secs(604_800)));
        assert_eq!(parse_period("90s"), Ok(Duration::from_secs(90)));
        assert!(parse_period("0h").is_err());
        assert!(parse_period("h").is_err());
        assert!(parse_period("24 hours").is_err());
    }
}
