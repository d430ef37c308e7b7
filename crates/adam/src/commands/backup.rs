//! `adam backup create` and `adam backup verify` (issue #18), and the flags with which `serve`
//! takes backups on a schedule.
//!
//! `create` takes an online, consistent backup of the store while a server may be serving and
//! writing (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump` on an exported snapshot), attachments
//! included, the key directory never; see `adam_store::backup`. `verify` restores a backup
//! into a scratch directory (a scratch database for PostgreSQL) with a scratch copy of the keys,
//! proves it and prints what it proved; with `--server` it also sends the result to ADAM's
//! continuity register as a restore test. A failed verification exits with status 1 and one
//! line naming what is wrong.

use crate::cli::Cli;
use crate::support::{keys_dir, location, off};
use adam_server::service::backup::restore_test;
use adam_store::backup::{self, Scratches, VerifyReport};
use anyhow::{Result, anyhow, bail};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The exit status of a verification that failed.
const FAILED_EXIT: i32 = 1;

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

/// The schedule of `serve`, if `--backup-dir` was given.
pub(crate) fn schedule(cli: &Cli, args: &ScheduleArgs) -> Result<Option<adam_server::service::backup::Schedule>> {
    let Some(dir) = &args.backup_dir else {
        return Ok(None);
    };
    Ok(Some(adam_server::service::backup::Schedule {
        location: location(cli)?,
        keys: keys_dir(cli),
        dir: dir.clone(),
        every: args.backup_every,
        keep: args.backup_keep as usize,
    }))
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Runs `adam backup …`.
pub(crate) async fn backup(cli: &Cli, command: &BackupCommand) -> Result<()> {
    match command {
        BackupCommand::Create { out, dir, keep } => create(cli, out.as_deref(), dir.as_deref(), *keep).await,
        BackupCommand::Verify {
            file,
            json,
            server,
            token,
            scratch_database,
        } => {
            verify(
                cli,
                file,
                *json,
                server.as_deref(),
                token.as_deref(),
                scratch_database.as_deref(),
            )
            .await
        }
        BackupCommand::Extract { file, dir } => extract(file, dir).await,
    }
}

async fn create(cli: &Cli, out: Option<&Path>, dir: Option<&Path>, keep: Option<u32>) -> Result<()> {
    let location = location(cli)?;
    let millis = now_millis();
    let (file, dir) = match out {
        Some(file) => (file.to_path_buf(), None),
        None => {
            let dir = dir.map_or_else(|| cli.data.join("backups"), Path::to_path_buf);
            std::fs::create_dir_all(&dir).map_err(|e| anyhow!("cannot create {}: {e}", dir.display()))?;
            (dir.join(backup::retention::file_name(millis)), Some(dir))
        }
    };
    let target = file.clone();
    let created = off(move || backup::create(&location, &target, millis.div_euclid(1000))).await??;
    let m = &created.manifest;
    println!(
        "backup written to {}: {}, {} backend, schema {}, revision {}, {} audit records, {} rows in {} tables, \
         {} attachment(s); took {:.1} s",
        file.display(),
        size(created.bytes),
        m.backend,
        m.schema_version,
        m.revision,
        m.audit.records,
        m.total_records(),
        m.tables.len(),
        m.attachments,
        created.duration_ms as f64 / 1000.0
    );
    println!(
        "the key directory ({}) is not in it: keep a copy apart, protected like the original",
        keys_dir(cli).display()
    );
    if let (Some(dir), Some(keep)) = (dir, keep) {
        let deleted = off(move || backup::retention::prune(&dir, keep as usize)).await??;
        if !deleted.is_empty() {
            println!("deleted {} older backup(s), keeping the newest {keep}", deleted.len());
        }
    }
    Ok(())
}

/// Writes the members of a backup into `dir`, each checked against the manifest.
async fn extract(file: &Path, dir: &Path) -> Result<()> {
    let (from, to) = (file.to_path_buf(), dir.to_path_buf());
    let manifest = off(move || backup::extract(&from, &to)).await??;
    for m in &manifest.members {
        println!(
            "{} ({} bytes, SHA-256 as in the manifest)",
            dir.join(&m.name).display(),
            m.size
        );
    }
    println!(
        "a {} backup of revision {}; put it in place with the installation's key directory",
        manifest.backend, manifest.revision
    );
    Ok(())
}

fn size(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

async fn verify(
    cli: &Cli,
    file: &Path,
    json: bool,
    server: Option<&str>,
    token: Option<&str>,
    scratch_database: Option<&str>,
) -> Result<()> {
    // Where it will be recorded is checked before the verification, which may take long.
    let target = match server {
        Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
            bail!("--server must start with http:// or https://, not {url:?}")
        }
        Some(url) => match token {
            Some(token) => Some((url.to_owned(), token.to_owned())),
            None => bail!("--server needs a token: --token or ADAM_TOKEN"),
        },
        None => None,
    };
    let postgres = scratch_database.map(str::to_owned).or_else(|| {
        cli.database
            .clone()
            .filter(|d| d.starts_with("postgres://") || d.starts_with("postgresql://"))
    });
    let keys = keys_dir(cli);
    let path = file.to_path_buf();
    let report = off(move || {
        backup::verify_report(
            &path,
            &keys,
            Scratches {
                dir: None,
                postgres: postgres.as_deref(),
            },
        )
    })
    .await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    match target {
        Some((url, token)) => record(&url, &token, &report).await?,
        None => println!("not recorded in ADAM's continuity register (give --server to record it)"),
    }
    if let Some(failure) = &report.failure {
        eprintln!("error: backup verification failed: {failure}");
        std::process::exit(FAILED_EXIT);
    }
    Ok(())
}

fn print_report(report: &VerifyReport) {
    for (i, check) in report.checks.iter().enumerate() {
        match report.check_ms.get(i) {
            Some(ms) => println!("ok: {check} ({:.2} s)", *ms as f64 / 1000.0),
            None => println!("ok: {check}"),
        }
    }
    if report.passed {
        println!(
            "backup {} verified in {:.1} s: it restores to revision {}",
            report.file,
            report.duration_ms as f64 / 1000.0,
            report.revision.unwrap_or(0)
        );
    }
}

/// Sends the verification to ADAM's continuity register as a restore test.
async fn record(url: &str, token: &str, report: &VerifyReport) -> Result<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let body = serde_json::to_vec(&restore_test(report, adam_core::Timestamp(now)))?;
    let (url, token) = (url.to_owned(), token.to_owned());
    let (status, answer) =
        off(move || crate::commands::integrity::post_json(&url, "/api/v1/continuity/tests", &token, &body)).await??;
    if !(200..300).contains(&status) {
        let detail = serde_json::from_slice::<serde_json::Value>(&answer)
            .ok()
            .and_then(|j| j["detail"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "no detail".to_owned());
        bail!("ADAM refused the restore test ({status}): {detail}");
    }
    println!("recorded in ADAM's continuity register as a restore test");
    Ok(())
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
