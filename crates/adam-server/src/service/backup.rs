//! ADAM's own backups, as the server sees them (issue #18): the backups `serve` takes on a
//! schedule (`--backup-dir`, `--backup-every`, `--backup-keep`), each verified right after it
//! was taken; the record of a verification; and the body `adam backup verify --server` posts
//! to the continuity register's restore tests.
//!
//! Taking and verifying are `adam_store::backup` (blocking, run off the async threads); the
//! retention there deletes only files named as backups, never anything else in the directory.

use crate::state::AppState;
use adam_core::Timestamp;
use adam_core::register::continuity::{Prose, Scenario, Span, Subject, TestFields, TestKind};
use adam_store::backup::{self, VerifyReport};
use std::path::PathBuf;
use std::time::Duration;

/// The restore test of ADAM itself that a verification is (Art. 29(3)), as `serve` records it
/// and as `adam backup verify --server` posts it to `POST /api/v1/continuity/tests`: a total
/// loss restored from the backup, held at `held_at`, its measured duration (whole seconds,
/// rounded up) as the restore's duration, and what was proven or the first thing wrong.
pub fn restore_test(report: &VerifyReport, held_at: Timestamp) -> TestFields {
    let findings = report.findings();
    let findings = if findings.trim().is_empty() {
        if report.passed {
            "verified"
        } else {
            "the verification failed"
        }
        .to_owned()
    } else {
        findings
    };
    TestFields {
        subject: Subject::Adam,
        kind: TestKind::RestoreTest,
        scenario: Scenario::TotalLoss,
        component: None,
        announced: None,
        held_at,
        participants: Vec::new(),
        measured_rto: None,
        measured_rpo: None,
        revisions_lost: None,
        duration: Some(Span::seconds(report.duration_ms.div_ceil(1000))),
        passed: report.passed,
        // A report's text is at most a few lines; a longer one is cut at the register's limit.
        findings: Prose::parse("findings", &findings.chars().take(Prose::MAX).collect::<String>()).ok(),
        tasks: Vec::new(),
    }
}

/// Records a verification of ADAM's own backup in the continuity register as a restore test
/// of ADAM itself, written by ADAM (the console actor); a failed one raises a security event
/// (`service::continuity`). A record that cannot be written is logged, never lost silently.
pub async fn record_verification(state: &AppState, report: &VerifyReport) {
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
    let fields = restore_test(report, state.now());
    if let Err(e) = crate::service::continuity::record_test_as_adam(state, fields).await {
        tracing::error!(
            target: "adam::backup",
            problem = %e.code,
            detail = %e.detail,
            "the verification could not be recorded in the continuity register"
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
