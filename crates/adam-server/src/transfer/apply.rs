//! Applying an import through the server: planned off the async threads against a snapshot,
//! then written as one revision through the single write path, audited under `adam-import`.

use super::dry_run::explain;
use super::plan::plan_import_with_progress;
use super::report::{ImportError, ImportOutcome, ImportPlan, RowRef};
use crate::state::AppState;
use adam_core::{Actor, Error, Timestamp, World};
use std::path::Path;

/// The application name the import's audit records carry.
pub const APPLICATION: &str = "adam-import";

/// The application an import's audit records carry: [`APPLICATION`], with the operator who ran
/// it when known (`adam-import (operator jana)`). The engine acts as the console
/// (`Actor::System`) — the operator need not be an account of ADAM — so the person is named
/// here, where every record of the import shows it. Only letters, digits and `._@-` of the
/// name are kept, at most 64, so a name cannot forge the rest of the field.
pub fn application(operator: Option<&str>) -> String {
    let name: String = operator
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_alphanumeric() || "._@-".contains(*c))
        .take(64)
        .collect();
    if name.is_empty() {
        APPLICATION.to_owned()
    } else {
        format!("{APPLICATION} (operator {name})")
    }
}

/// Imports the four files in `dir` as `actor` through the server's write path: checks and
/// dry-runs every row against a snapshot of the organisation (calling `progress(done,
/// total)` meanwhile), then writes the whole import as one revision, audited under the
/// application `adam-import`. When the files already agree with ADAM nothing is written and
/// the outcome says "nothing to change".
pub async fn import(
    state: &AppState,
    dir: &Path,
    actor: Actor,
    progress: impl FnMut(usize, usize),
) -> Result<ImportOutcome, ImportError> {
    import_by(state, dir, actor, None, progress).await
}

/// [`import`], with the operator who runs it named in every audit record (see
/// [`application`]).
pub async fn import_by(
    state: &AppState,
    dir: &Path,
    actor: Actor,
    operator: Option<&str>,
    mut progress: impl FnMut(usize, usize),
) -> Result<ImportOutcome, ImportError> {
    let snapshot = state.world().clone();
    let at = state.now();
    let folder = dir.to_path_buf();
    // Checking thousands of rows is CPU work: it runs off the async threads and reports its
    // progress back through a channel, so the caller's callback need not be `Send`.
    let (tx, mut rx) = tokio::sync::watch::channel((0usize, 0usize));
    let mut task = tokio::task::spawn_blocking(move || {
        plan_import_with_progress(&snapshot, &folder, &actor, at, |done, total| {
            tx.send_replace((done, total));
        })
    });
    let mut reported = (0usize, 0usize);
    let joined = loop {
        tokio::select! {
            joined = &mut task => break joined,
            changed = rx.changed() => match changed {
                Ok(()) => {
                    reported = *rx.borrow_and_update();
                    progress(reported.0, reported.1);
                }
                Err(_) => break (&mut task).await,
            },
        }
    };
    // The task may finish before its last report was seen; the caller still gets it.
    let last = *rx.borrow();
    if last != reported {
        progress(last.0, last.1);
    }
    let plan = joined
        .map_err(|e| ImportError::Task(e.to_string()))?
        .map_err(ImportError::Rejected)?;
    if plan.is_empty() {
        return Ok(ImportOutcome {
            revision: None,
            commands: 0,
            summary: plan.summary,
            rows: plan.rows,
        });
    }
    let mut context = state.context(actor, None);
    context.application = Some(application(operator));
    let commands = plan.commands().len();
    match state.execute_as(actor, context, plan.batch.clone()).await {
        Ok(written) => Ok(ImportOutcome {
            revision: Some(written.revision()),
            commands,
            summary: plan.summary,
            rows: plan.rows,
        }),
        Err(problem) => {
            let (row, message) = match refused_row(&state.world(), &actor, &plan, state.now()) {
                Some((row, message)) => (row, message),
                None => (None, problem.detail.clone()),
            };
            Err(ImportError::Refused {
                row,
                message,
                problem: Box::new(problem),
            })
        }
    }
}

/// When the write path refuses a checked batch (the organisation changed in between), plans
/// it again against `world` to name the row whose command the engine now refuses, and why.
pub(super) fn refused_row(
    world: &World,
    actor: &Actor,
    plan: &ImportPlan,
    at: Timestamp,
) -> Option<(Option<RowRef>, String)> {
    match world.plan(actor, plan.batch.clone(), at) {
        Err(Error::BatchItem { index, error }) => Some((plan.sources.get(index).copied(), explain(world, &error))),
        _ => None,
    }
}
