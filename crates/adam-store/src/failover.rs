//! PostgreSQL's own failover, for `adam drill` on PostgreSQL (issue #18, Art. 15(3)): on
//! PostgreSQL the standby is the database's streaming replica, an existing engine, so a drill
//! fences ADAM's database on the old primary, lets the replica replay to the fence, promotes it
//! with PostgreSQL's own `pg_promote()` and lifts the fence there (a fence is a change of the
//! catalogue, which the replica replayed too); ADAM's servers, whose URLs list both nodes with
//! `target_session_attrs=read-write`, reconnect to the promoted node on their own.
//!
//! The URLs are an administrator's (a superuser, or a role allowed to alter the database, end
//! other sessions and run `pg_promote`), naming ADAM's database. Every step connects to the
//! server's `postgres` database, never to ADAM's, which may be fenced.

use crate::StoreError;
use crate::pg::{config_of, db_error};
use postgres::NoTls;
use std::time::{Duration, Instant};

/// A connection to the server `url` names, in its `postgres` database, and the name of ADAM's
/// database (the one `url` names).
fn admin(url: &str) -> Result<(postgres::Client, String), StoreError> {
    let (mut config, location) = config_of(url)?;
    let name = config
        .get_dbname()
        .or(config.get_user())
        .map(str::to_owned)
        .ok_or_else(|| StoreError::Open {
            location: location.clone(),
            reason: "the URL names no database".to_owned(),
        })?;
    config.dbname("postgres");
    let client = config.connect(NoTls).map_err(|e| StoreError::Open {
        location,
        reason: db_error(&e).message,
    })?;
    Ok((client, name))
}

fn failed(what: &str, e: &postgres::Error) -> StoreError {
    StoreError::Database(format!("{what}: {}", db_error(e).message))
}

/// Whether the server at `url` is a replica (in recovery).
pub fn is_replica(url: &str) -> Result<bool, StoreError> {
    admin(url)?
        .0
        .query_one("SELECT pg_is_in_recovery()", &[])
        .map(|row| row.get(0))
        .map_err(|e| failed("pg_is_in_recovery", &e))
}

/// A fenced database, and where the old primary's WAL ended once it was fenced.
#[derive(Clone, Debug)]
pub struct Fenced {
    /// The database's name.
    pub database: String,
    /// The old primary's WAL position after the fence (nothing of ADAM's is written past it).
    pub lsn: String,
}

/// Fences ADAM's database (the one `url` names) on the old primary, as a stopped or cut-off
/// node would be: new connections are refused and every session is ended. Undone by
/// [`unfence`].
pub fn fence(url: &str) -> Result<Fenced, StoreError> {
    let (mut c, name) = admin(url)?;
    c.batch_execute(&format!(
        "ALTER DATABASE {} WITH ALLOW_CONNECTIONS false",
        quote_ident(&name)
    ))
    .map_err(|e| failed("fencing the database", &e))?;
    c.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        &[&name],
    )
    .map_err(|e| failed("ending the database's sessions", &e))?;
    // Where the WAL was *inserted* up to, not where it was written: with asynchronous commit
    // a committed change may still sit in the WAL buffers, behind `pg_current_wal_lsn()`.
    let lsn: String = c
        .query_one("SELECT pg_current_wal_insert_lsn()::text", &[])
        .map_err(|e| failed("pg_current_wal_insert_lsn", &e))?
        .get(0);
    Ok(Fenced { database: name, lsn })
}

/// Lets connections in again to ADAM's database (the one `url` names). A fence is a change of
/// the catalogue, so a replica that replayed past it is fenced too: the drill lifts it on the
/// promoted node; on the old primary it is lifted only once that node follows the new one.
pub fn unfence(url: &str) -> Result<(), StoreError> {
    let (mut c, name) = admin(url)?;
    c.batch_execute(&format!(
        "ALTER DATABASE {} WITH ALLOW_CONNECTIONS true",
        quote_ident(&name)
    ))
    .map_err(|e| failed("unfencing the database", &e))
}

/// Waits until the replica at `url` has replayed the WAL up to `lsn` (at most `wait`); how long
/// that took. A fenced primary writes no more of ADAM's changes, so a replica that has replayed
/// its WAL to the fence holds every committed change: promoted then, nothing is lost.
pub fn wait_for_replay(url: &str, lsn: &str, wait: Duration) -> Result<Duration, StoreError> {
    let (mut c, _) = admin(url)?;
    let started = Instant::now();
    loop {
        let done: bool = c
            .query_one(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, false)",
                &[&lsn],
            )
            .map_err(|e| failed("pg_last_wal_replay_lsn", &e))?
            .get(0);
        if done {
            return Ok(started.elapsed());
        }
        if started.elapsed() >= wait {
            return Err(StoreError::Database(format!(
                "the replica did not replay the old primary's WAL to {lsn} within {} s",
                wait.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Promotes the replica at `url` with `pg_promote()`, waiting until it accepts writes (at most
/// `wait`). Returns how long the promotion took.
pub fn promote(url: &str, wait: Duration) -> Result<Duration, StoreError> {
    let (mut c, _) = admin(url)?;
    let in_recovery: bool = c
        .query_one("SELECT pg_is_in_recovery()", &[])
        .map_err(|e| failed("pg_is_in_recovery", &e))?
        .get(0);
    if !in_recovery {
        return Err(StoreError::Database(
            "the replica is not in recovery: it is a primary already (promoted by an earlier drill?)".to_owned(),
        ));
    }
    let started = Instant::now();
    let seconds = i32::try_from(wait.as_secs().max(1)).unwrap_or(i32::MAX);
    let done: bool = c
        .query_one("SELECT pg_promote(true, $1)", &[&seconds])
        .map_err(|e| failed("pg_promote", &e))?
        .get(0);
    if !done {
        return Err(StoreError::Database(format!(
            "pg_promote did not finish within {seconds} s"
        )));
    }
    Ok(started.elapsed())
}

/// A PostgreSQL identifier, quoted.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::quote_ident;

    #[test]
    fn identifiers_are_quoted_with_their_quotes_doubled() {
        assert_eq!(quote_ident("adam"), "\"adam\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }
}
