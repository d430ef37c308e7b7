//! Schema migrations, one list per backend.
//!
//! The SQL files under `migrations/<backend>/NNNN_name.sql` are compiled into the binary, so a
//! deployed ADAM carries the schema it needs. At open, each migration not yet recorded in
//! `schema_migrations` is applied in its own transaction together with its record, in order;
//! re-opening applies nothing. A store migrated by a newer ADAM (a version this build does not
//! know) is refused rather than written to with an outdated idea of the schema.

use crate::StoreError;
use crate::sql::{Tx, Val, one};

/// One migration.
pub(crate) struct Migration {
    /// Its number, from 1, in order.
    pub(crate) version: i64,
    /// Its name (the file name without number and extension).
    pub(crate) name: &'static str,
    /// The statements.
    pub(crate) sql: &'static str,
}

/// The SQLite migrations.
pub(crate) const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/sqlite/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "authentication",
        sql: include_str!("../migrations/sqlite/0002_authentication.sql"),
    },
    Migration {
        version: 3,
        name: "audit_lookup",
        sql: include_str!("../migrations/sqlite/0003_audit_lookup.sql"),
    },
    Migration {
        version: 4,
        name: "attempts",
        sql: include_str!("../migrations/sqlite/0004_attempts.sql"),
    },
    Migration {
        version: 5,
        name: "attempt_locks",
        sql: include_str!("../migrations/sqlite/0005_attempt_locks.sql"),
    },
    Migration {
        version: 6,
        name: "token_last_used",
        sql: include_str!("../migrations/sqlite/0006_token_last_used.sql"),
    },
    Migration {
        version: 7,
        name: "registers",
        sql: include_str!("../migrations/sqlite/0007_registers.sql"),
    },
    Migration {
        version: 8,
        name: "attachments",
        sql: include_str!("../migrations/sqlite/0008_attachments.sql"),
    },
    Migration {
        version: 9,
        name: "governed_changes",
        sql: include_str!("../migrations/sqlite/0009_governed_changes.sql"),
    },
    Migration {
        version: 10,
        name: "replication",
        sql: include_str!("../migrations/sqlite/0010_replication.sql"),
    },
    Migration {
        version: 11,
        name: "audit_index_mark",
        sql: include_str!("../migrations/sqlite/0011_audit_index_mark.sql"),
    },
    Migration {
        version: 12,
        name: "hold_confirmation",
        sql: include_str!("../migrations/sqlite/0012_hold_confirmation.sql"),
    },
    Migration {
        version: 13,
        name: "custodian_requests",
        sql: include_str!("../migrations/sqlite/0013_custodian_requests.sql"),
    },
    Migration {
        version: 14,
        name: "attachment_refs",
        sql: include_str!("../migrations/sqlite/0014_attachment_refs.sql"),
    },
    Migration {
        version: 15,
        name: "purge_by_instant",
        sql: include_str!("../migrations/sqlite/0015_purge_by_instant.sql"),
    },
];

/// The PostgreSQL migrations.
pub(crate) const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial",
        sql: include_str!("../migrations/postgres/0001_initial.sql"),
    },
    Migration {
        version: 2,
        name: "authentication",
        sql: include_str!("../migrations/postgres/0002_authentication.sql"),
    },
    Migration {
        version: 3,
        name: "audit_lookup",
        sql: include_str!("../migrations/postgres/0003_audit_lookup.sql"),
    },
    Migration {
        version: 4,
        name: "attempts",
        sql: include_str!("../migrations/postgres/0004_attempts.sql"),
    },
    Migration {
        version: 5,
        name: "attempt_locks",
        sql: include_str!("../migrations/postgres/0005_attempt_locks.sql"),
    },
    Migration {
        version: 6,
        name: "token_last_used",
        sql: include_str!("../migrations/postgres/0006_token_last_used.sql"),
    },
    Migration {
        version: 7,
        name: "registers",
        sql: include_str!("../migrations/postgres/0007_registers.sql"),
    },
    Migration {
        version: 8,
        name: "attachments",
        sql: include_str!("../migrations/postgres/0008_attachments.sql"),
    },
    Migration {
        version: 9,
        name: "governed_changes",
        sql: include_str!("../migrations/postgres/0009_governed_changes.sql"),
    },
    Migration {
        version: 10,
        name: "replication",
        sql: include_str!("../migrations/postgres/0010_replication.sql"),
    },
    Migration {
        version: 11,
        name: "audit_index_mark",
        sql: include_str!("../migrations/postgres/0011_audit_index_mark.sql"),
    },
    Migration {
        version: 12,
        name: "hold_confirmation",
        sql: include_str!("../migrations/postgres/0012_hold_confirmation.sql"),
    },
    Migration {
        version: 13,
        name: "custodian_requests",
        sql: include_str!("../migrations/postgres/0013_custodian_requests.sql"),
    },
    Migration {
        version: 14,
        name: "attachment_refs",
        sql: include_str!("../migrations/postgres/0014_attachment_refs.sql"),
    },
    Migration {
        version: 15,
        name: "purge_by_instant",
        sql: include_str!("../migrations/postgres/0015_purge_by_instant.sql"),
    },
];

/// The bookkeeping table, in each backend's types.
pub(crate) const SQLITE_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, \
                                       name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT";
/// The bookkeeping table, in each backend's types.
pub(crate) const POSTGRES_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, \
                                         name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

/// Applies `migration` inside the transaction the backend opened (and locked) for it, unless
/// it is already recorded. Refuses a store that a newer ADAM migrated.
pub(crate) fn step(tx: &mut dyn Tx, table: &str, all: &[Migration], migration: &Migration) -> Result<(), StoreError> {
    tx.batch(table)?;
    let applied = one(tx, "SELECT max(version) FROM schema_migrations", &[], |row| row.int(0))?
        .flatten()
        .unwrap_or(0);
    let known = all.last().map_or(0, |m| m.version);
    if applied > known {
        return Err(StoreError::SchemaTooNew { found: applied, known });
    }
    if migration.version <= applied {
        return Ok(());
    }
    tx.batch(migration.sql).map_err(|e| {
        StoreError::Database(format!(
            "migration {:04}_{}: {}",
            migration.version, migration.name, e.message
        ))
    })?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    tx.exec(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
        &[Val::int(migration.version), Val::text(migration.name), Val::int(now)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_in_order_and_pair_up() {
        for list in [SQLITE, POSTGRES] {
            for (i, m) in list.iter().enumerate() {
                assert_eq!(m.version, i as i64 + 1);
            }
        }
        let names = |l: &[Migration]| l.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(names(SQLITE), names(POSTGRES));
    }
}
