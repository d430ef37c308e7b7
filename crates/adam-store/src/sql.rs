//! The small interface both backends offer to the shared storage logic.
//!
//! The write path (events to tables, change log, audit) and the cold load are written once,
//! against [`Tx`]: execute a statement, or stream the rows of a query. Each backend implements
//! it over its own transaction and maps its own errors, so the SQL text and the row codecs are
//! shared and the two backends cannot drift apart. SQL is written with PostgreSQL's `$n`
//! placeholders; the SQLite backend turns them into SQLite's equivalent `?n`.

use crate::StoreError;
use crate::keys::Keyring;
use adam_core::Revision;

/// A statement parameter. Every integer is bound as 64 bits (the PostgreSQL columns are
/// `BIGINT`); `None` binds SQL `NULL` of the right type.
#[derive(Debug)]
pub(crate) enum Val<'a> {
    /// An integer.
    Int(Option<i64>),
    /// Text.
    Text(Option<&'a str>),
    /// A boolean (0/1 in SQLite).
    Bool(bool),
    /// A JSON document (`jsonb`/`json` in PostgreSQL, text in SQLite).
    Json(Option<serde_json::Value>),
    /// Bytes (`BYTEA` in PostgreSQL, `BLOB` in SQLite): an attachment's chunks.
    Bytes(&'a [u8]),
}

impl Val<'_> {
    pub(crate) fn int(v: impl Into<i64>) -> Val<'static> {
        Val::Int(Some(v.into()))
    }

    pub(crate) fn opt_int<T: Into<i64>>(v: Option<T>) -> Val<'static> {
        Val::Int(v.map(Into::into))
    }
}

impl<'a> Val<'a> {
    pub(crate) fn text(v: &'a str) -> Val<'a> {
        Val::Text(Some(v))
    }

    pub(crate) fn opt_text(v: Option<&'a str>) -> Val<'a> {
        Val::Text(v)
    }
}

/// How a statement failed, as far as the shared logic needs to tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DbErrorKind {
    /// A `UNIQUE` or `PRIMARY KEY` constraint.
    Unique,
    /// A foreign key.
    ForeignKey,
    /// Anything else.
    Other,
}

/// A failed statement.
#[derive(Debug)]
pub(crate) struct DbError {
    pub(crate) kind: DbErrorKind,
    pub(crate) message: String,
}

impl From<DbError> for StoreError {
    fn from(e: DbError) -> StoreError {
        StoreError::Database(e.message)
    }
}

/// One row of a query result, read by column position.
pub(crate) trait Row {
    /// An integer column (`None` for NULL).
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    /// A text column, borrowed from the row.
    fn text(&self, i: usize) -> Result<Option<&str>, StoreError>;
    /// A text column as its bytes, not checked to be UTF-8 (for `verify`, which hashes and
    /// compares bytes and reads every record of the trail).
    fn bytes(&self, i: usize) -> Result<Option<&[u8]>, StoreError> {
        Ok(self.text(i)?.map(str::as_bytes))
    }
    /// A binary column (`BYTEA`/`BLOB`).
    fn blob(&self, i: usize) -> Result<Option<&[u8]>, StoreError>;
    /// A boolean column.
    fn boolean(&self, i: usize) -> Result<bool, StoreError>;
    /// A JSON column.
    fn json(&self, i: usize) -> Result<Option<serde_json::Value>, StoreError>;
}

/// The per-row callback of [`Tx::each`].
pub(crate) type RowFn<'f> = dyn FnMut(&dyn Row) -> Result<(), StoreError> + 'f;

/// A transaction (or a read snapshot) on one backend.
pub(crate) trait Tx {
    /// Executes a statement; returns the number of rows it changed.
    fn exec(&mut self, sql: &'static str, params: &[Val<'_>]) -> Result<u64, DbError>;
    /// Runs a query and hands each row to `f`, streaming (rows are not collected first).
    fn each(&mut self, sql: &'static str, params: &[Val<'_>], f: &mut RowFn<'_>) -> Result<(), StoreError>;
    /// Executes several statements without parameters (a migration).
    fn batch(&mut self, sql: &str) -> Result<(), DbError>;
    /// An identifier other connections can use to read exactly what this transaction reads
    /// (PostgreSQL's `pg_export_snapshot`), or `None` where the backend has none (SQLite).
    fn export_snapshot(&mut self) -> Result<Option<String>, StoreError> {
        Ok(None)
    }
    /// Whether the retention purge deletes through the database's `adam_audit_purge`
    /// function (PostgreSQL: the server's role may have no DELETE on the trail) rather than
    /// by its own statements (SQLite).
    fn purges_through_function(&self) -> bool {
        false
    }
}

/// Runs a query expected to return one row and reads it with `f` (`None` when no row).
pub(crate) fn one<T>(
    tx: &mut dyn Tx,
    sql: &'static str,
    params: &[Val<'_>],
    mut f: impl FnMut(&dyn Row) -> Result<T, StoreError>,
) -> Result<Option<T>, StoreError> {
    let mut out = None;
    tx.each(sql, params, &mut |row| {
        if out.is_none() {
            out = Some(f(row)?);
        }
        Ok(())
    })?;
    Ok(out)
}

/// Counts the table writes of a transaction and, when a test asked for it, fails the write
/// that comes after the first `n` (feature `failpoints`). Without the feature it only counts.
///
/// It also carries what must happen after the transaction commits: the audit checkpoints to
/// append to the external file, and the trail's new head to keep outside the database.
#[derive(Debug)]
pub(crate) struct Writes {
    done: usize,
    fail_after: Option<usize>,
    pub(crate) checkpoints: Vec<crate::keys::checkpoint::Checkpoint>,
    /// The trail's last record, its chain value and the instant, when the transaction appended
    /// to the trail (`keys/head.rs`).
    pub(crate) head: Option<(u64, [u8; 32], i64)>,
    /// How many audit records the search-key tail collects before they are indexed
    /// (`audit::tail::INDEX_BATCH` unless the store was told otherwise).
    pub(crate) index_batch: u64,
    /// Records per epoch of the lookup tables (`audit::tail::EPOCH` unless the store was told
    /// otherwise).
    pub(crate) epoch: u64,
    /// The store's mover of search keys (`key_mover.rs`, used by the trail's index); `None`
    /// moves each batch whole.
    pub(crate) mover: Option<std::sync::Arc<crate::key_mover::Mover>>,
    /// The batch `(from, through]` whose plan the store prepares after the commit.
    pub(crate) plan_wanted: Option<(u64, u64)>,
}

impl Writes {
    /// A transaction's writes, with the store's settings of the audit lookup tables (passed in
    /// by the backend, which holds them, so this module needs nothing from the trail's).
    pub(crate) fn new(fail_after: Option<usize>, index_batch: u64, epoch: u64) -> Writes {
        Writes {
            done: 0,
            fail_after,
            checkpoints: Vec::new(),
            head: None,
            index_batch,
            epoch,
            mover: None,
            plan_wanted: None,
        }
    }

    /// Executes one write, unless the failpoint says this is where the transaction breaks.
    pub(crate) fn exec(&mut self, tx: &mut dyn Tx, sql: &'static str, params: &[Val<'_>]) -> Result<u64, DbError> {
        if self.fail_after.is_some_and(|n| self.done >= n) {
            return Err(DbError {
                kind: DbErrorKind::Other,
                message: INJECTED.to_owned(),
            });
        }
        let n = tx.exec(sql, params)?;
        self.done += 1;
        Ok(n)
    }

    /// Counts a write made through a query (an `INSERT … RETURNING`), failing first when the
    /// failpoint says so.
    pub(crate) fn checkpoint(&mut self) -> Result<(), StoreError> {
        if self.fail_after.is_some_and(|n| self.done >= n) {
            return Err(write_error(DbError {
                kind: DbErrorKind::Other,
                message: INJECTED.to_owned(),
            }));
        }
        self.done += 1;
        Ok(())
    }
}

/// The message of an injected failure, recognised when the error is reported.
pub(crate) const INJECTED: &str = "failpoint: the transaction was broken on purpose";

/// Turns a write error into the store error, recognising an injected failure.
pub(crate) fn write_error(e: DbError) -> StoreError {
    if e.message == INJECTED {
        StoreError::Injected("commit failed after the requested number of table writes")
    } else {
        StoreError::Database(e.message)
    }
}

/// An id read from a column, checked to fit the engine's `u32` ids.
pub(crate) fn id_of(table: &'static str, column: &'static str, value: i64) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{table}.{column} holds {value}, not an id")))
}

/// A revision read from the change log, checked to be one (the column is signed).
pub(crate) fn revision_of(v: i64) -> Result<Revision, StoreError> {
    u64::try_from(v)
        .map(Revision)
        .map_err(|_| StoreError::Corrupt(format!("changes.revision holds {v}")))
}

/// A revision as a statement parameter (here, below the write path and the attachments that
/// both bind revisions, so that neither imports the other for it).
pub(crate) fn rev_val(r: Revision) -> Result<Val<'static>, StoreError> {
    i64::try_from(r.0)
        .map(Val::int)
        .map_err(|_| StoreError::Corrupt(format!("revision {r} does not fit the store")))
}

/// A row limit as a statement parameter.
pub(crate) fn limit_val(limit: usize) -> Val<'static> {
    Val::int(i64::try_from(limit).unwrap_or(i64::MAX))
}

/// A required integer column.
pub(crate) fn req_int(row: &dyn Row, i: usize, table: &'static str, column: &'static str) -> Result<i64, StoreError> {
    row.int(i)?
        .ok_or_else(|| StoreError::Corrupt(format!("{table}.{column} is NULL")))
}

/// A required id column.
pub(crate) fn req_id(row: &dyn Row, i: usize, table: &'static str, column: &'static str) -> Result<u32, StoreError> {
    id_of(table, column, req_int(row, i, table, column)?)
}

/// An optional id column.
pub(crate) fn opt_id(
    row: &dyn Row,
    i: usize,
    table: &'static str,
    column: &'static str,
) -> Result<Option<u32>, StoreError> {
    row.int(i)?.map(|v| id_of(table, column, v)).transpose()
}

/// A required text column.
pub(crate) fn req_text<'r>(
    row: &'r dyn Row,
    i: usize,
    table: &'static str,
    column: &'static str,
) -> Result<&'r str, StoreError> {
    row.text(i)?
        .ok_or_else(|| StoreError::Corrupt(format!("{table}.{column} is NULL")))
}

/// What a backend gives the shared logic: its name, its key directory, a read snapshot, a
/// locked write transaction, a read beside another transaction's snapshot (the workers of
/// `verify`) and its clean-up after a purge. The store's roles ([`crate::WorldStore`],
/// [`crate::AuditTrail`], [`crate::Credentials`], [`crate::Maintenance`]) are implemented
/// once, for every `Backend`, so the two backends cannot drift apart.
pub(crate) trait Backend: Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    const NAME: &'static str;

    /// The key directory.
    fn keyring(&self) -> &Keyring;

    /// Runs `f` in a read transaction (one consistent snapshot).
    fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T, StoreError>) -> Result<T, StoreError>;

    /// Runs `f` in a read transaction on a connection of its own that reads `snapshot`, when
    /// the backend can share one.
    fn read_beside(
        &self,
        snapshot: Option<&str>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Runs `f` in the locked write transaction; commits only on `Ok`.
    fn write<T>(&self, f: impl FnOnce(&mut dyn Tx, &mut Writes) -> Result<T, StoreError>) -> Result<T, StoreError>;

    /// Cleans up after a retention purge (what the deleted rows may have left behind).
    fn after_purge(&self) -> Result<(), StoreError>;
}
