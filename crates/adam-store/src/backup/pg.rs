//! A PostgreSQL backup: the engine's own `pg_dump`, wrapped into ADAM's container.
//!
//! A `REPEATABLE READ` transaction exports its snapshot (`pg_export_snapshot`), counts the rows
//! and reads the revision and the trail's end in it, and holds it open while
//! `pg_dump --format=custom --snapshot=…` dumps exactly that snapshot: the manifest describes
//! the dump to the row, however many servers keep writing. The password never appears on a
//! command line (it goes to the child in `PGPASSWORD`). Verification restores the dump with
//! `pg_restore` into a scratch database created for it and dropped afterwards.

use super::sqlite::Facts;
use super::{AuditEnd, BackupError, FORMAT, Manifest, Member, PG_MEMBER, digest_file};
use postgres::{Client, IsolationLevel, NoTls};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::str::FromStr;

fn db(e: postgres::Error, what: &str) -> BackupError {
    BackupError::Store(crate::StoreError::Database(format!("{what}: {e}")))
}

fn client(url: &str) -> Result<Client, BackupError> {
    let config = postgres::Config::from_str(url).map_err(|e| BackupError::Location(e.to_string()))?;
    config
        .connect(NoTls)
        .map_err(|e| db(e, &format!("cannot connect to {}", crate::pg::redact(url))))
}

/// `url` without its password, and the password.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, password)) => (format!("{scheme}://{user}@{host}{tail}"), Some(password.to_owned())),
            None => (url.to_owned(), None),
        },
        None => (url.to_owned(), None),
    }
}

/// Runs a PostgreSQL client tool, the password passed in the environment.
fn tool(name: &str, args: &[&str], url: &str) -> Result<(), BackupError> {
    let (url, password) = split_password(url);
    let mut command = Command::new(name);
    command.arg("--dbname").arg(&url).arg("--no-password").args(args);
    if let Some(p) = password {
        command.env("PGPASSWORD", p);
    }
    let output = command.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            BackupError::Tool(format!(
                "{name} is not on PATH: a PostgreSQL store is backed up with PostgreSQL's own tools \
                 (install the PostgreSQL client of the server's version)"
            ))
        } else {
            BackupError::Tool(format!("{name} could not be started: {e}"))
        }
    })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(BackupError::Tool(format!("{name} failed ({}): {last}", output.status)));
    }
    Ok(())
}

/// Dumps the database at `location` into `scratch/adam.pgdump` and describes it.
pub(super) fn take(location: &str, scratch: &Path, now: i64) -> Result<Manifest, BackupError> {
    let mut client = client(location)?;
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| db(e, "begin"))?;
    let snapshot: String = tx
        .query_one("SELECT pg_export_snapshot()", &[])
        .and_then(|row| row.try_get(0))
        .map_err(|e| db(e, "pg_export_snapshot"))?;
    let facts = facts(&mut tx)?;
    let target = scratch.join(PG_MEMBER);
    let target_text = target
        .to_str()
        .ok_or_else(|| BackupError::Location(format!("{} is not a UTF-8 path", target.display())))?;
    tool(
        "pg_dump",
        &["--format=custom", "--snapshot", &snapshot, "--file", target_text],
        location,
    )?;
    // The snapshot was needed until pg_dump had taken it.
    tx.commit().map_err(|e| db(e, "commit"))?;
    let (sha256, size) = digest_file(&target)?;
    Ok(manifest(
        facts,
        now,
        vec![Member {
            name: PG_MEMBER.to_owned(),
            size,
            sha256,
        }],
    ))
}

fn manifest(facts: Facts, now: i64, members: Vec<Member>) -> Manifest {
    Manifest {
        format: FORMAT,
        backend: "postgresql".to_owned(),
        created_at: now,
        adam_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: facts.schema_version,
        revision: facts.revision,
        audit: facts.audit,
        tables: facts.tables,
        attachments: facts.attachments,
        attachment_bytes: facts.attachment_bytes,
        members,
    }
}

/// The manifest's facts read from the database at `url` (members left empty).
pub(super) fn describe(url: &str, now: i64) -> Result<Manifest, BackupError> {
    let mut client = client(url)?;
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(|e| db(e, "begin"))?;
    let facts = facts(&mut tx)?;
    tx.commit().map_err(|e| db(e, "commit"))?;
    Ok(manifest(facts, now, Vec::new()))
}

fn count(v: i64, what: &str) -> Result<u64, BackupError> {
    u64::try_from(v).map_err(|_| BackupError::Store(crate::StoreError::Corrupt(format!("{what} is negative"))))
}

fn facts(tx: &mut postgres::Transaction<'_>) -> Result<Facts, BackupError> {
    let mut int = |sql: &str| -> Result<i64, BackupError> {
        tx.query_one(sql, &[])
            .and_then(|row| row.try_get::<_, Option<i64>>(0))
            .map(|v| v.unwrap_or(0))
            .map_err(|e| db(e, sql))
    };
    let schema_version = int("SELECT max(version)::bigint FROM schema_migrations")?;
    let revision = count(int("SELECT max(revision)::bigint FROM changes")?, "changes.revision")?;
    let attachments = count(
        int("SELECT count(*)::bigint FROM attachments WHERE digest IS NOT NULL")?,
        "attachments",
    )?;
    let attachment_bytes = count(
        int("SELECT coalesce(sum(size), 0)::bigint FROM attachments WHERE digest IS NOT NULL")?,
        "attachments.size",
    )?;
    let audit = match tx
        .query_opt(
            "SELECT seq::bigint, chain FROM audit_chain ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .map_err(|e| db(e, "the audit trail's end"))?
    {
        Some(row) => AuditEnd {
            records: count(row.try_get(0).map_err(|e| db(e, "audit_chain.seq"))?, "audit_chain.seq")?,
            chain: row.try_get(1).map_err(|e| db(e, "audit_chain.chain"))?,
        },
        None => AuditEnd::default(),
    };
    let names: Vec<String> = tx
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
            &[],
        )
        .map_err(|e| db(e, "the list of tables"))?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()
        .map_err(|e| db(e, "the list of tables"))?;
    let mut tables = BTreeMap::new();
    for name in names {
        let sql = format!("SELECT count(*)::bigint FROM \"{}\"", name.replace('"', "\"\""));
        let n: i64 = tx
            .query_one(sql.as_str(), &[])
            .and_then(|row| row.try_get(0))
            .map_err(|e| db(e, &sql))?;
        tables.insert(name.clone(), count(n, &name)?);
    }
    Ok(Facts {
        schema_version,
        revision,
        audit,
        tables,
        attachments,
        attachment_bytes,
    })
}

/// `url` pointing at database `db` instead.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base.get(scheme_end..).and_then(|rest| rest.find('/')) {
        Some(i) => base.get(..scheme_end + i).unwrap_or(base),
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

/// A scratch database a backup was restored into; dropped with it.
pub(super) struct Restored {
    admin: String,
    name: String,
    url: String,
}

impl Restored {
    pub(super) fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for Restored {
    fn drop(&mut self) {
        if let Ok(mut admin) = client(&self.admin) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name));
        }
    }
}

/// Creates a scratch database on the server of `admin` and restores `dump` into it.
pub(super) fn restore(admin: &str, dump: &Path) -> Result<Restored, BackupError> {
    let mut random = [0u8; 6];
    getrandom::fill(&mut random).map_err(|e| BackupError::Tool(format!("no randomness: {e}")))?;
    let name = format!("adam_verify_{}", crate::hex::hex(&random));
    client(admin)?
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .map_err(|e| db(e, "cannot create a scratch database for the restore"))?;
    let restored = Restored {
        admin: admin.to_owned(),
        url: with_database(admin, &name),
        name,
    };
    let dump_text = dump
        .to_str()
        .ok_or_else(|| BackupError::Location(format!("{} is not a UTF-8 path", dump.display())))?;
    tool(
        "pg_restore",
        &["--no-owner", "--no-privileges", "--exit-on-error", dump_text],
        &restored.url,
    )?;
    Ok(restored)
}
