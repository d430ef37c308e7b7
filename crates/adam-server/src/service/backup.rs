//! ADAM's own backups, as the server sees them (issue #18): the backups `serve` takes on a
//! schedule (`--backup-dir`, `--backup-every`, `--backup-keep`), each verified right after it
//! was taken; the record of a verification; and the body `adam backup verify --server` posts
//! to the continuity register's restore tests.
//!
//! Taking and verifying are `adam_store::backup` (blocking, run off the async threads); the
//! retention there deletes only files named as backups, never anything else in the directory.

use crate::state::AppState;
use adam_store::backup::{self, VerifyReport};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// A restore test as `adam backup verify --server` posts it to
/// `POST /api/v1/continuity/tests`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreTest {
    /// The system tested: `adam`, ADAM itself.
    pub subject: String,
    /// `restore`.
    pub kind: String,
    /// Whether the backup restored and proved whole.
    pub passed: bool,
    /// How long the restore and its proof took, in milliseconds (the measured restore time).
    pub duration_ms: u64,
    /// The revision the restore ends at (none when it did not get that far).
    pub revision: Option<u64>,
    /// What was proven, or the first thing wrong.
    pub findings: String,
}

impl RestoreTest {
    /// The restore test of ADAM itself that a verification is.
    pub fn of(report: &VerifyReport) -> RestoreTest {
        RestoreTest {
            subject: "adam".to_owned(),
            kind: "restore".to_owned(),
            passed: report.passed,
            duration_ms: report.duration_ms,
            revision: report.revision,
            findings: report.findings(),
        }
    }
}

/// Records a verification of ADAM's own backup.
// wired to the continuity register at merge (issue #18): the lead replaces this body with a
// restore test written to the register (and a security event when it failed).
pub async fn record_verification(state: &AppState, report: &VerifyReport) {
    let _ = state;
    if report.passed {
        tracing::info!(
            target: "adam::backup",
            file = %report.file,
            revision = report.revision.unwrap_or(0),
            duration_ms = report.duration_ms,
            "backup verified"
        );
    } else {
        tracing::warn!(
            target: "adam::backup",
            file = %report.file,
            duration_ms = report.duration_ms,
            failure = report.failure.as_deref().unwrap_or(""),
            "backup verification FAILED"
        );
    }
}

/// The schedule of backups `serve` takes.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// The store's location (as `adam_store::open` takes it).
    pub location: String,
    /// The key directory (read to verify; never copied into a backup).
    pub keys: PathBuf,
    /// Where the backups go.
    pub dir: PathBuf,
    /// How often.
    pub every: Duration,
    /// How many to keep (the newest).
    pub keep: usize,
}

/// Takes one backup into the schedule's directory, verifies it, records the verification,
/// and applies the retention. Returns the report.
pub async fn take_and_verify(state: &AppState, schedule: &Schedule) -> VerifyReport {
    let now = state.now();
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(now.0.saturating_mul(1000), |d| {
            i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
        });
    let file = schedule.dir.join(backup::retention::file_name(millis));
    let s = schedule.clone();
    let target = file.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&s.dir).map_err(|e| format!("{}: {e}", s.dir.display()))?;
        backup::create(&s.location, &target, now.0).map_err(|e| e.to_string())?;
        let report = backup::verify_report(&target, &s.keys, backup::Scratches::default());
        if report.passed {
            backup::retention::prune(&s.dir, s.keep).map_err(|e| e.to_string())?;
        }
        Ok::<_, String>(report)
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);
    let report = match outcome {
        Ok(report) => report,
        Err(failure) => VerifyReport {
            file: file.display().to_string(),
            passed: false,
            failure: Some(format!("the backup could not be taken: {failure}")),
            ..VerifyReport::default()
        },
    };
    if report.passed {
        state.metrics.backup_succeeded(now.0);
    }
    record_verification(state, &report).await;
    report
}

/// Takes a backup every `schedule.every`, the first one period after the start.
pub fn spawn_schedule(state: AppState, schedule: Schedule) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = schedule.every.max(Duration::from_secs(1));
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            take_and_verify(&state, &schedule).await;
        }
    })
}
