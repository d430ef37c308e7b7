//! `adam audit`: verify the trail, sign a checkpoint, run the retention purge.

use crate::cli::{AuditCommand, Cli};
use crate::support::{console, off, open_store};
use adam_server::Clock;
use anyhow::Result;

/// Verifies the trail (exit status 1 when it is not intact), signs a checkpoint or purges.
pub(crate) async fn audit(cli: &Cli, command: &AuditCommand) -> Result<()> {
    let store = open_store(cli).await?;
    let now = Clock::System.now();
    match command {
        AuditCommand::Verify { json, workers } => {
            let workers = usize::from(*workers);
            let verdict = off(move || store.audit_verify_in(workers)).await??;
            if *json {
                println!("{}", serde_json::to_string_pretty(&verdict)?);
            } else {
                println!("{}", verdict.summary());
                for p in verdict.problems.iter().take(20) {
                    println!("  record {}: {}", p.seq, p.what);
                }
            }
            if !verdict.intact() {
                std::process::exit(1);
            }
        }
        AuditCommand::Checkpoint => match off(move || store.audit_checkpoint(now)).await?? {
            Some(c) => println!("checkpoint signed at record {} ({})", c.seq, c.chain),
            None => println!("nothing new since the last checkpoint"),
        },
        AuditCommand::Purge { days } => {
            let days = *days;
            let context = console(now);
            let report = off(move || store.audit_purge(&context, days)).await??;
            println!(
                "purged {} access record(s) of days up to {} (retention {} days; {} day(s) held)",
                report.records,
                utc_date(report.through_period),
                report.retention_days,
                report.held.len()
            );
        }
    }
    Ok(())
}

/// A day of the trail (days since 1970-01-01, UTC) as the date a person reads:
/// `2026-03-02 (UTC)`. The trail's days are UTC days, so the zone is said.
fn utc_date(day: i64) -> String {
    let midnight = adam_core::Timestamp(day.saturating_mul(86_400)).to_string();
    format!("{} (UTC)", midnight.get(..10).unwrap_or(&midnight))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_purge_day_reads_as_a_date() {
        assert_eq!(super::utc_date(0), "1970-01-01 (UTC)");
        assert_eq!(super::utc_date(20_514), "2026-03-02 (UTC)");
    }
}
