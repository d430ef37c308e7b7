//! PostgreSQL's own failover, for `adam drill` on PostgreSQL (issue #18, Art. 15(3)): on
//! PostgreSQL the standby is the database's streaming replica, an existing engine, so a drill
//! fences ADAM's database on the old primary and promotes the replica with PostgreSQL's own
//! `pg_promote()`; ADAM's servers, whose URLs list both nodes with
//! `target_session_attrs=read-write`, reconnect to the promoted node on their own.
//!
//! The URLs are an administrator's (a superuser, or a role allowed to alter the database, end
//! other sessions and run `pg_promote`), naming ADAM's database.

use crate::StoreError;
use crate::pg::{config_of, db_error};
use postgres::NoTls;
use std::time::{Duration, Instant};

fn client(url: &str) -> Result<postgres::Client, StoreError> {
    let (config, location) = config_of(url)?;
    config.connect(NoTls).map_err(|e| StoreError::Open {
        location,
        reason: db_error(&e).message,
    })
}

fn failed(what: &str, e: &postgres::Error) -> StoreError {
    StoreError::Database(format!("{what}: {}", db_error(e).message))
}

/// Whether the server at `url` is a replica (in recovery).
pub fn is_replica(url: &str) -> Result<bool, StoreError> {
    client(url)?
        .query_one("SELECT pg_is_in_recovery()", &[])
        .map(|row| row.get(0))
        .map_err(|e| failed("pg_is_in_recovery", &e))
}

/// Fences ADAM's database (the one `url` names) on the old primary, as a stopped or cut-off
/// node would be: new connections are refused and every session is ended. PostgreSQL does
/// not let a session fence its own database, so the fence is set from the server's
/// `postgres` database. Returns the database's name. Undone by [`unfence`].
pub fn fence(url: &str) -> Result<String, StoreError> {
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
    let mut c = config.connect(NoTls).map_err(|e| StoreError::Open {
        location,
        reason: db_error(&e).message,
    })?;
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
    Ok(name)
}

/// Lets connections to `database` in again on the server at `url` (any database of that
/// server, e.g. `postgres`), after a drill.
pub fn unfence(url: &str, database: &str) -> Result<(), StoreError> {
    client(url)?
        .batch_execute(&format!(
            "ALTER DATABASE {} WITH ALLOW_CONNECTIONS true",
            quote_ident(database)
        ))
        .map_err(|e| failed("unfencing the database", &e))
}

/// Promotes the replica at `url` with `pg_promote()`, waiting until it accepts writes (at most
/// `wait`). Returns how long the promotion took.
pub fn promote(url: &str, wait: Duration) -> Result<Duration, StoreError> {
    let mut c = client(url)?;
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
