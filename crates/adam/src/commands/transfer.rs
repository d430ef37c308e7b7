//! `adam import` and `adam export`: the organisation's directory as CSV files, through
//! [`adam_server::transfer`].

use crate::cli::Cli;
use crate::support::{open_state, open_store};
use adam_core::Actor;
use anyhow::{Result, anyhow, bail};
use std::path::Path;

/// `adam import`: checks the files, then imports them all or nothing (or only reports, with
/// `--dry-run`), showing its progress on standard error.
pub(crate) async fn import(cli: &Cli, dir: &Path, dry_run: bool) -> Result<()> {
    let state = open_state(open_store(cli).await?, "adam-cli").await?;
    if dry_run {
        let plan = {
            let w = state.world();
            adam_server::transfer::plan_import(&w, dir, &Actor::System, state.now())
        };
        return match plan {
            Ok(plan) => {
                eprintln!("the files are valid; importing would do: {}", plan.summary);
                Ok(())
            }
            Err(report) => {
                eprintln!("{report}");
                bail!("{} problem(s) found; nothing would be imported", report.problems.len())
            }
        };
    }
    let mut last = 0usize;
    let outcome = adam_server::transfer::import(&state, dir, Actor::System, |done, total| {
        if done == total || done >= last + 1000 {
            last = done;
            eprint!("\rchecked {done}/{total} rows");
        }
    })
    .await;
    eprintln!();
    match outcome {
        Ok(outcome) => {
            eprintln!("imported: {outcome}");
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
