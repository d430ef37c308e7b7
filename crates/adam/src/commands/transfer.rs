//! `adam import` and `adam export`: the organisation's directory as CSV files, through
//! [`adam_server::transfer`].

use crate::cli::Cli;
use crate::support::{open_state, open_store};
use adam_core::Actor;
use anyhow::{Result, anyhow, bail};
use std::path::Path;

/// Who runs an import when `--operator` does not say: the operating system's user (the one
/// behind `sudo` first).
fn os_user() -> Option<String> {
    ["SUDO_USER", "USER", "LOGNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
}

/// `adam import`: checks the files, then imports them all or nothing (or only reports, with
/// `--dry-run`), showing its progress on standard error. A missing directory, or one with none
/// of the files, is one line and exit code 1 before anything is opened.
pub(crate) async fn import(cli: &Cli, dir: &Path, dry_run: bool, operator: Option<&str>) -> Result<()> {
    let files = adam_server::transfer::check_dir(dir)?;
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    if dry_run {
        let plan = {
            let w = state.world();
            adam_server::transfer::plan_import(&w, dir, &Actor::System, state.now())
        };
        return match plan {
            Ok(plan) => {
                eprintln!(
                    "the files are valid ({} row(s) in {}); importing would do:\n{}",
                    plan.rows,
                    files.join(", "),
                    plan.summary
                );
                Ok(())
            }
            Err(report) => {
                eprintln!("{report}");
                bail!("{} problem(s) found; nothing would be imported", report.problems.len())
            }
        };
    }
    let operator = operator.map(str::to_owned).or_else(os_user);
    let mut last = 0usize;
    let outcome = adam_server::transfer::import_by(&state, dir, Actor::System, operator.as_deref(), |done, total| {
        if done == total || done >= last + 1000 {
            last = done;
            eprint!("\rchecked {done}/{total} rows");
        }
    })
    .await;
    eprintln!();
    match outcome {
        Ok(outcome) => {
            eprintln!("{} row(s) in {}; {outcome}", outcome.rows, files.join(", "));
            Ok(())
        }
        Err(e) => Err(anyhow!(e)),
    }
}

/// `adam export`: the four CSV files into `dir`.
pub(crate) async fn export(cli: &Cli, dir: &Path) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    let summary = adam_server::transfer::export(&state.world(), dir)?;
    eprintln!(
        "exported to {}: {} offices, {} jobs, {} users, {} assignments",
        summary.dir.display(),
        summary.offices,
        summary.jobs,
        summary.users,
        summary.assignments
    );
    Ok(())
}
