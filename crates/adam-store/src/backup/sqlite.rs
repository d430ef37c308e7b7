//! A SQLite backup: `VACUUM INTO` on a read-only connection to the live file.
//!
//! `VACUUM INTO` copies the database as one read transaction sees it: in WAL mode the server
//! keeps committing meanwhile (readers never block the writer), and the copy is consistent —
//! every commit is in it whole or not at all. The copy is compact (no free pages, so no
//! deleted rows left readable) and holds the attachments' sealed chunks. The facts of the
//! manifest are read from the copy itself, so they describe exactly what was copied.

use super::{AuditEnd, BackupError, FORMAT, Manifest, Member, SQLITE_MEMBER, digest_file};
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

fn db(e: rusqlite::Error, what: &str) -> BackupError {
    BackupError::Store(crate::StoreError::Database(format!("{what}: {e}")))
}

/// Copies the live database at `live` into `scratch/adam.db` and describes it.
pub(super) fn take(live: &Path, scratch: &Path, now: i64) -> Result<Manifest, BackupError> {
    if !live.is_file() {
        return Err(BackupError::Location(format!(
            "{} does not exist: there is no store to back up",
            live.display()
        )));
    }
    // Read-only: the backup never writes to the live store.
    let conn = Connection::open_with_flags(live, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| db(e, &format!("cannot open {}", live.display())))?;
    conn.busy_timeout(Duration::from_secs(30))
        .map_err(|e| db(e, "busy timeout"))?;
    let target = scratch.join(SQLITE_MEMBER);
    let target_text = target
        .to_str()
        .ok_or_else(|| BackupError::Location(format!("{} is not a UTF-8 path", target.display())))?;
    conn.execute("VACUUM INTO ?1", [target_text])
        .map_err(|e| db(e, "the online copy (VACUUM INTO) failed"))?;
    drop(conn);
    let mut manifest = describe(&target, now)?;
    let (sha256, size) = digest_file(&target)?;
    manifest.members.push(Member {
        name: SQLITE_MEMBER.to_owned(),
        size,
        sha256,
    });
    Ok(manifest)
}

/// The manifest's facts read from a SQLite file (members left empty).
pub(super) fn describe(file: &Path, now: i64) -> Result<Manifest, BackupError> {
    let conn = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| db(e, &format!("cannot open {}", file.display())))?;
    let facts = facts(&conn)?;
    Ok(Manifest {
        format: FORMAT,
        backend: "sqlite".to_owned(),
        created_at: now,
        adam_version: env!("CARGO_PKG_VERSION").to_owned(),
        schema_version: facts.schema_version,
        revision: facts.revision,
        audit: facts.audit,
        tables: facts.tables,
        attachments: facts.attachments,
        attachment_bytes: facts.attachment_bytes,
        members: Vec::new(),
    })
}

/// What a database holds, as the manifest and the verification compare it.
pub(super) struct Facts {
    pub(super) schema_version: i64,
    pub(super) revision: u64,
    pub(super) audit: AuditEnd,
    pub(super) tables: BTreeMap<String, u64>,
    pub(super) attachments: u64,
    pub(super) attachment_bytes: u64,
}

fn count(v: i64, what: &str) -> Result<u64, BackupError> {
    u64::try_from(v).map_err(|_| BackupError::Store(crate::StoreError::Corrupt(format!("{what} is negative"))))
}

/// Reads the facts in one read transaction.
pub(super) fn facts(conn: &Connection) -> Result<Facts, BackupError> {
    conn.execute_batch("BEGIN").map_err(|e| db(e, "begin"))?;
    let int = |sql: &str| -> Result<i64, BackupError> {
        conn.query_row(sql, [], |row| row.get::<_, Option<i64>>(0))
            .map(|v| v.unwrap_or(0))
            .map_err(|e| db(e, sql))
    };
    let schema_version = int("SELECT max(version) FROM schema_migrations")?;
    let revision = count(int("SELECT max(revision) FROM changes")?, "changes.revision")?;
    let audit = conn
        .query_row(
            "SELECT seq, chain FROM audit_chain ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)),
        )
        .map(Some)
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            e => Err(db(e, "the audit trail's end")),
        })?;
    let audit = match audit {
        Some((seq, chain)) => AuditEnd {
            records: count(seq, "audit_chain.seq")?,
            chain,
        },
        None => AuditEnd::default(),
    };
    let attachments = count(
        int("SELECT count(*) FROM attachments WHERE digest IS NOT NULL")?,
        "attachments",
    )?;
    let attachment_bytes = count(
        int("SELECT coalesce(sum(size), 0) FROM attachments WHERE digest IS NOT NULL")?,
        "attachments.size",
    )?;
    let names: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .map_err(|e| db(e, "the list of tables"))?;
        let rows = stmt
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| db(e, "the list of tables"))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| db(e, "the list of tables"))?
    };
    let mut tables = BTreeMap::new();
    for name in names {
        // The names come from sqlite_master; quoted as identifiers all the same.
        let n = int(&format!("SELECT count(*) FROM \"{}\"", name.replace('"', "\"\"")))?;
        tables.insert(name.clone(), count(n, &name)?);
    }
    conn.execute_batch("COMMIT").map_err(|e| db(e, "commit"))?;
    Ok(Facts {
        schema_version,
        revision,
        audit,
        tables,
        attachments,
        attachment_bytes,
    })
}
