//! `adam backup create` and `adam backup verify` (issue #18), and the schedule `serve` takes
//! backups on (its flags are defined in `cli/backup.rs`).
//!
//! `create` takes an online, consistent backup of the store while a server may be serving and
//! writing (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump` on an exported snapshot), attachments
//! included, the key directory never; see `adam_store::backup`. `verify` restores a backup
//! into a scratch directory (a scratch database for PostgreSQL) with a scratch copy of the keys,
//! proves it and prints what it proved; with `--server` it also sends the result to ADAM's
//! continuity register as a restore test. A failed verification exits with status 1 and one
//! line naming what is wrong.

use crate::cli::Cli;
use crate::cli::backup::{BackupCommand, ScheduleArgs};
use crate::support::{keys_dir, location, off};
use adam_server::service::backup::restore_test;
use adam_store::backup::{self, Scratches, VerifyReport};
use anyhow::{Result, anyhow, bail};
use std::path::Path;

/// The exit status of a verification that failed.
const FAILED_EXIT: i32 = 1;

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
